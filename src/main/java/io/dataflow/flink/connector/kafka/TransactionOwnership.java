package io.dataflow.flink.connector.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which transactional ids a subtask of the exactly-once sink owns: it alone commits or aborts their transactions and
 * only it opens new ones under the first of them. Ownership is by former subtask number ({@code <prefix>-<n>-…}),
 * as in Flink's own KafkaSink (its {@code EXPLICIT_BY_WRITER_STATE} model):
 * <ul>
 *   <li>each subtask keeps one {@link OwnedSubtaskState} per number it owns in its list state; on a rescale Flink
 *       hands every entry to exactly one subtask, which then owns that number (a scale-down gives a subtask several);</li>
 *   <li>a subtask that receives no entry (a fresh start, or one of the added subtasks of a scale-up: Flink gives
 *       entries to the lowest subtasks first, and there are at most as many entries as numbers) owns its own index,
 *       which no entry names;</li>
 *   <li>{@code subtasks} is the largest parallelism the job ever had, the same on every subtask; an id whose number is
 *       not below it (left by an attempt at a higher parallelism that failed before its first checkpoint) belongs to
 *       the owner of {@code number mod subtasks}.</li>
 * </ul>
 * So every number is owned by exactly one subtask and a pre-committed transaction always reaches the subtask that
 * owns its id. State of the earlier, one-entry-per-transaction form carries no numbers: then a subtask owns its own
 * index modulo the parallelism, the earlier rule.
 */
final class TransactionOwnership {

    private final SortedSet<Integer> owned;
    private final int subtasks;

    private TransactionOwnership(SortedSet<Integer> owned, int subtasks) {
        this.owned = owned;
        this.subtasks = subtasks;
    }

    static TransactionOwnership of(int subtask, int parallelism, List<OwnedSubtaskState> restored) {
        if (restored.isEmpty()) {
            return new TransactionOwnership(new TreeSet<>(List.of(subtask)), parallelism);
        }
        SortedSet<Integer> owned = new TreeSet<>();
        int subtasks = parallelism;
        for (OwnedSubtaskState state : restored) {
            owned.add(state.subtask());
            subtasks = Math.max(subtasks, state.subtasks());
        }
        return new TransactionOwnership(owned, subtasks);
    }

    boolean owns(int formerSubtask) {
        return owned.contains(formerSubtask % subtasks);
    }

    /** The number this subtask's new transactional ids carry. */
    int namingSubtask() {
        return owned.first();
    }

    SortedSet<Integer> owned() {
        return owned;
    }

    int subtasks() {
        return subtasks;
    }

    /** The list state entries: one per owned number; the pending transactions, all of the naming number, go with it. */
    List<OwnedSubtaskState> snapshot(List<PendingTransaction> pending) {
        List<OwnedSubtaskState> states = new ArrayList<>(owned.size());
        for (int number : owned) {
            states.add(new OwnedSubtaskState(number, subtasks, number == namingSubtask() ? pending : List.of()));
        }
        return states;
    }

    @Override
    public String toString() {
        return "subtask numbers " + owned + " (mod " + subtasks + ")";
    }
}
