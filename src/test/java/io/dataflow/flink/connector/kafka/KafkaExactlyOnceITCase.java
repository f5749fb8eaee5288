package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RepeatedFailureProbe;
import io.dataflow.flink.testing.Server;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exactly-once Kafka sink against the real broker: the two-phase commit of a single connector across a simulated
 * crash, the pool of transactional ids it uses again from checkpoint to checkpoint, and a Kafka → Kafka job with
 * three failures injected mid-stream read back by a read_committed consumer. Rescaling: {@link KafkaExactlyOnceRescaleITCase}.
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
        ConfigValues config = ConfigValidator.validate("sink.config", JSON.readTree(json), factory.sinkOptions(), errors);
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

    /** Every transactional id the broker knows under {@code prefix}, with its state (the broker keeps ids for 7 days). */
    static Map<String, TransactionState> transactions(String prefix) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrap()))) {
            return admin.listTransactions().all().get(60, TimeUnit.SECONDS).stream()
                    .filter(t -> t.transactionalId().startsWith(prefix + "-"))
                    .collect(Collectors.toMap(TransactionListing::transactionalId, TransactionListing::state));
        }
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
    void fiftyCheckpointsUseAFewTransactionalIdsAgainAndAgain() throws Exception {
        String topic = uniqueTopic("pool");
        Kafka.createTopic(topic, 3);
        int checkpoints = 50;
        try (KafkaExactlyOnceSinkConnector sink = sink(topic)) {
            sink.restoreState(0, List.of());
            sink.connect();
            write(sink, 0, 10);
            for (long c = 1; c <= checkpoints; c++) {
                sink.flush();
                sink.snapshotState(c);
                int from = (int) c * 10;
                write(sink, from, from + 10); // the next transaction is written while checkpoint c's commit is pending
                if (c % 5 != 0) {
                    sink.checkpointComplete(c);
                } // else: c's completion arrives only with c + 1's, after c + 1 was taken: three transactions in use
            }
            sink.flush();
            sink.snapshotState(checkpoints + 1);
            sink.checkpointComplete(checkpoints + 1);
        }
        Map<String, TransactionState> ids = transactions(topic);
        System.out.printf("exactly-once sink: %d checkpoints, transactional ids %s%n", checkpoints + 1, ids);
        assertThat(ids.keySet()).as("the pool: at most as many ids as transactions in use at once, used again")
                .containsOnly(topic + "-0-pool-0", topic + "-0-pool-1", topic + "-0-pool-2");
        assertThat(committed(topic)).hasSize((checkpoints + 1) * 10)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, (checkpoints + 1) * 10).mapToObj(i -> "{\"i\":" + i + "}").toList());
        assertNoOpenTransaction(topic);
    }

    @Test
    void restoredTransactionWhoseIdWasUsedAgainIsNotCommittedTwice() throws Exception {
        String topic = uniqueTopic("reuse");
        Kafka.createTopic(topic, 2);
        KafkaExactlyOnceSinkConnector failed = sink(topic);
        failed.restoreState(0, List.of());
        failed.connect();
        write(failed, 0, 40);
        List<byte[]> checkpoint = failed.snapshotState(1);
        failed.checkpointComplete(1);
        write(failed, 40, 70); // the same id again, after its commit: a later transaction, left open by the crash
        failed.flush();
        assertThat(transactions(topic)).as("one id so far").hasSize(1);

        try (KafkaExactlyOnceSinkConnector restarted = sink(topic)) {
            restarted.restoreState(1, checkpoint); // holds checkpoint 1's transaction, committed already
            restarted.connect();
            assertThat(committed(topic)).as("the open later transaction on the restored id is not committed").hasSize(40);
            assertNoOpenTransaction(topic);
            write(restarted, 40, 70);
            restarted.snapshotState(2);
            restarted.checkpointComplete(2);
        }
        failed.close();
        assertThat(committed(topic)).hasSize(70).doesNotHaveDuplicates();
        assertNoOpenTransaction(topic);
    }

    @Test
    void checkpointOfTheVersionBeforeThePoolIsCommittedAfterTheUpgrade() throws Exception {
        String topic = uniqueTopic("v1");
        Kafka.createTopic(topic, 2);
        // What the version before the pool left: one transactional id per checkpoint, <prefix>-<subtask>-<n>; the
        // transaction of checkpoint 3 pre-committed (its version 1 entry in the checkpoint) and one opened after it.
        try (KafkaProducer<byte[], byte[]> preCommitted = KafkaTransaction.producer(producerProperties(topic), topic + "-0-3");
             KafkaProducer<byte[], byte[]> opened = KafkaTransaction.producer(producerProperties(topic), topic + "-0-4")) {
            List<byte[]> checkpoint = List.of(legacyTransaction(preCommitted, topic, 0, 20, 3).encode());
            legacyTransaction(opened, topic, 20, 25, 4);
            assertThat(committed(topic)).isEmpty();

            try (KafkaExactlyOnceSinkConnector upgraded = sink(topic)) {
                upgraded.restoreState(3, checkpoint);
                upgraded.connect();
                assertThat(committed(topic)).as("the pre-committed transaction of the earlier version").hasSize(20);
                assertNoOpenTransaction(topic);
                write(upgraded, 20, 30);
                upgraded.snapshotState(4);
                upgraded.checkpointComplete(4);
            }
        }
        assertThat(committed(topic)).hasSize(30)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 30).mapToObj(i -> "{\"i\":" + i + "}").toList());
        assertThat(transactions(topic).keySet()).containsOnly(topic + "-0-3", topic + "-0-4", topic + "-0-pool-0");
    }

    private KafkaClientProperties producerProperties(String topic) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        String json = "{\"brokers\":\"" + Kafka.bootstrap() + "\",\"topic\":\"" + topic + "\",\"deliveryGuarantee\":\"exactly-once\"}";
        return KafkaClientProperties.forProducer(ConfigValidator.validate("sink.config", JSON.readTree(json), factory.sinkOptions(), errors));
    }

    /** A transaction of records {@code from}..{@code to} as the version before the pool wrote it, flushed and left open. */
    private static PendingTransaction legacyTransaction(KafkaProducer<byte[], byte[]> producer, String topic, int from, int to,
                                                        long checkpointId) {
        producer.initTransactions();
        producer.beginTransaction();
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(topic, ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
        ProducerInternals.ProducerIdAndEpoch idAndEpoch = ProducerInternals.producerIdAndEpoch(producer);
        return new PendingTransaction(topic + "-0-" + checkpointId, idAndEpoch.producerId(), idAndEpoch.epoch(), checkpointId);
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
        Map<String, TransactionState> ids = transactions("dataflow-eos-" + out + "-sink");
        System.out.printf("exactly-once Kafka -> Kafka: transactional ids used by the 2 subtasks over all attempts: %s%n", ids.keySet());
        assertThat(ids.keySet()).as("pooled ids only, the same ones in every attempt").isNotEmpty()
                .allMatch(id -> id.matches("dataflow-eos-" + out + "-sink-[01]-pool-\\d+"));
    }
}
