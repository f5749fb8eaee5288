package io.dataflow.flink.cli;

import io.dataflow.flink.manifest.Manifest;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/** How the CLI sets up Flink for a manifest: the embedded cluster of local mode, and checkpointing. */
final class JobEnvironments {

    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    /** Restarts in a row before a job ends FAILED, when no flink-conf sets a restart strategy. */
    static final int DEFAULT_RESTART_ATTEMPTS = 30;
    /** The reporter's name in flink-conf.yaml. */
    private static final String PROMETHEUS_REPORTER = "metrics.reporter.prom.";

    private JobEnvironments() {
    }

    /** An embedded MiniCluster; the web UI and REST bind to loopback only. */
    static StreamExecutionEnvironment local(Manifest manifest, int webPort, Path flinkConfDir) {
        return local(manifest, webPort, 0, flinkConfDir, conf -> { });
    }

    /** As above; {@code customize} adds settings last (local checkpoints and the checkpoint to resume from). */
    static StreamExecutionEnvironment local(Manifest manifest, int webPort, int metricsPort, Path flinkConfDir,
                                            java.util.function.Consumer<Configuration> customize) {
        Configuration conf = flinkConfDir != null && Files.isRegularFile(flinkConfDir.resolve("flink-conf.yaml"))
                ? GlobalConfiguration.loadConfiguration(flinkConfDir.toString())
                : new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, Math.max(webPort, 0));
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, manifest.settings().parallelism());
        if (!conf.contains(RestartStrategyOptions.RESTART_STRATEGY)) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMinutes(1));
            // as flink-conf/flink-conf.yaml: a job that can never succeed ends FAILED instead of restarting forever
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, DEFAULT_RESTART_ATTEMPTS);
        }
        // process sizes are for cluster pods; a MiniCluster lives in this JVM and warns about them
        conf.removeKey("taskmanager.memory.process.size");
        conf.removeKey("jobmanager.memory.process.size");
        servePrometheusOnLoopback(conf, metricsPort);
        customize.accept(conf);
        return webPort > 0
                ? StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf)
                : StreamExecutionEnvironment.createLocalEnvironment(manifest.settings().parallelism(), conf);
    }

    /**
     * The flink-conf's Prometheus reporter (Flink's, for clusters) is swapped for the same reporter on 127.0.0.1 at
     * {@code metricsPort}; 0 removes it.
     */
    static void servePrometheusOnLoopback(Configuration conf, int metricsPort) {
        for (String key : conf.keySet()) {
            if (key.startsWith(PROMETHEUS_REPORTER)) {
                conf.removeKey(key);
            }
        }
        if (metricsPort > 0) {
            conf.setString(PROMETHEUS_REPORTER + "factory.class", LoopbackPrometheusReporterFactory.class.getName());
            conf.setString(PROMETHEUS_REPORTER + LoopbackPrometheusReporterFactory.PORT, String.valueOf(metricsPort));
        }
    }

    /**
     * Checkpointing is what makes the job fault tolerant (sources restore positions, sinks flush), so it is
     * always on: the manifest's {@code checkpointSaveInterval} wins, then the CLI flag, then the cluster's own
     * setting, then 10 s.
     */
    static void configureCheckpointing(StreamExecutionEnvironment env, Manifest manifest, Duration cliInterval) {
        Duration interval = manifest.settings().checkpointInterval() != null ? manifest.settings().checkpointInterval() : cliInterval;
        if (interval == null && env.getCheckpointConfig().isCheckpointingEnabled()) {
            return;
        }
        if (interval == null) {
            interval = DEFAULT_CHECKPOINT_INTERVAL;
        }
        env.enableCheckpointing(interval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
    }

    /** "outer: inner: root" without stack traces, each distinct message once. */
    static String causeChain(Throwable e) {
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable t = e; t != null && parts.size() < 8; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                parts.add(t.getMessage());
            }
        }
        return parts.isEmpty() ? e.getClass().getSimpleName() : String.join(": ", parts);
    }
}
