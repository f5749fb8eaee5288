package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.message.Message;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The polling source on the real PostgreSQL: migrations, restarts from a checkpoint, live changes, odd names. */
@RealServers({Server.POSTGRES})
class PostgresPollingSourceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private String suffix;

    @BeforeEach
    void names() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        ValuesConnectorFactory.COLLECTIONS.clear();
        FailOnceProbe.reset();
    }

    private static String checksum(String table, String columns) throws Exception {
        try (Connection c = Postgres.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT md5(string_agg(row(" + columns + ")::text, '|' ORDER BY id)) FROM " + table)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void boundedMigrationWithAFailureInTheMiddleCopiesTheTableExactly() throws Exception {
        String source = "public.src_" + suffix;
        String target = "public.dst_" + suffix;
        Postgres.execute("CREATE TABLE " + source + " (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(12,2), tags JSONB, "
                + "created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP)");
        Postgres.execute("INSERT INTO " + source + " SELECT g, 'name ' || g || ' ''quoted''; é', g * 1.25, "
                + "jsonb_build_object('g', g), timestamp '2026-01-01' + g * interval '1 second', NULL FROM generate_series(1, 20000) g");
        Postgres.execute("UPDATE " + source + " SET updated_at = created_at + interval '1 day', name = name || ' v2' WHERE id % 7 = 0");
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(12,2), tags JSONB, "
                + "created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP)");
        String yaml = "source:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + source + "\n    readBatchSize: 1000\n    bounded: true\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + target + "\n    upsertMode: true\n    conflictKey: id\n    batchSize: 500\n";

        MiniClusterJobs.run(yaml, "it-pg-migration", JobCompiler.withProbeAfterSource(new FailOnceProbe(9000, 10)), 200, 3);

        assertThat(FailOnceProbe.FAILED).isTrue();
        assertThat(Postgres.count("SELECT count(*) FROM " + target)).isEqualTo(20000);
        String columns = "id, name, amount, tags, created_at, updated_at";
        assertThat(checksum(target, columns)).as("target equals source").isEqualTo(checksum(source, columns));
    }

    @Test
    void liveInsertsAndUpdatesAreDeliveredInCursorOrderWithTheirMetadata() throws Exception {
        String source = "public.live_" + suffix;
        Postgres.execute("CREATE TABLE " + source + " (id SERIAL PRIMARY KEY, v INT NOT NULL, "
                + "created_at TIMESTAMP NOT NULL DEFAULT clock_timestamp(), updated_at TIMESTAMP)");
        Postgres.execute("INSERT INTO " + source + " (v) SELECT 0 FROM generate_series(1, 40000)");
        String yaml = "source:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + source + "\n    readBatchSize: 2000\n    pollInterval: 200ms\n"
                + "sink: {type: values, config: {collection: live}}\n";
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(yaml, "it-pg-live");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(300);
        JobCompiler.create().compile(manifest, env);
        JobClient job = env.executeAsync(manifest.name());
        try {
            // While the job runs: more inserts, then three rounds of updates, each in its own transaction. A poller
            // sees the state at each poll, so each round waits until the previous one was delivered: then every
            // version is observable and must arrive exactly once.
            List<Message> out = ValuesConnectorFactory.collection("live");
            Postgres.execute("INSERT INTO " + source + " (v) SELECT 0 FROM generate_series(1, 10000)");
            long expected = 50_000;
            awaitSize(out, expected);
            for (int round = 1; round <= 3; round++) {
                int modulo = round + 2;
                Postgres.execute("UPDATE " + source + " SET v = " + round + ", updated_at = clock_timestamp() WHERE id % " + modulo + " = 0");
                expected += Postgres.count("SELECT count(*) FROM " + source + " WHERE id % " + modulo + " = 0");
                awaitSize(out, expected);
            }
            List<Message> seen;
            synchronized (out) {
                seen = new ArrayList<>(out);
            }
            assertThat(seen).as("every version once").hasSize((int) expected);
            Map<Long, Integer> lastValue = new HashMap<>();
            java.time.Instant previousTime = java.time.Instant.MIN;
            long previousId = -1;
            for (Message m : seen) {
                long id = m.json().get("id").asLong();
                String updated = m.json().path("updated_at").isNull() ? m.json().get("created_at").asText() : m.json().get("updated_at").asText();
                java.time.Instant time = java.time.Instant.parse(updated);
                assertThat(time.isAfter(previousTime) || (time.equals(previousTime) && id > previousId))
                        .as("cursor order: (%s, %d) after (%s, %d)", time, id, previousTime, previousId).isTrue();
                previousTime = time;
                previousId = id;
                lastValue.put(id, m.json().get("v").asInt());
                assertThat(m.metadata()).containsEntry("table", source).containsEntry("id", id)
                        .containsEntry("operation", m.json().path("updated_at").isNull() ? "insert" : "update");
            }
            try (Connection c = Postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, v FROM " + source)) {
                while (rs.next()) {
                    assertThat(lastValue.get(rs.getLong(1))).as("last version of %d", rs.getLong(1)).isEqualTo(rs.getInt(2));
                }
            }
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void namesAndValuesWithQuotesSemicolonsAndUnicodeAreCopiedVerbatim() throws Exception {
        String source = "public.\"we;ird \"\"src " + suffix + "\"";
        String target = "public.\"dst \"\"ü\"\" " + suffix + "\"";
        String columns = "id BIGINT PRIMARY KEY, \"na\"\"me; --\" TEXT, \"ünï\" TEXT";
        Postgres.execute("CREATE TABLE " + source + " (" + columns + ")");
        Postgres.execute("CREATE TABLE " + target + " (" + columns + ")");
        Postgres.execute("INSERT INTO " + source + " VALUES (1, 'a''b\"c; DROP TABLE x; --', '日本語 🚀'), (2, E'tab\\tnew\\nline\\\\', NULL)");
        String yaml = "source:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: '" + source.replace("'", "''") + "'\n    bounded: true\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: '" + target.replace("'", "''") + "'\n";
        MiniClusterJobs.run(yaml, "it-pg-names", JobCompiler.create(), 200, 0);
        String cols = "id, \"na\"\"me; --\", \"ünï\"";
        assertThat(Postgres.count("SELECT count(*) FROM " + target)).isEqualTo(2);
        assertThat(checksum(target, cols)).isEqualTo(checksum(source, cols));
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
