package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.ValuesConnectorFactory;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The polling source under the conditions of production (issue 19): transactions that commit late, a connection
 * the server terminates, a cursor-less query larger than one fetch, a job cancelled while a poll query runs.
 */
@RealServers({Server.POSTGRES})
class PostgresPollingRobustnessITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private String suffix;

    @BeforeEach
    void names() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        ValuesConnectorFactory.COLLECTIONS.clear();
    }

    private String sourceYaml(String config, String collection) {
        return "source:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "&application_name=it-poll-"
                + suffix + "\"\n" + config + "sink: {type: values, config: {collection: " + collection + "}}\n";
    }

    /** A row stamped now() by a transaction that commits after later-stamped rows were polled is still emitted. */
    @Test
    void aRowStampedAtTheStartOfALateCommittingTransactionIsNotSkipped() throws Exception {
        String table = "public.late_ts_" + suffix;
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v TEXT, updated_at TIMESTAMP NOT NULL DEFAULT now())");
        assertLateCommitIsEmitted(table, "    table: " + table + "\n    pollInterval: 200ms\n", "late-ts",
                "INSERT INTO " + table + " (id, v) VALUES (%d, '%s')");
    }

    /** The same with a serial key alone: the late transaction took its sequence value before the later rows. */
    @Test
    void aSerialKeyAllocatedByALateCommittingTransactionIsNotSkipped() throws Exception {
        String table = "public.late_serial_" + suffix;
        Postgres.execute("CREATE TABLE " + table + " (id BIGSERIAL PRIMARY KEY, v TEXT)");
        // ids 8 to 12 cross a digit: a horizon compared as text ('9' > '12') would hold the last rows back
        Postgres.execute("ALTER SEQUENCE " + table + "_id_seq RESTART 8");
        assertLateCommitIsEmitted(table, "    table: " + table + "\n    pollInterval: 200ms\n", "late-serial",
                "INSERT INTO " + table + " (v) VALUES ('%2$s')");
    }

    private void assertLateCommitIsEmitted(String table, String config, String collection, String insert) throws Exception {
        Postgres.execute(String.format(insert, 1, "early"));
        JobClient job = MiniClusterJobs.start(sourceYaml(config, collection), "it-pg-" + collection, JobCompiler.create(), 300, 0);
        try {
            List<Message> out = ValuesConnectorFactory.collection(collection);
            awaitValues(out, Set.of("early"), 60_000);
            try (Connection late = Postgres.connect()) {
                late.setAutoCommit(false);
                try (Statement s = late.createStatement()) {
                    s.execute(String.format(insert, 2, "late"));
                }
                Thread.sleep(50);
                for (int i = 3; i <= 5; i++) {
                    Postgres.execute(String.format(insert, i, "after" + i));
                }
                // many polls happen while the first transaction is still open
                Thread.sleep(3_000);
                late.commit();
            }
            awaitValues(out, Set.of("early", "late", "after3", "after4", "after5"), 30_000);
            assertThat(values(out)).as("every committed row of %s", table)
                    .containsExactlyInAnyOrder("early", "late", "after3", "after4", "after5");
        } finally {
            job.cancel().get();
        }
    }

    /** The server terminates the source's session: the next poll connects again and the new rows arrive. */
    @Test
    void aTerminatedSessionIsReplacedOnTheNextPoll() throws Exception {
        String table = "public.reconnect_" + suffix;
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v TEXT, updated_at TIMESTAMP NOT NULL DEFAULT now())");
        Postgres.execute("INSERT INTO " + table + " (id, v) VALUES (1, 'before')");
        JobClient job = MiniClusterJobs.start(sourceYaml("    table: " + table + "\n    pollInterval: 200ms\n", "reconnect"),
                "it-pg-reconnect", JobCompiler.create(), 300, 0);
        try {
            List<Message> out = ValuesConnectorFactory.collection("reconnect");
            awaitValues(out, Set.of("before"), 60_000);
            long terminated = Postgres.count("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE application_name = 'it-poll-" + suffix + "') t");
            assertThat(terminated).as("the source's session was found").isGreaterThan(0);
            Postgres.execute("INSERT INTO " + table + " (id, v) VALUES (2, 'after')");
            awaitValues(out, Set.of("before", "after"), 30_000);
            assertThat(values(out)).containsExactlyInAnyOrder("before", "after");
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * A cursor-less query is streamed: its first rows are emitted while the server is still producing the rest
     * (the row 2 500 sleeps 60 s), instead of after the whole result was held in memory.
     */
    @Test
    void aCursorLessQueryEmitsItsFirstRowsWhileTheStatementIsStillFetching() throws Exception {
        String query = "SELECT g AS id, md5(g::text) AS v, pg_sleep(CASE WHEN g = 2500 THEN 60 ELSE 0 END) AS pause "
                + "FROM generate_series(1, 3000) g";
        JobClient job = MiniClusterJobs.start(sourceYaml("    query: \"" + query + "\"\n    pollInterval: 1h\n", "stream"),
                "it-pg-stream", JobCompiler.create(), 300, 0);
        long started = System.currentTimeMillis();
        try {
            List<Message> out = ValuesConnectorFactory.collection("stream");
            long deadline = started + 40_000;
            while (size(out) < 2000 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(size(out)).as("rows emitted while the query still runs").isGreaterThanOrEqualTo(2000);
            assertThat(System.currentTimeMillis() - started).isLessThan(55_000);
        } finally {
            cancelWithin(job, 10);
        }
    }

    /** Cancelling a job cancels the poll query it is waiting for (pg_sleep(60)) instead of waiting a minute. */
    @Test
    void cancellingTheJobCancelsARunningPollQuery() throws Exception {
        JobClient job = MiniClusterJobs.start(sourceYaml("    query: \"SELECT 1 AS id, pg_sleep(60) AS pause\"\n", "sleep"),
                "it-pg-cancel", JobCompiler.create(), 300, 0);
        long deadline = System.currentTimeMillis() + 60_000;
        while (Postgres.count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'it-poll-" + suffix
                + "' AND state = 'active' AND query LIKE '%pg_sleep(60)%'") == 0) {
            assertThat(System.currentTimeMillis()).as("the poll query runs").isLessThan(deadline);
            Thread.sleep(100);
        }
        cancelWithin(job, 10);
        long gone = System.currentTimeMillis() + 10_000;
        while (Postgres.count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'it-poll-" + suffix
                + "' AND state = 'active'") > 0) {
            assertThat(System.currentTimeMillis()).as("the poll query was cancelled on the server").isLessThan(gone);
            Thread.sleep(100);
        }
    }

    private static void cancelWithin(JobClient job, int seconds) throws Exception {
        long start = System.currentTimeMillis();
        job.cancel().get(seconds, TimeUnit.SECONDS);
        while (!job.getJobStatus().get().isGloballyTerminalState()) {
            assertThat(System.currentTimeMillis() - start).as("the job ends within %d s of the cancel", seconds)
                    .isLessThan(seconds * 1000L);
            Thread.sleep(100);
        }
    }

    private static void awaitValues(List<Message> out, Set<String> expected, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!values(out).containsAll(expected) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
    }

    private static List<String> values(List<Message> out) {
        synchronized (out) {
            return out.stream().map(m -> m.json().path("v").asText()).collect(Collectors.toList());
        }
    }

    private static int size(List<Message> out) {
        synchronized (out) {
            return out.size();
        }
    }
}
