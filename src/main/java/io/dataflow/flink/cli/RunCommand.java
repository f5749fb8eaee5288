package io.dataflow.flink.cli;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.config.GoDuration;
import io.dataflow.flink.manifest.Manifest;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code run [--local] MANIFEST}: validates, compiles and executes. Without {@code --local} the job goes to the
 * environment Flink provides ({@code flink run}, application mode); with it, to an embedded MiniCluster with the
 * web UI on 127.0.0.1. A local run checks its ports first: a taken --web-port or --metrics-port is exit 2 with
 * one line naming the option. While it runs it prints a progress line to stderr every --progress seconds.
 * A manifest with {@code maintenance.suspended: true} is not started: exit {@value #EXIT_SUSPENDED}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Runs a manifest as a Flink job.")
final class RunCommand implements Callable<Integer> {

    /** Exit code of a run refused because the manifest is suspended (1: the job failed, 2: invalid input). */
    static final int EXIT_SUSPENDED = 3;

    @Mixin
    ManifestOptions options;

    @Option(names = "--local", description = "Run on an embedded MiniCluster (web UI and REST on 127.0.0.1:--web-port).")
    boolean local;

    // --web-port and --metrics-port have no picocli default: a flag given explicitly wins over the Flink
    // configuration file, whose settings win over the defaults (LocalSetup)
    @Option(names = "--web-port", paramLabel = "PORT",
            description = "Local mode: port of the Flink web UI and REST API; 0 disables the web UI "
                    + "(default: the Flink configuration file's rest.port, else " + LocalSetup.DEFAULT_WEB_PORT + ").")
    Integer webPort;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Local mode: port of the Prometheus endpoint on 127.0.0.1 (http://127.0.0.1:PORT/metrics); "
                    + "0 turns it off (default: the Flink configuration file's metrics.reporter.prom.port, else "
                    + LocalSetup.DEFAULT_METRICS_PORT + ", Flink's).")
    Integer metricsPort;

    @Option(names = "--flink-conf", paramLabel = "DIR",
            description = "Local mode: directory with Flink's configuration file, config.yaml (or a legacy flink-conf.yaml), "
                    + "read by Flink's own loader; its settings win over this command's defaults, flags given explicitly "
                    + "win over it (default: ./flink-conf, when it holds one).")
    Path flinkConf;

    @Option(names = "--progress", paramLabel = "SECONDS", defaultValue = "10",
            description = "Local mode: print a progress line to stderr every SECONDS (records read, written, failed, routed, "
                    + "rate, last checkpoint, Kafka lag); 0 turns it off (default: ${DEFAULT-VALUE}).")
    int progress;

    @Option(names = "--checkpoint-interval", paramLabel = "DURATION",
            description = "Checkpoint interval (e.g. 10s, 500ms) when the manifest sets no checkpointSaveInterval (default: the cluster's, else 10s).")
    String checkpointInterval;

    @Option(names = "--manifest-sha256", paramLabel = "HEX",
            description = "Refuse to run unless the manifest file has this SHA-256 (Kubernetes: catches a ConfigMap that is not yet updated).")
    String manifestSha256;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", defaultValue = ".dataflow/checkpoints",
            description = "Local mode: where checkpoints are kept (per job); a killed job started again with the same "
                    + "command resumes from the newest one (default: ${DEFAULT-VALUE}).")
    Path checkpointDir;

    @Option(names = "--fresh", description = "Local mode: forget the job's checkpoints and start from the beginning.")
    boolean fresh;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (manifestSha256 != null && !manifestSha256.equalsIgnoreCase(sha256())) {
            err.println("invalid manifest " + options.manifest + ":\n  its SHA-256 is " + sha256() + ", not " + manifestSha256 + " as --manifest-sha256 says");
            return 2;
        }
        Manifest manifest = options.load(err);
        if (manifest == null) {
            return 2;
        }
        ManifestOptions.printWarnings(manifest, err);
        if (manifest.settings().maintenance().suspended()) {
            err.println("not started: manifest " + manifest.name() + " is suspended (maintenance.suspended: true); "
                    + "set it to false or remove it to run the job");
            return EXIT_SUSPENDED;
        }
        Duration defaultInterval;
        try {
            defaultInterval = checkpointInterval == null ? null : GoDuration.parse(checkpointInterval);
        } catch (IllegalArgumentException e) {
            err.println("error: --checkpoint-interval: " + e.getMessage());
            return 2;
        }
        if (progress < 0) {
            err.println("error: --progress: " + progress + " is negative; give seconds between lines, or 0 to turn them off");
            return 2;
        }
        LocalSetup setup = null;
        if (local) {
            try {
                setup = LocalSetup.resolve(flinkConf, webPort, metricsPort);
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                return 2;
            }
            if (setup.warning() != null) {
                err.println("warning: " + setup.warning());
            }
            LocalSetup ports = setup;
            Optional<String> taken = LocalPorts.unavailable("--web-port", ports.webPort(), "to run without the web UI")
                    .or(() -> LocalPorts.unavailable("--metrics-port", ports.metricsPort(), "to turn the metrics endpoint off"));
            if (taken.isPresent()) {
                err.println(taken.get());
                return 2;
            }
        }
        LocalCheckpoints checkpoints = local ? new LocalCheckpoints(checkpointDir, manifest.name()) : null;
        ProgressMetrics progressMetrics = local && progress > 0 ? new ProgressMetrics(manifest) : null;
        StreamExecutionEnvironment env = local
                ? JobEnvironments.local(setup, manifest, conf -> {
                    checkpoints.configure(conf, fresh)
                            .ifPresent(p -> err.println("resuming " + manifest.name() + " from checkpoint " + p));
                    if (progressMetrics != null) {
                        progressMetrics.attach(conf);
                    }
                })
                : StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configureCheckpointing(env, manifest, defaultInterval);
        JobCompiler.create().compile(manifest, env);
        if (local && setup.webPort() > 0) {
            err.println("Flink web UI: http://127.0.0.1:" + setup.webPort());
        }
        if (local && setup.metricsPort() > 0) {
            err.println("Prometheus metrics: http://127.0.0.1:" + setup.metricsPort() + "/metrics");
        }
        try {
            JobExecutionResult result = execute(env, manifest.name(), progressMetrics, err);
            if (!result.isJobExecutionResult()) {
                // flink run -d: submitted, not waited for
                spec.commandLine().getOut().println("job " + manifest.name() + " submitted: " + result.getJobID());
                return 0;
            }
            spec.commandLine().getOut().println("job " + manifest.name() + " finished after "
                    + result.getNetRuntime() + " ms");
            if (checkpoints != null) {
                deleteFinishedJobsCheckpoints(checkpoints, err);
            }
            return 0;
        } catch (Exception e) {
            err.println("job " + manifest.name() + " failed: " + manifest.masker().mask(JobEnvironments.causeChain(e)));
            return 1;
        }
    }

    /** The job has finished: a checkpoint left behind only costs a warning, since the next run may pass --fresh. */
    private static void deleteFinishedJobsCheckpoints(LocalCheckpoints checkpoints, PrintWriter err) {
        try {
            checkpoints.delete();
        } catch (UncheckedIOException e) {
            err.println("warning: " + e.getMessage() + " (" + e.getCause() + "); the next run resumes from them unless"
                    + " it is given --fresh");
        }
    }

    /** Runs the job; with progress lines while it runs, none after it ended (before the outcome is printed). */
    private JobExecutionResult execute(StreamExecutionEnvironment env, String name, ProgressMetrics progressMetrics,
                                       PrintWriter err) throws Exception {
        if (progressMetrics == null) {
            return env.execute(name);
        }
        try (ProgressPrinter lines = ProgressPrinter.start(progressMetrics, err, Duration.ofSeconds(progress))) {
            return env.execute(name);
        }
    }

    private String sha256() throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(options.manifest)));
    }
}
