package io.dataflow.flink.connector.clickhouse;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.ClickHouse;
import io.dataflow.flink.testing.FailOnceProbe;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.ValuesConnectorFactory;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The polling source on the real ClickHouse 18.16: a bounded copy into PostgreSQL with a restart, live polling. */
@RealServers({Server.CLICKHOUSE, Server.POSTGRES})
class ClickHousePollingSourceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static String database;
    private String suffix;

    @BeforeAll
    static void database() throws Exception {
        database = ClickHouse.createDatabase("it_source");
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        ClickHouse.execute("DROP DATABASE IF EXISTS " + database);
    }

    @BeforeEach
    void names() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        ValuesConnectorFactory.COLLECTIONS.clear();
        FailOnceProbe.reset();
    }

    @Test
    void boundedCopyIntoPostgresWithAFailureInTheMiddleLosesNothing() throws Exception {
        int rows = 20_000;
        String source = "products";
        // seven rows share each created_at second, so the cursor's tie-breaker (id) matters at every page boundary
        ClickHouse.execute("CREATE TABLE " + database + "." + source + " (id UInt64, name String, amount Decimal(18, 2), "
                + "ratio Float64, created_at DateTime) ENGINE = MergeTree ORDER BY id");
        ClickHouse.execute("INSERT INTO " + database + "." + source + " SELECT number + 1, concat('name ', toString(number), ' ''q'' é'), "
                + "toDecimal64(number % 1000, 2) + toDecimal64(0.25, 2), number / 8, toDateTime('2026-01-01 00:00:00') + intDiv(number, 7) "
                + "FROM system.numbers LIMIT " + rows);
        String target = "public.ch_copy_" + suffix;
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,2), ratio DOUBLE PRECISION, "
                + "created_at TIMESTAMP)");
        String yaml = "source:\n  type: clickhouse\n  config:\n    connectionString: \"" + ClickHouse.nativeUrl(database) + "\"\n"
                + "    table: " + source + "\n    orderByColumn: id\n    readBatchSize: 1000\n    bounded: true\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + target + "\n    upsertMode: true\n    conflictKey: id\n    batchSize: 500\n";

        MiniClusterJobs.run(yaml, "it-ch-to-pg", JobCompiler.withProbeAfterSource(new FailOnceProbe(9000, 10)), 200, 3);

        assertThat(FailOnceProbe.FAILED).as("the failure was injected").isTrue();
        assertThat(FailOnceProbe.SEEN.get()).as("records were replayed after the restart").isGreaterThan(rows);
        assertThat(Postgres.count("SELECT count(*) FROM " + target)).isEqualTo(rows);
        assertThat(Postgres.count("SELECT sum(id) FROM " + target))
                .isEqualTo(ClickHouse.count("SELECT sum(id) FROM " + database + "." + source));
        assertThat(pgDecimal("SELECT sum(amount) FROM " + target))
                .isEqualByComparingTo(new BigDecimal(ClickHouse.execute("SELECT sum(amount) FROM " + database + "." + source).trim()));
        assertThat(pgDecimal("SELECT sum(ratio)::numeric FROM " + target).doubleValue())
                .isEqualTo(Double.parseDouble(ClickHouse.execute("SELECT sum(ratio) FROM " + database + "." + source).trim()));
        assertThat(Postgres.count("SELECT count(*) FROM " + target + " WHERE created_at = timestamp '2026-01-01' + ((id - 1) / 7) * interval '1 second'"
                + " AND name = 'name ' || (id - 1) || ' ''q'' é'")).as("times and names").isEqualTo(rows);
    }

    private static BigDecimal pgDecimal(String sql) throws Exception {
        try (Connection c = Postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBigDecimal(1);
        }
    }

    @Test
    void liveInsertsArriveOnceInCursorOrderWithTheirMetadata() throws Exception {
        String source = "events_" + suffix;
        ClickHouse.execute("CREATE TABLE " + database + "." + source + " (id UInt64, v String, created_at DateTime) "
                + "ENGINE = MergeTree ORDER BY id");
        ClickHouse.execute("INSERT INTO " + database + "." + source + " SELECT number + 1, 'first', "
                + "toDateTime('2026-01-01 00:00:00') + intDiv(number, 3) FROM system.numbers LIMIT 3000");
        String yaml = "source:\n  type: clickhouse\n  config:\n    connectionString: \"" + ClickHouse.url(database) + "\"\n"
                + "    table: " + source + "\n    readBatchSize: 500\n    pollInterval: 200ms\n"
                + "sink: {type: values, config: {collection: live}}\n";
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(yaml, "it-ch-live");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(300);
        JobCompiler.create().compile(manifest, env);
        JobClient job = env.executeAsync(manifest.name());
        try {
            List<Message> out = ValuesConnectorFactory.collection("live");
            awaitSize(out, 3000);
            // later rows: newer created_at, so the cursor finds them; one at the same second as the last old row
            ClickHouse.execute("INSERT INTO " + database + "." + source + " SELECT number + 3001, 'second', "
                    + "toDateTime('2026-01-01 00:16:39') + intDiv(number, 3) FROM system.numbers LIMIT 1000");
            awaitSize(out, 4000);
            Thread.sleep(1000);
            List<Message> seen;
            synchronized (out) {
                seen = new ArrayList<>(out);
            }
            assertThat(seen).as("every row once").hasSize(4000);
            long previousId = 0;
            for (Message m : seen) {
                long id = m.json().get("id").asLong();
                assertThat(id).as("cursor order").isEqualTo(previousId + 1);
                previousId = id;
                assertThat(m.metadata()).containsEntry("table", source).containsEntry("id", id);
                assertThat(m.json().get("created_at").asText()).as("RFC 3339 UTC, like the original").endsWith("Z").contains("T");
            }
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void aQueryWithAnExplicitChangeColumnPagesOverStringKeysWithQuotesAndBackslashes() throws Exception {
        String source = "keys_" + suffix;
        ClickHouse.execute("CREATE TABLE " + database + "." + source + " (k String, seq UInt32, hidden UInt8) ENGINE = MergeTree ORDER BY k");
        // every key is a page boundary (readBatchSize 1), so each one is written back into the SQL as a cursor literal
        List<String> keys = List.of("a'b", "a\\'b", "c\\", "d'); DROP TABLE x; --", "e\tf", "é🚀'");
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("(").append(ClickHouseSql.quoteString(keys.get(i))).append(", 7, 0)");
        }
        ClickHouse.execute("INSERT INTO " + database + "." + source + " VALUES " + values + ", ('z', 7, 1)");
        String yaml = "source:\n  type: clickhouse\n  config:\n    connectionString: \"" + ClickHouse.url(database) + "\"\n"
                + "    query: \"SELECT k, seq FROM " + source + " WHERE hidden = 0\"\n    changeTrackingColumn: seq\n    orderByColumn: k\n"
                + "    readBatchSize: 1\n    bounded: true\n"
                + "sink: {type: values, config: {collection: keys}}\n";
        MiniClusterJobs.run(yaml, "it-ch-query", JobCompiler.create(), 200, 0);
        List<Message> out = ValuesConnectorFactory.collection("keys");
        List<String> read = new ArrayList<>();
        synchronized (out) {
            for (Message m : out) {
                read.add(m.json().get("k").asText());
                assertThat(m.metadata()).containsEntry("table", "query").containsEntry("id", m.json().get("k").asText());
            }
        }
        assertThat(read).containsExactlyElementsOf(keys.stream().sorted().toList());
    }

    private static void awaitSize(List<Message> out, long expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (size(out) < expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
    }

    private static int size(List<Message> out) {
        synchronized (out) {
            return out.size();
        }
    }
}
