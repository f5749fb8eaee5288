package io.dataflow.flink.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.manifest.ConnectorSpec;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.RecordingCommitterFactory;
import io.dataflow.flink.testing.RecordingCommitterFactory.Commit;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order in which {@link SinkCommitterOperator} commits, in Flink's operator test harness with a committer that
 * records every commit call ({@code recording-committer}, test only): a completed checkpoint commits the groups of
 * it and the checkpoints before it, nothing later; an aborted or subsumed checkpoint's group is committed once, with
 * the next completed checkpoint and under its own id; a late notification of an older checkpoint commits nothing
 * again; a restore commits what the state held, once, under the commit user it was kept with.
 */
class SinkCommitterOperatorTest {

    private final String log = "committer-" + UUID.randomUUID();

    private ConnectorSpec spec() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues config = ConfigValidator.validate("sink.config", new ObjectMapper().readTree("{\"log\":\"" + log + "\"}"),
                ConnectorRegistry.sink("recording-committer").sinkOptions(), errors);
        assertThat(errors.list()).isEmpty();
        return new ConnectorSpec("recording-committer", config);
    }

    private OneInputStreamOperatorTestHarness<byte[], Message> committer(OperatorSubtaskState restoredFrom) throws Exception {
        var harness = new OneInputStreamOperatorTestHarness<>(new SinkCommitterOperator(spec(), "committer-test", "sink"));
        harness.setup();
        if (restoredFrom == null) {
            harness.initializeEmptyState();
        } else {
            harness.initializeState(restoredFrom);
        }
        harness.open();
        return harness;
    }

    /** What a writer hands over before the barrier of {@code checkpointId}: its records since the last barrier. */
    private static void receive(OneInputStreamOperatorTestHarness<byte[], Message> committer, long checkpointId, String records)
            throws Exception {
        committer.processElement(new WriterCommittable(checkpointId, records.getBytes(StandardCharsets.UTF_8)).encode(), 0L);
    }

    private List<Commit> commits() {
        return RecordingCommitterFactory.commits(log);
    }

    /** The commits as checkpoint → records, without the commit user. */
    private List<String> committed() {
        return commits().stream().map(c -> c.checkpointId() + "=" + String.join(",", c.records())).toList();
    }

    @Test
    void aCompletedCheckpointCommitsItselfAndTheCheckpointsBeforeItButNothingLater() throws Exception {
        try (var committer = committer(null)) {
            receive(committer, 1, "a,b");
            committer.snapshot(1, 1);
            receive(committer, 2, "c");
            receive(committer, 2, "d");
            committer.snapshot(2, 2);
            receive(committer, 3, "e");
            committer.snapshot(3, 3);
            receive(committer, 4, "f"); // before barrier 4: not in any snapshot yet

            committer.notifyOfCompletedCheckpoint(1);
            assertThat(committed()).as("checkpoint 1 completed; 2 and 3 are still in flight").containsExactly("1=a,b");

            committer.notifyOfCompletedCheckpoint(2);
            assertThat(committed()).as("both writers' committables of checkpoint 2 in one commit").containsExactly("1=a,b", "2=c,d");
            assertThat(commits()).extracting(Commit::commitUser).as("one commit user per run").containsOnly(commits().get(0).commitUser());
        }
    }

    @Test
    void anAbortedCheckpointIsCommittedOnceUnderItsOwnIdWithTheNextCompletedOne() throws Exception {
        try (var committer = committer(null)) {
            receive(committer, 1, "a");
            committer.snapshot(1, 1);
            committer.getOperator().notifyCheckpointAborted(1);
            assertThat(committed()).as("an aborted checkpoint commits nothing").isEmpty();

            receive(committer, 2, "b");
            committer.snapshot(2, 2);
            committer.notifyOfCompletedCheckpoint(2);
            assertThat(committed()).containsExactly("1=a", "2=b");

            committer.notifyOfCompletedCheckpoint(1);
            committer.notifyOfCompletedCheckpoint(2);
            assertThat(committed()).as("late and repeated notifications commit nothing twice").containsExactly("1=a", "2=b");
        }
    }

    @Test
    void subsumedCheckpointsAreCommittedOnceInOrderAndLateNotificationsCommitNothingTwice() throws Exception {
        try (var committer = committer(null)) {
            receive(committer, 1, "a");
            committer.snapshot(1, 1);
            receive(committer, 2, "b");
            committer.snapshot(2, 2);
            receive(committer, 3, "c");
            committer.snapshot(3, 3);

            committer.notifyOfCompletedCheckpoint(3);
            assertThat(committed()).as("the notifications of 1 and 2 were skipped").containsExactly("1=a", "2=b", "3=c");

            committer.notifyOfCompletedCheckpoint(1);
            committer.notifyOfCompletedCheckpoint(2);
            receive(committer, 4, "d");
            committer.snapshot(4, 4);
            committer.notifyOfCompletedCheckpoint(4);
            assertThat(committed()).containsExactly("1=a", "2=b", "3=c", "4=d");
        }
    }

    @Test
    void aWritersLastCommittablesAndOnesOfACheckpointTheCommitterNeverSnapshottedGoWithTheNextSnapshot() throws Exception {
        try (var committer = committer(null)) {
            receive(committer, 4, "a"); // barrier 4 never reached this operator: checkpoint 4 was aborted upstream
            receive(committer, 5, "b");
            receive(committer, WriterCommittable.END_OF_INPUT, "c");
            committer.snapshot(5, 5);
            committer.notifyOfCompletedCheckpoint(5);
            assertThat(committed()).containsExactly("4=a", "5=b,c");
        }
    }

    @Test
    void aRestoreCommitsWhatTheStateHeldOnceUnderItsCommitUserAndLaterCheckpointsUnderANewOne() throws Exception {
        OperatorSubtaskState checkpoint2;
        try (var committer = committer(null)) {
            receive(committer, 1, "a");
            committer.snapshot(1, 1);
            receive(committer, 2, "b");
            checkpoint2 = committer.snapshot(2, 2);
            receive(committer, 3, "c");
            committer.snapshot(3, 3);
            // the job fails: checkpoint 2 completed, no notification of 1, 2 or 3 reached the committer
        }
        assertThat(committed()).isEmpty();

        try (var restored = committer(checkpoint2)) {
            assertThat(committed()).as("checkpoints 1 and 2 from the state, in order; 3 is replayed by the writers")
                    .containsExactly("1=a", "2=b");
            String formerUser = commits().get(0).commitUser();
            assertThat(commits()).extracting(Commit::commitUser).as("the commit user the state kept").containsOnly(formerUser);

            restored.notifyOfCompletedCheckpoint(2); // a late notification of the restored checkpoint
            receive(restored, 3, "c");
            restored.snapshot(3, 3);
            restored.notifyOfCompletedCheckpoint(3);
            assertThat(committed()).containsExactly("1=a", "2=b", "3=c");
            assertThat(commits().get(2).commitUser()).as("a fresh commit user for the restored run").isNotEqualTo(formerUser);
        }
    }
}
