package io.dataflow.flink.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.kafka.KafkaConnectorFactory;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.manifest.ConnectorSpec;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka source in Flink's operator test harness against the real broker: snapshot at one parallelism,
 * repartition the operator state as Flink does on rescale, restore at another, and check where every partition
 * resumes; partitions added while running and while stopped.
 */
@RealServers(Server.KAFKA)
class SourceFunctionWrapperKafkaITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration AWAIT = Duration.ofSeconds(60);

    private static String unique(String name) {
        return "it-src-rescale-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ConnectorSpec kafkaSource(String topic, String group, String extra) throws Exception {
        KafkaConnectorFactory factory = new KafkaConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        String json = "{\"brokers\":\"" + Kafka.bootstrap() + "\",\"topic\":\"" + topic + "\",\"consumerGroup\":\"" + group + "\"" + extra + "}";
        ConfigValues config = ConfigValidator.validate("source.config", JSON.readTree(json), factory.sourceOptions(), errors);
        factory.validateSource(config, errors);
        assertThat(errors.list()).isEmpty();
        return new ConnectorSpec("kafka", config);
    }

    /** Records {"p":partition,"i":i} for i in [from, to) on each of the given partitions. */
    private static List<String> produce(String topic, List<Integer> partitions, int from, int to) throws Exception {
        List<String> values = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Kafka.inputProducer(), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<?>> sends = new ArrayList<>();
            for (int p : partitions) {
                for (int i = from; i < to; i++) {
                    String value = "{\"p\":" + p + ",\"i\":" + i + "}";
                    values.add(value);
                    sends.add(producer.send(new ProducerRecord<>(topic, p, null, value.getBytes(StandardCharsets.UTF_8))));
                }
            }
            producer.flush();
            for (Future<?> f : sends) {
                f.get();
            }
        }
        return values;
    }

    /** Moves the group's committed offsets to the end of every partition, as a later run of the job would have. */
    private static void advanceGroupToEnd(String topic, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Map<TopicPartition, OffsetAndMetadata> end = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
            Kafka.endOffsets(topic, "read_uncommitted").forEach((tp, offset) -> end.put(tp, new OffsetAndMetadata(offset)));
            consumer.commitSync(end);
        }
    }

    /** The offsets the group has committed, by partition. */
    private static Map<Integer, Long> groupOffsets(String topic, String group, int partitions) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Map<Integer, Long> offsets = new TreeMap<>();
            consumer.committed(IntStream.range(0, partitions).mapToObj(i -> new TopicPartition(topic, i)).collect(Collectors.toSet()))
                    .forEach((tp, committed) -> offsets.put(tp.partition(), committed == null ? null : committed.offset()));
            return offsets;
        }
    }

    private static void addPartitions(String topic, int total) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrap()))) {
            admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(total))).all().get();
        }
        Kafka.awaitLeaders(topic);
    }

    private static List<Message> emitted(List<SourceSubtask> subtasks) {
        return subtasks.stream().flatMap(s -> s.emitted().stream()).toList();
    }

    private static void await(Supplier<Boolean> condition, List<SourceSubtask> subtasks, String what) throws InterruptedException {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (!condition.get()) {
            for (SourceSubtask s : subtasks) {
                if (s.failure() != null) {
                    throw new AssertionError("a subtask failed while waiting for " + what, s.failure());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + AWAIT + ": " + what + "; emitted " + emitted(subtasks).size());
            }
            Thread.sleep(20);
        }
    }

    private static void awaitCount(List<SourceSubtask> subtasks, int count) throws InterruptedException {
        await(() -> emitted(subtasks).size() >= count, subtasks, count + " records");
    }

    private static List<String> values(List<Message> messages) {
        return messages.stream().map(Message::dataAsString).toList();
    }

    /** Partition → the offset of the first record read from it. */
    private static Map<Integer, Long> firstOffsets(List<Message> messages) {
        Map<Integer, Long> first = new TreeMap<>();
        for (Message m : messages) {
            first.merge((Integer) m.metadata("partition"), (Long) m.metadata("offset"), Math::min);
        }
        return first;
    }

    private static List<SourceSubtask> start(int parallelism, SubtaskFactory factory) throws Exception {
        List<SourceSubtask> subtasks = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            subtasks.add(factory.create(i));
        }
        return subtasks;
    }

    private static List<OperatorSubtaskState> snapshotAndClose(List<SourceSubtask> subtasks, long checkpointId) throws Exception {
        List<OperatorSubtaskState> states = new ArrayList<>();
        for (SourceSubtask s : subtasks) {
            states.add(s.snapshot(checkpointId));
        }
        for (SourceSubtask s : subtasks) {
            s.checkpointComplete(checkpointId);
        }
        closeAll(subtasks);
        return states;
    }

    private static void closeAll(List<SourceSubtask> subtasks) throws Exception {
        for (SourceSubtask s : subtasks) {
            s.close();
        }
    }

    private interface SubtaskFactory {
        SourceSubtask create(int index) throws Exception;
    }

    /**
     * Snapshot at parallelism 2 after 10 records per partition; 10 more arrive while stopped and the group's offsets
     * move to the end (a later run, or a rollback to this older savepoint). Restored at 3 and, from the same
     * snapshot, at 1: every partition resumes at exactly offset 10 and every record after it is read once.
     */
    @Test
    void everyPartitionResumesAtItsSnapshottedOffsetAtAnyNewParallelism() throws Exception {
        String topic = unique("t");
        String group = unique("g");
        Kafka.createTopic(topic, 6);
        List<Integer> partitions = List.of(0, 1, 2, 3, 4, 5);
        List<String> before = produce(topic, partitions, 0, 10);
        ConnectorSpec spec = kafkaSource(topic, group, ",\"partitionDiscoveryInterval\":\"0\"");

        List<SourceSubtask> first = start(2, i -> SourceSubtask.fresh(spec, 2, i));
        awaitCount(first, before.size());
        assertThat(values(emitted(first))).containsExactlyInAnyOrderElementsOf(before);
        List<OperatorSubtaskState> snapshot = snapshotAndClose(first, 1);

        List<String> after = produce(topic, partitions, 10, 20);
        advanceGroupToEnd(topic, group);

        for (int parallelism : new int[] {3, 1}) {
            List<SourceSubtask> resumed = start(parallelism, i -> SourceSubtask.restored(spec, snapshot, parallelism, i));
            awaitCount(resumed, after.size());
            List<Message> read = emitted(resumed);
            closeAll(resumed);
            assertThat(firstOffsets(read)).as("first offset read per partition at parallelism %d", parallelism)
                    .isEqualTo(partitions.stream().collect(Collectors.toMap(p -> p, p -> 10L)));
            assertThat(values(read)).as("records after the snapshot at parallelism %d, each once", parallelism)
                    .containsExactlyInAnyOrderElementsOf(after);
        }
    }

    /**
     * Union state from 3 subtasks to 1 and back to 3: each subtask reads exactly the partitions it owns (partition
     * modulo parallelism) and resumes each at the offset of the snapshot restored from. The consumer group, which only
     * mirrors progress, receives the offsets of the latest completed checkpoint: a late completion of an older one,
     * after a newer one completed, does not move it back.
     */
    @Test
    void everySubtaskResumesItsPartitionsFromThreeToOneAndBackAndALateOlderCompletionDoesNotMoveTheGroupBack() throws Exception {
        String topic = unique("union");
        String group = unique("g");
        Kafka.createTopic(topic, 6);
        List<Integer> partitions = List.of(0, 1, 2, 3, 4, 5);
        ConnectorSpec spec = kafkaSource(topic, group, ",\"partitionDiscoveryInterval\":\"0\"");
        Map<Integer, Long> everyPartitionAt10 = partitions.stream().collect(Collectors.toMap(p -> p, p -> 10L));

        List<String> first = produce(topic, partitions, 0, 10);
        List<SourceSubtask> three = start(3, i -> SourceSubtask.fresh(spec, 3, i));
        awaitCount(three, first.size());
        List<OperatorSubtaskState> checkpoint1 = new ArrayList<>();
        for (SourceSubtask s : three) {
            checkpoint1.add(s.snapshot(1));
        }
        List<String> second = produce(topic, partitions, 10, 20);
        awaitCount(three, first.size() + second.size());
        List<OperatorSubtaskState> checkpoint2 = new ArrayList<>();
        for (SourceSubtask s : three) {
            checkpoint2.add(s.snapshot(2));
        }
        for (SourceSubtask s : three) {
            s.checkpointComplete(2);
            s.checkpointComplete(1); // late: checkpoint 1 is subsumed by 2
        }
        for (int i = 0; i < 3; i++) {
            int subtask = i;
            assertThat(three.get(i).emitted()).extracting(m -> (Integer) m.metadata("partition")).as("subtask %d of 3", i)
                    .allMatch(p -> p % 3 == subtask);
        }
        closeAll(three);
        assertThat(groupOffsets(topic, group, 6)).as("the group at checkpoint 2, not moved back to checkpoint 1")
                .isEqualTo(partitions.stream().collect(Collectors.toMap(p -> p, p -> 20L)));

        List<String> third = produce(topic, partitions, 20, 30);
        List<SourceSubtask> one = start(1, i -> SourceSubtask.restored(spec, checkpoint2, 1, i));
        awaitCount(one, third.size());
        assertThat(firstOffsets(one.get(0).emitted())).as("3 -> 1: every partition from checkpoint 2")
                .isEqualTo(partitions.stream().collect(Collectors.toMap(p -> p, p -> 20L)));
        assertThat(values(emitted(one))).containsExactlyInAnyOrderElementsOf(third);
        List<OperatorSubtaskState> checkpoint3 = snapshotAndClose(one, 3);

        List<String> fourth = produce(topic, partitions, 30, 40);
        List<SourceSubtask> threeAgain = start(3, i -> SourceSubtask.restored(spec, checkpoint3, 3, i));
        awaitCount(threeAgain, fourth.size());
        closeAll(threeAgain);
        for (int i = 0; i < 3; i++) {
            int subtask = i;
            assertThat(firstOffsets(threeAgain.get(i).emitted())).as("1 -> 3: subtask %d resumes its partitions from checkpoint 3", i)
                    .isEqualTo(partitions.stream().filter(p -> p % 3 == subtask).collect(Collectors.toMap(p -> p, p -> 30L)));
        }
        assertThat(values(emitted(threeAgain))).containsExactlyInAnyOrderElementsOf(fourth);

        List<SourceSubtask> fromOlder = start(2, i -> SourceSubtask.restored(spec, checkpoint1, 2, i));
        awaitCount(fromOlder, 30 * partitions.size());
        closeAll(fromOlder);
        assertThat(firstOffsets(emitted(fromOlder))).as("3 -> 2 from the older checkpoint 1, the group being far ahead")
                .isEqualTo(everyPartitionAt10);
        assertThat(emitted(fromOlder)).hasSize(30 * partitions.size());
    }

    /**
     * Discovery: partitions added while running are read from their first record by exactly one subtask; partitions
     * added while stopped are read from their first record by the restored job although the group's offsets are at
     * their end; and partitions added while the restored job runs at a new parallelism too.
     */
    @Test
    void partitionsAddedWhileRunningAndWhileStoppedAreReadOnce() throws Exception {
        String topic = unique("grow");
        String group = unique("g");
        Kafka.createTopic(topic, 2);
        ConnectorSpec spec = kafkaSource(topic, group, ",\"partitionDiscoveryInterval\":\"100ms\"");
        List<String> expected = new ArrayList<>(produce(topic, List.of(0, 1), 0, 5));

        List<SourceSubtask> first = start(2, i -> SourceSubtask.fresh(spec, 2, i));
        awaitCount(first, expected.size());
        addPartitions(topic, 4);
        expected.addAll(produce(topic, List.of(2, 3), 0, 5));
        awaitCount(first, expected.size());
        assertThat(values(emitted(first))).as("partitions 2 and 3, added while running").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(first.get(0).emitted()).extracting(m -> m.metadata("partition")).containsOnly(0, 2);
        assertThat(first.get(1).emitted()).extracting(m -> m.metadata("partition")).containsOnly(1, 3);
        List<OperatorSubtaskState> snapshot = snapshotAndClose(first, 1);

        addPartitions(topic, 6);
        List<String> expectedAfter = new ArrayList<>(produce(topic, List.of(0, 1, 2, 3, 4, 5), 5, 10));
        advanceGroupToEnd(topic, group);

        List<SourceSubtask> resumed = start(3, i -> SourceSubtask.restored(spec, snapshot, 3, i));
        awaitCount(resumed, expectedAfter.size());
        addPartitions(topic, 8);
        expectedAfter.addAll(produce(topic, List.of(6, 7), 0, 5));
        awaitCount(resumed, expectedAfter.size());
        List<Message> read = emitted(resumed);
        closeAll(resumed);
        assertThat(values(read)).as("every record after the snapshot once, of old, stopped-time and running-time partitions")
                .containsExactlyInAnyOrderElementsOf(expectedAfter);
        Map<Integer, Long> firstOffsets = firstOffsets(read);
        IntStream.range(0, 4).forEach(p -> assertThat(firstOffsets.get(p)).as("partition %d resumes at its snapshot", p).isEqualTo(5L));
        IntStream.range(4, 8).forEach(p -> assertThat(firstOffsets.get(p)).as("new partition %d from its start", p).isEqualTo(0L));
    }
}
