package io.dataflow.flink.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.connector.iceberg.IcebergHadoop;
import io.dataflow.flink.testing.ClickHouse;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.Server;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The examples of jobs/examples for a ClickHouse source, an Iceberg REST catalog source and PostgreSQL CDC → Kafka,
 * run on the real servers. Each file is rewritten only in its addresses and names, by exact substitutions that must
 * each match (so the test breaks when the example changes under it), to reach the servers here and touch only names
 * unique to the test; the tables the examples' comments describe are created as written there.
 */
@RealServers({Server.KAFKA, Server.POSTGRES, Server.CLICKHOUSE, Server.ICEBERG_REST})
class ExamplesEndToEndITCase {

    private static final Path EXAMPLES = Path.of(System.getProperty("dataflow.project.dir", System.getProperty("user.dir"))).resolve("jobs/examples");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private String sfx;

    @BeforeEach
    void suffix() {
        sfx = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void clickHouseToKafka() throws Exception {
        String database = ClickHouse.createDatabase("ex_ch");
        String topic = "ex-ch-" + sfx + ".page-views";
        Kafka.createTopic(topic, 2);
        ClickHouse.execute("CREATE TABLE " + database + ".page_views (id UInt64, url String, user_id UInt32, created_at DateTime)"
                + " ENGINE = MergeTree ORDER BY (created_at, id)");
        // two rows share each second: the cursor's tie-breaker id keeps them apart
        ClickHouse.execute("INSERT INTO " + database + ".page_views SELECT number + 1, concat('/page/', toString(number + 1)),"
                + " number % 7, toDateTime('2026-01-01 00:00:00', 'UTC') + intDiv(number, 2) FROM system.numbers LIMIT 40");
        String manifest = example("clickhouse-to-kafka.yaml")
                .replace("\"http://127.0.0.1:18123/default\"", "\"" + ClickHouse.url(database) + "\"")
                .replace("topic: demo.page-views", "topic: " + topic)
                .replace("127.0.0.1:9092", Kafka.bootstrap()).text();
        MiniClusterJobs.run(manifest, "ex-clickhouse-to-kafka", JobCompiler.create(), 500, 3);

        List<JsonNode> records = json(Kafka.readAll(topic));
        assertThat(records.stream().map(r -> r.get("id").asLong()).sorted().toList())
                .as("every row once").isEqualTo(java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
        assertThat(records).allSatisfy(r -> assertThat(r.get("url").asText()).isEqualTo("/page/" + r.get("id").asLong()));
    }

    @Test
    void icebergRestToPostgres() throws Exception {
        String namespace = "ex_ice_" + sfx;
        String target = "public.ex_ice_" + sfx + "_orders";
        String catalogUri = "http://127.0.0.1:" + RealServersExtension.port(Server.ICEBERG_REST);
        RESTCatalog rest = new RESTCatalog();
        rest.setConf(IcebergHadoop.configuration());
        rest.initialize("it", Map.of("uri", catalogUri, "token", "dataflow-test-token"));
        try (RESTCatalog catalog = rest) {
            catalog.createNamespace(Namespace.of(namespace));
            Schema schema = new Schema(
                    Types.NestedField.required(1, "order_id", Types.LongType.get()),
                    Types.NestedField.optional(2, "customer", Types.StringType.get()),
                    Types.NestedField.optional(3, "status", Types.StringType.get()),
                    Types.NestedField.optional(4, "amount", Types.DecimalType.of(10, 2)),
                    Types.NestedField.optional(5, "updated_at", Types.TimestampType.withZone()));
            Table table = catalog.createTable(TableIdentifier.of(Namespace.of(namespace), "orders"), schema);
            for (int snapshot = 0; snapshot < 2; snapshot++) {
                List<Record> rows = new ArrayList<>();
                for (int i = 1; i <= 15; i++) {
                    long id = snapshot * 15L + i;
                    GenericRecord r = GenericRecord.create(schema);
                    r.setField("order_id", id);
                    r.setField("customer", "customer-" + id);
                    r.setField("status", id % 2 == 0 ? "paid" : "new");
                    r.setField("amount", BigDecimal.valueOf(id * 125, 2));
                    r.setField("updated_at", OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).plusMinutes(id));
                    rows.add(r);
                }
                Nessie.append(table, rows);
            }
        }
        String manifest = example("iceberg-rest-to-postgres.yaml")
                .replace("\"http://127.0.0.1:18181\"", "\"" + catalogUri + "\"")
                .replace("namespace: demo", "namespace: " + namespace)
                .replace("table: public.orders_from_iceberg", "table: " + target)
                .replace("postgres://postgres@127.0.0.1:55432/test?sslmode=disable", Postgres.url()).text();
        MiniClusterJobs.run(manifest, "ex-iceberg-rest-to-postgres", JobCompiler.create(), 500, 3);

        assertThat(Postgres.count("SELECT count(*) FROM " + target)).as("both snapshots' rows").isEqualTo(30);
        assertThat(Postgres.count("SELECT count(*) FROM " + target + " WHERE amount::numeric = order_id * 1.25"
                + " AND customer = 'customer-' || order_id")).as("every value as the Iceberg table holds it").isEqualTo(30);
    }

    @Test
    void postgresCdcToKafka() throws Exception {
        String table = "public.ex_cdc_" + sfx + "_customers";
        String slot = "ex_cdc_" + sfx + "_slot";
        String topic = "ex-cdc-" + sfx + ".customers.changes";
        Kafka.createTopic(topic, 2);
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name TEXT, email TEXT)");
        Postgres.execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
        Postgres.execute("INSERT INTO " + table + " VALUES (1, 'Ann', 'ann@example.com'), (2, 'Bob', 'bob@example.org'),"
                + " (3, 'Cem', 'cem@example.net')");
        String manifest = example("postgres-cdc-to-kafka.yaml")
                .replace("postgres://postgres@127.0.0.1:55432/test?sslmode=disable", Postgres.url())
                .replace("df_customers_slot", slot)
                .replace("df_customers_pub", "ex_cdc_" + sfx + "_pub")
                .replace("public.customers", table)
                .replace("topic: demo.customers.changes", "topic: " + topic)
                .replace("127.0.0.1:9092", Kafka.bootstrap()).text();
        JobClient job = MiniClusterJobs.start(manifest, "ex-postgres-cdc-to-kafka", JobCompiler.create(), 300, 3);
        try {
            await("the snapshot's 3 rows", job, () -> Kafka.readAll(topic).size() == 3);
            Postgres.execute("UPDATE " + table + " SET name = 'Anna' WHERE id = 1");
            Postgres.execute("DELETE FROM " + table + " WHERE id = 2");
            Postgres.execute("INSERT INTO " + table + " VALUES (4, 'Dee', 'dee@example.com')");
            await("3 changes after the snapshot", job, () -> Kafka.readAll(topic).size() == 6);
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
            Postgres.dropReplicationSlot(slot);
            Postgres.execute("DROP PUBLICATION IF EXISTS ex_cdc_" + sfx + "_pub");
        }

        List<JsonNode> payloads = json(Kafka.readAll(topic)).stream().map(r -> r.get("payload")).toList();
        assertThat(payloads.stream().filter(p -> p.get("op").asText().equals("r")).map(p -> p.at("/after/id").asLong()).sorted().toList())
                .as("the snapshot").containsExactly(1L, 2L, 3L);
        JsonNode update = only(payloads, "u");
        assertThat(update.at("/before/name").asText()).as("REPLICA IDENTITY FULL: the old row").isEqualTo("Ann");
        assertThat(update.at("/after/name").asText()).isEqualTo("Anna");
        JsonNode delete = only(payloads, "d");
        assertThat(delete.at("/before/email").asText()).as("REPLICA IDENTITY FULL: the whole deleted row").isEqualTo("bob@example.org");
        assertThat(only(payloads, "c").at("/after/email").asText()).isEqualTo("dee@example.com");
    }

    private static Substitutions example(String file) throws Exception {
        return new Substitutions(file, Files.readString(EXAMPLES.resolve(file), StandardCharsets.UTF_8));
    }

    private static JsonNode only(List<JsonNode> payloads, String op) {
        List<JsonNode> matching = payloads.stream().filter(p -> p.get("op").asText().equals(op)).toList();
        assertThat(matching).as("records with op " + op).hasSize(1);
        return matching.get(0);
    }

    private static List<JsonNode> json(List<String> values) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String v : values) {
            out.add(JSON.readTree(v));
        }
        return out;
    }

    private static void await(String what, JobClient job, Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!condition.call()) {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                job.getJobExecutionResult().get(); // surfaces the failure
                throw new AssertionError("the job ended before " + what);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no " + what + " within 120 s");
            }
            Thread.sleep(300);
        }
    }

    /** An example's text; {@link #replace} substitutes exactly and fails when the text is not there. */
    private static final class Substitutions {
        private final String file;
        private String text;

        Substitutions(String file, String text) {
            this.file = file;
            this.text = text;
        }

        Substitutions replace(String from, String to) {
            assertThat(text).as(file + " contains " + from).contains(from);
            text = text.replace(from, to);
            return this;
        }

        String text() {
            return text;
        }
    }
}
