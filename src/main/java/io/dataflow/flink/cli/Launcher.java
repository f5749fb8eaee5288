package io.dataflow.flink.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The jar's Main-Class. Flink is a provided dependency: under {@code flink run} (or in an application cluster)
 * it is on the classpath and this hands straight over to {@link Main}. Under {@code java -jar} it is not, so
 * this starts the same command again in a JVM whose classpath is the jar plus the Flink runtime the build copied
 * to {@code flink-lib/} next to it (with the same JVM options), and exits with its exit code. Without that
 * directory, a Flink distribution's {@code $FLINK_HOME/lib} serves instead: in the project's image (Dockerfile) the
 * jar sits in {@code /opt/flink/usrlib} and the DataFlowCron's Kubernetes Job runs it with {@code java -jar}. A child class
 * loader is not enough: Flink's MiniCluster resolves job classes through the system class loader.
 * The child maps the jar's class-data archive when one is written for it ({@link ClassDataArchive}; the
 * {@code class-archive} command writes it) and compiles with C2 thresholds for a short run's start-up
 * ({@link CompilationThresholds}) and keeps its temporary files in a directory this process deletes after it
 * ({@link ChildTempDirectory}). This class must not touch any Flink class itself. The child halts when this process
 * ends, even by {@code kill -9} ({@link ParentWatch}).
 */
public final class Launcher {

    private static final String PROBE = "org.apache.flink.streaming.api.environment.StreamExecutionEnvironment";

    private static final Duration CHILD_STOP_WAIT = Duration.ofSeconds(20);

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        if (isOnClasspath(PROBE)) {
            Main.main(args);
            return;
        }
        Path jar = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path lib = flinkRuntime(jar);
        if (lib == null) {
            System.err.println("error: Flink is not on the classpath, " + jar.getParent().resolve("flink-lib")
                    + " does not exist and FLINK_HOME names no Flink distribution; build with `mvn package` "
                    + "(it fills flink-lib/), set FLINK_HOME, or run the jar with `flink run`");
            System.exit(2);
        }
        List<Path> classpath = classpath(jar, lib);
        ClassDataArchive archive = ClassDataArchive.of(classpath);
        List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        if (args.length > 0 && args[0].equals(ClassDataArchive.COMMAND)) {
            System.exit(new ClassArchiveWriter(java, jvmOptions).write(archive, System.out, System.err));
        }
        Path tempDirectory = ChildTempDirectory.create();
        List<String> options = new ArrayList<>(archive.optionsToMap(jvmOptions));
        options.addAll(CompilationThresholds.options(jvmOptions));
        options.addAll(jvmOptions);
        options.add(ChildTempDirectory.jvmOption(tempDirectory));
        List<String> command = childJvm(java, options, archive.classpath(), Main.class, Arrays.asList(args));
        Process child = new ProcessBuilder(command).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(child, tempDirectory)));
        System.exit(child.waitFor());
    }

    /**
     * Run by the shutdown hook, after the child ended or on Ctrl-C / SIGTERM: stops the child, gives it
     * {@link #CHILD_STOP_WAIT} to run its own shutdown (before, the launcher exited at once and {@link ParentWatch} cut
     * that short), then deletes its temporary directory. A child still running then keeps its directory.
     */
    private static void stop(Process child, Path tempDirectory) {
        child.destroy();
        try {
            if (!child.waitFor(CHILD_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        ChildTempDirectory.delete(tempDirectory);
    }

    /**
     * A JVM this launcher starts (the job's, or {@code class-archive}'s training run): the options, this process's pid
     * for {@link ParentWatch}, the classpath, the main class and its arguments.
     */
    static List<String> childJvm(String java, List<String> options, String classpath, Class<?> mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options);
        command.add("-D" + ParentWatch.PARENT_PID + "=" + ProcessHandle.current().pid());
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass.getName());
        command.addAll(args);
        return command;
    }

    /**
     * The jar, then the runtime's jars by name: a fixed order (a {@code lib/*} wildcard follows the directory's), which
     * the class-data archive needs to match.
     */
    static List<Path> classpath(Path jar, Path lib) throws IOException {
        List<Path> classpath = new ArrayList<>();
        classpath.add(jar);
        try (Stream<Path> files = Files.list(lib)) {
            files.filter(file -> file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar"))
                    .sorted(Comparator.comparing(file -> file.getFileName().toString()))
                    .forEach(classpath::add);
        }
        return classpath;
    }

    /** {@code flink-lib/} next to the jar, else {@code $FLINK_HOME/lib}, else null. */
    private static Path flinkRuntime(Path jar) {
        Path beside = jar.getParent().resolve("flink-lib");
        if (Files.isDirectory(beside)) {
            return beside;
        }
        String flinkHome = System.getenv("FLINK_HOME");
        if (flinkHome != null && !flinkHome.isBlank()) {
            Path distribution = Path.of(flinkHome, "lib");
            if (Files.isDirectory(distribution)) {
                return distribution;
            }
        }
        return null;
    }

    private static boolean isOnClasspath(String className) {
        try {
            Class.forName(className, false, Launcher.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
