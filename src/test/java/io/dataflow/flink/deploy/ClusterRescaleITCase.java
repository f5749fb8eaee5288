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
 * only then counts the output. The PostgreSQL CDC scenario (d) reads a replication slot instead, at parallelism 1 behind
 * a sink at the job's parallelism.
 */
@RealServers({Server.KAFKA, Server.POSTGRES, Server.FLINK})
class ClusterRescaleITCase {

    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

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

    /**
     * (d) PostgreSQL CDC → Kafka exactly-once through the same 2 → 3 → 1 rescale while changes keep arriving (50 keys,
     * each changed again and again, every change its own transaction with a unique seq), then a rollback: the run at 1
     * moves the slot past savepoint S2 and is cancelled, and S2 (taken at 3) is restored at 2. The source reads the slot
     * at parallelism 1 and the sink writes at the job's parallelism; a read_committed consumer must see every change
     * once. PostgreSQL resumes a slot at its confirmed position, not before: the rolled-back run goes on where the
     * cancelled run's last completed checkpoint (which committed its records to the same topic) left off.
     */
    @Test
    void postgresCdcToKafkaRescaledTwoThreeOneAndRolledBackDeliversEveryChangeOnce() throws Exception {
        String suffix = suffix();
        String table = "public.rescale_cdc_" + suffix;
        String slot = "rescale_slot_" + suffix;
        String publication = "rescale_pub_" + suffix;
        String out = "rescale-cdc-out-" + suffix;
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL)");
        Kafka.createTopic(out, 3);
        String job = null;
        int changes;
        try {
            job = runCdcAt(cdcToKafka(suffix, table, slot, publication, out, 2), null, 2);
            // the slot exists (the job runs): from here on every change is in the slot's stream
            try (SteadyChanges arrivals = new SteadyChanges(table, 50, 10, 100)) {
                SessionCluster.awaitCheckpoints(job, 2);
                String savepoint = SessionCluster.stopWithSavepoint(job);
                job = runCdcAt(cdcToKafka(suffix, table, slot, publication, out, 3), savepoint, 3);
                String s2 = SessionCluster.stopWithSavepoint(job);
                job = runCdcAt(cdcToKafka(suffix, table, slot, publication, out, 1), s2, 1);
                SessionCluster.awaitCheckpoints(job, 2);
                SessionCluster.cancel(job);
                System.out.println("CDC rollback: the slot confirmed " + confirmedFlush(slot) + " before S2 was restored");
                job = runCdcAt(cdcToKafka(suffix, table, slot, publication, out, 2), s2, 2);
                SessionCluster.awaitCheckpoints(job, 2);
                arrivals.close();
                changes = arrivals.end();
            }
            int last = changes - 1;
            SessionCluster.await("the last change (seq " + last + ") is committed to " + out,
                    () -> seqs(Kafka.readAll(out, "read_committed")).contains(last), 180);
            SessionCluster.stopWithSavepoint(job);
        } finally {
            SessionCluster.cancelIfRunning(job);
            Postgres.dropReplicationSlot(slot);
            Postgres.execute("DROP PUBLICATION IF EXISTS " + publication);
        }
        Delivery delivery = Delivery.of(0, changes, seqs(Kafka.readAll(out, "read_committed")));
        System.out.println("rescale 2 -> 3 -> 1, rollback to S2 at 2, PostgreSQL CDC -> Kafka exactly-once, read_committed: " + delivery);
        assertThat(delivery.lost()).as(delivery.toString()).isZero();
        assertThat(delivery.duplicates()).as(delivery.toString()).isZero();
        assertThat(delivery.unexpected()).as(delivery.toString()).isZero();
    }

    /**
     * {@link #runAt} for a CDC job: the source reads its slot at parallelism 1 and the sink runs at {@code parallelism}
     * (one vertex at 1, where they chain).
     */
    private static String runCdcAt(Path manifest, String savepoint, int parallelism) throws Exception {
        String job = savepoint == null ? SessionCluster.submit(manifest) : SessionCluster.resume(manifest, savepoint);
        try {
            SessionCluster.awaitRunning(job);
            List<Integer> expected = parallelism == 1 ? List.of(1) : List.of(1, parallelism);
            assertThat(SessionCluster.vertexParallelisms(job)).as("the slot's reader, then the sink").containsExactlyInAnyOrderElementsOf(expected);
            SessionCluster.awaitCheckpoints(job, 1);
            return job;
        } catch (Throwable failure) {
            SessionCluster.cancelIfRunning(job);
            throw failure;
        }
    }

    private Path cdcToKafka(String suffix, String table, String slot, String publication, String out, int parallelism) throws Exception {
        return manifest("rescale-cdc-" + suffix, parallelism, "  source:\n    type: postgresql-cdc\n    config:\n"
                + "      connectionString: \"" + Postgres.url() + "\"\n      slotName: " + slot + "\n"
                + "      publicationName: " + publication + "\n      tables: [" + table + "]\n      heartbeatIntervalSeconds: 1\n"
                + "  sink:\n    type: kafka\n    config:\n      brokers: [\"" + Kafka.bootstrap() + "\"]\n      topic: " + out + "\n"
                + "      deliveryGuarantee: exactly-once\n");
    }

    private static String confirmedFlush(String slot) throws Exception {
        try (var connection = Postgres.connect(); Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return rs.next() ? rs.getString(1) : "(no slot)";
        }
    }

    /** The seq of every change record (the row's {@code seq} column). */
    static List<Integer> seqs(List<String> values) {
        return values.stream().map(v -> {
            Matcher m = SEQ.matcher(v);
            if (!m.find()) {
                throw new AssertionError("no seq in output record " + v);
            }
            return Integer.parseInt(m.group(1));
        }).toList();
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
