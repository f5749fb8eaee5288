package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records from non-Kafka sources reach Kafka keyed by their row id (the source's {@code id} metadata), so that every
 * change of one row lands on one partition; the sink's {@code key} option keys records by a field of the record.
 * Before, they were written without a key and one row's changes spread over the partitions.
 */
@RealServers({Server.KAFKA, Server.POSTGRES})
class KafkaRecordKeysITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private record Written(String key, int partition, String value) {
    }

    @Test
    void postgresRowsAreKeyedByTheirIdAndOneRowsChangesShareAPartition() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String table = "public.keyed_changes_" + suffix;
        String topic = "keyed-pg-" + suffix;
        // A change log: three versions of each of 30 rows (no primary key), each version with its own change time.
        Postgres.execute("CREATE TABLE " + table + " (id INT NOT NULL, version INT NOT NULL, updated_at TIMESTAMPTZ NOT NULL)");
        Postgres.execute("INSERT INTO " + table + " SELECT i, v, TIMESTAMPTZ '2026-01-01' + v * INTERVAL '1 hour' + i * INTERVAL '1 second' "
                + "FROM generate_series(1, 30) i, generate_series(1, 3) v");
        Kafka.createTopic(topic, 4);
        String yaml = "source:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + table + "\n    changeTrackingColumn: updated_at\n    orderByColumn: id\n    bounded: true\n"
                + "sink:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n";

        MiniClusterJobs.run(yaml, "it-keys-pg", JobCompiler.create(), 300, 0);

        List<Written> written = readAll(topic);
        assertThat(written).hasSize(90);
        Map<String, Set<Integer>> partitionsById = new HashMap<>();
        for (Written w : written) {
            String id = JSON.readTree(w.value()).path("id").asText();
            assertThat(w.key()).as("key of %s", w.value()).isEqualTo(id);
            partitionsById.computeIfAbsent(id, k -> new HashSet<>()).add(w.partition());
        }
        assertThat(partitionsById).hasSize(30).allSatisfy((id, partitions) -> assertThat(partitions).as("partitions of row %s", id).hasSize(1));
        assertThat(partitionsById.values().stream().flatMap(Set::stream).distinct().count()).as("rows spread over partitions").isGreaterThan(1);
    }

    @Test
    void theKeyOptionKeysRecordsByAFieldOfTheRecord() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String in = "keyed-in-" + suffix;
        String out = "keyed-out-" + suffix;
        Kafka.createTopic(in, 1);
        Kafka.createTopic(out, 3);
        Kafka.produce(in, 40, i -> "{\"order\":" + i + ",\"customer\":{\"id\":\"c-" + (i % 5) + "\"}}");
        String yaml = "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + in + "\n"
                + "    consumerGroup: " + in + "\n    bounded: true\n"
                + "sink:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + out + "\n"
                + "    key: customer.id\n";

        MiniClusterJobs.run(yaml, "it-keys-option", JobCompiler.create(), 300, 0);

        List<Written> written = readAll(out);
        assertThat(written).hasSize(40).allSatisfy(w ->
                assertThat(w.key()).isEqualTo(JSON.readTree(w.value()).path("customer").path("id").asText()));
    }

    private static List<Written> readAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<Written> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("read %s to its end", topic).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(new Written(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.partition(),
                            new String(r.value(), StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }
}
