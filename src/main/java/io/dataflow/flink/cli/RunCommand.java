package io.dataflow.flink.cli;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.manifest.GoDuration;
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
 * one line naming the option.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Runs a manifest as a Flink job.")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ManifestOptions options;

    @Option(names = "--local", description = "Run on an embedded MiniCluster (web UI and REST on 127.0.0.1:--web-port).")
    boolean local;

    @Option(names = "--web-port", paramLabel = "PORT", defaultValue = "8081",
            description = "Local mode: port of the Flink web UI and REST API; 0 disables the web UI (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9249",
            description = "Local mode: port of the Prometheus endpoint on 127.0.0.1 (http://127.0.0.1:PORT/metrics); "
                    + "0 turns it off (default: ${DEFAULT-VALUE}, Flink's).")
    int metricsPort;

    @Option(names = "--flink-conf", paramLabel = "DIR", defaultValue = "flink-conf",
            description = "Local mode: directory with a flink-conf.yaml to load (default: ${DEFAULT-VALUE}, when it exists).")
    Path flinkConf;

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
        Duration defaultInterval;
        try {
            defaultInterval = checkpointInterval == null ? null : GoDuration.parse(checkpointInterval);
        } catch (IllegalArgumentException e) {
            err.println("error: --checkpoint-interval: " + e.getMessage());
            return 2;
        }
        if (local) {
            Optional<String> taken = LocalPorts.unavailable("--web-port", webPort, "to run without the web UI")
                    .or(() -> LocalPorts.unavailable("--metrics-port", metricsPort, "to turn the metrics endpoint off"));
            if (taken.isPresent()) {
                err.println(taken.get());
                return 2;
            }
        }
        LocalCheckpoints checkpoints = local ? new LocalCheckpoints(checkpointDir, manifest.name()) : null;
        StreamExecutionEnvironment env = local
                ? JobEnvironments.local(manifest, webPort, metricsPort, flinkConf, conf -> checkpoints.configure(conf, fresh)
                        .ifPresent(p -> err.println("resuming " + manifest.name() + " from checkpoint " + p)))
                : StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configureCheckpointing(env, manifest, defaultInterval);
        JobCompiler.create().compile(manifest, env);
        if (local && webPort > 0) {
            err.println("Flink web UI: http://127.0.0.1:" + webPort);
        }
        if (local && metricsPort > 0) {
            err.println("Prometheus metrics: http://127.0.0.1:" + metricsPort + "/metrics");
        }
        try {
            JobExecutionResult result = env.execute(manifest.name());
            if (!result.isJobExecutionResult()) {
                // flink run -d: submitted, not waited for
                spec.commandLine().getOut().println("job " + manifest.name() + " submitted: " + result.getJobID());
                return 0;
            }
            spec.commandLine().getOut().println("job " + manifest.name() + " finished after "
                    + result.getNetRuntime() + " ms");
            if (checkpoints != null) {
                checkpoints.delete();
            }
            return 0;
        } catch (Exception e) {
            err.println("job " + manifest.name() + " failed: " + manifest.masker().mask(JobEnvironments.causeChain(e)));
            return 1;
        }
    }

    private String sha256() throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(options.manifest)));
    }
}
