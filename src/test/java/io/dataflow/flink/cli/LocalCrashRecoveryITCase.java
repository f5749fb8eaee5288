package io.dataflow.flink.cli;

import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run --local} survives {@code kill -9}: the same command started again resumes from the newest checkpoint
 * under {@code --checkpoint-dir}, and the target ends up with every record exactly once (upsert into PostgreSQL, or
 * Kafka transactions read with read_committed).
 */
@RealServers({Server.KAFKA, Server.POSTGRES})
class LocalCrashRecoveryITCase {

    private static final int RECORDS = 100_000;

    @TempDir
    Path work;

    @Test
    void killedLocalJobResumesFromItsLastCheckpoint() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "crash-" + suffix;
        String table = "crash_" + suffix;
        Kafka.createTopic(topic, 2);
        Kafka.produce(topic, RECORDS, i -> "{\"id\":" + i + ",\"v\":\"value " + i + "\"}");
        Postgres.execute("CREATE TABLE public." + table + " (id BIGINT PRIMARY KEY, v TEXT)");
        Path manifest = work.resolve("crash-" + suffix + ".yaml"); // a bare spec's job name is its file name
        Files.writeString(manifest, "replicas: 2\n"
                + "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: crash-" + suffix + "\n    bounded: true\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: public." + table + "\n    upsertMode: true\n    conflictKey: id\n    batchSize: 100\n");
        Path checkpoints = work.resolve("checkpoints");
        List<String> command = List.of("java", "-jar", jar().toString(), "run", "--local", "--web-port", "0", "--metrics-port", "0",
                "--checkpoint-dir", checkpoints.toString(), "--checkpoint-interval", "200ms", manifest.toString());

        Process first = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("first.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (!(hasCompletedCheckpoint(checkpoints) && Postgres.count("SELECT count(*) FROM public." + table) > RECORDS / 5)) {
            assertThat(first.isAlive()).as("the first run is still running (log: %s)", read(work.resolve("first.log"))).isTrue();
            assertThat(System.currentTimeMillis()).as("progress before the kill").isLessThan(deadline);
            Thread.sleep(50);
        }
        killTree(first);
        long rowsAtKill = Postgres.count("SELECT count(*) FROM public." + table);
        assertThat(rowsAtKill).as("killed mid-way").isLessThan(RECORDS);

        Process second = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("second.log").toFile()).start();
        assertThat(second.waitFor(180, TimeUnit.SECONDS)).as("second run ends").isTrue();
        String log = read(work.resolve("second.log"));
        assertThat(second.exitValue()).as(log).isZero();
        assertThat(log).contains("resuming crash-" + suffix + " from checkpoint");
        assertThat(Postgres.count("SELECT count(*) FROM public." + table)).as("nothing lost, nothing twice").isEqualTo(RECORDS);
        assertThat(Postgres.count("SELECT count(*) FROM public." + table + " WHERE v = 'value ' || id")).isEqualTo(RECORDS);
        assertThat(hasCompletedCheckpoint(checkpoints)).as("a finished job leaves nothing to resume").isFalse();
    }

    /** The same with an exactly-once Kafka sink: a read_committed consumer sees every record once, without any upsert. */
    @Test
    void killedLocalJobWithExactlyOnceKafkaSinkDuplicatesNothing() throws Exception {
        // enough records that the kill lands mid-way: 50 000 were once all committed before it on a quiet machine
        int records = 200_000;
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String in = "crash-eos-in-" + suffix;
        String out = "crash-eos-out-" + suffix;
        Kafka.createTopic(in, 2);
        Kafka.createTopic(out, 2);
        Kafka.produce(in, records, i -> "{\"id\":" + i + "}");
        Path manifest = work.resolve("crash-eos-" + suffix + ".yaml");
        Files.writeString(manifest, "replicas: 2\n"
                + "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + in + "\n"
                + "    consumerGroup: crash-eos-" + suffix + "\n    bounded: true\n"
                + "sink:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + out + "\n"
                + "    deliveryGuarantee: exactly-once\n");
        Path checkpoints = work.resolve("checkpoints-eos");
        List<String> command = List.of("java", "-jar", jar().toString(), "run", "--local", "--web-port", "0", "--metrics-port", "0",
                "--checkpoint-dir", checkpoints.toString(), "--checkpoint-interval", "200ms", manifest.toString());

        Process first = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("first-eos.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 120_000;
        // the end offsets count what the open transactions wrote, as reading the whole topic every 100 ms did, at the
        // cost of one request: the kill follows the progress closely
        while (!(hasCompletedCheckpoint(checkpoints) && written(out) > records / 20)) {
            assertThat(first.isAlive()).as("the first run is still running (log: %s)", read(work.resolve("first-eos.log"))).isTrue();
            assertThat(System.currentTimeMillis()).as("progress before the kill").isLessThan(deadline);
            Thread.sleep(100);
        }
        killTree(first);
        assertThat(Kafka.readAll(out, "read_committed").size()).as("killed mid-way").isLessThan(records);

        Process second = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("second-eos.log").toFile()).start();
        assertThat(second.waitFor(180, TimeUnit.SECONDS)).as("second run ends").isTrue();
        String log = read(work.resolve("second-eos.log"));
        assertThat(second.exitValue()).as(log).isZero();
        assertThat(log).contains("resuming crash-eos-" + suffix + " from checkpoint");
        List<String> committed = Kafka.readAll(out, "read_committed");
        assertThat(committed).as("nothing lost, nothing twice").hasSize(records).doesNotHaveDuplicates();
        assertThat(Kafka.endOffsets(out, "read_committed")).as("no transaction left open").isEqualTo(Kafka.endOffsets(out, "read_uncommitted"));
    }

    /** Records written to the topic so far, committed or not, and the transactions' markers (end offsets, read_uncommitted). */
    private static long written(String topic) {
        return Kafka.endOffsets(topic, "read_uncommitted").values().stream().mapToLong(Long::longValue).sum();
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("dataflow.project.dir", ".")).resolve("target/dataflow-flink.jar");
        assertThat(jar).as("built by mvn package before integration tests").exists();
        return jar;
    }

    private static boolean hasCompletedCheckpoint(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.find(dir, 4, (p, a) -> p.getFileName().toString().equals("_metadata"))) {
            return files.findAny().isPresent();
        }
    }

    /** kill -9 of the launcher and the JVM it started (java -jar re-launches itself with Flink on the classpath). */
    private static void killTree(Process p) throws Exception {
        p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        Thread.sleep(500);
    }

    private static String read(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
