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
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.kafka.clients.admin.TransactionState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order of commits of the exactly-once Kafka sink's operator ({@link SinkWriterOperator}) in Flink's operator
 * test harness against the real broker, with checkpoints overlapping as Flink lets them: the completion of checkpoint
 * N makes visible to read_committed consumers exactly the records written before N's barrier; the records of an
 * aborted checkpoint become visible once, with the next completed checkpoint; late notifications of older checkpoints
 * commit nothing, in particular not the transaction that is open on a pooled id one of them used before.
 */
@RealServers(Server.KAFKA)
class KafkaExactlyOnceCheckpointOrderingITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 10;

    private final String topic = "eos-order-" + UUID.randomUUID().toString().substring(0, 8);

    private OneInputStreamOperatorTestHarness<Message, Message> writer() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        String json = "{\"brokers\":\"" + Kafka.bootstrap() + "\",\"topic\":\"" + topic + "\",\"deliveryGuarantee\":\"exactly-once\","
                + "\"transactionalIdPrefix\":\"" + topic + "\"}";
        ConfigValues config = ConfigValidator.validate("sink.config", JSON.readTree(json), new KafkaConnectorFactory().sinkOptions(), errors);
        assertThat(errors.list()).isEmpty();
        var harness = new OneInputStreamOperatorTestHarness<>(new SinkWriterOperator(new ConnectorSpec("kafka", config), "order", "sink", false));
        harness.getStreamConfig().setCheckpointingEnabled(true);
        harness.setup(MessageSerializer.INSTANCE);
        harness.initializeEmptyState();
        harness.open();
        return harness;
    }

    /** Writes records {@code <name>0} … {@code <name>9} and returns them. */
    private static List<String> write(OneInputStreamOperatorTestHarness<Message, Message> writer, String name) throws Exception {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            String value = "{\"r\":\"" + name + i + "\"}";
            writer.processElement(Message.of(value), 0);
            values.add(value);
        }
        return values;
    }

    /** The barrier of {@code id} passes the writer: flush and pre-commit, as the task does. */
    private static void checkpoint(OneInputStreamOperatorTestHarness<Message, Message> writer, long id) throws Exception {
        writer.prepareSnapshotPreBarrier(id);
        writer.snapshot(id, id);
    }

    private static List<String> all(List<List<String>> parts) {
        return parts.stream().flatMap(List::stream).toList();
    }

    private List<String> committed() {
        return Kafka.readAll(topic, "read_committed");
    }

    @Test
    void eachCompletionCommitsExactlyTheCheckpointsUpToItAndAbortedOrLateOnesNothingTwice() throws Exception {
        Kafka.createTopic(topic, 1); // one partition: read_committed shows the records in the order they were written
        try (var writer = writer()) {
            List<String> a = write(writer, "a");
            checkpoint(writer, 1);
            List<String> b = write(writer, "b");
            checkpoint(writer, 2);
            List<String> c = write(writer, "c");
            checkpoint(writer, 3);
            assertThat(committed()).as("three checkpoints taken, none completed").isEmpty();

            writer.notifyOfCompletedCheckpoint(2);
            assertThat(committed()).as("checkpoint 2 completed (1 subsumed): a and b, not c of the pending checkpoint 3")
                    .containsExactlyElementsOf(all(List.of(a, b)));

            writer.getOperator().notifyCheckpointAborted(3);
            assertThat(committed()).as("checkpoint 3 aborted: c stays pre-committed").containsExactlyElementsOf(all(List.of(a, b)));

            List<String> d = write(writer, "d");
            checkpoint(writer, 4);
            writer.notifyOfCompletedCheckpoint(4);
            assertThat(committed()).as("checkpoint 4 completed: c of the aborted checkpoint with it, once")
                    .containsExactlyElementsOf(all(List.of(a, b, c, d)));

            List<String> e = write(writer, "e");
            writer.prepareSnapshotPreBarrier(5); // flushed: its transaction, on an id a, b or c used, is open on the broker
            assertThat(KafkaExactlyOnceITCase.transactions(topic)).containsValue(TransactionState.ONGOING);
            writer.notifyOfCompletedCheckpoint(1);
            writer.notifyOfCompletedCheckpoint(3);
            writer.notifyOfCompletedCheckpoint(2);
            writer.notifyOfCompletedCheckpoint(4);
            assertThat(committed()).as("late and repeated notifications commit nothing, not the open transaction of e")
                    .containsExactlyElementsOf(all(List.of(a, b, c, d)));

            writer.snapshot(5, 5);
            writer.notifyOfCompletedCheckpoint(5);
            assertThat(committed()).as("every record once").containsExactlyElementsOf(all(List.of(a, b, c, d, e)));
        }
        assertThat(Kafka.endOffsets(topic, "read_committed")).as("no transaction left open")
                .isEqualTo(Kafka.endOffsets(topic, "read_uncommitted"));
    }
}
