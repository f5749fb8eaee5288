package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sink against a real PostgreSQL 15, driven directly (no Flink). Every test writes its own tables. */
@RealServers(Server.POSTGRES)
class PostgresSinkITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger TABLES = new AtomicInteger();

    private static String uniqueTable(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet();
    }

    /** A sink from manifest-like JSON config (single quotes allowed), validated like the manifest validator does. */
    private static PostgresSinkConnector sink(String table, String extraConfig) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(("{" + extraConfig + "}").replace('\'', '"'));
        config.put("connectionString", Postgres.url());
        config.put("table", table);
        PostgresConnectorFactory factory = new PostgresConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", config, factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        errors.throwIfAny();
        return (PostgresSinkConnector) factory.createSink(c, ConnectorContext.standalone("it", "sink"));
    }

    private static Message json(String body) {
        return Message.of(body.replace('\'', '"'));
    }

    private static Message withMetadata(String body, Map<String, Object> metadata) {
        return new Message(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8), new LinkedHashMap<>(metadata), 0L);
    }

    private static List<Map<String, Object>> rows(String sql) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = Postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    private static Map<String, String> columnTypes(String schema, String table) throws Exception {
        Map<String, String> types = new TreeMap<>();
        for (Map<String, Object> r : rows("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '"
                + schema.replace("'", "''") + "' AND table_name = '" + table.replace("'", "''") + "'")) {
            types.put((String) r.get("column_name"), (String) r.get("data_type"));
        }
        return types;
    }

    private static JsonNode tree(Object jsonText) throws Exception {
        return JSON.readTree(String.valueOf(jsonText));
    }

    @Test
    void columnarAutoCreateWritesTenThousandMixedRecordsExactly() throws Exception {
        String table = uniqueTable("columnar");
        try (PostgresSinkConnector sink = sink(table, "'autoCreateTable':true,'batchSize':1000")) {
            sink.connect();
            for (int i = 0; i < 10_000; i++) {
                ObjectNode body = JSON.createObjectNode();
                body.put("id", i);
                body.put("name", i % 7 == 0 ? "it's \"n\"\t" + i + "\n\\ ü🚀" : "name-" + i);
                body.put("price", i + 0.25);
                body.put("active", i % 2 == 0);
                body.putArray("tags").add("t" + i).add(i);
                body.putObject("attrs").put("k", i).putNull("nothing");
                if (i % 3 == 0) {
                    body.putNull("note");
                } else {
                    body.put("note", "note " + i);
                }
                sink.write(Message.ofJson(body, new LinkedHashMap<>(), 0L));
            }
            sink.flush();
        }
        assertThat(columnTypes("public", table)).containsEntry("id", "bigint").containsEntry("name", "text")
                .containsEntry("price", "numeric").containsEntry("active", "boolean").containsEntry("tags", "jsonb")
                .containsEntry("attrs", "jsonb").containsEntry("note", "text")
                .containsEntry("created_at", "timestamp without time zone").containsEntry("updated_at", "timestamp without time zone");
        assertThat(Postgres.count("SELECT count(*) FROM pg_index WHERE indrelid = 'public.\"" + table + "\"'::regclass AND indisprimary"))
                .isEqualTo(1);
        List<Map<String, Object>> rows = rows("SELECT id, name, price, active, tags::text AS tags, attrs::text AS attrs, note, "
                + "created_at IS NOT NULL AS stamped FROM \"" + table + "\" ORDER BY id");
        assertThat(rows).hasSize(10_000);
        for (int i = 0; i < 10_000; i++) {
            Map<String, Object> r = rows.get(i);
            assertThat(r.get("id")).isEqualTo((long) i);
            assertThat(r.get("name")).isEqualTo(i % 7 == 0 ? "it's \"n\"\t" + i + "\n\\ ü🚀" : "name-" + i);
            assertThat((BigDecimal) r.get("price")).isEqualByComparingTo(BigDecimal.valueOf(i + 0.25));
            assertThat(r.get("active")).isEqualTo(i % 2 == 0);
            assertThat(tree(r.get("tags"))).isEqualTo(JSON.createArrayNode().add("t" + i).add(i));
            assertThat(tree(r.get("attrs"))).isEqualTo(JSON.createObjectNode().put("k", i).putNull("nothing"));
            assertThat(r.get("note")).isEqualTo(i % 3 == 0 ? null : "note " + i);
            assertThat(r.get("stamped")).isEqualTo(true);
        }
    }

    @Test
    void unknownFieldsAreSkippedAndMissingOnesAreNull() throws Exception {
        String table = uniqueTable("drift");
        try (PostgresSinkConnector sink = sink(table, "'autoCreateTable':true")) {
            sink.connect();
            sink.write(json("{'id':1,'a':'x','b':2}"));
            sink.flush();
            sink.write(json("{'id':2,'a':'y','new_field':true}"));
            sink.write(json("{'id':3,'b':5,'another':{}}"));
            sink.flush();
        }
        assertThat(columnTypes("public", table)).doesNotContainKeys("new_field", "another");
        assertThat(rows("SELECT id, a, b FROM \"" + table + "\" ORDER BY id")).containsExactly(
                Map.of("id", 1L, "a", "x", "b", 2L),
                new LinkedHashMap<>(Map.of("id", 2L, "a", "y")) {{ put("b", null); }},
                new LinkedHashMap<>(Map.of("id", 3L, "b", 5L)) {{ put("a", null); }});
    }

    @Test
    void valuesAreConvertedByTheTargetColumnTypesAndNeverTruncated() throws Exception {
        String table = uniqueTable("typed");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, ts timestamptz, t timestamp, d date, "
                + "amount numeric(10,2), code varchar(3), n integer, doc json)");
        List<String> refused = new ArrayList<>();
        try (PostgresSinkConnector sink = sink(table, "'upsertMode':true")) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(m.json().get("id") + " " + reason));
            sink.connect();
            sink.write(json("{'id':1,'ts':'2024-05-01T10:00:00Z','t':'2024-05-01 10:00:00.5','d':'2024-05-01','amount':12.345,"
                    + "'code':'abc','n':'42','doc':'a string'}"));
            sink.write(json("{'id':2,'code':'abcd'}"));
            sink.write(json("{'id':3,'n':'not a number'}"));
            sink.flush();
        }
        Map<String, Object> r = rows("SELECT id, ts, t::text AS t, d::text AS d, amount, code, n, doc::text AS doc FROM \""
                + table + "\" ORDER BY id").get(0);
        assertThat(((java.sql.Timestamp) r.get("ts")).toInstant()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(r.get("t")).isEqualTo("2024-05-01 10:00:00.5");
        assertThat(r.get("d")).isEqualTo("2024-05-01");
        assertThat((BigDecimal) r.get("amount")).isEqualByComparingTo("12.35");
        assertThat(r.get("code")).isEqualTo("abc");
        assertThat(r.get("n")).isEqualTo(42);
        assertThat(r.get("doc")).isEqualTo("\"a string\"");
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\"")).isEqualTo(1);
        assertThat(refused).hasSize(2);
        assertThat(refused.get(0)).startsWith("2 SQLSTATE 22001");
        assertThat(refused.get(1)).startsWith("3 SQLSTATE 22P02");
    }

    @Test
    void rawModeStoresBodyAndMetadataAndHonoursPreWrappedBodies() throws Exception {
        String table = uniqueTable("raw");
        try (PostgresSinkConnector sink = sink("raw_schema_" + table + "." + table, "'autoCreateTable':true,'rawMode':true")) {
            sink.connect();
            assertThat(columnTypes("raw_schema_" + table, table)).containsOnlyKeys("id", "data", "_metadata", "created_at", "updated_at", "deleted_at");
            assertThat(Postgres.count("SELECT count(*) FROM pg_indexes WHERE schemaname = 'raw_schema_" + table
                    + "' AND indexname = 'idx_" + table + "_data' AND indexdef LIKE '%USING gin (data)%'")).isEqualTo(1);
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("topic", "orders");
            metadata.put("partition", 2);
            metadata.put("offset", 40L);
            metadata.put("timestamp", Instant.parse("2024-05-01T10:00:00.123Z"));
            sink.write(withMetadata("{'a':1,'s':'x'}", metadata));
            sink.write(withMetadata("{'value':{'b':2},'_metadata':{'src':'wrapped'}}", metadata));
            sink.write(withMetadata("[1,'two']", Map.of()));
            sink.flush();
        }
        List<Map<String, Object>> rows = rows("SELECT data::text AS data, _metadata::text AS meta FROM raw_schema_" + table
                + ".\"" + table + "\" ORDER BY id");
        assertThat(rows).hasSize(3);
        assertThat(tree(rows.get(0).get("data"))).isEqualTo(tree("{\"a\":1,\"s\":\"x\"}"));
        assertThat(tree(rows.get(0).get("meta"))).isEqualTo(
                tree("{\"topic\":\"orders\",\"partition\":2,\"offset\":40,\"timestamp\":\"2024-05-01T10:00:00.123Z\"}"));
        assertThat(tree(rows.get(1).get("data"))).isEqualTo(tree("{\"b\":2}"));
        assertThat(tree(rows.get(1).get("meta"))).isEqualTo(tree("{\"src\":\"wrapped\"}"));
        assertThat(tree(rows.get(2).get("data"))).isEqualTo(tree("[1,\"two\"]"));
        assertThat(tree(rows.get(2).get("meta"))).isEqualTo(tree("{}"));
    }

    @Test
    void flattenedMetadataColumnsAreTypedFromTheFirstBatch() throws Exception {
        String table = uniqueTable("flat");
        try (PostgresSinkConnector sink = sink(table,
                "'autoCreateTable':true,'rawMode':true,'flattenMetadataColumns':true,'flattenMetadataColumnsPrefix':'kafka_'")) {
            sink.connect();
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("topic", "orders");
            metadata.put("partition", 2);
            metadata.put("offset", 40L);
            metadata.put("timestamp", Instant.parse("2024-05-01T10:00:00Z"));
            metadata.put("headers", Map.of("trace", "t1"));
            metadata.put("retry", true);
            metadata.put("score", 0.5);
            sink.write(withMetadata("{'a':1}", metadata));
            sink.flush();
            metadata.put("offset", 41L);
            metadata.put("unknown_later", "skipped");
            sink.write(withMetadata("{'a':2}", metadata));
            sink.flush();
        }
        assertThat(columnTypes("public", table)).containsEntry("kafka_topic", "text").containsEntry("kafka_partition", "integer")
                .containsEntry("kafka_offset", "bigint").containsEntry("kafka_timestamp", "timestamp with time zone")
                .containsEntry("kafka_headers", "jsonb").containsEntry("kafka_retry", "boolean")
                .containsEntry("kafka_score", "double precision").doesNotContainKeys("_metadata", "kafka_unknown_later");
        List<Map<String, Object>> rows = rows("SELECT data::text AS data, kafka_topic, kafka_partition, kafka_offset, kafka_timestamp, "
                + "kafka_headers::text AS headers, kafka_retry, kafka_score FROM \"" + table + "\" ORDER BY id");
        assertThat(rows).hasSize(2);
        assertThat(tree(rows.get(1).get("data"))).isEqualTo(tree("{\"a\":2}"));
        assertThat(rows.get(1)).containsEntry("kafka_topic", "orders").containsEntry("kafka_partition", 2)
                .containsEntry("kafka_offset", 41L).containsEntry("kafka_retry", true).containsEntry("kafka_score", 0.5);
        assertThat(((java.sql.Timestamp) rows.get(1).get("kafka_timestamp")).toInstant()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(tree(rows.get(1).get("headers"))).isEqualTo(tree("{\"trace\":\"t1\"}"));
    }

    @Test
    void aKilledConnectionIsReplacedAndTheBatchRetried() throws Exception {
        String table = uniqueTable("retry");
        try (PostgresSinkConnector sink = sink(table, "'autoCreateTable':true,'upsertMode':true,'batchSize':1000")) {
            sink.connect();
            for (int i = 0; i < 100; i++) {
                sink.write(json("{'id':" + i + ",'name':'before'}"));
            }
            sink.flush();
            // The server ends the sink's session (what a failover or an administrator does): SQLSTATE 57P01.
            assertThat(Postgres.count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '"
                    + PostgresConnectionString.DEFAULT_APPLICATION_NAME + "' AND pid <> pg_backend_pid()")).isPositive();
            for (int i = 100; i < 200; i++) {
                sink.write(json("{'id':" + i + ",'name':'after'}"));
            }
            sink.flush();
        }
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\"")).isEqualTo(200);
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\" WHERE name = 'after'")).isEqualTo(100);
    }

    @Test
    void upsertKeepsTheLatestRecordPerKey() throws Exception {
        String table = uniqueTable("upsert");
        try (PostgresSinkConnector sink = sink(table, "'autoCreateTable':true,'upsertMode':true,'batchSize':1000")) {
            sink.connect();
            for (int i = 0; i < 50; i++) {
                sink.write(json("{'id':" + i + ",'name':'first " + i + "','qty':" + i + "}"));
            }
            sink.flush();
            for (int i = 0; i < 50; i++) {
                sink.write(json("{'id':" + i + ",'name':'second " + i + "','qty':" + (i * 10) + "}"));
            }
            sink.write(json("{'id':7,'name':'third 7','qty':777}"));
            sink.flush();
        }
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\"")).isEqualTo(50);
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\" WHERE name LIKE 'second %'")).isEqualTo(49);
        assertThat(rows("SELECT name, qty FROM \"" + table + "\" WHERE id = 7")).containsExactly(Map.of("name", "third 7", "qty", 777L));
        assertThat(rows("SELECT name, qty FROM \"" + table + "\" WHERE id = 3")).containsExactly(Map.of("name", "second 3", "qty", 30L));
    }

    @Test
    void upsertIfNewerKeepsTheNewestVersionEvenWithinOneBatch() throws Exception {
        String table = uniqueTable("ifnewer");
        Postgres.execute("CREATE TABLE \"" + table + "\" (order_id text PRIMARY KEY, version bigint, name text)");
        try (PostgresSinkConnector sink = sink(table,
                "'upsertMode':true,'conflictKey':'order_id','upsertStrategy':'ifNewer','upsertVersionColumn':'version'")) {
            sink.connect();
            sink.write(json("{'order_id':'A','version':5,'name':'five'}"));
            sink.write(json("{'order_id':'B','version':1,'name':'one'}"));
            sink.flush();
            sink.write(json("{'order_id':'A','version':3,'name':'three'}"));
            sink.write(json("{'order_id':'B','version':7,'name':'seven'}"));
            sink.write(json("{'order_id':'B','version':6,'name':'six'}"));
            sink.flush();
        }
        assertThat(rows("SELECT order_id, version, name FROM \"" + table + "\" ORDER BY order_id")).containsExactly(
                Map.of("order_id", "A", "version", 5L, "name", "five"),
                Map.of("order_id", "B", "version", 7L, "name", "seven"));
    }

    @Test
    void softDeleteMarksTheRowOfTheKey() throws Exception {
        String table = uniqueTable("softdel");
        try (PostgresSinkConnector sink = sink(table, "'autoCreateTable':true,'upsertMode':true,'softDeleteColumn':'deleted_at'")) {
            sink.connect();
            for (int i = 1; i <= 4; i++) {
                sink.write(json("{'id':" + i + ",'name':'n" + i + "'}"));
            }
            sink.write(withMetadata("{'name':'gone'}", Map.of("operation", "delete", "id", 2L)));
            sink.write(withMetadata("{'id':3}", Map.of("operation", "delete")));
            sink.write(withMetadata("{'id':4,'name':'updated'}", Map.of("operation", "update")));
            sink.flush();
        }
        assertThat(columnTypes("public", table)).containsEntry("deleted_at", "timestamp without time zone");
        assertThat(rows("SELECT id, name, deleted_at IS NOT NULL AS deleted FROM \"" + table + "\" ORDER BY id")).containsExactly(
                Map.of("id", 1L, "name", "n1", "deleted", false),
                Map.of("id", 2L, "name", "n2", "deleted", true),
                Map.of("id", 3L, "name", "n3", "deleted", true),
                Map.of("id", 4L, "name", "updated", "deleted", false));
    }

    @Test
    void awkwardNamesAndValuesAreStoredVerbatimByCopyAndByUpsert() throws Exception {
        String schema = "we;ird \"sch\" ü";
        String table = "tab\"le; -- " + uniqueTable("ñ");
        String quotedName = "\"" + schema.replace("\"", "\"\"") + "\".\"" + table.replace("\"", "\"\"") + "\"";
        String nasty = "it's \"q\"; DROP TABLE x; -- ü 🚀 \\ back\ttab\nnl \\N";
        ObjectNode body = JSON.createObjectNode().put("id", 1).put("col\"; --", nasty).put("ünï", "ok");
        try (PostgresSinkConnector sink = sink(quotedName, "'autoCreateTable':true")) {
            sink.connect();
            sink.write(Message.ofJson(body, new LinkedHashMap<>(), 0L));
            sink.flush();
        }
        try (PostgresSinkConnector sink = sink(quotedName, "'upsertMode':true")) {
            sink.connect();
            sink.write(Message.ofJson(body.deepCopy().put("id", 2).put("col\"; --", nasty + " upserted"), new LinkedHashMap<>(), 0L));
            sink.flush();
        }
        assertThat(rows("SELECT id, \"col\"\"; --\" AS v, \"ünï\" AS u FROM " + quotedName + " ORDER BY id")).containsExactly(
                Map.of("id", 1L, "v", nasty, "u", "ok"),
                Map.of("id", 2L, "v", nasty + " upserted", "u", "ok"));
    }

    @Test
    void badRecordsInTheMiddleOfABatchAreReportedAndAllGoodOnesLand() throws Exception {
        String table = uniqueTable("reject");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, name text NOT NULL, qty int CHECK (qty >= 0))");
        Map<Integer, String> refused = new TreeMap<>();
        try (PostgresSinkConnector sink = sink(table, "'batchSize':1000,'onDuplicateKey':'refuse'")) {
            sink.setRefusedRecordListener((m, reason) -> refused.put(m.isJson() ? m.json().get("id").asInt() : -1, reason));
            sink.connect();
            for (int i = 0; i < 100; i++) {
                if (i == 17) {
                    sink.write(json("{'id':17,'name':null,'qty':1}"));
                } else if (i == 42) {
                    sink.write(json("{'id':42,'name':'n','qty':-1}"));
                } else if (i == 60) {
                    sink.write(json("{'id':10,'name':'duplicate of 10','qty':1}"));
                } else if (i == 80) {
                    sink.write(json("{'id':80,'name':'n','qty':'many'}"));
                } else if (i == 90) {
                    sink.write(Message.of("not json at all"));
                } else {
                    sink.write(json("{'id':" + i + ",'name':'n" + i + "','qty':" + i + "}"));
                }
            }
            sink.flush();
        }
        assertThat(refused).containsOnlyKeys(17, 42, 10, 80, -1);
        assertThat(refused.get(17)).startsWith("SQLSTATE 23502").contains("name");
        assertThat(refused.get(42)).startsWith("SQLSTATE 23514");
        assertThat(refused.get(10)).startsWith("SQLSTATE 23505");
        assertThat(refused.get(80)).startsWith("SQLSTATE 22P02");
        assertThat(refused.get(-1)).isEqualTo("body is not JSON");
        assertThat(refused.values()).noneMatch(r -> r.contains("Failing row") || r.contains("duplicate of 10"));
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\"")).isEqualTo(95);
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\" WHERE id = 10 AND name = 'n10'")).isEqualTo(1);
    }

    @Test
    void badRecordsOfAnUpsertBatchAreIsolatedToo() throws Exception {
        String table = uniqueTable("reject_upsert");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, qty int CHECK (qty >= 0))");
        List<String> refused = new ArrayList<>();
        try (PostgresSinkConnector sink = sink(table, "'upsertMode':true")) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(m.json().get("id") + ": " + reason));
            sink.connect();
            sink.write(json("{'id':1,'qty':1}"));
            sink.write(json("{'id':2,'qty':-2}"));
            sink.write(json("{'id':3,'qty':3}"));
            sink.flush();
        }
        assertThat(refused).singleElement().asString().startsWith("2: SQLSTATE 23514");
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\"")).isEqualTo(2);
    }

    @Test
    void withoutAListenerABadRecordFailsTheFlushNamingItAndNothingIsCommitted() throws Exception {
        String table = uniqueTable("nolistener");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, name text NOT NULL)");
        try (PostgresSinkConnector sink = sink(table, "'batchSize':1000,'onDuplicateKey':'refuse'")) {
            sink.connect();
            for (int i = 0; i < 10; i++) {
                sink.write(json(i == 5 ? "{'id':5,'name':null}" : "{'id':" + i + ",'name':'n'}"));
            }
            assertThatThrownBy(sink::flush).isInstanceOf(PostgresConnectorException.class)
                    .hasMessageContaining("\"public\".\"" + table + "\"")
                    .hasMessageContaining("record at position 5 (0-based) of a batch of 10")
                    .hasMessageContaining("SQLSTATE 23502");
            // with onDuplicateKey: refuse a plain duplicate key is an error too
            sink.write(json("{'id':1,'name':'a'}"));
            sink.write(json("{'id':1,'name':'b'}"));
            assertThatThrownBy(sink::flush).hasMessageContaining("position 1").hasMessageContaining("SQLSTATE 23505");
            sink.write(json("[1,2]"));
            assertThatThrownBy(sink::flush).hasMessageContaining("position 0").hasMessageContaining("body is not a JSON object");
        }
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\"")).isZero();
    }

    @Test
    void aMissingTableWithoutAutoCreateFailsTheFlush() throws Exception {
        String table = uniqueTable("missing");
        try (PostgresSinkConnector sink = sink(table, "")) {
            sink.connect();
            sink.write(json("{'id':1}"));
            assertThatThrownBy(sink::flush).isInstanceOf(PostgresConnectorException.class)
                    .hasMessageContaining(table).hasMessageContaining("does not exist").hasMessageContaining("autoCreateTable");
        }
    }

    @Test
    void connectFailureNamesTheServerButNotThePassword() throws Exception {
        ObjectNode config = JSON.createObjectNode().put("connectionString", "postgres://postgres:hunter22secret@127.0.0.1:1/test?connect_timeout=2")
                .put("table", "t");
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", config, PostgresOptions.SINK, errors);
        PostgresSinkConnector sink = (PostgresSinkConnector) new PostgresConnectorFactory().createSink(c, ConnectorContext.standalone("it", "sink"));
        assertThatThrownBy(sink::connect).isInstanceOf(PostgresConnectorException.class)
                .hasMessageContaining("127.0.0.1:1").hasMessageNotContaining("hunter22secret");
        sink.close();
        sink.close();
    }

    @Test
    void lifecycleAndConnectionsBackToBaseline() throws Exception {
        String table = uniqueTable("lifecycle");
        long baseline = Postgres.clientSessions();
        List<PostgresSinkConnector> sinks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            PostgresSinkConnector sink = sink(table, "'autoCreateTable':true,'rawMode':true");
            sink.connect();
            sinks.add(sink);
        }
        sinks.get(0).write(json("{'a':1}"));
        sinks.get(0).flush();
        assertThat(Postgres.clientSessions()).isGreaterThanOrEqualTo(baseline + 3);
        for (PostgresSinkConnector sink : sinks) {
            sink.write(json("{'unflushed':true}"));
            sink.close();
            sink.close();
            assertThatThrownBy(sink::connect).isInstanceOf(ConnectorClosedException.class).hasMessage("connector is closed");
            assertThatThrownBy(() -> sink.write(json("{}"))).hasMessage("connector is closed");
        }
        PostgresSinkConnector neverConnected = sink(table, "");
        neverConnected.close();
        assertThatThrownBy(neverConnected::connect).hasMessage("connector is closed");
        long deadline = System.currentTimeMillis() + 10_000;
        while (Postgres.clientSessions() > baseline && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(Postgres.clientSessions()).isLessThanOrEqualTo(baseline);
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\"")).isEqualTo(1);
    }
}
