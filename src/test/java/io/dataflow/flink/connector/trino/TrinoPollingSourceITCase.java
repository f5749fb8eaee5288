package io.dataflow.flink.connector.trino;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.FailOnceProbe;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.Trino;
import io.dataflow.flink.testing.ValuesConnectorFactory;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The Trino polling source on a real Trino 483: a table filled in three waves while the job runs, with a restart. */
@RealServers({Server.TRINO, Server.POSTGRES})
class TrinoPollingSourceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final int WAVE = 2_000;
    private static String schema;
    private String suffix;

    @BeforeAll
    static void schema() throws Exception {
        schema = Trino.createSchema("memory", "it_source");
    }

    @AfterAll
    static void dropSchema() throws Exception {
        Trino.execute("DROP SCHEMA IF EXISTS memory." + schema + " CASCADE");
    }

    @BeforeEach
    void names() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        ValuesConnectorFactory.COLLECTIONS.clear();
        FailOnceProbe.reset();
    }

    /** Wave w holds ids w*WAVE+1 … (w+1)*WAVE; three rows share each updated_at, so ties span page boundaries. */
    private static void insertWave(String table, int wave) throws Exception {
        long first = (long) wave * WAVE + 1;
        Trino.execute("INSERT INTO " + table + " SELECT id, 'customer ' || CAST(id AS varchar) || ' ''q'' é', "
                + "CAST(id AS decimal(12,2)) / 4, TIMESTAMP '2026-01-01 00:00:00.123456' + id / 3 * INTERVAL '1' SECOND, "
                + "ARRAY['t' || CAST(id % 7 AS varchar)] FROM UNNEST(sequence(" + first + ", " + (first + WAVE - 1) + ")) AS s(id)");
    }

    @Test
    void threeWavesArriveOnceInPostgresAcrossARestart() throws Exception {
        String source = "memory." + schema + ".orders";
        Trino.execute("CREATE TABLE " + source + " (id bigint, customer varchar, amount decimal(12,2), updated_at timestamp(6), "
                + "tags array(varchar))");
        insertWave(source, 0);
        String target = "public.trino_copy_" + suffix;
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, customer TEXT, amount NUMERIC(12,2), "
                + "updated_at TIMESTAMP, tags JSONB)");
        // the source notes the newest updated_at and reads up to it once safetyLag has passed, at the start, after each
        // wave and after the restart: the default 5 s cost that wait each time; a short lag keeps that path
        String yaml = "source:\n  type: trino\n  config:\n    serverURL: " + Trino.serverUrl() + "\n    catalog: memory\n"
                + "    schema: " + schema + "\n    table: orders\n    readBatchSize: 500\n    pollInterval: 300ms\n    safetyLag: 200ms\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + target + "\n    upsertMode: true\n    conflictKey: id\n    batchSize: 500\n";
        // the failure comes in the middle of the second wave, after a checkpoint
        JobClient job = MiniClusterJobs.start(yaml, "it-trino-to-pg", JobCompiler.withProbeAfterSource(new FailOnceProbe(3_000, 10)), 300, 3);
        try {
            awaitRows(target, WAVE);
            insertWave(source, 1);
            awaitRows(target, 2L * WAVE);
            insertWave(source, 2);
            awaitRows(target, 3L * WAVE);
        } finally {
            job.cancel().get();
        }
        assertThat(FailOnceProbe.FAILED).as("the failure was injected").isTrue();
        assertThat(Postgres.count("SELECT count(*) FROM " + target)).isEqualTo(3L * WAVE);
        assertThat(Postgres.count("SELECT count(*) FROM " + target + " WHERE customer = 'customer ' || id || ' ''q'' é'"
                + " AND amount = id / 4.0 AND tags = jsonb_build_array('t' || (id % 7))"
                + " AND updated_at = timestamp '2026-01-01 00:00:00.123456' + (id / 3) * interval '1 second'"))
                .as("every value as Trino holds it").isEqualTo(3L * WAVE);
        assertThat(FailOnceProbe.SEEN.get()).as("only the records after the restored checkpoint were read twice")
                .isLessThan(3L * WAVE + 1_500);
    }

    @Test
    void aQueryWithAnExplicitChangeColumnPagesOverStringKeysWithQuotesAndCarriesTheMetadata() throws Exception {
        String source = "memory." + schema + ".keys_" + suffix;
        Trino.execute("CREATE TABLE " + source + " (k varchar, seq integer, hidden boolean)");
        List<String> keys = List.of("a'b", "a\\'b", "c\\", "d'); DROP TABLE x; --", "e\tf", "é🚀'");
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("(").append(TrinoSql.quoteString(keys.get(i))).append(", 7, false)");
        }
        Trino.execute("INSERT INTO " + source + " VALUES " + values + ", ('z', 7, true)");
        // the source notes the newest seq and reads up to it once safetyLag has passed: the default 5 s cost that
        // wait; a short lag keeps that path
        String yaml = "source:\n  type: trino\n  config:\n    serverURL: " + Trino.serverUrl() + "\n    catalog: memory\n"
                + "    schema: " + schema + "\n    table: keys\n"
                + "    query: \"SELECT k, seq FROM " + source + " WHERE NOT hidden\"\n    changeTrackingColumn: seq\n    orderByColumn: k\n"
                + "    readBatchSize: 1\n    bounded: true\n    safetyLag: 200ms\n"
                + "sink: {type: values, config: {collection: keys}}\n";
        MiniClusterJobs.run(yaml, "it-trino-query", JobCompiler.create(), 200, 0);
        List<Message> out = ValuesConnectorFactory.collection("keys");
        List<String> read = new ArrayList<>();
        synchronized (out) {
            for (Message m : out) {
                read.add(m.json().get("k").asText());
                assertThat(m.json().get("seq").asInt()).isEqualTo(7);
                assertThat(m.metadata()).containsEntry("catalog", "memory").containsEntry("schema", schema)
                        .containsEntry("table", "keys").containsEntry("id", m.json().get("k").asText());
            }
        }
        assertThat(read).as("each key once, in order, though every one was written back into the SQL as a cursor")
                .containsExactlyElementsOf(keys.stream().sorted().toList());
    }

    private static void awaitRows(String table, long expected) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (Postgres.count("SELECT count(*) FROM " + table) < expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertThat(Postgres.count("SELECT count(*) FROM " + table)).as("rows in %s", table).isGreaterThanOrEqualTo(expected);
    }
}
