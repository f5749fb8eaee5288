package io.dataflow.flink.cli;

import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run --local}'s progress line on a long-running streaming job, Kafka → PostgreSQL with a route to a second
 * table and an error sink on Kafka, started as a user starts it ({@code java -jar … run --local}), without the web UI
 * or the Prometheus endpoint (the line needs neither). 60 records: 30 go to the route, 6 fail a cast and go to the
 * error sink, 24 reach the main table. A line must then show exactly those counts, the last checkpoint and a lag of
 * 0, and the tables and the error topic must hold them; with {@code --progress 0} no line appears.
 */
@RealServers({Server.KAFKA, Server.POSTGRES})
class ProgressLineITCase {

    private static final int RECORDS = 60;
    private static final Pattern LINE = Pattern.compile(
            "progress: read=\\d+ written=\\d+ failed=\\d+ routed=0:\\d+ rate=\\d+\\.\\d/s checkpoint=(none|#\\d+ \\(\\d+ s ago\\))( lag=(\\d+|\\?))?");
    private static final Pattern DONE = Pattern.compile(
            "progress: read=60 written=54 failed=6 routed=0:30 rate=\\d+\\.\\d/s checkpoint=#\\d+ \\(\\d+ s ago\\) lag=0");

    @TempDir
    Path work;

    @Test
    void aRunningJobPrintsItsCountsCheckpointAndLag() throws Exception {
        Job job = start("1");
        try {
            await(() -> log(job).lines().anyMatch(l -> DONE.matcher(l).matches()), job, "a line with every record counted");
            await(() -> count(job.mainTable()) == 24 && count(job.routeTable()) == 30
                    && Kafka.readAll(job.errorTopic()).size() == 6, job, "the records in their tables and the error topic");

            List<String> lines = log(job).lines().filter(l -> l.startsWith("progress:")).toList();
            // in the test report, for a reader who wants to see the lines
            lines.forEach(System.out::println);
            assertThat(lines).as("one line a second while the job runs").hasSizeGreaterThan(1)
                    .allMatch(l -> LINE.matcher(l).matches(), "has every field in its place");
            assertThat(job.process().isAlive()).as("a streaming job: still running").isTrue();
        } finally {
            stop(job);
        }
    }

    @Test
    void progressZeroPrintsNoLine() throws Exception {
        Job job = start("0");
        try {
            await(() -> count(job.mainTable()) == 24 && count(job.routeTable()) == 30, job, "the records in their tables");
            // by then lines would have been printed at one a second; wait for two more checkpoints to be sure
            long after = latestCheckpoint(job);
            await(() -> latestCheckpoint(job) >= after + 2, job, "two more checkpoints");

            assertThat(log(job)).doesNotContain("progress:");
        } finally {
            stop(job);
        }
    }

    private record Job(Process process, Path log, Path checkpoints, String suffix) {
        String mainTable() {
            return "progress_main_" + suffix;
        }

        String routeTable() {
            return "progress_route_" + suffix;
        }

        String errorTopic() {
            return "progress-errors-" + suffix;
        }
    }

    private Job start(String progress) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "progress-" + suffix;
        Kafka.createTopic(topic, 2);
        Kafka.createTopic("progress-errors-" + suffix, 1);
        Postgres.execute("CREATE TABLE public.progress_main_" + suffix + " (id BIGINT PRIMARY KEY, kind TEXT, qty BIGINT)");
        Postgres.execute("CREATE TABLE public.progress_route_" + suffix + " (id BIGINT PRIMARY KEY, kind TEXT, qty BIGINT)");
        // odd ids go to the route; every tenth (even) id has a quantity the cast cannot read
        Kafka.produce(topic, RECORDS, i -> "{\"id\":" + i + ",\"kind\":\"" + (i % 2 == 0 ? "a" : "b") + "\",\"qty\":\""
                + (i % 10 == 0 ? "abc" : String.valueOf(i)) + "\"}");
        String pg = "{type: postgresql, config: {connectionString: \"" + Postgres.url() + "\", table: public.progress_";
        Path manifest = work.resolve("progress-" + suffix + ".yaml");
        Files.writeString(manifest, ""
                + "source: {type: kafka, config: {brokers: [\"" + Kafka.bootstrap() + "\"], topic: " + topic + ", consumerGroup: " + topic + "}}\n"
                + "transformations:\n"
                + "  - {type: cast, config: {spec: {qty: int64}}}\n"
                + "  - {type: router, config: {routes: [{condition: \"kind == b\", sink: " + pg + "route_" + suffix + "}}}]}}\n"
                + "sink: " + pg + "main_" + suffix + "}}\n"
                + "errors: {type: kafka, config: {brokers: [\"" + Kafka.bootstrap() + "\"], topic: progress-errors-" + suffix + "}}\n");
        Path log = work.resolve("run-" + suffix + ".log");
        Path checkpoints = work.resolve("checkpoints-" + suffix);
        Process process = new ProcessBuilder(List.of("java", "-jar", jar().toString(), "run", "--local",
                "--web-port", "0", "--metrics-port", "0", "--progress", progress,
                "--checkpoint-dir", checkpoints.toString(), "--checkpoint-interval", "1s", manifest.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Job(process, log, checkpoints, suffix);
    }

    private static void await(BooleanSupplier done, Job job, String what) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (!done.getAsBoolean()) {
            assertThat(job.process().isAlive()).as("the local job runs (log: %s)", log(job)).isTrue();
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "\nlog: " + log(job));
            }
            Thread.sleep(300);
        }
    }

    private static long count(String table) {
        try {
            return Postgres.count("SELECT count(*) FROM public." + table);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The newest completed checkpoint's number under the job's checkpoint directory, 0 before the first. */
    private static long latestCheckpoint(Job job) {
        if (!Files.isDirectory(job.checkpoints())) {
            return 0;
        }
        try (Stream<Path> files = Files.find(job.checkpoints(), 4, (p, a) -> p.getFileName().toString().equals("_metadata"))) {
            List<Long> ids = new ArrayList<>();
            files.map(p -> p.getParent().getFileName().toString())
                    .filter(n -> n.startsWith("chk-")).forEach(n -> ids.add(Long.parseLong(n.substring(4))));
            return ids.stream().mapToLong(Long::longValue).max().orElse(0);
        } catch (IOException e) {
            // a checkpoint directory deleted while it was listed: look again next time
            return 0;
        }
    }

    private static String log(Job job) {
        try {
            return Files.exists(job.log()) ? Files.readString(job.log(), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void stop(Job job) throws InterruptedException {
        job.process().toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        job.process().destroyForcibly();
        job.process().waitFor(30, TimeUnit.SECONDS);
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("dataflow.project.dir", ".")).resolve("target/dataflow-flink.jar");
        assertThat(jar).as("built by mvn package before integration tests").exists();
        return jar;
    }
}
