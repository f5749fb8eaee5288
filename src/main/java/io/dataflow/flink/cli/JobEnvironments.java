package io.dataflow.flink.cli;

import io.dataflow.flink.manifest.Manifest;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/** How the CLI sets up Flink for a manifest: the embedded cluster of local mode, and checkpointing. */
final class JobEnvironments {

    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    /** Restarts in a row before a job ends FAILED, when the Flink configuration file sets no restart strategy. */
    static final int DEFAULT_RESTART_ATTEMPTS = 30;
    /** The Prometheus reporter's keys in the Flink configuration file (flink-conf/config.yaml). */
    static final String PROMETHEUS_REPORTER = "metrics.reporter.prom.";
    static final String LOCAL_SEGMENT_SIZE = "8kb";
    static final String LOCAL_NETWORK_MEMORY = "16mb";

    private JobEnvironments() {
    }

    /** An embedded MiniCluster with these flags given (RestartBoundITCase); see {@link #local(LocalSetup, Manifest, Consumer)}. */
    static StreamExecutionEnvironment local(Manifest manifest, int webPort, int metricsPort, Path flinkConfDir,
                                            Consumer<Configuration> customize) {
        return local(LocalSetup.resolve(flinkConfDir, webPort, metricsPort), manifest, customize);
    }

    /**
     * An embedded MiniCluster started from the setup's configuration; the web UI and REST bind to loopback only.
     * {@code customize} adds settings last (local checkpoints and the checkpoint to resume from, the progress line).
     */
    static StreamExecutionEnvironment local(LocalSetup setup, Manifest manifest, Consumer<Configuration> customize) {
        Configuration conf = setup.conf();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, manifest.settings().parallelism());
        if (!conf.contains(RestartStrategyOptions.RESTART_STRATEGY)) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMinutes(1));
            // as flink-conf/config.yaml: a job that can never succeed ends FAILED instead of restarting forever
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, DEFAULT_RESTART_ATTEMPTS);
        }
        smallNetworkBuffers(conf);
        // process sizes are for cluster pods; a MiniCluster lives in this JVM and warns about them
        conf.removeKey("taskmanager.memory.process.size");
        conf.removeKey("jobmanager.memory.process.size");
        servePrometheusOnLoopback(conf, setup.metricsPort());
        customize.accept(conf);
        return setup.webPort() > 0
                ? StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf)
                : StreamExecutionEnvironment.createLocalEnvironment(manifest.settings().parallelism(), conf);
    }

    /**
     * The MiniCluster's network buffers in {@value #LOCAL_SEGMENT_SIZE} segments, {@value #LOCAL_NETWORK_MEMORY} of them:
     * as many buffers as Flink's local default (64 MiB of 32 KiB segments, 2 048), so every job that ran before still
     * gets the buffers its shuffles need, in a quarter of the memory. The task manager allocates and zeroes all of it
     * at start, which cost about 0.2 s of CPU per run (docs/BENCHMARKS.md, issue 21 eighth round); records larger than
     * a segment span several, as in any Flink job. Not when the configuration file sets any of the three.
     */
    static void smallNetworkBuffers(Configuration conf) {
        if (conf.contains(TaskManagerOptions.NETWORK_MEMORY_MIN) || conf.contains(TaskManagerOptions.NETWORK_MEMORY_MAX)
                || conf.contains(TaskManagerOptions.MEMORY_SEGMENT_SIZE)) {
            return;
        }
        conf.set(TaskManagerOptions.MEMORY_SEGMENT_SIZE, MemorySize.parse(LOCAL_SEGMENT_SIZE));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse(LOCAL_NETWORK_MEMORY));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse(LOCAL_NETWORK_MEMORY));
    }

    /**
     * The configuration file's Prometheus reporter (Flink's, for clusters) is swapped for the same reporter on 127.0.0.1 at
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
