package io.dataflow.flink.cli;

import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as users start it, {@code java -jar target/dataflow-flink.jar …} (built by {@code package} before the
 * integration tests): an invalid manifest without {@code --local} is exit 2 naming the field, a taken port is one
 * line, and {@code kill -9} of the launcher takes the job's JVM (the launcher's child) with it.
 */
@RealServers(Server.KAFKA)
class LauncherITCase {

    @TempDir
    Path work;

    private static Path jar() {
        Path jar = Path.of(System.getProperty("dataflow.project.dir", ".")).resolve("target/dataflow-flink.jar");
        assertThat(jar).as("built by mvn package before integration tests").exists();
        return jar;
    }

    private record Result(int exitCode, String output) {
    }

    private Result run(String... args) throws Exception {
        return run(List.of(), args);
    }

    private Result run(List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        Path log = work.resolve("run-" + UUID.randomUUID() + ".log");
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the command ends").isTrue();
        } finally {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private Path boundedManifest() throws Exception {
        String topic = "launcher-" + UUID.randomUUID().toString().substring(0, 8);
        Kafka.createTopic(topic, 1);
        Kafka.produce(topic, 3, i -> "{\"id\":" + i + "}");
        Path manifest = work.resolve(topic + ".yaml");
        Files.writeString(manifest, "source: {type: kafka, config: {brokers: [\"" + Kafka.bootstrap() + "\"], topic: " + topic
                + ", consumerGroup: " + topic + ", bounded: true}}\n"
                + "sink: {type: kafka, config: {brokers: [\"" + Kafka.bootstrap() + "\"], topic: " + topic + "-out}}\n");
        return manifest;
    }

    @Test
    void runWithoutLocalRejectsAnInvalidManifestWithExitTwoNamingTheField() throws Exception {
        Path bad = work.resolve("bad.yaml");
        Files.writeString(bad, "source: {type: kafka, config: {brokers: 9092, topic: t}}\nsink: {type: kafka, config: {brokers: [\"kafka:9092\"]}}\n");
        Result result = run("run", bad.toString());
        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("source.config.brokers: \"9092\" is not host:port", "sink.config.topic: required")
                .doesNotContain("Exception", "\tat ");
    }

    @Test
    void aTakenMetricsPortIsOneLineNotAStackTrace() throws Exception {
        Path manifest = boundedManifest();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result result = run("run", "--local", "--web-port", "0", "--metrics-port", String.valueOf(taken.getLocalPort()),
                    "--checkpoint-dir", work.resolve("cp").toString(), manifest.toString());
            assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
            assertThat(result.output()).contains("error: --metrics-port " + taken.getLocalPort() + ": 127.0.0.1:" + taken.getLocalPort() + " is in use")
                    .doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void aTakenWebPortIsOneLineNotAStackTrace() throws Exception {
        Path manifest = boundedManifest();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result result = run("run", "--local", "--web-port", String.valueOf(taken.getLocalPort()), "--metrics-port", "0",
                    "--checkpoint-dir", work.resolve("cp").toString(), manifest.toString());
            assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
            assertThat(result.output()).contains("error: --web-port " + taken.getLocalPort() + ": 127.0.0.1:" + taken.getLocalPort() + " is in use")
                    .doesNotContain("Exception", "\tat ", "Flink web UI");
        }
    }

    /**
     * Flink's MiniCluster copies its RPC system (a 20 MB jar) into the temporary directory at every start and deletes it
     * only when the RPC system closes, which the job's JVM did not wait for: every local run left one behind.
     */
    @Test
    void aFinishedLocalRunLeavesNothingInTheTemporaryDirectory() throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        runBoundedJobWithTemporaryDirectory(tmp);
        assertThat(listing(tmp)).as("the temporary directory after the run").isEmpty();
    }

    /** A launcher ended by kill -9 cleans up nothing; the next one removes what it left. */
    @Test
    void aRunRemovesWhatAKilledLauncherLeftInTheTemporaryDirectory() throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path left = Files.createDirectories(tmp.resolve("dataflow-run-" + ended.pid() + "-1"));
        Files.writeString(left.resolve("flink-rpc-akka.jar"), "left by a launcher that was killed");
        runBoundedJobWithTemporaryDirectory(tmp);
        assertThat(listing(tmp)).as("the temporary directory after the run").isEmpty();
    }

    /** {@code java -Djava.io.tmpdir=TMP -jar … run --local} of a bounded job, which must succeed. */
    private void runBoundedJobWithTemporaryDirectory(Path tmp) throws Exception {
        Result result = run(List.of("-Djava.io.tmpdir=" + tmp), "run", "--local", "--web-port", "0", "--metrics-port", "0",
                "--checkpoint-dir", work.resolve("cp").toString(), boundedManifest().toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void sigtermStopsTheJobAndLeavesNothingInTheTemporaryDirectory() throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Process launcher = startUnbounded(List.of("-Djava.io.tmpdir=" + tmp), work.resolve("term.log"));
        try {
            List<ProcessHandle> children = launcher.toHandle().descendants().toList();
            launcher.destroy(); // SIGTERM: the launcher's shutdown hook stops the child and cleans up after it
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).as("the launcher ends").isTrue();
            assertThat(children).as("the child JVM has ended").noneMatch(ProcessHandle::isAlive);
            assertThat(listing(tmp)).as("the temporary directory after the run").isEmpty();
        } finally {
            launcher.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    private static List<String> listing(Path directory) throws Exception {
        try (var files = Files.walk(directory)) {
            return files.filter(file -> !file.equals(directory)).map(file -> directory.relativize(file).toString()).toList();
        }
    }

    /** Starts {@code java [jvmOptions] -jar … run --local} of an unbounded job and returns once it has connected. */
    private Process startUnbounded(List<String> jvmOptions, Path log) throws Exception {
        String topic = "launcher-unbounded-" + UUID.randomUUID().toString().substring(0, 8);
        Kafka.createTopic(topic, 1);
        Path manifest = work.resolve(topic + ".yaml");
        Files.writeString(manifest, "source: {type: kafka, config: {brokers: [\"" + Kafka.bootstrap() + "\"], topic: " + topic
                + ", consumerGroup: " + topic + "}}\n" // unbounded: runs until stopped
                + "sink: {type: kafka, config: {brokers: [\"" + Kafka.bootstrap() + "\"], topic: " + topic + "-out}}\n");
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString(), "run", "--local", "--web-port", "0", "--metrics-port", "0",
                "--checkpoint-dir", work.resolve("cp").toString(), manifest.toString()));
        Process launcher = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 90_000;
            while (!Files.readString(log).contains("Successfully connected to Kafka")) {
                assertThat(launcher.isAlive()).as("running (log: %s)", Files.readString(log)).isTrue();
                assertThat(System.currentTimeMillis()).as("the job starts (log: %s)", Files.readString(log)).isLessThan(deadline);
                Thread.sleep(200);
            }
            return launcher;
        } catch (Throwable e) {
            launcher.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
            throw e;
        }
    }

    @Test
    void killMinusNineOfTheLauncherEndsTheJobsJvm() throws Exception {
        Process launcher = startUnbounded(List.of(), work.resolve("kill.log"));
        List<ProcessHandle> children = List.of();
        try {
            children = launcher.toHandle().descendants().toList();
            assertThat(children).as("java -jar runs the job in a child JVM").isNotEmpty();

            launcher.destroyForcibly(); // SIGKILL: no shutdown hook of the launcher runs
            assertThat(launcher.waitFor(10, TimeUnit.SECONDS)).isTrue();

            long gone = System.currentTimeMillis() + 10_000;
            while (children.stream().anyMatch(ProcessHandle::isAlive) && System.currentTimeMillis() < gone) {
                Thread.sleep(100);
            }
            assertThat(children).as("the child JVM ends with its parent").noneMatch(ProcessHandle::isAlive);
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    /** The image's layout (Dockerfile): the jar in usrlib, no flink-lib beside it, Flink in $FLINK_HOME/lib. */
    @Test
    void withoutFlinkLibBesideItTheJarRunsOnTheDistributionThatFlinkHomeNames() throws Exception {
        Path usrlib = Files.createDirectories(work.resolve("usrlib"));
        Path jar = Files.copy(jar(), usrlib.resolve("dataflow-flink.jar")); // a copy: a symlink resolves back to target/
        Path flinkHome = Files.createDirectories(work.resolve("flink"));
        Files.createSymbolicLink(flinkHome.resolve("lib"), jar().toAbsolutePath().getParent().resolve("flink-lib"));

        Result withFlinkHome = runJar(jar, flinkHome.toString(), "--version");
        assertThat(withFlinkHome.exitCode()).as(withFlinkHome.output()).isZero();
        assertThat(withFlinkHome.output()).contains("dataflow-flink");

        Result without = runJar(jar, null, "--version");
        assertThat(without.exitCode()).as(without.output()).isEqualTo(2);
        assertThat(without.output()).contains("FLINK_HOME");
    }

    private Result runJar(Path jar, String flinkHome, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("java", "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path log = work.resolve("run-" + UUID.randomUUID() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("FLINK_HOME");
        if (flinkHome != null) {
            builder.environment().put("FLINK_HOME", flinkHome);
        }
        Process p = builder.start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the command ends").isTrue();
        } finally {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
