package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.manifest.Config;
import io.dataflow.flink.manifest.ConfigValidator;
import io.dataflow.flink.manifest.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RepeatedFailureProbe;
import io.dataflow.flink.testing.Server;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exactly-once Kafka sink against the real broker: the two-phase commit of a single connector across a simulated
 * crash, and a Kafka → Kafka job with three failures injected mid-stream read back by a read_committed consumer.
 */
@RealServers(Server.KAFKA)
class KafkaExactlyOnceITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private final KafkaConnectorFactory factory = new KafkaConnectorFactory();

    private static String uniqueTopic(String name) {
        return "eos-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private KafkaExactlyOnceSinkConnector sink(String topic) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        String json = "{\"brokers\":\"" + Kafka.bootstrap() + "\",\"topic\":\"" + topic + "\",\"deliveryGuarantee\":\"exactly-once\","
                + "\"transactionalIdPrefix\":\"" + topic + "\"}";
        Config config = ConfigValidator.validate("sink.config", JSON.readTree(json), factory.sinkOptions(), errors);
        factory.validateSink(config, errors);
        assertThat(errors.list()).isEmpty();
        return (KafkaExactlyOnceSinkConnector) factory.createSink(config,
                new ConnectorContext("it", "sink", 0, 1, new UnregisteredMetricsGroup()));
    }

    private static void write(KafkaExactlyOnceSinkConnector sink, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            sink.write(Message.of("{\"i\":" + i + "}"));
        }
    }

    private static List<String> committed(String topic) {
        return Kafka.readAll(topic, "read_committed");
    }

    private static void assertNoOpenTransaction(String topic) {
        assertThat(Kafka.endOffsets(topic, "read_committed")).as("last stable offsets = end offsets: no transaction left open")
                .isEqualTo(Kafka.endOffsets(topic, "read_uncommitted"));
    }

    @Test
    void preCommittedTransactionIsCommittedByTheRestartedSink() throws Exception {
        String topic = uniqueTopic("resume");
        Kafka.createTopic(topic, 2);
        List<byte[]> checkpoint;
        KafkaExactlyOnceSinkConnector crashed = sink(topic);
        crashed.restoreState(0, List.of());
        crashed.connect();
        write(crashed, 0, 100);
        crashed.flush();
        checkpoint = crashed.snapshotState(1);
        assertThat(checkpoint).hasSize(1);
        assertThat(committed(topic)).as("pre-committed, not visible").isEmpty();
        crashed.close(); // the task dies before checkpoint 1's completion reaches it: no commit

        try (KafkaExactlyOnceSinkConnector restarted = sink(topic)) {
            restarted.restoreState(1, checkpoint);
            restarted.connect();
        }
        assertThat(committed(topic)).hasSize(100).doesNotHaveDuplicates();
        assertNoOpenTransaction(topic);

        // Restoring the same checkpoint again (a second failure) must not commit anything twice or fail.
        try (KafkaExactlyOnceSinkConnector again = sink(topic)) {
            again.restoreState(1, checkpoint);
            again.connect();
        }
        assertThat(committed(topic)).hasSize(100);
    }

    @Test
    void transactionLeftOpenByAFailedAttemptIsAbortedOnRestart() throws Exception {
        String topic = uniqueTopic("linger");
        Kafka.createTopic(topic, 2);
        KafkaExactlyOnceSinkConnector failed = sink(topic);
        failed.restoreState(0, List.of());
        failed.connect();
        write(failed, 0, 50);
        List<byte[]> checkpoint = failed.snapshotState(1);
        failed.checkpointComplete(1);
        write(failed, 50, 80); // after checkpoint 1: left open when the attempt dies without closing (a zombie)
        failed.flush();
        assertThat(committed(topic)).hasSize(50);
        assertThat(Kafka.endOffsets(topic, "read_committed")).isNotEqualTo(Kafka.endOffsets(topic, "read_uncommitted"));

        try (KafkaExactlyOnceSinkConnector restarted = sink(topic)) {
            restarted.restoreState(1, checkpoint);
            restarted.connect();
            assertNoOpenTransaction(topic);
            write(restarted, 50, 80);
            restarted.snapshotState(2);
            restarted.checkpointComplete(2);
        }
        failed.close(); // the zombie was fenced: its abort fails and is only logged
        List<String> values = committed(topic);
        assertThat(values).hasSize(80).doesNotHaveDuplicates();
        assertThat(Kafka.readAll(topic).size()).as("the aborted records are still in the log, skipped by read_committed").isEqualTo(110);
        assertNoOpenTransaction(topic);
    }

    @Test
    void kafkaToKafkaWithThreeFailuresDeliversEveryRecordExactlyOnce() throws Exception {
        int records = 20_000;
        String in = uniqueTopic("in");
        String out = uniqueTopic("out");
        Kafka.createTopic(in, 3);
        Kafka.createTopic(out, 3);
        Kafka.produce(in, records, i -> "{\"id\":" + i + "}");
        String yaml = "replicas: 2\n"
                + "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + in + "\n"
                + "    consumerGroup: g-" + in + "\n    bounded: true\n"
                + "sink:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + out + "\n"
                + "    deliveryGuarantee: exactly-once\n    flushFrequency: 5ms\n";
        RepeatedFailureProbe.reset(records / 5);

        long start = System.nanoTime();
        MiniClusterJobs.run(yaml, "eos-" + out, JobCompiler.withProbeAfterSource(new RepeatedFailureProbe(3, records / 5)), 300, 10);
        long millis = (System.nanoTime() - start) / 1_000_000;

        List<String> committed = committed(out);
        int all = Kafka.readAll(out).size();
        System.out.printf("exactly-once Kafka -> Kafka: %d records, %d failures injected, %d records passed the probe, "
                        + "%d committed, %d in the log including aborted transactions, %d ms%n",
                records, RepeatedFailureProbe.FAILURES.get(), RepeatedFailureProbe.SEEN.get(), committed.size(), all, millis);
        assertThat(RepeatedFailureProbe.FAILURES).as("failures injected").hasValue(3);
        assertThat(RepeatedFailureProbe.SEEN.get()).as("records were replayed after the restarts").isGreaterThan(records);
        assertThat(committed).as("a read_committed consumer sees every record once")
                .hasSize(records)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, records).mapToObj(i -> "{\"id\":" + i + "}").collect(Collectors.toList()));
        assertThat(all).as("the log also holds the replayed records of aborted transactions, which read_committed skips")
                .isGreaterThan(records);
        assertNoOpenTransaction(out);
    }
}
