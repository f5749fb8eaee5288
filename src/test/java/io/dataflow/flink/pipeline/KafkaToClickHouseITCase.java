package io.dataflow.flink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.ClickHouse;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka → ClickHouse 18.16 end to end on a MiniCluster: a high-volume auto-created MergeTree table, ReplacingMergeTree
 * deduplication by version, and records ClickHouse refuses going to the error sink.
 */
@RealServers({Server.KAFKA, Server.CLICKHOUSE})
class KafkaToClickHouseITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static String database;

    @BeforeAll
    static void database() throws Exception {
        database = ClickHouse.createDatabase("it_kafka_ch");
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        ClickHouse.execute("DROP DATABASE IF EXISTS " + database);
    }

    private static String topic(String prefix, int partitions) throws Exception {
        String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Kafka.createTopic(topic, partitions);
        return topic;
    }

    private static String manifest(String topic, String sinkConfig, String errorTopic) {
        return "replicas: 2\n"
                + "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: it-" + topic + "\n    bounded: true\n"
                + "sink:\n  type: clickhouse\n  config:\n    connectionString: \"" + ClickHouse.nativeUrl(database) + "\"\n"
                + sinkConfig
                + (errorTopic == null ? "" : "errors:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n"
                + "    topic: " + errorTopic + "\n");
    }

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private static String mixed(int i) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", i + 1);
        o.put("name", "customer " + i + " \"quoted\" 'single' \\ é🚀");
        o.put("amount", new BigDecimal((i % 1000) + ".25"));
        o.put("ratio", i + 0.123456);
        o.put("active", i % 2 == 0);
        o.putArray("tags").add("a").add(i);
        o.putObject("address").put("city", "Zürich").put("zip", 8000 + i % 100);
        o.put("at", START.plusSeconds(i).toString());
        o.put("big", 9_000_000_000_000_000_000L + i);
        if (i % 3 == 0) {
            o.putNull("note");
        } else {
            o.put("note", "note " + i);
        }
        return o.toString();
    }

    @Test
    void fiftyThousandMixedRecordsLandInAnAutoCreatedMergeTreeTableWithEqualValues() throws Exception {
        int records = 50_000;
        String topic = topic("ch-mixed", 3);
        Kafka.produce(topic, records, KafkaToClickHouseITCase::mixed);
        String table = "mixed";
        long started = System.nanoTime();
        MiniClusterJobs.run(manifest(topic, "    table: " + table + "\n    autoCreateTable: true\n    batchSize: 2000\n", null),
                "it-kafka-to-clickhouse", JobCompiler.create(), 1000, 0);
        System.out.printf("Kafka -> ClickHouse: %d records in %d ms%n", records, (System.nanoTime() - started) / 1_000_000);

        assertThat(ClickHouse.execute("SELECT engine FROM system.tables WHERE database = '" + database + "' AND name = '" + table + "'").trim())
                .isEqualTo("MergeTree");
        List<ObjectNode> rows = ClickHouse.rows("SELECT * FROM " + database + "." + table + " ORDER BY id");
        assertThat(rows).hasSize(records);
        for (int i = 0; i < records; i++) {
            ObjectNode row = rows.get(i);
            JsonNode sent = JSON.readTree(mixed(i));
            assertThat(row.get("id").asLong()).isEqualTo(i + 1);
            assertThat(row.get("name").asText()).isEqualTo(sent.get("name").asText());
            assertThat(row.get("amount").decimalValue()).isEqualByComparingTo(sent.get("amount").decimalValue());
            assertThat(row.get("ratio").doubleValue()).isEqualTo(sent.get("ratio").doubleValue());
            assertThat(row.get("active").asInt()).isEqualTo(i % 2 == 0 ? 1 : 0);
            assertThat(JSON.readTree(row.get("tags").asText())).isEqualTo(sent.get("tags"));
            assertThat(JSON.readTree(row.get("address").asText())).isEqualTo(sent.get("address"));
            assertThat(row.get("at").asText().replace(' ', 'T') + "Z").isEqualTo(START.plusSeconds(i).toString());
            assertThat(row.get("big").asLong()).isEqualTo(9_000_000_000_000_000_000L + i);
            assertThat(row.get("note").isNull() ? null : row.get("note").asText()).isEqualTo(i % 3 == 0 ? null : "note " + i);
        }
    }

    @Test
    void replacingMergeTreeKeepsOneRowPerKeyWithTheNewestVersionAfterOptimizeFinal() throws Exception {
        int keys = 2000;
        int versions = 5;
        List<String> events = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            for (int v = 1; v <= versions; v++) {
                events.add("{\"event_id\":\"e-" + k + "\",\"version\":" + v + ",\"payload\":\"" + k + " at version " + v + "\"}");
            }
        }
        Collections.shuffle(events, new Random(42));
        String topic = topic("ch-replacing", 3);
        Kafka.produce(topic, events.size(), events::get);
        String table = "replacing";
        MiniClusterJobs.run(manifest(topic, "    table: " + table + "\n    autoCreateTable: true\n    upsertMode: true\n"
                + "    conflictKey: event_id\n    replacingVersionColumn: version\n    batchSize: 1000\n", null),
                "it-kafka-to-clickhouse-replacing", JobCompiler.create(), 1000, 0);

        assertThat(ClickHouse.execute("SELECT engine_full FROM system.tables WHERE database = '" + database + "' AND name = '" + table + "'"))
                .contains("ReplacingMergeTree(version)").contains("ORDER BY event_id");
        ClickHouse.execute("OPTIMIZE TABLE " + database + "." + table + " FINAL");
        List<ObjectNode> rows = ClickHouse.rows("SELECT event_id, version, payload FROM " + database + "." + table + " ORDER BY event_id");
        assertThat(rows).as("one row per key").hasSize(keys);
        Set<String> seen = new TreeSet<>();
        for (ObjectNode row : rows) {
            String key = row.get("event_id").asText();
            seen.add(key);
            assertThat(row.get("version").asInt()).as("newest version of %s", key).isEqualTo(versions);
            assertThat(row.get("payload").asText()).isEqualTo(key.substring(2) + " at version " + versions);
        }
        assertThat(seen).hasSize(keys);
    }

    @Test
    void aRecordClickHouseRefusesLandsInTheErrorSinkWithTheServersMessageAndTheRestOfItsBatchInTheTable() throws Exception {
        String table = "typed";
        ClickHouse.execute("CREATE TABLE " + database + "." + table + " (id Int64, n Int32, s String) ENGINE = MergeTree ORDER BY id");
        int records = 1000;
        String topic = topic("ch-refused", 1);
        String errorTopic = topic("ch-refused-errors", 1);
        Kafka.produce(topic, records, i -> "{\"id\":" + i + ",\"n\":" + (i % 100 == 7 ? "\"not a number\"" : String.valueOf(i))
                + ",\"s\":\"row " + i + "\"}");
        MiniClusterJobs.run(manifest(topic, "    table: " + table + "\n    batchSize: 500\n", errorTopic),
                "it-kafka-to-clickhouse-refused", JobCompiler.create(), 1000, 0);

        assertThat(ClickHouse.count("SELECT count() FROM " + database + "." + table)).isEqualTo(records - 10);
        assertThat(ClickHouse.count("SELECT countIf(id % 100 = 7) FROM " + database + "." + table)).isZero();
        List<String> errors = Kafka.readAll(errorTopic);
        assertThat(errors).hasSize(10);
        Set<Long> refusedIds = new TreeSet<>();
        for (String e : errors) {
            JsonNode envelope = JSON.readTree(e);
            assertThat(envelope.at("/error/message").asText()).startsWith("ClickHouse code 27: Cannot parse input").contains("key n");
            assertThat(envelope.at("/error/original_sink").asText()).isNotEmpty();
            refusedIds.add(envelope.at("/original_message/id").asLong());
        }
        assertThat(refusedIds).hasSize(10).allMatch(id -> id % 100 == 7);
    }
}
