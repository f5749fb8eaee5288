package io.dataflow.flink.testing;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs a manifest (YAML text) as a job on the test's MiniCluster until it finishes: validated like the CLI does,
 * checkpoints every {@code checkpointMillis}, a fixed-delay restart strategy so injected failures are retried.
 */
public final class MiniClusterJobs {

    private MiniClusterJobs() {
    }

    public static void run(String yaml, String jobName, JobCompiler compiler, long checkpointMillis, int restartAttempts) throws Exception {
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(yaml, jobName);
        environment(manifest, compiler, checkpointMillis, restartAttempts).execute(manifest.name());
    }

    /** The same, without waiting: for jobs that never finish (streaming sources); the caller cancels the job. */
    public static JobClient start(String yaml, String jobName, JobCompiler compiler, long checkpointMillis, int restartAttempts) throws Exception {
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(yaml, jobName);
        return environment(manifest, compiler, checkpointMillis, restartAttempts).executeAsync(manifest.name());
    }

    /** A manifest parsed by the caller (e.g. with its own secrets directory), started without waiting. */
    public static JobClient start(Manifest manifest, JobCompiler compiler, long checkpointMillis, int restartAttempts) throws Exception {
        return environment(manifest, compiler, checkpointMillis, restartAttempts).executeAsync(manifest.name());
    }

    private static StreamExecutionEnvironment environment(Manifest manifest, JobCompiler compiler, long checkpointMillis,
                                                          int restartAttempts) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(checkpointMillis);
        compiler.compile(manifest, env);
        return env;
    }
}
