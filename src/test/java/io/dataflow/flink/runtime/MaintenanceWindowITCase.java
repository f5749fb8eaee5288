package io.dataflow.flink.runtime;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code spec.maintenance} windows on a real PostgreSQL polling source: rows inserted while a window is active reach
 * the sink only after it ends, none is lost, and a savepoint completes during the window (the waiting source holds
 * no checkpoint lock). A second job, started inside the window, writes nothing until the window ends.
 */
@RealServers(Server.POSTGRES)
class MaintenanceWindowITCase {

    /** One cluster for both jobs: a job starts in a second or two on it, so the window can begin soon after. */
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Duration LEAD = Duration.ofSeconds(8);
    private static final Duration WINDOW = Duration.ofSeconds(4);

    @TempDir
    Path savepoints;

    @Test
    void rowsInsertedDuringAWindowArriveAfterItEndsAndAJobStartedInsideOneWaits() throws Exception {
        String lateSource = table("mw_late_src_");
        String lateTarget = table("mw_late_dst_");
        insert(lateSource, 1, 10);
        // The window must begin after the job has copied its first rows; how long a job takes to start depends on the
        // machine's load, so a start that came too late is retried with twice the lead (fresh tables, new window; up to 32 s).
        Duration lead = LEAD;
        String source;
        String target;
        Instant windowStart;
        JobClient job;
        while (true) {
            source = table("mw_src_");
            target = table("mw_dst_");
            insert(source, 1, 10);
            windowStart = Instant.now().plus(lead);
            job = start(manifest(source, target, windowStart, WINDOW));
            awaitCount(target, 10, job);
            if (Instant.now().isBefore(windowStart) || lead.compareTo(LEAD.multipliedBy(4)) >= 0) {
                break;
            }
            job.cancel().get(30, TimeUnit.SECONDS);
            lead = lead.multipliedBy(2);
        }
        Instant windowEnd = windowStart.plus(WINDOW);
        JobClient late = null;
        try {
            assertThat(Instant.now()).as("the first rows arrived before the window (test setup)").isBefore(windowStart);
            // started once the first job runs (not beside it, which slows both down): inside a window that is active
            // already and lasts until the other window ends
            Instant lateStart = Instant.now().minusSeconds(1);
            late = start(manifest(lateSource, lateTarget, lateStart, Duration.between(lateStart, windowEnd)));

            sleepUntil(windowStart.plusMillis(300));
            insert(source, 11, 30);
            String savepoint = job.triggerSavepoint(savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get(30, TimeUnit.SECONDS);
            assertThat(savepoint).as("a savepoint completes while the source waits").isNotBlank();
            while (Instant.now().isBefore(windowEnd.minusMillis(300))) {
                assertThat(count(target)).as("nothing is written during the window").isEqualTo(10);
                assertThat(count(lateTarget)).as("a job started inside the window writes nothing during it").isZero();
                Thread.sleep(100);
            }
            awaitCount(target, 30, job);
            awaitCount(lateTarget, 10, late);
            assertThat(Postgres.count("SELECT count(DISTINCT id) FROM " + target)).as("every row once").isEqualTo(30);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
            if (late != null) {
                late.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void insert(String table, int from, int to) throws Exception {
        Postgres.execute("INSERT INTO " + table + " SELECT i, 'row ' || i, TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 second' "
                + "FROM generate_series(" + from + ", " + to + ") i");
    }

    private static String table(String prefix) throws Exception {
        String name = "public." + prefix + UUID.randomUUID().toString().substring(0, 8);
        Postgres.execute("CREATE TABLE " + name + " (id INT NOT NULL, v TEXT, updated_at TIMESTAMPTZ NOT NULL)");
        return name;
    }

    private static Manifest manifest(String source, String target, Instant windowStart, Duration window) {
        String yaml = "maintenance:\n  startTime: \"" + windowStart + "\"\n  duration: " + window.toMillis() + "ms\n"
                + "  description: maintenance window test\n"
                + "source:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + source + "\n    changeTrackingColumn: updated_at\n    orderByColumn: id\n    pollInterval: 200ms\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + target + "\n";
        return ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(yaml, "it-maintenance-window");
    }

    private static JobClient start(Manifest manifest) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(300);
        JobCompiler.create().compile(manifest, env);
        return env.executeAsync(manifest.name());
    }

    private static long count(String target) throws Exception {
        return Postgres.count("SELECT count(*) FROM " + target);
    }

    private static void sleepUntil(Instant when) throws InterruptedException {
        long millis = Duration.between(Instant.now(), when).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static void awaitCount(String target, long expected, JobClient job) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (count(target) != expected) {
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job still running").isFalse();
            assertThat(System.currentTimeMillis()).as("%s rows in %s within 60 s (now %s)", expected, target, count(target)).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
