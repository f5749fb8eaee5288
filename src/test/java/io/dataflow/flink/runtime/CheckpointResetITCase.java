package io.dataflow.flink.runtime;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code checkpointReset: true} is a one-shot, as in the original: a job restored from a savepoint (or, in a local
 * run, from its newest checkpoint, which is given to Flink the same way) with the flag newly set reads its source
 * from the start once; restored again with the flag still set, or with it back at false, it resumes where it was.
 * The sink is a plain INSERT, so a re-read shows up as duplicate rows.
 */
@RealServers(Server.POSTGRES)
class CheckpointResetITCase {

    @TempDir
    Path savepoints;

    @Test
    void aNewlySetCheckpointResetReadsTheSourceAgainOnceThenResumes() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String source = "public.reset_src_" + suffix;
        String target = "public.reset_dst_" + suffix;
        Postgres.execute("CREATE TABLE " + source + " (id INT NOT NULL, v TEXT, updated_at TIMESTAMPTZ NOT NULL)");
        Postgres.execute("INSERT INTO " + source + " SELECT i, 'row ' || i, TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 second' "
                + "FROM generate_series(1, 10) i");
        Postgres.execute("CREATE TABLE " + target + " (id INT NOT NULL, v TEXT, updated_at TIMESTAMPTZ)");

        JobClient first = start(manifest(source, target, false), null);
        awaitRows(target, "count(*) = 10", first);
        String afterFirst = stop(first);

        JobClient reset = start(manifest(source, target, true), afterFirst);
        awaitRows(target, "count(*) = 20", reset);
        String afterReset = stop(reset);
        assertThat(Postgres.count("SELECT count(*) FROM " + target)).as("read once more, from the start").isEqualTo(20);

        JobClient stillSet = start(manifest(source, target, true), afterReset);
        Postgres.execute("INSERT INTO " + source + " VALUES (11, 'row 11', TIMESTAMPTZ '2026-01-01' + 11 * INTERVAL '1 second')");
        awaitRows(target, "count(*) FILTER (WHERE id = 11) = 1", stillSet);
        String afterStillSet = stop(stillSet);
        assertThat(Postgres.count("SELECT count(*) FROM " + target))
                .as("the flag still set resumes: only the new row (a re-read would have come before it)").isEqualTo(21);

        JobClient cleared = start(manifest(source, target, false), afterStillSet);
        Postgres.execute("INSERT INTO " + source + " VALUES (12, 'row 12', TIMESTAMPTZ '2026-01-01' + 12 * INTERVAL '1 second')");
        awaitRows(target, "count(*) FILTER (WHERE id = 12) = 1", cleared);
        stop(cleared);
        assertThat(Postgres.count("SELECT count(*) FROM " + target)).as("false never resets").isEqualTo(22);
    }

    private static Manifest manifest(String source, String target, boolean reset) throws Exception {
        String yaml = "checkpointReset: " + reset + "\n"
                + "source:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + source + "\n    changeTrackingColumn: updated_at\n    orderByColumn: id\n    pollInterval: 200ms\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + target + "\n";
        return ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(yaml, "it-checkpoint-reset");
    }

    private static JobClient start(Manifest manifest, String savepoint) throws Exception {
        Configuration conf = new Configuration();
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.enableCheckpointing(300);
        JobCompiler.create().compile(manifest, env);
        return env.executeAsync(manifest.name());
    }

    private String stop(JobClient job) throws Exception {
        String path = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        return path;
    }

    private static void awaitRows(String target, String condition, JobClient job) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (Postgres.count("SELECT CASE WHEN " + condition + " THEN 1 ELSE 0 END FROM " + target) != 1) {
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job still running").isFalse();
            assertThat(System.currentTimeMillis()).as("%s in %s within 60 s (now %s rows)", condition, target,
                    Postgres.count("SELECT count(*) FROM " + target)).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
