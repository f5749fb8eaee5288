package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.Trino;
import io.trino.jdbc.Row;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.sql.Array;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Trino sink against a real Trino 483: typed INSERTs into the memory catalog, MERGE upserts into the Iceberg
 * catalog {@code lake}, raw tables created on demand, and records Trino refuses reported one by one.
 */
@RealServers({Server.TRINO, Server.KAFKA})
class TrinoSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static String schema;
    private static String lakeSchema;

    @BeforeAll
    static void schemas() throws Exception {
        schema = Trino.createSchema("memory", "it_sink");
        lakeSchema = Trino.createSchema("lake", "it_merge");
    }

    @AfterAll
    static void dropSchemas() throws Exception {
        Trino.execute("DROP SCHEMA IF EXISTS memory." + schema + " CASCADE");
        Trino.execute("DROP SCHEMA IF EXISTS lake." + lakeSchema + " CASCADE");
    }

    private static TrinoSinkConnector sink(String catalog, String schemaName, String table, String extraConfig) {
        return sink(Trino.serverUrl(), catalog, schemaName, table, extraConfig);
    }

    private static TrinoSinkConnector sink(String serverUrl, String catalog, String schemaName, String table, String extraConfig) {
        ObjectNode config;
        try {
            config = (ObjectNode) JSON.readTree(("{" + extraConfig + "}").replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        config.put("serverURL", serverUrl).put("catalog", catalog).put("schema", schemaName).put("table", table);
        TrinoConnectorFactory factory = new TrinoConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", config, factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        errors.throwIfAny();
        return new TrinoSinkConnector(TrinoSinkSettings.from(c), ConnectorContext.standalone("it", "sink"), Duration.ofMillis(50));
    }

    /** Record i of the mixed-type run; several fields in a form the column type has to convert. */
    private static String mixed(int i) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", i + 1);
        o.put("small", i % 30000);
        o.put("count", String.valueOf(i * 7));                       // a string into integer
        o.put("ratio", i + 0.123456);
        o.put("price", new BigDecimal((i % 1000) + ".2500"));
        if (i % 4 == 0) {
            o.put("active", i % 2 == 0 ? "true" : "false");             // booleans as strings too
        } else {
            o.put("active", i % 2 == 0);
        }
        o.put("name", "customer " + i + " \"quoted\" 'single' \\ é🚀; DROP TABLE x; --");
        o.put("day", LocalDate.of(2026, 1, 1).plusDays(i % 365).toString());
        // three spellings of a time: RFC 3339 with an offset, epoch milliseconds, epoch seconds
        Instant at = START.plusSeconds(i).plusMillis(i % 1000);
        if (i % 3 == 0) {
            o.put("at", at.atOffset(java.time.ZoneOffset.ofHoursMinutes(2, 30)).toString());
        } else if (i % 3 == 1) {
            o.put("at", at.toEpochMilli());
        } else {
            o.put("at", at.getEpochSecond() + (at.getNano() / 1_000_000) / 1000.0);
        }
        o.put("seen", at.toString());
        o.putArray("tags").add(i).add(i + 1);
        o.putObject("address").put("city", "Zürich").put("zip", 8000 + i % 100);
        o.putObject("attrs").put("k", i);
        o.put("payload", Base64.getEncoder().encodeToString(("bytes " + i).getBytes()));
        o.put("uid", new UUID(0, i).toString());
        if (i % 5 == 0) {
            o.putNull("note");
        } else {
            o.put("note", "note " + i);
        }
        o.put("extra", "ignored: no such column");
        return o.toString();
    }

    @Test
    void fiveThousandMixedRecordsFromKafkaAreReadBackEqualWithTheirTypes() throws Exception {
        int records = 5_000;
        String table = "mixed";
        Trino.execute("CREATE TABLE memory." + schema + "." + table + " (id bigint, small smallint, count integer, ratio double, "
                + "price decimal(12,4), active boolean, name varchar, day date, at timestamp(6), seen timestamp(3) with time zone, "
                + "tags array(integer), address row(city varchar, zip integer), attrs map(varchar, integer), payload varbinary, "
                + "uid uuid, note varchar)");
        String topic = "trino-mixed-" + UUID.randomUUID().toString().substring(0, 8);
        Kafka.createTopic(topic, 2);
        Kafka.produce(topic, records, TrinoSinkITCase::mixed);
        String yaml = "replicas: 2\n"
                + "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: it-" + topic + "\n    bounded: true\n"
                + "sink:\n  type: trino\n  config:\n    serverURL: " + Trino.serverUrl() + "\n    catalog: memory\n"
                + "    schema: " + schema + "\n    table: " + table + "\n    batchSize: 500\n";
        long started = System.nanoTime();
        MiniClusterJobs.run(yaml, "it-kafka-to-trino", JobCompiler.create(), 1000, 0);
        System.out.printf("Kafka -> Trino (memory): %d records in %d ms%n", records, (System.nanoTime() - started) / 1_000_000);

        List<List<Object>> rows = Trino.rows("SELECT id, small, count, ratio, price, active, name, day, CAST(at AS varchar), "
                + "CAST(seen AS varchar), tags, address, attrs, payload, uid, note FROM memory." + schema + "." + table + " ORDER BY id");
        assertThat(rows).hasSize(records);
        for (int i = 0; i < records; i++) {
            List<Object> r = rows.get(i);
            JsonNode sent = JSON.readTree(mixed(i));
            Instant at = START.plusSeconds(i).plusMillis(i % 1000);
            assertThat(r.get(0)).isEqualTo((long) i + 1);
            assertThat(r.get(1)).isEqualTo((short) (i % 30000));
            assertThat(r.get(2)).isEqualTo(i * 7);
            assertThat(r.get(3)).isEqualTo(i + 0.123456);
            assertThat((BigDecimal) r.get(4)).isEqualByComparingTo(sent.get("price").decimalValue());
            assertThat(r.get(5)).isEqualTo(i % 2 == 0);
            assertThat(r.get(6)).isEqualTo(sent.get("name").asText());
            assertThat(r.get(7).toString()).isEqualTo(sent.get("day").asText());
            assertThat(r.get(8)).as("row %d: %s normalised to UTC", i, sent.get("at"))
                    .isEqualTo(at.toString().replace('T', ' ').replace("Z", "") + (at.getNano() == 0 ? ".000000" : "000"));
            assertThat(r.get(9)).isEqualTo(at.toString().replace('T', ' ').replace("Z", "") + (at.getNano() == 0 ? ".000" : "") + " UTC");
            assertThat(elements(r.get(10))).containsExactly(i, i + 1);
            assertThat(((Row) r.get(11)).getFields()).extracting(f -> f.getValue()).containsExactly("Zürich", 8000 + i % 100);
            assertThat(r.get(12)).isEqualTo(Map.of("k", i));
            assertThat(new String((byte[]) r.get(13))).isEqualTo("bytes " + i);
            assertThat(r.get(14)).isEqualTo(new UUID(0, i).toString());
            assertThat(r.get(15)).isEqualTo(i % 5 == 0 ? null : "note " + i);
        }
    }

    private static List<Object> elements(Object array) throws Exception {
        return array instanceof Array a ? Arrays.asList((Object[]) a.getArray()) : new ArrayList<>((List<?>) array);
    }

    @Test
    void mergeUpsertsIntoAnIcebergTableKeepTheLastVersionOfEachKeyAndAReplayChangesNothing() throws Exception {
        String table = "events";
        Trino.execute("CREATE TABLE lake." + lakeSchema + "." + table + " (event_id bigint, name varchar, amount decimal(10,2), "
                + "updated_at timestamp(6) with time zone)");
        Trino.execute("INSERT INTO lake." + lakeSchema + "." + table + " VALUES (1, 'before', 1.00, TIMESTAMP '2025-01-01 00:00:00 UTC')");
        List<Message> batch = new ArrayList<>();
        Map<Integer, String> expected = new LinkedHashMap<>();
        for (int v = 0; v < 3; v++) {
            for (int key = 1; key <= 120; key++) {
                if (v > 0 && key % 2 == 0) {
                    continue; // even keys have one version, odd keys three (two of them in the same batch)
                }
                String name = "v" + v + " of " + key + " 'q'";
                batch.add(Message.of("{\"event_id\":" + key + ",\"name\":\"" + name.replace("\"", "\\\"") + "\",\"amount\":\""
                        + key + "." + v + "5\",\"updated_at\":\"2026-01-0" + (v + 1) + "T10:00:00+01:00\"}"));
                expected.put(key, name);
            }
        }
        for (int replay = 0; replay < 2; replay++) {
            try (TrinoSinkConnector sink = sink("lake", lakeSchema, table, "'batchSize':100,'upsertMode':true,'conflictKey':'event_id'")) {
                sink.connect();
                for (Message m : batch) {
                    sink.write(m);
                }
                TrinoUpsertCommits.flushAndCommit(sink, 1);
            }
            String t = "lake." + lakeSchema + "." + table;
            assertThat(Trino.count("SELECT count(*) FROM " + t)).as("one row per key after run %d", replay).isEqualTo(120);
            List<List<Object>> rows = Trino.rows("SELECT event_id, name, CAST(amount AS varchar), CAST(updated_at AS varchar) FROM " + t
                    + " ORDER BY event_id");
            for (List<Object> r : rows) {
                int key = ((Long) r.get(0)).intValue();
                int v = key % 2 == 0 ? 0 : 2;
                assertThat(r.get(1)).isEqualTo(expected.get(key));
                assertThat(r.get(2)).isEqualTo(key + "." + v + "5");
                assertThat(r.get(3)).isEqualTo("2026-01-0" + (v + 1) + " 09:00:00.000000 UTC");
            }
        }
    }

    @Test
    void rawModeCreatesTheTableAndStoresTheRecordAndItsMetadataAsJson() throws Exception {
        String table = "raw_" + UUID.randomUUID().toString().substring(0, 8);
        try (TrinoSinkConnector sink = sink("memory", schema, table, "'rawMode':true,'autoCreateTable':true")) {
            sink.connect();
            sink.write(new Message("{\"a\":1,\"b\":\"x'y\"}".getBytes(), Map.of("topic", "t1", "offset", 7L), 0));
            sink.write(Message.of("{\"value\":{\"a\":2},\"_metadata\":{\"table\":\"src\"}}"));
            sink.flush();
        }
        List<List<Object>> rows = Trino.rows("SELECT data, _metadata FROM memory." + schema + "." + table + " ORDER BY data");
        assertThat(rows).hasSize(2);
        assertThat(JSON.readTree((String) rows.get(0).get(0))).isEqualTo(JSON.readTree("{\"a\":1,\"b\":\"x'y\"}"));
        assertThat(JSON.readTree((String) rows.get(0).get(1))).isEqualTo(JSON.readTree("{\"topic\":\"t1\",\"offset\":7}"));
        assertThat(JSON.readTree((String) rows.get(1).get(0))).isEqualTo(JSON.readTree("{\"a\":2}"));
        assertThat(JSON.readTree((String) rows.get(1).get(1))).isEqualTo(JSON.readTree("{\"table\":\"src\"}"));
    }

    @Test
    void flattenedMetadataCreatesOneColumnPerKeyAsOrcWhereTheCatalogSupportsIt() throws Exception {
        String table = "flat";
        try (TrinoSinkConnector sink = sink("lake", lakeSchema, table,
                "'rawMode':true,'autoCreateTable':true,'flattenMetadataColumns':true,'flattenMetadataColumnsPrefix':'meta_'")) {
            sink.connect();
            sink.write(new Message("{\"a\":1}".getBytes(), Map.of("topic", "t1", "partition", 0), 0));
            sink.write(new Message("{\"a\":2}".getBytes(), Map.of("topic", "t1", "partition", 1, "unknown", "x"), 0));
            sink.flush();
        }
        String t = "lake." + lakeSchema + "." + table;
        assertThat((String) Trino.rows("SHOW CREATE TABLE " + t).get(0).get(0)).contains("format = 'ORC'");
        assertThat(Trino.rows("SELECT data, meta_topic, meta_partition FROM " + t + " ORDER BY meta_partition"))
                .containsExactly(List.of("{\"a\":1}", "t1", "0"), List.of("{\"a\":2}", "t1", "1"));
    }

    @Test
    void recordsThatDoNotFitTheirColumnsGoToTheListenerAndTheRestOfTheBatchIsWritten() throws Exception {
        String table = "refused";
        Trino.execute("CREATE TABLE memory." + schema + "." + table + " (id bigint, n integer, d decimal(4,2))");
        List<String> refused = new ArrayList<>();
        try (TrinoSinkConnector sink = sink("memory", schema, table, "'batchSize':1000")) {
            sink.setRefusedRecordListener((m, reason) -> refused.add((m.json() == null ? m.dataAsString() : m.json().get("id")) + " " + reason));
            sink.connect();
            for (int i = 0; i < 100; i++) {
                String n = i == 37 ? "\"not a number\"" : i == 50 ? "3000000000" : String.valueOf(i);
                String d = i == 80 ? "\"123456\"" : "1.25"; // too large for decimal(4,2): refused by the server
                sink.write(Message.of("{\"id\":" + i + ",\"n\":" + n + ",\"d\":" + d + "}"));
            }
            sink.write(Message.of("not json"));
            sink.flush();
        }
        assertThat(refused).hasSize(4);
        assertThat(refused.get(0)).startsWith("37 column n (integer): \"not a number\"");
        assertThat(refused.get(1)).startsWith("50 column n (integer): 3000000000 is out of the range of integer");
        assertThat(refused.get(2)).startsWith("80 ").containsIgnoringCase("decimal");
        assertThat(refused.get(3)).isEqualTo("not json the record is not JSON");
        assertThat(Trino.count("SELECT count(*) FROM memory." + schema + "." + table)).isEqualTo(97);
        assertThat(Trino.count("SELECT sum(n) FROM memory." + schema + "." + table)).isEqualTo(99 * 100 / 2 - 37 - 50 - 80);
    }

    @Test
    void recordsTrinoRefusesAreFoundWithoutWritingAndTheRestLandsAsOneIcebergSnapshot() throws Exception {
        String table = "one_snapshot";
        String t = "lake." + lakeSchema + "." + table;
        Trino.execute("CREATE TABLE " + t + " (id bigint NOT NULL, n integer, d decimal(4,2), "
                + "address row(city varchar, zip integer))");
        long snapshotsBefore = Trino.count("SELECT count(*) FROM lake." + lakeSchema + ".\"" + table + "$snapshots\"");
        List<String> refused = new ArrayList<>();
        try (TrinoSinkConnector sink = sink("lake", lakeSchema, table, "'batchSize':1000")) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(m.json().path("n").asText() + " " + reason));
            sink.connect();
            for (int i = 0; i < 400; i++) {
                String id = i == 7 ? "null" : String.valueOf(i);                       // NOT NULL: refused by Trino
                String d = i == 123 || i == 124 ? "\"123456\"" : "1.25";             // too large for decimal(4,2)
                String zip = i == 300 ? "\"not a zip\"" : String.valueOf(8000 + i); // the ROW cast fails
                sink.write(Message.of("{\"id\":" + id + ",\"n\":" + i + ",\"d\":" + d
                        + ",\"address\":{\"city\":\"Z\",\"zip\":" + zip + "}}"));
            }
            sink.flush();
        }
        assertThat(refused).hasSize(4);
        assertThat(refused.get(0)).startsWith("7 ").contains("NOT NULL").contains("id");
        assertThat(refused.get(1)).startsWith("123 ").containsIgnoringCase("decimal");
        assertThat(refused.get(2)).startsWith("124 ").containsIgnoringCase("decimal");
        assertThat(refused.get(3)).startsWith("300 ").contains("not a zip");
        assertThat(Trino.count("SELECT count(*) FROM " + t)).isEqualTo(396);
        assertThat(Trino.count("SELECT count(*) FROM lake." + lakeSchema + ".\"" + table + "$snapshots\""))
                .as("the good records of the batch are one INSERT: one snapshot, not one per accepted piece")
                .isEqualTo(snapshotsBefore + 1);
    }

    @Test
    void anUpsertWithRefusedRecordsMergesTheRestAsOneIcebergSnapshot() throws Exception {
        String table = "one_merge";
        String t = "lake." + lakeSchema + "." + table;
        Trino.execute("CREATE TABLE " + t + " (id bigint, name varchar NOT NULL, d decimal(4,2))");
        Trino.execute("INSERT INTO " + t + " VALUES (1, 'stored', 1.00), (2, 'stored', 2.00)");
        long snapshotsBefore = Trino.count("SELECT count(*) FROM lake." + lakeSchema + ".\"" + table + "$snapshots\"");
        List<String> refused = new ArrayList<>();
        try (TrinoSinkConnector sink = sink("lake", lakeSchema, table, "'batchSize':1000,'upsertMode':true,'conflictKey':'id'")) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(m.json().path("id").asText() + " " + reason));
            sink.connect();
            sink.write(Message.of("{\"id\":1,\"d\":\"1.50\"}"));                   // no name: the stored row keeps its own
            sink.write(Message.of("{\"id\":2,\"name\":null,\"d\":\"2.50\"}"));       // an explicit NULL name: refused
            for (int i = 3; i < 200; i++) {
                String d = i == 150 ? "\"123456\"" : "1.25";
                String name = i == 60 ? "" : ",\"name\":\"n" + i + "\"";              // a new key without a name: refused
                sink.write(Message.of("{\"id\":" + i + name + ",\"d\":" + d + "}"));
            }
            TrinoUpsertCommits.flushAndCommit(sink, 1);
        }
        assertThat(refused).hasSize(3);
        assertThat(refused.get(0)).startsWith("2 ").contains("NOT NULL").contains("name");
        assertThat(refused.get(1)).startsWith("60 ").contains("NOT NULL").contains("name");
        assertThat(refused.get(2)).startsWith("150 ").containsIgnoringCase("decimal");
        assertThat(Trino.rows("SELECT name, CAST(d AS varchar) FROM " + t + " WHERE id IN (1, 2) ORDER BY id"))
                .containsExactly(List.of("stored", "1.50"), List.of("stored", "2.00"));
        assertThat(Trino.count("SELECT count(*) FROM " + t)).isEqualTo(2 + 197 - 2);
        assertThat(Trino.count("SELECT count(*) FROM lake." + lakeSchema + ".\"" + table + "$snapshots\""))
                .as("the good records of the batch are one MERGE: one snapshot")
                .isEqualTo(snapshotsBefore + 1);
    }

    @Test
    void textLongerThanItsVarcharColumnIsRefusedInsteadOfCutByTheLiteralsCast() throws Exception {
        String table = "bounded";
        Trino.execute("CREATE TABLE memory." + schema + "." + table + " (id bigint, code varchar(3))");
        List<String> refused = new ArrayList<>();
        try (TrinoSinkConnector sink = sink("memory", schema, table, "'batchSize':100")) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(m.json().get("id") + " " + reason));
            sink.connect();
            sink.write(Message.of("{\"id\":1,\"code\":\"abc\"}"));
            sink.write(Message.of("{\"id\":2,\"code\":\"abcd\"}"));
            sink.write(Message.of("{\"id\":3,\"code\":\"ab   \"}"));
            sink.flush();
        }
        assertThat(refused).containsExactly("2 column code (varchar(3)): \"abcd\" has 4 characters, more than varchar(3) holds");
        assertThat(Trino.rows("SELECT id, code FROM memory." + schema + "." + table + " ORDER BY id"))
                .containsExactly(List.of(1L, "abc"), List.of(3L, "ab "));
    }

    @Test
    void withoutAnErrorSinkARefusedRecordFailsTheFlushAndAMissingTableFailsTheConnect() throws Exception {
        String table = "strict";
        Trino.execute("CREATE TABLE memory." + schema + "." + table + " (id bigint, n integer)");
        try (TrinoSinkConnector sink = sink("memory", schema, table, "")) {
            sink.connect();
            sink.write(Message.of("{\"id\":1,\"n\":1}"));
            sink.write(Message.of("{\"id\":2,\"n\":\"x\"}"));
            assertThatThrownBy(sink::flush).isInstanceOf(TrinoException.class)
                    .hasMessageContaining("was refused and no error sink receives it").hasMessageContaining("column n (integer)");
        }
        assertThat(Trino.count("SELECT count(*) FROM memory." + schema + "." + table)).isZero();
        try (TrinoSinkConnector sink = sink("memory", schema, "missing", "")) {
            assertThatThrownBy(sink::connect).isInstanceOf(TrinoException.class)
                    .hasMessageContaining("memory." + schema + ".missing: the table does not exist");
        }
    }

    @Test
    void anUnreachableServerIsRetriedAsTransientThenFailsNamingTheTable() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (TrinoSinkConnector sink = sink("http://127.0.0.1:" + closedPort, "memory", schema, "t", "")) {
            long started = System.nanoTime();
            assertThatThrownBy(sink::connect).isInstanceOf(TrinoException.class)
                    .hasMessageContaining("memory." + schema + ".t: cannot prepare the table")
                    .hasMessageContaining("transient, retries exhausted");
            // 5 attempts with 50, 100, 200, 400 ms between them
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(750));
        }
    }
}
