package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reproducer scaled down, on a MiniCluster with the real broker: an exactly-once Kafka → Kafka job at
 * parallelism 1 stops with a savepoint, records arrive while it is stopped and the consumer group's offsets move
 * past the savepoint, the job resumes from the savepoint at parallelism 2: no record is lost or duplicated, and
 * partitions added to the topic while the resumed job runs are read too. And a bounded job with more subtasks than
 * partitions finishes with every record once.
 */
@RealServers(Server.KAFKA)
class KafkaRescaleITCase {

    private static final Duration AWAIT = Duration.ofSeconds(120);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static String unique(String name) {
        return "it-rescale-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String yaml(int replicas, String in, String group, String out, String sourceExtra) {
        return "replicas: " + replicas + "\n"
                + "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + in + "\n"
                + "    consumerGroup: " + group + "\n" + sourceExtra
                + "sink:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + out + "\n"
                + "    deliveryGuarantee: exactly-once\n    flushFrequency: 5ms\n";
    }

    private static JobGraph jobGraph(String yaml, String name, String savepoint) throws Exception {
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(yaml, name);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(300);
        JobCompiler.create().compile(manifest, env);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return graph;
    }

    private static List<String> values(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "{\"id\":" + i + "}").collect(Collectors.toList());
    }

    /** Records {"id":i} for i in [from, to), spread round-robin over the given partitions. */
    private static void produce(String topic, List<Integer> partitions, int from, int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Kafka.inputProducer(), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = from; i < to; i++) {
                int partition = partitions.get(i % partitions.size());
                sends.add(producer.send(new ProducerRecord<>(topic, partition, null, ("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8))));
            }
            producer.flush();
            for (Future<?> f : sends) {
                f.get();
            }
        }
    }

    /** Waits until a read_committed consumer sees at least {@code count} records in the topic, and returns them. */
    private static List<String> awaitCommitted(String topic, int count) throws InterruptedException {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (true) {
            List<String> committed = Kafka.readAll(topic, "read_committed");
            if (committed.size() >= count) {
                return committed;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + AWAIT + ": " + committed.size() + " of " + count + " records committed to " + topic);
            }
            Thread.sleep(500);
        }
    }

    private static void advanceGroupToEnd(String topic, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Map<TopicPartition, OffsetAndMetadata> end = new HashMap<>();
            Kafka.endOffsets(topic, "read_uncommitted").forEach((tp, offset) -> end.put(tp, new OffsetAndMetadata(offset)));
            consumer.commitSync(end);
        }
    }

    @Test
    void savepointAtOneResumedAtTwoAfterTheGroupMovedOnLosesNothing(@InjectClusterClient ClusterClient<?> client, @TempDir Path savepoints)
            throws Exception {
        String in = unique("in");
        String out = unique("out");
        String group = unique("g");
        Kafka.createTopic(in, 4);
        Kafka.createTopic(out, 4);
        List<Integer> partitions = List.of(0, 1, 2, 3);
        produce(in, partitions, 0, 2_000);
        String source = "    partitionDiscoveryInterval: 200ms\n";

        JobID first = client.submitJob(jobGraph(yaml(1, in, group, out, source), "rescale-" + out, null)).get();
        awaitCommitted(out, 2_000);
        String savepoint = client.stopWithSavepoint(first, false, savepoints.toString(), SavepointFormatType.CANONICAL).get();

        produce(in, partitions, 2_000, 12_000);
        advanceGroupToEnd(in, group);

        JobID resumed = client.submitJob(jobGraph(yaml(2, in, group, out, source), "rescale-" + out, savepoint)).get();
        try {
            awaitCommitted(out, 12_000);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrap()))) {
                admin.createPartitions(Map.of(in, NewPartitions.increaseTo(6))).all().get();
            }
            Kafka.awaitLeaders(in);
            produce(in, List.of(4, 5), 12_000, 13_000);
            List<String> committed = awaitCommitted(out, 13_000);
            System.out.printf("savepoint at parallelism 1, 10000 records while stopped, group moved to the end, resumed at 2, "
                    + "2 partitions added while running: %d of 13000 records committed%n", committed.size());
            assertThat(committed).as("every record exactly once, none lost after the rescale, the new partitions read")
                    .hasSize(13_000).containsExactlyInAnyOrderElementsOf(values(0, 13_000));
        } finally {
            client.cancel(resumed).get();
        }
    }

    @Test
    void boundedJobWithMoreSubtasksThanPartitionsFinishesWithEveryRecordOnce() throws Exception {
        String in = unique("bin");
        String out = unique("bout");
        Kafka.createTopic(in, 2);
        Kafka.createTopic(out, 2);
        produce(in, List.of(0, 1), 0, 5_000);
        MiniClusterJobs.run(yaml(3, in, unique("g"), out, "    bounded: true\n"), "bounded-" + out, JobCompiler.create(), 100, 0);
        assertThat(Kafka.readAll(out, "read_committed")).hasSize(5_000).containsExactlyInAnyOrderElementsOf(values(0, 5_000));
    }
}
