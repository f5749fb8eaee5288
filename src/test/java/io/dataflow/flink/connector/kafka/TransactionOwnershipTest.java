package io.dataflow.flink.connector.kafka;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which subtask owns which transactional ids of the exactly-once Kafka sink, and the state that says so. */
class TransactionOwnershipTest {

    private static OwnedSubtaskState state(int subtask, int subtasks) {
        return new OwnedSubtaskState(subtask, subtasks, List.of());
    }

    /** The subtask owning each of the former subtask numbers 0..n-1, checking that exactly one does. */
    private static List<Integer> owners(List<TransactionOwnership> subtasks, int n) {
        return IntStream.range(0, n).mapToObj(number -> {
            List<Integer> owners = IntStream.range(0, subtasks.size()).filter(i -> subtasks.get(i).owns(number)).boxed().toList();
            assertThat(owners).as("owners of subtask number " + number).hasSize(1);
            return owners.get(0);
        }).toList();
    }

    @Test
    void aFreshStartOwnsItsOwnIndex() {
        List<TransactionOwnership> subtasks = IntStream.range(0, 3).mapToObj(i -> TransactionOwnership.of(i, 3, List.of())).toList();
        assertThat(owners(subtasks, 9)).containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2);
        assertThat(subtasks.get(2).namingSubtask()).isEqualTo(2);
    }

    @Test
    void aScaleDownGivesTheRemovedNumbersToTheSubtasksThatGotTheirState() {
        // 5 -> 2, as Flink splits five list state entries: [0, 1, 2] and [3, 4]
        TransactionOwnership first = TransactionOwnership.of(0, 2, List.of(state(0, 5), state(1, 5), state(2, 5)));
        TransactionOwnership second = TransactionOwnership.of(1, 2, List.of(state(3, 5), state(4, 5)));
        assertThat(owners(List.of(first, second), 10)).containsExactly(0, 0, 0, 1, 1, 0, 0, 0, 1, 1);
        assertThat(second.namingSubtask()).as("its new ids carry a number it owns, not its own index 1").isEqualTo(3);
        assertThat(second.snapshot(List.of())).containsExactly(state(3, 5), state(4, 5));
    }

    @Test
    void aScaleUpGivesTheAddedSubtasksTheirOwnIndex() {
        // 1 -> 3 after an earlier 2 -> 1: entries [0, 1] go to subtasks 0 and 1, subtask 2 gets none
        List<TransactionOwnership> subtasks = List.of(TransactionOwnership.of(0, 3, List.of(state(0, 2))),
                TransactionOwnership.of(1, 3, List.of(state(1, 2))), TransactionOwnership.of(2, 3, List.of()));
        assertThat(owners(subtasks, 6)).containsExactly(0, 1, 2, 0, 1, 2);
        assertThat(subtasks.get(0).snapshot(List.of())).containsExactly(state(0, 3));
    }

    @Test
    void pendingTransactionsTravelWithTheNamingNumber() {
        PendingTransaction pending = new PendingTransaction("p-3-pool-0", 7, (short) 2, 11);
        TransactionOwnership ownership = TransactionOwnership.of(1, 2, List.of(state(4, 5), state(3, 5)));
        List<OwnedSubtaskState> snapshot = ownership.snapshot(List.of(pending));
        assertThat(snapshot).containsExactly(new OwnedSubtaskState(3, 5, List.of(pending)), state(4, 5));
        assertThat(snapshot.stream().map(s -> OwnedSubtaskState.decode(s.encode())).toList()).isEqualTo(snapshot);
    }

    @Test
    void stateOfTheVersionBeforeThePoolIsTold() {
        byte[] legacy = new PendingTransaction("p-0-3", 7, (short) 0, 3).encode();
        assertThat(OwnedSubtaskState.isOwnedSubtaskState(legacy)).isFalse();
        assertThat(PendingTransaction.decode(legacy)).isEqualTo(new PendingTransaction("p-0-3", 7, (short) 0, 3));
        assertThatThrownBy(() -> OwnedSubtaskState.decode("{\"version\":2,\"subtask\":3,\"subtasks\":2,\"pending\":[]}".getBytes()))
                .hasMessageContaining("subtask 3 of 2");
    }
}
