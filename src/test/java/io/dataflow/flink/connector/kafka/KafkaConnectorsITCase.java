package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.SourceBatch;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RealServers(Server.KAFKA)
class KafkaConnectorsITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BASE_TIME = Instant.parse("2026-01-02T03:04:05Z").toEpochMilli();

    private final KafkaConnectorFactory factory = new KafkaConnectorFactory();

    private static String uniqueTopic(String name) {
        return "it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private ConfigValues sourceConfig(String topic, String extra) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        String json = "{\"brokers\":\"" + Kafka.bootstrap() + "\",\"topic\":\"" + topic + "\"" + extra + "}";
        ConfigValues c = ConfigValidator.validate("source.config", JSON.readTree(json), factory.sourceOptions(), errors);
        factory.validateSource(c, errors);
        assertThat(errors.list()).isEmpty();
        return c;
    }

    private ConfigValues sinkConfig(String brokers, String topic, String extra) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        String json = "{\"brokers\":\"" + brokers + "\",\"topic\":\"" + topic + "\"" + extra + "}";
        ConfigValues c = ConfigValidator.validate("sink.config", JSON.readTree(json), factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        assertThat(errors.list()).isEmpty();
        return c;
    }

    private KafkaSourceConnector source(ConfigValues config, int subtask, int parallelism) {
        return (KafkaSourceConnector) factory.createSource(config,
                new ConnectorContext("it", "source", subtask, parallelism, new UnregisteredMetricsGroup()));
    }

    /**
     * Record i: key "k-i" except every tenth record (no key), value {"i":i}, timestamp BASE_TIME + i, and a header
     * "h" = "v-i" on even records.
     */
    private static void produceRich(String topic, int count) {
        Properties p = Kafka.inputProducer(); // every send is checked below: see Kafka.produce for why
        List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                RecordHeaders headers = new RecordHeaders();
                if (i % 2 == 0) {
                    headers.add("h", ("v-" + i).getBytes(StandardCharsets.UTF_8));
                }
                byte[] key = i % 10 == 0 ? null : ("k-" + i).getBytes(StandardCharsets.UTF_8);
                sends.add(producer.send(new ProducerRecord<>(topic, i % 3, BASE_TIME + i, key, ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8), headers)));
            }
            producer.flush();
        }
        for (java.util.concurrent.Future<?> f : sends) {
            try {
                f.get();
            } catch (Exception e) {
                throw new AssertionError("could not load the test input into " + topic, e);
            }
        }
    }

    /** Polls the sources in turn, emitting every batch, until each has returned end. */
    private static Map<KafkaSourceConnector, List<Message>> readToEnd(KafkaSourceConnector... sources) throws Exception {
        Map<KafkaSourceConnector, List<Message>> read = new LinkedHashMap<>();
        Set<KafkaSourceConnector> ended = new HashSet<>();
        for (KafkaSourceConnector s : sources) {
            read.put(s, new ArrayList<>());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ended.size() < sources.length) {
            assertThat(System.nanoTime()).as("bounded sources end within 60 s").isLessThan(deadline);
            for (KafkaSourceConnector s : sources) {
                if (ended.contains(s)) {
                    continue;
                }
                SourceBatch batch = s.poll();
                if (batch.isEnd()) {
                    ended.add(s);
                }
                read.get(s).addAll(batch.messages());
                batch.markEmitted();
            }
        }
        return read;
    }

    private static int valueOf(Message m) {
        return m.json().get("i").asInt();
    }

    private static String partitionOffset(Message m) {
        return m.metadata("partition") + "/" + m.metadata("offset");
    }

    @Test
    void twoSubtasksReadEveryRecordOnceWithItsMetadata() throws Exception {
        String topic = uniqueTopic("read");
        Kafka.createTopic(topic, 3);
        produceRich(topic, 2000);
        ConfigValues config = sourceConfig(topic, ",\"bounded\":true");

        Map<KafkaSourceConnector, List<Message>> read;
        KafkaSourceConnector first = source(config, 0, 2);
        KafkaSourceConnector second = source(config, 1, 2);
        try (first; second) {
            first.connect();
            second.connect();
            assertThat(first.ownedPartitions()).containsExactly(0, 2);
            assertThat(second.ownedPartitions()).containsExactly(1);
            read = readToEnd(first, second);
            assertThat(first.poll().isEnd()).as("stays ended").isTrue();
        }

        List<Message> all = new ArrayList<>();
        read.values().forEach(all::addAll);
        assertThat(all).hasSize(2000);
        assertThat(all.stream().map(KafkaConnectorsITCase::partitionOffset).distinct().count()).isEqualTo(2000);
        assertThat(all.stream().map(KafkaConnectorsITCase::valueOf).collect(Collectors.toSet())).hasSize(2000);
        Set<Object> firstPartitions = read.get(first).stream().map(m -> m.metadata("partition")).collect(Collectors.toSet());
        Set<Object> secondPartitions = read.get(second).stream().map(m -> m.metadata("partition")).collect(Collectors.toSet());
        assertThat(firstPartitions).containsExactlyInAnyOrder(0, 2);
        assertThat(secondPartitions).containsExactly(1);

        for (Message m : all) {
            int i = valueOf(m);
            assertThat(m.metadata("topic")).isEqualTo(topic);
            assertThat(m.metadata("partition")).isEqualTo(i % 3);
            assertThat(m.metadata("offset")).isInstanceOf(Long.class).isEqualTo((long) (i / 3)); // one producer, in order
            assertThat(m.metadata("timestamp")).isEqualTo(Instant.ofEpochMilli(BASE_TIME + i));
            assertThat(m.timestamp()).isEqualTo(BASE_TIME + i);
            if (i % 10 == 0) {
                assertThat(m.metadata()).doesNotContainKey("key");
            } else {
                assertThat(m.metadata("key")).isEqualTo("k-" + i);
            }
            if (i % 2 == 0) {
                assertThat(m.metadata("headers")).isEqualTo(Map.of("h", "v-" + i));
            } else {
                assertThat(m.metadata()).doesNotContainKey("headers");
            }
        }
    }

    @Test
    void boundedSubtaskWithoutPartitionsEndsAtOnce() throws Exception {
        String topic = uniqueTopic("idle");
        Kafka.createTopic(topic, 1);
        try (KafkaSourceConnector idle = source(sourceConfig(topic, ",\"bounded\":true"), 1, 2)) {
            idle.connect();
            assertThat(idle.ownedPartitions()).isEmpty();
            assertThat(idle.poll().isEnd()).isTrue();
        }
    }

    @Test
    void restoredSourceContinuesExactlyWhereTheSnapshotWas() throws Exception {
        String topic = uniqueTopic("restore");
        Kafka.createTopic(topic, 2);
        Kafka.produce(topic, 1000, i -> "{\"i\":" + i + "}");
        ConfigValues unbounded = sourceConfig(topic, ",\"consumerGroup\":\"g-" + topic + "\"");

        List<Message> before = new ArrayList<>();
        byte[] snapshot;
        try (KafkaSourceConnector first = source(unbounded, 0, 1)) {
            first.connect();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (before.size() < 500) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                SourceBatch batch = first.poll();
                before.addAll(batch.messages());
                batch.markEmitted();
            }
            // A batch that was polled but not emitted when the checkpoint is taken is not part of the position.
            SourceBatch notEmitted;
            do {
                notEmitted = first.poll();
            } while (notEmitted.messages().isEmpty() && before.size() < 1000);
            snapshot = first.snapshotPosition(1);
        }
        assertThat(before.size()).isLessThan(1000);

        List<Message> after;
        try (KafkaSourceConnector second = source(sourceConfig(topic, ",\"bounded\":true,\"consumerGroup\":\"g-" + topic + "\""), 0, 1)) {
            second.restorePositions(List.of(snapshot));
            second.connect();
            after = readToEnd(second).get(second);
        }
        List<String> beforeIds = before.stream().map(KafkaConnectorsITCase::partitionOffset).toList();
        List<String> afterIds = after.stream().map(KafkaConnectorsITCase::partitionOffset).toList();
        assertThat(beforeIds).doesNotHaveDuplicates().doesNotContainAnyElementsOf(afterIds);
        assertThat(afterIds).doesNotHaveDuplicates();
        assertThat(beforeIds.size() + afterIds.size()).isEqualTo(1000);
        // No gap: per partition, the restored read starts at the offset after the last emitted one.
        for (int partition = 0; partition < 2; partition++) {
            int p = partition;
            long lastBefore = before.stream().filter(m -> (int) m.metadata("partition") == p)
                    .mapToLong(m -> (long) m.metadata("offset")).max().orElse(-1);
            long firstAfter = after.stream().filter(m -> (int) m.metadata("partition") == p)
                    .mapToLong(m -> (long) m.metadata("offset")).min().orElse(lastBefore + 1);
            assertThat(firstAfter).isEqualTo(lastBefore + 1);
        }
    }

    @Test
    void completedCheckpointCommitsItsOffsetsToTheGroup() throws Exception {
        String topic = uniqueTopic("commit");
        String group = "g-" + topic;
        Kafka.createTopic(topic, 2);
        Kafka.produce(topic, 600, i -> "{\"i\":" + i + "}");
        ConfigValues config = sourceConfig(topic, ",\"consumerGroup\":\"" + group + "\"");

        Map<TopicPartition, Long> snapshotted = new HashMap<>();
        try (KafkaSourceConnector source = source(config, 0, 1);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrap()))) {
            source.connect();
            int read = 0;
            while (read < 300) {
                SourceBatch batch = source.poll();
                read += batch.messages().size();
                batch.markEmitted();
            }
            PartitionOffsets.decode(source.snapshotPosition(7)).offsets().forEach((p, o) -> snapshotted.put(new TopicPartition(topic, p), o));
            source.snapshotPosition(8); // a later checkpoint that does not complete
            source.checkpointComplete(7);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            Map<TopicPartition, Long> committed = Map.of();
            while (!committed.equals(snapshotted)) {
                assertThat(System.nanoTime()).as("group offsets committed within 20 s").isLessThan(deadline);
                source.poll().markEmitted(); // the commit is handed to, and completed by, the poll thread
                committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            }
            assertThat(snapshotted.values().stream().mapToLong(Long::longValue).sum()).isGreaterThanOrEqualTo(300);
        }

        // A fresh job without a checkpoint starts from the group's committed offsets.
        try (KafkaSourceConnector fresh = source(sourceConfig(topic, ",\"bounded\":true,\"consumerGroup\":\"" + group + "\""), 0, 1)) {
            fresh.connect();
            List<Message> rest = readToEnd(fresh).get(fresh);
            long expected = 600 - snapshotted.values().stream().mapToLong(Long::longValue).sum();
            assertThat(rest).hasSize((int) expected);
            for (Message m : rest) {
                assertThat((long) m.metadata("offset")).isGreaterThanOrEqualTo(snapshotted.get(new TopicPartition(topic, (int) m.metadata("partition"))));
            }
        }
    }

    @Test
    void sinkWritesEveryValueAndKey() throws Exception {
        String topic = uniqueTopic("sink");
        Kafka.createTopic(topic, 3);
        try (KafkaSinkConnector sink = (KafkaSinkConnector) factory.createSink(sinkConfig(Kafka.bootstrap(), topic, ""),
                ConnectorContext.standalone("it", "sink"))) {
            sink.connect();
            for (int i = 0; i < 1000; i++) {
                Message m = Message.of("{\"n\":" + i + "}");
                if (i != 0) {
                    m.putMetadata("key", "key-" + i);
                }
                sink.write(m);
            }
            Message notAStringKey = Message.of("{\"n\":1000}").putMetadata("key", 42);
            sink.write(notAStringKey);
            sink.flush();
        }

        Map<String, String> keyByValue = new HashMap<>();
        Properties p = new Properties();
        p.put("bootstrap.servers", Kafka.bootstrap());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (keyByValue.size() < 1001 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    keyByValue.put(new String(r.value(), StandardCharsets.UTF_8), r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(keyByValue).hasSize(1001);
        for (int i = 1; i < 1000; i++) {
            assertThat(keyByValue).containsEntry("{\"n\":" + i + "}", "key-" + i);
        }
        assertThat(keyByValue).containsEntry("{\"n\":0}", null).containsEntry("{\"n\":1000}", null);
    }

    @Test
    void sinkToAnUnreachableBrokerFailsNamingTheTopic() throws Exception {
        String topic = uniqueTopic("nowhere");
        ConfigValues config = sinkConfig("127.0.0.1:1", topic, ",\"sasl\":{\"username\":\"u\",\"password\":\"very-secret-pw\"}");
        // The producer waits max.block.ms for metadata (60 s by default), the admin client reading the topic's limit
        // default.api.timeout.ms; short waits keep the test quick.
        KafkaClientProperties properties = KafkaClientProperties.forProducer(config).with(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        KafkaClientProperties admin = KafkaClientProperties.forAdmin(config).with(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000")
                .with(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        long start = System.nanoTime();
        try (KafkaSinkConnector sink = new KafkaSinkConnector(topic, properties, admin, RecordKeys.byMetadata())) {
            sink.connect();
            assertThatThrownBy(() -> {
                sink.write(Message.of("{\"a\":1}"));
                sink.flush();
            }).hasMessageContaining("failed to send message to Kafka topic " + topic).hasMessageNotContaining("very-secret-pw");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void sourceOfAMissingTopicFailsClearly() throws Exception {
        String topic = uniqueTopic("missing");
        try (KafkaSourceConnector source = source(sourceConfig(topic, ""), 0, 1)) {
            assertThatThrownBy(source::connect).hasMessage("Kafka topic " + topic + " does not exist (brokers " + Kafka.bootstrap() + ")");
        }
    }

    @Test
    void lifecycleGuards() throws Exception {
        String topic = uniqueTopic("life");
        Kafka.createTopic(topic, 1);
        KafkaSourceConnector neverConnected = source(sourceConfig(topic, ""), 0, 1);
        neverConnected.close();
        neverConnected.close();
        assertThatThrownBy(neverConnected::connect).isInstanceOf(ConnectorClosedException.class).hasMessage("connector is closed");

        KafkaSourceConnector source = source(sourceConfig(topic, ""), 0, 1);
        source.connect();
        source.close();
        source.close();
        assertThatThrownBy(source::connect).isInstanceOf(ConnectorClosedException.class).hasMessage("connector is closed");

        KafkaSinkConnector sink = (KafkaSinkConnector) factory.createSink(sinkConfig(Kafka.bootstrap(), topic, ""), ConnectorContext.standalone("it", "sink"));
        sink.close();
        sink.close();
        assertThatThrownBy(sink::connect).isInstanceOf(ConnectorClosedException.class).hasMessage("connector is closed");
        KafkaSinkConnector connected = (KafkaSinkConnector) factory.createSink(sinkConfig(Kafka.bootstrap(), topic, ""), ConnectorContext.standalone("it", "sink"));
        connected.connect();
        connected.close();
        connected.close();
        assertThatThrownBy(connected::connect).isInstanceOf(ConnectorClosedException.class).hasMessage("connector is closed");
    }

    @Test
    void closeWhilePollingReturnsPromptly() throws Exception {
        String topic = uniqueTopic("close");
        Kafka.createTopic(topic, 1);
        KafkaSourceConnector source = source(sourceConfig(topic, ""), 0, 1);
        source.connect();
        CompletableFuture<Integer> poller = CompletableFuture.supplyAsync(() -> {
            int polls = 0;
            while (!source.isClosed()) {
                source.poll().markEmitted();
                polls++;
            }
            return polls;
        });
        Thread.sleep(1200);
        long start = System.nanoTime();
        source.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(poller.get(10, TimeUnit.SECONDS)).isPositive();
        assertThat(source.poll().messages()).isEmpty();
    }
}
