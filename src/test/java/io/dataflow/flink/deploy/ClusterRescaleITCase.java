package io.dataflow.flink.deploy;

import io.dataflow.flink.testing.ConsumerGroupProgress;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.SessionCluster;
import io.dataflow.flink.testing.SteadyProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rescaling and rolling back jobs on the real session cluster (scripts/servers/flink-start.sh: 2 TaskManagers with 2
 * slots each), operated as docs/OPERATIONS.md says, through the REST calls behind {@code flink stop} (a savepoint),
 * {@code flink run -s} with the manifest's {@code replicas} changed and {@code flink savepoint} of a running job. The input topic has 6 partitions, so
 * every change of parallelism moves partitions between subtasks (subtask i of n reads the partitions p with
 * p mod n = i). Each test waits until the source's consumer group has committed the input's end offsets (a
 * checkpoint covering every record completed), stops the job with a savepoint (which commits what is pending) and
 * only then counts the output.
 */
@RealServers({Server.KAFKA, Server.POSTGRES, Server.FLINK})
class ClusterRescaleITCase {

    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    @TempDir
    Path work;

    /**
     * (a) Kafka → Kafka exactly-once at parallelism 2, stopped with a savepoint, resumed at 3, stopped, resumed at 1,
     * while records keep arriving the whole time: a read_committed consumer sees every record once.
     */
    @Test
    void kafkaToKafkaExactlyOnceRescaledTwoThreeOneLosesAndRepeatsNothing() throws Exception {
        String suffix = suffix();
        String in = "rescale-in-" + suffix;
        String out = "rescale-out-" + suffix;
        String group = "rescale-" + suffix;
        Kafka.createTopic(in, 6);
        Kafka.createTopic(out, 3);
        String job = null;
        int produced;
        try {
            try (SteadyProducer arrivals = new SteadyProducer(in, 0, 10, 100, i -> "k-" + i, i -> "{\"id\":" + i + "}")) {
                job = runAt(kafkaToKafka(suffix, in, group, out, 2), null, 2);
                String savepoint = SessionCluster.stopWithSavepoint(job);
                job = runAt(kafkaToKafka(suffix, in, group, out, 3), savepoint, 3);
                savepoint = SessionCluster.stopWithSavepoint(job);
                job = runAt(kafkaToKafka(suffix, in, group, out, 1), savepoint, 1);
                arrivals.close();
                produced = arrivals.end();
            }
            ConsumerGroupProgress.awaitAtEnd(group, in);
            SessionCluster.stopWithSavepoint(job);
        } finally {
            SessionCluster.cancelIfRunning(job);
        }
        Delivery delivery = Delivery.of(0, produced, ids(Kafka.readAll(out, "read_committed")));
        System.out.println("rescale 2 -> 3 -> 1, Kafka -> Kafka exactly-once, read_committed: " + delivery);
        assertThat(delivery.lost()).as(delivery.toString()).isZero();
        assertThat(delivery.duplicates()).as(delivery.toString()).isZero();
        assertThat(delivery.unexpected()).as(delivery.toString()).isZero();
    }

    /**
     * (b) A rollback: savepoint S1 of a job at parallelism 2 (stopped there, so its output holds exactly the records
     * before S1); a second run resumes S1 into another topic and moves the consumer group past S1; then S1 — now older
     * than the group's offsets — is restored at parallelism 3 into a third topic. That run must write every record after
     * S1: none of them may be skipped because the group had already committed a later offset.
     */
    @Test
    void olderSavepointRestoredAtAnotherParallelismAfterTheGroupMovedOnLosesNothing() throws Exception {
        String suffix = suffix();
        String in = "rollback-in-" + suffix;
        String beforeS1 = "rollback-first-" + suffix;
        String afterS1 = "rollback-second-" + suffix;
        String rolledBack = "rollback-restored-" + suffix;
        String group = "rollback-" + suffix;
        Kafka.createTopic(in, 6);
        for (String topic : List.of(beforeS1, afterS1, rolledBack)) {
            Kafka.createTopic(topic, 3);
        }
        String job = null;
        try {
            Kafka.produce(in, 1000, i -> "{\"id\":" + i + "}");
            job = runAt(kafkaToKafka(suffix, in, group, beforeS1, 2), null, 2);
            ConsumerGroupProgress.awaitAtEnd(group, in);
            String s1 = SessionCluster.stopWithSavepoint(job);
            Delivery first = Delivery.of(0, 1000, ids(Kafka.readAll(beforeS1, "read_committed")));
            assertThat(first.lost() + first.duplicates() + first.unexpected()).as("the run before S1: " + first).isZero();

            Kafka.produce(in, 1000, i -> "k-" + (1000 + i), i -> "{\"id\":" + (1000 + i) + "}");
            job = runAt(kafkaToKafka(suffix, in, group, afterS1, 2), s1, 2);
            ConsumerGroupProgress.awaitAtEnd(group, in);
            SessionCluster.cancel(job);
            System.out.println("rollback: the group moved past S1 to " + ConsumerGroupProgress.committed(group, in));

            Kafka.produce(in, 500, i -> "k-" + (2000 + i), i -> "{\"id\":" + (2000 + i) + "}");
            job = runAt(kafkaToKafka(suffix, in, group, rolledBack, 3), s1, 3);
            ConsumerGroupProgress.awaitAtEnd(group, in);
            SessionCluster.stopWithSavepoint(job);
        } finally {
            SessionCluster.cancelIfRunning(job);
        }
        Delivery delivery = Delivery.of(1000, 2500, ids(Kafka.readAll(rolledBack, "read_committed")));
        System.out.println("rollback to S1 at parallelism 3 after the group moved past it, Kafka -> Kafka exactly-once: " + delivery);
        assertThat(delivery.lost()).as(delivery.toString()).isZero();
        assertThat(delivery.duplicates()).as(delivery.toString()).isZero();
        assertThat(delivery.unexpected()).as(delivery.toString()).isZero();
    }

    /**
     * (c) Kafka → PostgreSQL upsert through the same 2 → 3 → 1 rescale while records keep arriving: record i carries
     * key i / 2 (two versions per key, on one partition), so the table must hold every key produced, each with its
     * last version — a lost record of the last version shows as a missing key or an older version.
     */
    @Test
    void kafkaToPostgresUpsertRescaledTwoThreeOneKeepsEveryKeysLastVersion() throws Exception {
        String suffix = suffix();
        String in = "rescale-pg-in-" + suffix;
        String group = "rescale-pg-" + suffix;
        String table = "public.rescale_pg_" + suffix;
        Kafka.createTopic(in, 6);
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL)");
        String job = null;
        int produced;
        try {
            try (SteadyProducer arrivals = new SteadyProducer(in, 0, 10, 100, i -> "k-" + (i / 2),
                    i -> "{\"id\":" + (i / 2) + ",\"seq\":" + i + "}")) {
                job = runAt(kafkaToPostgres(suffix, in, group, table, 2), null, 2);
                String savepoint = SessionCluster.stopWithSavepoint(job);
                job = runAt(kafkaToPostgres(suffix, in, group, table, 3), savepoint, 3);
                savepoint = SessionCluster.stopWithSavepoint(job);
                job = runAt(kafkaToPostgres(suffix, in, group, table, 1), savepoint, 1);
                arrivals.close();
                produced = arrivals.end();
            }
            ConsumerGroupProgress.awaitAtEnd(group, in);
            SessionCluster.stopWithSavepoint(job);
        } finally {
            SessionCluster.cancelIfRunning(job);
        }
        Map<Long, Long> expected = new HashMap<>();
        for (int i = 0; i < produced; i++) {
            expected.put((long) (i / 2), (long) i);
        }
        Map<Long, Long> rows = new HashMap<>();
        try (var connection = Postgres.connect(); Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, seq FROM " + table)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getLong(2));
            }
        }
        long missing = expected.keySet().stream().filter(k -> !rows.containsKey(k)).count();
        long stale = expected.entrySet().stream().filter(e -> rows.containsKey(e.getKey()) && !rows.get(e.getKey()).equals(e.getValue())).count();
        System.out.printf("rescale 2 -> 3 -> 1, Kafka -> PostgreSQL upsert: %d records, %d keys, %d rows, %d keys missing, "
                + "%d keys not at their last version%n", produced, expected.size(), rows.size(), missing, stale);
        assertThat(rows).as("every key produced, each with its last version").isEqualTo(expected);
    }

    /** Submits (or resumes from {@code savepoint}) and waits until every subtask runs at {@code parallelism} and checkpoints. */
    static String runAt(Path manifest, String savepoint, int parallelism) throws Exception {
        String job = savepoint == null ? SessionCluster.submit(manifest) : SessionCluster.resume(manifest, savepoint);
        try {
            SessionCluster.awaitRunning(job);
            assertThat(SessionCluster.vertexParallelisms(job)).as("parallelism of every vertex").containsOnly(parallelism);
            // a completed checkpoint: the job ran at this parallelism, with records arriving, before it is changed again
            SessionCluster.awaitCheckpoints(job, 1);
            return job;
        } catch (Throwable failure) {
            // the caller never learns the id: leave no job behind on the shared cluster
            SessionCluster.cancelIfRunning(job);
            throw failure;
        }
    }

    private Path kafkaToKafka(String suffix, String in, String group, String out, int parallelism) throws Exception {
        return manifest("rescale-" + suffix, parallelism, kafkaSource(in, group)
                + "  sink:\n    type: kafka\n    config:\n      brokers: [\"" + Kafka.bootstrap() + "\"]\n      topic: " + out + "\n"
                + "      deliveryGuarantee: exactly-once\n");
    }

    private Path kafkaToPostgres(String suffix, String in, String group, String table, int parallelism) throws Exception {
        return manifest("rescale-pg-" + suffix, parallelism, kafkaSource(in, group)
                + "  sink:\n    type: postgresql\n    config:\n      connectionString: \"" + Postgres.url() + "\"\n"
                + "      table: " + table + "\n      upsertMode: true\n      conflictKey: id\n      batchSize: 200\n"
                + "      batchFlushIntervalSeconds: 1\n");
    }

    static String kafkaSource(String topic, String group) {
        return "  source:\n    type: kafka\n    config:\n      brokers: [\"" + Kafka.bootstrap() + "\"]\n      topic: " + topic + "\n"
                + "      consumerGroup: " + group + "\n";
    }

    /** A manifest at the given parallelism ({@code replicas}), checkpointing every second; the same name keeps the uids. */
    Path manifest(String name, int parallelism, String connectors) throws Exception {
        Path file = Files.createTempFile(work, name + "-p" + parallelism + "-", ".yaml");
        Files.writeString(file, "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlow\nmetadata: {name: " + name + "}\nspec:\n"
                + "  replicas: " + parallelism + "\n  checkpointSaveInterval: 1s\n" + connectors);
        return file;
    }

    static List<Integer> ids(List<String> values) {
        return values.stream().map(v -> {
            Matcher m = ID.matcher(v);
            if (!m.find()) {
                throw new AssertionError("no id in output record " + v);
            }
            return Integer.parseInt(m.group(1));
        }).toList();
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
