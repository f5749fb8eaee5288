package io.dataflow.flink.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.iceberg.IcebergHadoop;
import io.dataflow.flink.testing.ClickHouse;
import io.dataflow.flink.testing.JvmTrustStore;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.KafkaSecure;
import io.dataflow.flink.testing.Keycloak;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.OriginalExample;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.S3;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.Trino;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.nessie.NessieCatalog;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The original's example compositions (docs/ORIGINAL.md#example-compositions A–N, the fixtures {@link OriginalExampleManifestsTest}
 * validates) run end to end on the local servers with small data. Each fixture is rewritten only in its addresses
 * and names ({@link OriginalExample}: exact substitutions, structure checked unchanged) so that it reaches the
 * servers here and touches only names unique to the test (and E in its poll interval, which only sets how long the
 * test waits); its sources are unbounded as written, so each test waits for the expected output and then cancels
 * the job. F runs against a real Keycloak and the HTTPS port of the local Trino, which checks Keycloak's tokens
 * (see its test).
 */
@RealServers({Server.KAFKA, Server.POSTGRES, Server.CLICKHOUSE, Server.NESSIE, Server.ICEBERG_REST, Server.KAFKA_SECURE, Server.S3, Server.TRINO, Server.KEYCLOAK})
class OriginalExamplesEndToEndITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private String sfx;

    @BeforeEach
    void suffix() {
        sfx = UUID.randomUUID().toString().substring(0, 8);
    }

    private static String pgUrl() {
        return Postgres.url();
    }

    /** The native DSN of a fixture, pointed at the local ClickHouse (user default, its HTTP port as http_port). */
    private static String clickHouseDsn(String database, String params) {
        return "default@127.0.0.1:19000/" + database + "?" + params + "&http_port=" + ClickHouse.port();
    }

    // ---- A. Kafka (SASL SCRAM, secrets) -> filter, timestamp -> PostgreSQL upsert, Kafka error sink ----

    @Test
    void aOrdersToPg() throws Exception {
        String topic = "ex-a-" + sfx + ".shop.orders";
        String dlq = "ex-a-" + sfx + ".shop.orders.dlq";
        String schema = "ex_a_" + sfx;
        KafkaSecure.createTopic(topic, 1);
        Kafka.createTopic(dlq, 1);
        KafkaSecure.produce(topic, List.of(
                "{\"order_id\":1,\"status\":\"paid\",\"amount\":10.5}",
                "{\"order_id\":2,\"status\":\"draft\",\"amount\":3}",
                "{\"status\":\"paid\",\"amount\":7}",
                "{\"order_id\":3,\"status\":\"paid\",\"amount\":20}",
                "{\"order_id\":1,\"status\":\"shipped\",\"amount\":10.5}",
                "{\"order_id\":4,\"status\":\"paid\",\"amount\":\"lots\"}",
                "{\"order_id\":5,\"status\":\"paid\",\"amount\":1}"));
        OriginalExample example = OriginalExample.load("a-orders-to-pg.yaml")
                .replace("topic: shop.orders.dlq", "topic: " + dlq)
                .replace("topic: shop.orders\n", "topic: " + topic + "\n")
                .replace("consumerGroup: orders-to-pg", "consumerGroup: ex-a-" + sfx)
                .replace("table: sales.orders", "table: " + schema + ".orders")
                .replace("kafka-0.kafka:9092", Kafka.bootstrap())
                .secret("kafka-conn", "brokers", KafkaSecure.saslBootstrap())
                .secret("kafka-conn", "user", KafkaSecure.SCRAM_USER)
                .secret("kafka-conn", "pass", KafkaSecure.SCRAM_PASSWORD)
                .secret("pg-conn", "dsn", pgUrl());
        String table = schema + ".orders";
        runUntil(example, "3 orders and 1 refused record", () -> count("SELECT count(*) FROM " + table) == 3
                && Kafka.readAll(dlq).size() == 1);
        assertThat(strings("SELECT order_id || ':' || status FROM " + table + " ORDER BY order_id"))
                .as("drafts and records without order_id filtered, order 1 upserted").containsExactly("1:shipped", "3:paid", "5:paid");
        assertThat(count("SELECT count(*) FROM " + table + " WHERE ingested_at IS NOT NULL")).as("timestamp step").isEqualTo(3);
        JsonNode envelope = JSON.readTree(Kafka.readAll(dlq).get(0));
        assertThat(envelope.toString()).as("the refused record and its reason in the error sink").contains("lots").contains("amount");
    }

    // ---- B. Kafka (Debezium JSON) -> debeziumUnwrap, structFlatten, cast -> PostgreSQL with soft delete ----

    @Test
    void bCustomersCdcSink() throws Exception {
        String topic = "ex-b-" + sfx + ".public.customers";
        String table = "public.ex_b_" + sfx + "_customers";
        Kafka.createTopic(topic, 1);
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name TEXT, address_city TEXT, __op TEXT, __deleted TEXT,"
                + " deleted_at TIMESTAMPTZ)");
        Kafka.produceKeyed(topic, List.of(
                new String[] {"{\"id\":1}", debezium("r", null, "{\"id\":\"1\",\"name\":\"Ann\",\"address\":{\"city\":\"Oslo\"}}")},
                new String[] {"{\"id\":2}", debezium("c", null, "{\"id\":2,\"name\":\"Bob\",\"address\":{\"city\":\"Rome\"}}")},
                new String[] {"{\"id\":3}", debezium("c", null, "{\"id\":3,\"name\":\"Cid\",\"address\":{\"city\":\"Lima\"}}")},
                new String[] {"{\"id\":1}", debezium("u", "{\"id\":1,\"name\":\"Ann\"}", "{\"id\":1,\"name\":\"Ann B\",\"address\":{\"city\":\"Oslo\"}}")},
                new String[] {"{\"id\":2}", debezium("d", "{\"id\":2,\"name\":\"Bob\",\"address\":{\"city\":\"Rome\"}}", null)},
                new String[] {"{\"id\":3}", null}));
        OriginalExample example = OriginalExample.load("b-customers-cdc-sink.yaml")
                .replace("topic: srv1.public.customers", "topic: " + topic)
                .replace("consumerGroup: cust-sink", "consumerGroup: ex-b-" + sfx)
                .replace("kafka:9092", Kafka.bootstrap())
                .replace("postgres://app:secret@pg:5432/replica?sslmode=disable", pgUrl())
                .replace("table: public.customers", "table: " + table);
        runUntil(example, "two soft deletes", () -> count("SELECT count(*) FROM " + table + " WHERE deleted_at IS NOT NULL") == 2
                && count("SELECT count(*) FROM " + table + " WHERE name = 'Ann B'") == 1);
        assertThat(strings("SELECT id || ':' || name || ':' || address_city || ':' || __op || ':' || __deleted || ':' || (deleted_at IS NULL) FROM "
                + table + " ORDER BY id")).containsExactly(
                "1:Ann B:Oslo:u:false:true",  // snapshot row, then updated; "1" cast to int64
                "2:Bob:Rome:c:false:false",   // op d: soft-deleted, the row is kept
                "3:Cid:Lima:c:false:false");  // tombstone: delete inferred from the key
    }

    private static String debezium(String op, String before, String after) {
        return "{\"schema\":null,\"payload\":{\"op\":\"" + op + "\",\"before\":" + before + ",\"after\":" + after
                + ",\"source\":{\"db\":\"app\",\"schema\":\"public\",\"table\":\"customers\"},\"ts_ms\":1714550400000}}";
    }

    // ---- C. Kafka -> PostgreSQL raw mode with flattened Kafka metadata columns ----

    @Test
    void cClicksRaw() throws Exception {
        String topic = "ex-c-" + sfx + ".web.clicks";
        String table = "ex_c_" + sfx + ".clicks";
        Kafka.createTopic(topic, 1);
        Kafka.produce(topic, 50, i -> "{\"page\":\"/p/" + i + "\",\"user\":" + (i % 7) + "}");
        OriginalExample example = OriginalExample.load("c-clicks-raw.yaml")
                .replace("topic: web.clicks", "topic: " + topic)
                .replace("consumerGroup: clicks-raw", "consumerGroup: ex-c-" + sfx)
                .replace("kafka:9092", Kafka.bootstrap())
                .replace("postgres://app:secret@pg:5432/lake?sslmode=disable", pgUrl())
                .replace("table: raw.clicks", "table: " + table);
        runUntil(example, "50 raw rows", () -> count("SELECT count(*) FROM " + table) == 50);
        assertThat(strings("SELECT column_name FROM information_schema.columns WHERE table_schema = 'ex_c_" + sfx
                + "' AND table_name = 'clicks'")).as("data plus one kafka_ column per metadata key")
                .contains("data", "kafka_topic", "kafka_partition", "kafka_offset", "kafka_key");
        assertThat(count("SELECT count(*) FROM " + table + " WHERE kafka_topic = '" + topic + "'")).isEqualTo(50);
        assertThat(count("SELECT count(DISTINCT kafka_offset) FROM " + table)).isEqualTo(50);
        assertThat(count("SELECT count(*) FROM " + table + " WHERE data::text LIKE '%/p/49%'")).isEqualTo(1);
    }

    // ---- D. Kafka (replicas 3) -> ClickHouse upsert into an auto-created ReplacingMergeTree ----

    @Test
    void dTelemetryToClickHouse() throws Exception {
        String topic = "ex-d-" + sfx + "-telemetry";
        String database = ClickHouse.createDatabase("ex_d");
        Kafka.createTopic(topic, 3);
        // 300 events on 200 keys: 100 keys come twice, the later with a newer updated_at and a larger v
        Kafka.produce(topic, 300, i -> "{\"event_id\":" + (i % 200) + ",\"updated_at\":\"2024-05-01T10:" + String.format("%02d:%02d", i / 60, i % 60)
                + "Z\",\"v\":" + i + ",\"device\":\"d" + (i % 7) + "\"}");
        OriginalExample example = OriginalExample.load("d-telemetry-to-ch.yaml")
                .replace("topic: telemetry\n", "topic: " + topic + "\n")
                .replace("consumerGroup: telemetry-ch", "consumerGroup: ex-d-" + sfx)
                .replace("kafka:9092", Kafka.bootstrap())
                .replace("writer:pw@ch:9000/metrics?dial_timeout=10s&max_execution_time=60",
                        clickHouseDsn(database, "dial_timeout=10s&max_execution_time=60"));
        try {
            runUntil(example, "300 inserts", () -> ClickHouse.count("SELECT count() FROM " + database + ".telemetry_events") == 300);
            assertThat(ClickHouse.execute("SELECT engine FROM system.tables WHERE database = '" + database + "' AND name = 'telemetry_events'").trim())
                    .isEqualTo("ReplacingMergeTree");
            assertThat(ClickHouse.count("SELECT count() FROM " + database + ".telemetry_events FINAL")).as("one row per event_id").isEqualTo(200);
            long newest = 0;
            for (int e = 0; e < 200; e++) {
                newest += e < 100 ? e + 200 : e;
            }
            assertThat(ClickHouse.count("SELECT sum(v) FROM " + database + ".telemetry_events FINAL")).as("the newest version of each")
                    .isEqualTo(newest);
        } finally {
            ClickHouse.execute("DROP DATABASE IF EXISTS " + database);
        }
    }

    // ---- E. ClickHouse -> ClickHouse copy, the target's schema taken from the first row ----

    @Test
    void eClickHouseCopy() throws Exception {
        String database = ClickHouse.createDatabase("ex_e");
        try {
            ClickHouse.execute("CREATE TABLE " + database + ".products (product_id UInt64, name String, price Float64, created_at DateTime)"
                    + " ENGINE = MergeTree ORDER BY product_id");
            ClickHouse.execute("INSERT INTO " + database + ".products SELECT number, concat('product ', toString(number)), number / 4,"
                    + " toDateTime('2024-05-01 00:00:00') + number FROM numbers(12000)");
            OriginalExample example = OriginalExample.load("e-ch-copy.yaml")
                    .replace("reader:pw@ch:9000/shop?dial_timeout=10s", clickHouseDsn(database, "dial_timeout=10s"))
                    .replace("writer:pw@ch:9000/shop?dial_timeout=10s", clickHouseDsn(database, "dial_timeout=10s"))
                    // the source's first poll only notes the newest row (safetyLag, 5 s by default) and the copy starts
                    // at the next one: 1 s instead of the fixture's 15 s sets only how long the test waits for it
                    .replace("pollInterval: 15", "pollInterval: 1");
            runUntil(example, "12 000 rows copied (3 pages of 5 000)", () -> count(database, "products_copy") == 12_000);
            // the copy's column types are inferred from the first row (price as a Decimal), so the values are compared as Float64
            String totals = "SELECT toFloat64(sum(price)), uniqExact(product_id), max(name), max(created_at) FROM " + database;
            assertThat(ClickHouse.execute(totals + ".products_copy").trim()).isEqualTo(ClickHouse.execute(totals + ".products").trim());
        } finally {
            ClickHouse.execute("DROP DATABASE IF EXISTS " + database);
        }
    }

    private static long count(String database, String table) {
        try {
            return ClickHouse.count("SELECT count() FROM " + database + "." + table);
        } catch (Exception | AssertionError notYet) {
            return -1; // created with the first batch
        }
    }

    // ---- F. Kafka -> Trino over HTTPS, Keycloak client credentials, MERGE upsert ----

    /**
     * The sink writes through Trino's HTTPS port, where Trino accepts a query only with a valid token of the realm
     * (JWT authentication; KeycloakTrinoITCase shows it refusing the others), with the client-credentials grant
     * against the real Keycloak (the client id and secret come from the manifest's secret refs). Trino's
     * self-signed certificate is trusted through the JVM's trust store, as a deployment trusts an internal CA (the
     * manifest has no field for it, as the original had none). The target table exists, as the original requires of
     * a MERGE target; one of its rows is older than the stream and gets replaced.
     */
    @Test
    void fEventsToTrino(@TempDir Path dir) throws Exception {
        String topic = "ex-f-" + sfx + "-events";
        String schema = Trino.createSchema("lake", "ex_f");
        String table = "lake." + schema + ".events";
        Trino.execute("CREATE TABLE " + table + " (event_id varchar, kind varchar, n bigint)");
        Trino.execute("INSERT INTO " + table + " VALUES ('e0', 'stale', -1)");
        Kafka.createTopic(topic, 1);
        // 40 events on 30 keys: e0..e9 come twice, the second time with n = key + 30
        Kafka.produce(topic, 40, i -> "{\"event_id\":\"e" + (i % 30) + "\",\"kind\":\"k" + i + "\",\"n\":" + i + "}");
        try (JvmTrustStore trusted = JvmTrustStore.use(Trino.trustStore(dir.resolve("trino-trust.p12"), "ex-f-store"),
                "ex-f-store")) {
            OriginalExample example = OriginalExample.load("f-events-to-trino.yaml")
                    .replace("kafka:9092", Kafka.bootstrap())
                    .replace("topic: app.events,", "topic: " + topic + ",")
                    .replace("consumerGroup: events-trino", "consumerGroup: ex-f-" + sfx)
                    .replace("https://trino.internal:8443", Trino.httpsUrl())
                    .replace("catalog: iceberg_lake", "catalog: lake")
                    .replace("schema: analytics", "schema: " + schema)
                    .replace("https://sso.internal", Keycloak.serverUrl())
                    .replace("realm: data", "realm: " + Keycloak.REALM)
                    .secret("trino-oauth", "client-id", Keycloak.CLIENT)
                    .secret("trino-oauth", "client-secret", Keycloak.CLIENT_SECRET);
            // sum of the last n per key: (0..9 each + 30) + (10..29) = 345 + 390
            runUntil(example, "30 keys, each with its last event", () -> {
                List<List<Object>> r = Trino.rows("SELECT count(*), count(DISTINCT event_id), sum(n) FROM " + table);
                return r.get(0).equals(List.of(30L, 30L, 735L));
            });
            assertThat(Trino.rows("SELECT kind, n FROM " + table + " WHERE event_id = 'e0'"))
                    .as("the older row was replaced by the key's last event").containsExactly(List.of("k30", 30L));
        } finally {
            Trino.execute("DROP SCHEMA IF EXISTS lake." + schema + " CASCADE");
        }
    }

    // ---- G. Kafka -> Nessie (Iceberg) raw mode, bearer token, S3 options ----

    /**
     * The fixture's {@code warehouse: warehouse} is a name that Nessie's Iceberg catalog resolves to a location, as
     * nessie-start.sh configures every Nessie it starts (s3://BUCKET/nessie-warehouse on the local S3 server), the
     * shared one of {@code @RealServers} included: the test runs on it instead of starting a private one (some 6 s).
     */
    @Test
    void gAuditToNessie() throws Exception {
        String baseUrl = Nessie.baseUrl();
        String topic = "ex-g-" + sfx + "-audit";
        String namespace = "ex_g_" + sfx;
        String warehouse = "s3://" + S3.BUCKET + "/nessie-warehouse";
        Kafka.createTopic(topic, 1);
        Kafka.produce(topic, 100, i -> "{\"actor\":\"u" + i + "\",\"action\":\"login\"}");
        OriginalExample example = OriginalExample.load("g-audit-to-nessie.yaml")
                .replace("topic: audit,", "topic: " + topic + ",")
                .replace("consumerGroup: audit-nessie", "consumerGroup: ex-g-" + sfx)
                .replace("kafka:9092", Kafka.bootstrap())
                .replace("http://nessie:19120", baseUrl)
                .replace("namespace: audit", "namespace: " + namespace)
                .replace("https://s3.example.net", S3.endpoint())
                .replace("s3Region: eu-central-1", "s3Region: " + S3.REGION)
                .secret("nessie-token", "token", "ex-g-token")
                .secret("lake-s3", "AWS_ACCESS_KEY_ID", S3.ACCESS_KEY)
                .secret("lake-s3", "AWS_SECRET_ACCESS_KEY", S3.SECRET_KEY);
        TableIdentifier id = Nessie.table(namespace, "events_raw");
        try (NessieCatalog catalog = Nessie.catalog(baseUrl, "main", warehouse, S3.fileIoProperties())) {
            runUntil(example, "100 rows committed", () -> catalog.tableExists(id) && Nessie.rows(catalog.loadTable(id)).size() == 100);
            Table table = catalog.loadTable(id);
            assertThat(table.location()).as("the table is in the location Nessie gives for warehouse 'warehouse'")
                    .startsWith(warehouse + "/" + namespace + "/");
            List<Record> rows = Nessie.rows(table);
            Set<String> actors = new TreeSet<>();
            for (Record r : rows) {
                actors.add(JSON.readTree((String) r.getField("data")).get("actor").asText());
                assertThat(JSON.readTree((String) r.getField("_metadata")).get("topic").asText()).isEqualTo(topic);
            }
            assertThat(actors).hasSize(100);
        }
        assertThat(S3.keys("nessie-warehouse/" + namespace + "/")).as("the table's files are objects in the bucket")
                .anyMatch(k -> k.endsWith(".parquet")).anyMatch(k -> k.endsWith(".metadata.json"));
    }

    // ---- H. Nessie -> Kafka, incremental by snapshot from startSnapshotID ----

    @Test
    void hNessieExport() throws Exception {
        String namespace = "ex_h_" + sfx;
        String topic = "ex-h-" + sfx + ".analytics.daily_totals";
        String warehouse = Nessie.newWarehouse();
        Kafka.createTopic(topic, 1);
        long start;
        try (NessieCatalog catalog = Nessie.catalog("main", warehouse)) {
            catalog.createNamespace(Namespace.of(namespace));
            Schema schema = new Schema(Types.NestedField.required(1, "day", Types.StringType.get()),
                    Types.NestedField.optional(2, "total", Types.LongType.get()));
            Table table = catalog.createTable(Nessie.table(namespace, "daily_totals"), schema);
            Nessie.append(table, totals(schema, "2024-05-01", "2024-05-02"));
            table.refresh();
            start = table.currentSnapshot().snapshotId();
            Nessie.append(table, totals(schema, "2024-05-03"));
            Nessie.append(table, totals(schema, "2024-05-04", "2024-05-05"));
        }
        OriginalExample example = OriginalExample.load("h-nessie-export.yaml")
                .replace("http://nessie:19120", Nessie.baseUrl())
                .replace("namespace: analytics", "namespace: " + namespace)
                .replace("7341029947718230911", Long.toString(start))
                .replace("kafka:9092", Kafka.bootstrap())
                .replace("topic: analytics.daily_totals", "topic: " + topic);
        runUntil(example, "the rows of the two snapshots after the start", () -> Kafka.readAll(topic).size() >= 3);
        Thread.sleep(500); // a row of the start snapshot would have come by now
        List<String> days = new ArrayList<>();
        for (String v : Kafka.readAll(topic)) {
            days.add(JSON.readTree(v).get("day").asText());
        }
        assertThat(days).as("snapshots after startSnapshotID, each row once").containsExactlyInAnyOrder("2024-05-03", "2024-05-04", "2024-05-05");
    }

    private static List<Record> totals(Schema schema, String... days) {
        List<Record> out = new ArrayList<>();
        for (String day : days) {
            GenericRecord r = GenericRecord.create(schema);
            r.setField("day", day);
            r.setField("total", (long) day.hashCode());
            out.add(r);
        }
        return out;
    }

    // ---- I. Kafka -> Iceberg REST catalog (prefix, warehouse name, OAuth2 client credentials) ----

    @Test
    void iSensorToIceberg() throws Exception {
        String topic = "ex-i-" + sfx + "-sensors";
        String namespace = "ex_i_" + sfx;
        Kafka.createTopic(topic, 1);
        Kafka.produce(topic, 60, i -> "{\"sensor\":\"s" + (i % 6) + "\",\"reading\":" + i + "}");
        String catalogUri = "http://127.0.0.1:" + RealServersExtension.port(Server.ICEBERG_REST);
        OriginalExample example = OriginalExample.load("i-sensor-to-iceberg.yaml")
                .replace("topic: sensors", "topic: " + topic)
                .replace("consumerGroup: sensors-iceberg", "consumerGroup: ex-i-" + sfx)
                .replace("kafka:9092", Kafka.bootstrap())
                .replace("https://catalog.example.net", catalogUri)
                .replace("namespace: iot", "namespace: " + namespace)
                .secret("catalog-oauth", "id", "dataflow-test-client")
                .secret("catalog-oauth", "secret", "ex-i-secret");
        RESTCatalog rest = new RESTCatalog();
        rest.setConf(IcebergHadoop.configuration());
        rest.initialize("it", Map.of("uri", catalogUri, "prefix", "prod", "token", "dataflow-test-token"));
        try (RESTCatalog catalog = rest) {
            TableIdentifier id = TableIdentifier.of(Namespace.of(namespace), "readings");
            runUntil(example, "60 rows committed", () -> catalog.tableExists(id) && Nessie.rows(catalog.loadTable(id)).size() == 60);
            Table table = catalog.loadTable(id);
            assertThat(Nessie.rows(table).stream().map(r -> (String) r.getField("data")).distinct().count()).isEqualTo(60);
            for (Snapshot s : Nessie.lineage(table)) {
                assertThat(s.summary()).containsKey("dataflow.checkpoint-id");
            }
        }
    }

    // ---- J. PostgreSQL (materialized view) -> PostgreSQL upsert ifNewer ----

    @Test
    void jPricesMigration() throws Exception {
        String schema = "ex_j_" + sfx;
        Postgres.execute("CREATE SCHEMA " + schema);
        Postgres.execute("CREATE TABLE " + schema + ".price_list (material_id BIGINT PRIMARY KEY, price NUMERIC, updated_at TIMESTAMPTZ)");
        Postgres.execute("INSERT INTO " + schema + ".price_list SELECT g, g * 1.5, TIMESTAMPTZ '2024-05-01 00:00:00+00' + g * INTERVAL '1 minute'"
                + " FROM generate_series(1, 30) g");
        Postgres.execute("CREATE MATERIALIZED VIEW " + schema + ".mv_prices AS SELECT * FROM " + schema + ".price_list");
        Postgres.execute("CREATE TABLE " + schema + ".prices (material_id BIGINT PRIMARY KEY, price NUMERIC, updated_at TIMESTAMPTZ)");
        // already in the new database: 1 with a newer version (kept), 2 with an older one (replaced)
        Postgres.execute("INSERT INTO " + schema + ".prices VALUES (1, 999, TIMESTAMPTZ '2030-01-01 00:00:00+00'),"
                + " (2, 0, TIMESTAMPTZ '2020-01-01 00:00:00+00')");
        OriginalExample example = OriginalExample.load("j-prices-migration.yaml")
                .replace("postgres://ro:pw@legacy-pg:5432/erp?sslmode=disable", pgUrl())
                .replace("postgres://rw:pw@new-pg:5432/erp?sslmode=disable", pgUrl())
                .replace("table: pricing.mv_prices", "table: " + schema + ".mv_prices")
                .replace("table: pricing.prices", "table: " + schema + ".prices");
        runUntil(example, "30 prices", () -> count("SELECT count(*) FROM " + schema + ".prices WHERE price = material_id * 1.5") == 29);
        assertThat(count("SELECT count(*) FROM " + schema + ".prices")).isEqualTo(30);
        assertThat(strings("SELECT price::text FROM " + schema + ".prices WHERE material_id IN (1, 2) ORDER BY material_id"))
                .as("ifNewer: the newer row stays, the older is replaced").containsExactly("999", "3.0");
    }

    // ---- K. PostgreSQL custom query (incremental) -> mask -> router -> Kafka ----

    @Test
    void kTicketsRouter() throws Exception {
        String tickets = "ex_k_" + sfx + "_tickets";
        String customers = "ex_k_" + sfx + "_customers";
        String topics = "ex-k-" + sfx + ".tickets.";
        for (String t : List.of("p1", "updates", "other")) {
            Kafka.createTopic(topics + t, 1);
        }
        Postgres.execute("CREATE TABLE " + customers + " (id BIGINT PRIMARY KEY, email TEXT)");
        Postgres.execute("CREATE TABLE " + tickets + " (id BIGINT PRIMARY KEY, customer_id BIGINT, priority TEXT, updated_at TIMESTAMPTZ)");
        Postgres.execute("INSERT INTO " + customers + " VALUES (1, 'ann@example.com'), (2, 'bob@example.org')");
        Postgres.execute("INSERT INTO " + tickets + " SELECT g, 1 + g % 2, CASE WHEN g % 3 = 0 THEN 'P1' ELSE 'P3' END,"
                + " TIMESTAMPTZ '2024-05-01 00:00:00+00' + g * INTERVAL '1 second' FROM generate_series(1, 12) g");
        OriginalExample example = OriginalExample.load("k-tickets-router.yaml")
                .replace("postgres://ro:pw@pg:5432/support?sslmode=disable", pgUrl())
                .replace("table: tickets\n", "table: " + tickets + "\n")
                .replace("FROM tickets t JOIN customers c", "FROM " + tickets + " t JOIN " + customers + " c")
                .replace("topic: tickets.", "topic: " + topics)
                .replace("kafka:9092", Kafka.bootstrap());
        runUntil(example, "12 tickets routed", () -> Kafka.readAll(topics + "p1").size() + Kafka.readAll(topics + "other").size() == 12);
        List<JsonNode> p1 = json(Kafka.readAll(topics + "p1"));
        List<JsonNode> other = json(Kafka.readAll(topics + "other"));
        assertThat(p1).hasSize(4).allSatisfy(t -> assertThat(t.get("priority").asText()).isEqualTo("P1"));
        assertThat(other).hasSize(8).allSatisfy(t -> assertThat(t.get("priority").asText()).isEqualTo("P3"));
        assertThat(Kafka.readAll(topics + "updates")).as("the query has no created_at: every row is an insert").isEmpty();
        for (JsonNode t : p1) {
            String email = t.get("email").asText();
            assertThat(email).as("masked, length kept").doesNotContain("ann").doesNotContain("bob")
                    .hasSize(t.get("id").asLong() % 2 == 0 ? "ann@example.com".length() : "bob@example.org".length());
        }
    }

    // ---- L. PostgreSQL CDC (two tables) -> PostgreSQL replica with soft delete ----

    @Test
    void lOrdersReplica() throws Exception {
        String orders = "public.ex_l_" + sfx + "_orders";
        String lines = "public.ex_l_" + sfx + "_order_lines";
        String all = "public.ex_l_" + sfx + "_orders_all";
        String slot = "ex_l_slot_" + sfx;
        String publication = "ex_l_pub_" + sfx;
        Postgres.execute("CREATE TABLE " + orders + " (id BIGINT PRIMARY KEY, customer TEXT, internal_notes TEXT)");
        Postgres.execute("CREATE TABLE " + lines + " (id BIGINT PRIMARY KEY, order_id BIGINT, sku TEXT, internal_notes TEXT)");
        Postgres.execute("CREATE TABLE " + all + " (id BIGINT PRIMARY KEY, customer TEXT, order_id BIGINT, sku TEXT, internal_notes TEXT,"
                + " deleted_at TIMESTAMPTZ)");
        Postgres.execute("INSERT INTO " + orders + " VALUES (1, 'ann', 'secret 1'), (2, 'bob', 'secret 2')");
        Postgres.execute("INSERT INTO " + lines + " VALUES (101, 1, 'sku-a', 'x'), (102, 2, 'sku-b', 'y')");
        OriginalExample example = OriginalExample.load("l-orders-replica.yaml")
                .replace("slotName: df_orders_slot", "slotName: " + slot)
                .replace("publicationName: df_orders_pub", "publicationName: " + publication)
                .replace("tables: [public.orders, public.order_lines]", "tables: [" + orders + ", " + lines + "]")
                .replace("postgres://rw:pw@replica:5432/app?sslmode=disable", pgUrl())
                .replace("table: public.orders_all", "table: " + all)
                .secret("pg-repl", "dsn", pgUrl());
        JobClient job = example.start();
        try {
            await("the initial snapshot", () -> count("SELECT count(*) FROM " + all) == 4);
            Postgres.execute("INSERT INTO " + orders + " VALUES (3, 'cid', 'secret 3')");
            Postgres.execute("UPDATE " + orders + " SET customer = 'bob b' WHERE id = 2");
            Postgres.execute("DELETE FROM " + lines + " WHERE id = 101");
            await("insert, update and delete streamed", () -> count("SELECT count(*) FROM " + all) == 5
                    && count("SELECT count(*) FROM " + all + " WHERE customer = 'bob b'") == 1
                    && count("SELECT count(*) FROM " + all + " WHERE deleted_at IS NOT NULL") == 1);
        } finally {
            job.cancel().get();
            Postgres.dropReplicationSlot(slot);
            Postgres.execute("DROP PUBLICATION IF EXISTS " + publication);
        }
        assertThat(strings("SELECT id || ':' || coalesce(customer, sku) || ':' || (deleted_at IS NOT NULL) FROM " + all + " ORDER BY id"))
                .containsExactly("1:ann:false", "2:bob b:false", "3:cid:false", "101:sku-a:true", "102:sku-b:false");
        assertThat(count("SELECT count(*) FROM " + all + " WHERE internal_notes IS NOT NULL")).as("excludeColumns").isZero();
    }

    // ---- M. PostgreSQL CDC (Debezium envelope) -> router -> one Kafka topic per table ----

    @Test
    void mCdcFanout() throws Exception {
        String users = "ex_m_" + sfx + "_users";
        String orders = "ex_m_" + sfx + "_orders";
        String topics = "ex-m-" + sfx + ".cdc.";
        String slot = "ex_m_slot_" + sfx;
        String publication = "ex_m_pub_" + sfx;
        for (String t : List.of("users", "orders", "misc")) {
            Kafka.createTopic(topics + t, 1);
        }
        Postgres.execute("CREATE TABLE public." + users + " (id BIGINT PRIMARY KEY, name TEXT)");
        Postgres.execute("CREATE TABLE public." + orders + " (id BIGINT PRIMARY KEY, total NUMERIC)");
        Postgres.execute("INSERT INTO public." + users + " VALUES (1, 'ann'), (2, 'bob')");
        Postgres.execute("INSERT INTO public." + orders + " VALUES (10, 5.5)");
        OriginalExample example = OriginalExample.load("m-cdc-fanout.yaml")
                .replace("postgres://repl:pw@pg:5432/app?sslmode=disable", pgUrl())
                .replace("publicationName: df_fanout_pub", "publicationName: " + publication)
                .replace("slotName: df_fanout", "slotName: " + slot)
                .replace("tables: [public.users, public.orders]", "tables: [public." + users + ", public." + orders + "]")
                .replace("metadata.table == 'public.users'", "metadata.table == 'public." + users + "'")
                .replace("$.payload.source.table == 'orders'", "$.payload.source.table == '" + orders + "'")
                .replace("topic: cdc.", "topic: " + topics)
                .replace("kafka:9092", Kafka.bootstrap());
        JobClient job = example.start();
        try {
            await("the snapshot", () -> Kafka.readAll(topics + "users").size() == 2 && Kafka.readAll(topics + "orders").size() == 1);
            Postgres.execute("UPDATE public." + users + " SET name = 'ann b' WHERE id = 1");
            Postgres.execute("INSERT INTO public." + orders + " VALUES (11, 7)");
            await("the changes", () -> Kafka.readAll(topics + "users").size() == 3 && Kafka.readAll(topics + "orders").size() == 2);
        } finally {
            job.cancel().get();
            Postgres.dropReplicationSlot(slot);
            Postgres.execute("DROP PUBLICATION IF EXISTS " + publication);
        }
        List<JsonNode> userEvents = json(Kafka.readAll(topics + "users"));
        JsonNode update = userEvents.get(2).get("payload");
        assertThat(update.get("op").asText()).isEqualTo("u");
        assertThat(update.get("after").get("name").asText()).isEqualTo("ann b");
        assertThat(update.get("source").get("table").asText()).isEqualTo(users);
        assertThat(json(Kafka.readAll(topics + "orders"))).allSatisfy(e ->
                assertThat(e.get("payload").get("source").get("table").asText()).isEqualTo(orders));
        assertThat(Kafka.readAll(topics + "misc")).as("every event matched a route").isEmpty();
    }

    // ---- N. DataFlowCron PostgreSQL -> PostgreSQL (scheduling fields warned about, the job runs once) ----

    @Test
    void nNightlyRollup() throws Exception {
        String stage = "public.ex_n_" + sfx + "_daily_stage";
        String fact = "public.ex_n_" + sfx + "_daily_fact";
        Postgres.execute("CREATE TABLE " + stage + " (id BIGINT PRIMARY KEY, day DATE, amount NUMERIC)");
        Postgres.execute("INSERT INTO " + stage + " SELECT g, DATE '2024-05-01' + g, g * 10 FROM generate_series(1, 25) g");
        Postgres.execute("CREATE TABLE " + fact + " (id BIGINT PRIMARY KEY, day DATE, amount NUMERIC)");
        OriginalExample example = OriginalExample.load("n-nightly-rollup.yaml")
                .replace("postgres://ro:pw@pg:5432/app?sslmode=disable", pgUrl())
                .replace("postgres://rw:pw@dwh:5432/dwh?sslmode=disable", pgUrl())
                .replace("table: public.daily_stage", "table: " + stage)
                .replace("table: public.daily_fact", "table: " + fact);
        assertThat(example.manifest().warnings()).as("the scheduling fields are reported").anySatisfy(w -> assertThat(w).contains("schedule"));
        assertThat(example.manifest().source().config().describe()).as("a DataFlowCron's source is bounded").containsEntry("bounded", true);
        // A DataFlowCron runs once: the job ends by itself when the stage table is read (no cancel needed)
        JobClient job = example.start();
        try {
            job.getJobExecutionResult().get(90, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
        assertThat(job.getJobStatus().get()).isEqualTo(org.apache.flink.api.common.JobStatus.FINISHED);
        assertThat(count("SELECT count(*) FROM " + fact + " f JOIN " + stage + " s USING (id, day, amount)")).isEqualTo(25);
    }

    // ---- helpers ----

    /** Starts the example, waits for its output, cancels it (the fixtures' sources are unbounded as written). */
    private static void runUntil(OriginalExample example, String what, Callable<Boolean> done) throws Exception {
        JobClient job = example.start();
        try {
            await(what, () -> {
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    job.getJobExecutionResult().get(); // surfaces the failure as an ExecutionException
                    throw new JobEnded("the job ended before " + what);
                }
                return done.call();
            });
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (true) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (JobEnded | java.util.concurrent.ExecutionException e) {
                throw e;
            } catch (Exception | AssertionError notYet) {
                // a table or topic the job creates is not there yet (ClickHouse refuses the query with an AssertionError)
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    /** An unbounded job that stopped by itself: a failure of the test, not a state to wait out. */
    private static final class JobEnded extends RuntimeException {
        JobEnded(String message) {
            super(message);
        }
    }

    private static long count(String sql) {
        try {
            return Postgres.count(sql);
        } catch (java.sql.SQLException notYet) {
            return -1;
        }
    }

    private static List<String> strings(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = Postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static List<JsonNode> json(List<String> values) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String v : values) {
            out.add(JSON.readTree(v));
        }
        return out;
    }
}
