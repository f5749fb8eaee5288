package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code startFrom} decides where a source without restored state (and without a group offset) starts. */
@RealServers(Server.KAFKA)
class KafkaStartFromITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant INSTANT = Instant.parse("2026-06-01T00:00:00Z");

    private final KafkaConnectorFactory factory = new KafkaConnectorFactory();

    private static String unique(String name) {
        return "it-startfrom-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A source with a consumer group of its own, which has no committed offsets. */
    private KafkaSourceConnector source(String topic, String extra) throws Exception {
        return source(topic, unique("g"), extra);
    }

    private KafkaSourceConnector source(String topic, String group, String extra) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        String json = "{\"brokers\":\"" + Kafka.bootstrap() + "\",\"topic\":\"" + topic + "\",\"consumerGroup\":\""
                + group + "\"" + extra + "}";
        ConfigValues c = ConfigValidator.validate("source.config", JSON.readTree(json), factory.sourceOptions(), errors);
        factory.validateSource(c, errors);
        assertThat(errors.list()).isEmpty();
        return (KafkaSourceConnector) factory.createSource(c,
                new ConnectorContext("it", "source", 0, 1, new UnregisteredMetricsGroup()));
    }

    /**
     * Partition 0 and 1: values 0..9 stamped 10..1 s before INSTANT, then values 100..109 stamped INSTANT + 0..9 s
     * (100 exactly at it). Partition 2 holds only early records (values 20..24), so it has no record at or after it.
     */
    private static void produceAroundInstant(String topic) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < 10; i++) {
                records.add(record(topic, p, INSTANT.toEpochMilli() - (10 - i) * 1000L, p * 1000 + i));
            }
            for (int i = 0; i < 10; i++) {
                records.add(record(topic, p, INSTANT.toEpochMilli() + i * 1000L, p * 1000 + 100 + i));
            }
        }
        for (int i = 0; i < 5; i++) {
            records.add(record(topic, 2, INSTANT.toEpochMilli() - 60_000L + i, 20 + i));
        }
        send(records);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, long timestamp, int value) {
        return new ProducerRecord<>(topic, partition, timestamp, null, ("{\"i\":" + value + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<?>> sends = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Kafka.inputProducer(), new ByteArraySerializer(), new ByteArraySerializer())) {
            records.forEach(r -> sends.add(producer.send(r)));
            producer.flush();
        }
        for (Future<?> f : sends) {
            try {
                f.get();
            } catch (Exception e) {
                throw new AssertionError("could not load the test input", e);
            }
        }
    }

    private static List<Integer> readBounded(KafkaSourceConnector source) {
        List<Integer> values = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            assertThat(System.nanoTime()).as("bounded source ends within 60 s").isLessThan(deadline);
            SourceBatch batch = source.poll();
            batch.messages().forEach(m -> values.add(valueOf(m)));
            batch.markEmitted();
            if (batch.isEnd()) {
                return values;
            }
        }
    }

    private static int valueOf(Message m) {
        return m.json().get("i").asInt();
    }

    @Test
    void timestampStartsAtTheFirstRecordAtOrAfterTheInstant() throws Exception {
        String topic = unique("ts");
        Kafka.createTopic(topic, 3);
        produceAroundInstant(topic);
        try (KafkaSourceConnector source = source(topic, ",\"bounded\":true,\"startFrom\":\"2026-06-01T00:00:00Z\"")) {
            source.connect();
            List<Integer> read = readBounded(source);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                expected.add(100 + i);
                expected.add(1100 + i);
            }
            // The record stamped exactly at the instant is included; partition 2 (all earlier) contributes nothing.
            assertThat(read).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void earliestIsTheDefaultAndReadsEverything() throws Exception {
        String topic = unique("earliest");
        Kafka.createTopic(topic, 3);
        produceAroundInstant(topic);
        for (String extra : List.of("", ",\"startFrom\":\"earliest\"")) {
            try (KafkaSourceConnector source = source(topic, ",\"bounded\":true" + extra)) {
                source.connect();
                assertThat(readBounded(source)).as("startFrom%s", extra).hasSize(45).doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void latestReadsOnlyWhatIsProducedAfterTheStart() throws Exception {
        String topic = unique("latest");
        Kafka.createTopic(topic, 3);
        produceAroundInstant(topic);
        try (KafkaSourceConnector source = source(topic, ",\"startFrom\":\"latest\"")) {
            source.connect();
            List<ProducerRecord<byte[], byte[]>> later = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                later.add(record(topic, i % 3, System.currentTimeMillis(), 5000 + i));
            }
            send(later);
            List<Integer> read = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read.size() < 30) {
                assertThat(System.nanoTime()).as("the 30 later records arrive within 30 s").isLessThan(deadline);
                SourceBatch batch = source.poll();
                batch.messages().forEach(m -> read.add(valueOf(m)));
                batch.markEmitted();
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                expected.add(5000 + i);
            }
            // Had it started anywhere earlier, the 45 older records would come first in their partitions.
            assertThat(read).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void committedGroupOffsetWinsOverStartFrom() throws Exception {
        String topic = unique("group");
        String group = unique("committed");
        Kafka.createTopic(topic, 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(record(topic, 0, INSTANT.toEpochMilli() + i, i));
        }
        send(records);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(4)));
        }
        try (KafkaSourceConnector source = source(topic, group, ",\"bounded\":true,\"startFrom\":\"latest\"")) {
            source.connect();
            assertThat(readBounded(source)).containsExactly(4, 5, 6, 7, 8, 9);
        }
    }
}
