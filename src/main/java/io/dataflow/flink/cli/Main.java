package io.dataflow.flink.cli;

import io.dataflow.flink.ProjectVersion;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Entry point of {@code dataflow-flink.jar}: {@code validate}, {@code plan}, {@code run [--local]}, {@code test}
 * (the chain on sample records, no servers), {@code connectors [TYPE]} and {@code k8s} (Kubernetes resources). A bare
 * manifest path means {@code run}, which is what {@code flink run dataflow-flink.jar manifest.yaml} passes.
 *
 * <p>Exit codes: 0 success, 2 invalid manifest or usage, 1 the job failed.
 */
@Command(name = "dataflow-flink", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Compiles a DataFlow manifest into a fault-tolerant Flink job.",
        subcommands = {RunCommand.class, ValidateCommand.class, PlanCommand.class, TestCommand.class,
                ConnectorsCommand.class, K8sCommand.class, ClassArchiveCommand.class})
public final class Main {

    private static final Set<String> COMMANDS = Set.of("run", "validate", "plan", "test",
            "connectors", "k8s", ClassDataArchive.COMMAND, "help", "-h", "--help", "-V", "--version");

    public static void main(String[] args) {
        ParentWatch.endWithParent();
        String[] effective = withDefaultCommand(args);
        int code = execute(effective);
        if (runsInsideFlink(effective)) {
            // Under `flink run` or in an application cluster, main() runs inside Flink's own process (the
            // JobManager, in application mode): exiting would take it down. Failures are reported by throwing.
            if (code != 0) {
                throw new IllegalStateException("dataflow-flink " + String.join(" ", effective) + " failed (exit code " + code + "); see the messages above");
            }
            return;
        }
        System.exit(code);
    }

    /**
     * {@code run} without {@code --local} under {@code flink run} or in an application cluster: Flink has set a
     * context environment. Not when the jar's launcher started this JVM ({@code java -jar … run m.yaml}) or no Flink
     * context is set: then this is a process of its own and reports by exit code like every other command.
     */
    static boolean runsInsideFlink(String[] args) {
        return args.length > 0 && args[0].equals("run") && !Arrays.asList(args).contains("--local")
                && !ParentWatch.startedByLauncher()
                && !(StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment);
    }

    /** Runs the CLI and returns its exit code (for tests and for {@link #main}). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the CLI with the given output streams (tests capture them). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return 1;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("error: " + e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return 2;
        });
        return cli.execute(withDefaultCommand(args));
    }

    /** {@code --version}: the pom's version, as the build recorded it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"dataflow-flink " + ProjectVersion.VERSION};
        }
    }

    /** {@code manifest.yaml [flags]} → {@code run manifest.yaml [flags]}. */
    static String[] withDefaultCommand(String[] args) {
        if (args.length == 0 || COMMANDS.contains(args[0])) {
            return args;
        }
        List<String> out = new ArrayList<>();
        out.add("run");
        out.addAll(Arrays.asList(args));
        return out.toArray(new String[0]);
    }
}
