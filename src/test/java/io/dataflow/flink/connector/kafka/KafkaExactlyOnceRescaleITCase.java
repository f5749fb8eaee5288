package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.manifest.ConnectorSpec;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.message.MessageSerializer;
import io.dataflow.flink.runtime.SinkWriterOperator;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.kafka.clients.admin.TransactionState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exactly-once Kafka sink's operator ({@link SinkWriterOperator}) in Flink's operator test harness against the
 * real broker, rescaled as Flink rescales it: the subtasks' list state is snapshotted, repackaged, repartitioned by
 * Flink's own repartitioner to the new parallelism and restored. Each attempt is killed between a checkpoint's
 * pre-commit and its commit, with a transaction opened after that checkpoint left open (a zombie, never closed before
 * the restored job runs). After each restore: every record once for read_committed consumers, no transaction left
 * open under the job's prefix after the restored job's first checkpoint, and a few pooled ids per subtask.
 */
@RealServers(Server.KAFKA)
class KafkaExactlyOnceRescaleITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PARALLELISM = 128;
    private static final int RECORDS_PER_CHECKPOINT = 30;

    private final String topic = "eos-rescale-" + UUID.randomUUID().toString().substring(0, 8);
    /** The records a read_committed consumer must end up with, each once. */
    private final List<String> expected = new ArrayList<>();
    private int next;

    private ConnectorSpec spec() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        String json = "{\"brokers\":\"" + Kafka.bootstrap() + "\",\"topic\":\"" + topic + "\",\"deliveryGuarantee\":\"exactly-once\","
                + "\"transactionalIdPrefix\":\"" + topic + "\"}";
        ConfigValues config = ConfigValidator.validate("sink.config", JSON.readTree(json), new KafkaConnectorFactory().sinkOptions(), errors);
        assertThat(errors.list()).isEmpty();
        return new ConnectorSpec("kafka", config);
    }

    private int restoredParallelism;

    private List<OneInputStreamOperatorTestHarness<Message, Message>> start(int parallelism, OperatorSubtaskState restored) throws Exception {
        List<OneInputStreamOperatorTestHarness<Message, Message>> subtasks = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            var harness = new OneInputStreamOperatorTestHarness<>(new SinkWriterOperator(spec(), "rescale", "sink", false),
                    MAX_PARALLELISM, parallelism, i);
            harness.getStreamConfig().setCheckpointingEnabled(true);
            harness.setup(MessageSerializer.INSTANCE);
            if (restored == null) {
                harness.initializeEmptyState();
            } else {
                harness.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        restored, MAX_PARALLELISM, restoredParallelism, parallelism, i));
            }
            harness.open();
            subtasks.add(harness);
        }
        return subtasks;
    }

    /** Writes the next records, spread over the subtasks; {@code replayed}: they will be written again after a restore. */
    private void write(List<OneInputStreamOperatorTestHarness<Message, Message>> subtasks, boolean replayed) throws Exception {
        for (int i = 0; i < RECORDS_PER_CHECKPOINT; i++) {
            String value = "{\"i\":" + (next + i) + "}";
            subtasks.get(i % subtasks.size()).processElement(Message.of(value), 0);
            if (!replayed) {
                expected.add(value);
            }
        }
        if (!replayed) {
            next += RECORDS_PER_CHECKPOINT;
        }
    }

    private static List<OperatorSubtaskState> checkpoint(List<OneInputStreamOperatorTestHarness<Message, Message>> subtasks, long id)
            throws Exception {
        List<OperatorSubtaskState> states = new ArrayList<>();
        for (var subtask : subtasks) {
            subtask.prepareSnapshotPreBarrier(id);
            states.add(subtask.snapshot(id, id));
        }
        return states;
    }

    private static void complete(List<OneInputStreamOperatorTestHarness<Message, Message>> subtasks, long id) throws Exception {
        for (var subtask : subtasks) {
            subtask.notifyOfCompletedCheckpoint(id);
        }
    }

    /**
     * Runs {@code checkpoints} checkpoints from {@code firstCheckpoint} (completion of each arriving after the next
     * records were written), then writes, pre-commits the last one and dies before its commit, with records written
     * after it in open transactions. Returns the last checkpoint's state, repackaged as one.
     */
    private OperatorSubtaskState runAndKill(List<OneInputStreamOperatorTestHarness<Message, Message>> subtasks, long firstCheckpoint,
                                            int checkpoints) throws Exception {
        write(subtasks, false);
        for (long c = firstCheckpoint; c < firstCheckpoint + checkpoints; c++) {
            checkpoint(subtasks, c);
            write(subtasks, false);
            complete(subtasks, c);
        }
        long last = firstCheckpoint + checkpoints;
        List<OperatorSubtaskState> states = checkpoint(subtasks, last);
        write(subtasks, true); // after the last checkpoint: the restored job gets them again from its source
        for (var subtask : subtasks) {
            // Flushed, as the flush timer would, so that the open transactions are known to the broker. The harnesses
            // stay open: their producers are zombies, fenced by the restored job.
            subtask.prepareSnapshotPreBarrier(last + 1);
        }
        restoredParallelism = subtasks.size();
        return AbstractStreamOperatorTestHarness.repackageState(states.toArray(new OperatorSubtaskState[0]));
    }

    private void assertEveryRecordOnceAndNothingOpen(String when) throws Exception {
        assertThat(Kafka.readAll(topic, "read_committed")).as(when + ": every record once for read_committed consumers")
                .hasSize(expected.size()).containsExactlyInAnyOrderElementsOf(expected);
        Map<String, TransactionState> transactions = KafkaExactlyOnceITCase.transactions(topic);
        assertThat(transactions).as(when + ": no transaction left open under the prefix").doesNotContainValue(TransactionState.ONGOING);
        assertThat(Kafka.endOffsets(topic, "read_committed")).as(when + ": last stable offsets = end offsets")
                .isEqualTo(Kafka.endOffsets(topic, "read_uncommitted"));
    }

    @Test
    void scaleDownFromTwoToOneAndUpToThreeCommitsEveryRecordOnceAndLeavesNoTransactionOpen() throws Exception {
        Kafka.createTopic(topic, 3);
        List<List<OneInputStreamOperatorTestHarness<Message, Message>>> zombies = new ArrayList<>();

        var two = start(2, null);
        zombies.add(two);
        OperatorSubtaskState atTwo = runAndKill(two, 1, 12);

        // 2 -> 1: subtask 0 gets both former subtasks' state, commits their pre-committed transactions (checkpoint 13
        // completed, the notification never arrived) and aborts the open ones of both.
        var one = start(1, atTwo);
        zombies.add(one);
        write(one, false); // the records written after checkpoint 13 again, as the restored job's source replays them
        checkpoint(one, 14);
        complete(one, 14);
        assertEveryRecordOnceAndNothingOpen("after 2 -> 1");
        OperatorSubtaskState atOne = runAndKill(one, 15, 12);

        // 1 -> 3: the former subtask numbers 0 and 1 go to subtasks 0 and 1, subtask 2 owns its own.
        var three = start(3, atOne);
        write(three, false);
        checkpoint(three, 28);
        complete(three, 28);
        assertEveryRecordOnceAndNothingOpen("after 1 -> 3");
        write(three, false);
        checkpoint(three, 29);
        complete(three, 29);
        for (var subtask : three) {
            subtask.close();
        }
        for (var attempt : zombies) {
            for (var zombie : attempt) {
                zombie.close(); // fenced: aborting their open transaction fails and is only logged
            }
        }
        assertEveryRecordOnceAndNothingOpen("at the end");

        Map<String, TransactionState> ids = KafkaExactlyOnceITCase.transactions(topic);
        System.out.printf("exactly-once sink rescaled 2 -> 1 -> 3 over 29 checkpoints: transactional ids %s%n", ids.keySet());
        assertThat(ids.keySet()).as("pooled ids, a few per subtask number, used again across checkpoints and attempts")
                .allMatch(id -> id.matches(topic + "-[012]-pool-[0-2]"));
        assertThat(IntStream.range(0, 3).mapToObj(n -> topic + "-" + n + "-pool-0")).allMatch(ids::containsKey);
    }

    /**
     * 1 -> 3 -> 1 with a pre-committed, not yet committed transaction in every snapshot: the restore alone (before the
     * restored job's first checkpoint) makes those records visible, whichever new subtask received the entry.
     */
    @Test
    void scaleUpFromOneToThreeAndBackToOneCommitsThePreCommittedTransactionsOfTheStateOnRestore() throws Exception {
        Kafka.createTopic(topic, 3);
        var one = start(1, null);
        OperatorSubtaskState atOne = runAndKill(one, 1, 2);
        assertThat(Kafka.readAll(topic, "read_committed")).as("checkpoint 3 pre-committed, its completion never notified")
                .hasSizeLessThan(expected.size());

        var three = start(3, atOne);
        assertThat(Kafka.readAll(topic, "read_committed")).as("1 -> 3: restored, before any new checkpoint")
                .containsExactlyInAnyOrderElementsOf(expected);
        write(three, false);
        checkpoint(three, 4);
        complete(three, 4);
        assertEveryRecordOnceAndNothingOpen("after 1 -> 3");
        OperatorSubtaskState atThree = runAndKill(three, 5, 2);

        var backToOne = start(1, atThree);
        assertThat(Kafka.readAll(topic, "read_committed")).as("3 -> 1: restored, before any new checkpoint")
                .containsExactlyInAnyOrderElementsOf(expected);
        write(backToOne, false);
        checkpoint(backToOne, 8);
        complete(backToOne, 8);
        assertEveryRecordOnceAndNothingOpen("after 3 -> 1");
        for (var subtask : backToOne) {
            subtask.close();
        }
        for (var zombie : one) {
            zombie.close();
        }
        for (var zombie : three) {
            zombie.close();
        }
        assertEveryRecordOnceAndNothingOpen("at the end");
    }

    @Test
    void aScaleUpAttemptThatDiedBeforeItsFirstCheckpointLeavesNothingOpenAfterTheOlderStateIsRestored() throws Exception {
        Kafka.createTopic(topic, 3);
        var two = start(2, null);
        OperatorSubtaskState atTwo = runAndKill(two, 1, 3);

        // A restore at parallelism 4 writes under subtask numbers 2 and 3 too, and dies before its first checkpoint...
        var four = start(4, atTwo);
        write(four, true);
        for (var subtask : four) {
            subtask.prepareSnapshotPreBarrier(5);
        }
        assertThat(KafkaExactlyOnceITCase.transactions(topic)).containsEntry(topic + "-3-pool-0", TransactionState.ONGOING);

        // ...so the job goes back to the checkpoint taken at 2: numbers 2 and 3 belong to subtasks 0 and 1 (mod 2).
        restoredParallelism = 2;
        var again = start(2, atTwo);
        write(again, false);
        checkpoint(again, 5);
        complete(again, 5);
        assertEveryRecordOnceAndNothingOpen("after the restore at 2");
        for (var subtask : again) {
            subtask.close();
        }
        for (var zombie : two) {
            zombie.close();
        }
        for (var zombie : four) {
            zombie.close();
        }
        assertEveryRecordOnceAndNothingOpen("at the end");
    }
}
