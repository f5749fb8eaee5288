package io.dataflow.flink.deploy;

import io.dataflow.flink.testing.ConsumerGroupProgress;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.SessionCluster;
import io.dataflow.flink.testing.SteadyProducer;
import org.apache.iceberg.nessie.NessieCatalog;
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
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rescaling, rolling back and losing TaskManagers under jobs on the real session cluster (scripts/servers/flink-start.sh:
 * 2 TaskManagers with 2 slots each), operated as docs/OPERATIONS.md says, through the REST calls behind {@code flink stop}
 * (a savepoint), {@code flink run -s} with the manifest's {@code replicas} changed and {@code flink savepoint} of a running
 * job. The input topic has 6 partitions, so every change of parallelism moves partitions between subtasks (subtask i of n
 * reads the partitions p with p mod n = i). Each test waits until the source's consumer group has committed the input's
 * end offsets (a checkpoint covering every record completed), stops the job with a savepoint (which commits what is
 * pending) and only then counts the output. The scenarios are helpers ({@link #rescaledTwoThreeOne},
 * {@link #rolledBackToAnOlderSavepoint}, {@link TaskManagerLossITCase#runThroughTheLossOfTaskManagerOne}) that each
 * exactly-once sink ({@link ExactlyOnceOutput}: Kafka, Nessie) goes through. The PostgreSQL CDC scenario (d) reads a
 * replication slot instead, at parallelism 1 behind a sink at the job's parallelism.
 */
@RealServers({Server.KAFKA, Server.POSTGRES, Server.NESSIE, Server.FLINK})
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
        assertEveryRecordOnce("rescale 2 -> 3 -> 1, Kafka -> Kafka exactly-once, read_committed", rescaledTwoThreeOne("rescale", kafkaOutput()));
    }

    /**
     * (b) A rollback: savepoint S1 of a job at parallelism 2 (stopped there, so its output holds exactly the records
     * before S1); a second run resumes S1 into another topic and moves the consumer group past S1; then S1 — now older
     * than the group's offsets — is restored at parallelism 3 into a third topic. That run must write every record after
     * S1: none of them may be skipped because the group had already committed a later offset.
     */
    @Test
    void olderSavepointRestoredAtAnotherParallelismAfterTheGroupMovedOnLosesNothing() throws Exception {
        assertEveryRecordOnce("rollback to S1 at parallelism 3 after the group moved past it, Kafka -> Kafka exactly-once",
                rolledBackToAnOlderSavepoint("rollback", kafkaOutput()));
    }

    /**
     * (c) Kafka → PostgreSQL upsert through the same 2 → 3 → 1 rescale while records keep arriving: record i carries
     * key i / 2 (two versions per key, on one partition), so the table must hold every key produced, each with its
     * last version — a lost record of the last version shows as a missing key or an older version.
     */
    @Test
    void kafkaToPostgresUpsertRescaledTwoThreeOneKeepsEveryKeysLastVersion() throws Exception {
        String suffix = suffix();
        String group = "rescale-pg-" + suffix;
        String table = "public.rescale_pg_" + suffix;
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL)");
        String sink = "  sink:\n    type: postgresql\n    config:\n      connectionString: \"" + Postgres.url() + "\"\n"
                + "      table: " + table + "\n      upsertMode: true\n      conflictKey: id\n      batchSize: 200\n"
                + "      batchFlushIntervalSeconds: 1\n";
        int produced = runTwoThreeOne("rescale-pg-in-" + suffix, group, i -> "k-" + (i / 2), i -> "{\"id\":" + (i / 2) + ",\"seq\":" + i + "}",
                (in, parallelism) -> manifest("rescale-pg-" + suffix, parallelism, kafkaSource(in, group) + sink));
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
        assertEveryRecordOnce("rescale 2 -> 3 -> 1, rollback to S2 at 2, PostgreSQL CDC -> Kafka exactly-once, read_committed",
                Delivery.of(0, changes, seqs(Kafka.readAll(out, "read_committed"))));
    }

    /**
     * (e) Kafka → Nessie (Iceberg, exactly-once: the single committer appends once per completed checkpoint) through the
     * same 2 → 3 → 1 rescale while records keep arriving: the table holds every record once.
     */
    @Test
    void kafkaToNessieRescaledTwoThreeOneLosesAndRepeatsNothing() throws Exception {
        assertEveryRecordOnce("rescale 2 -> 3 -> 1, Kafka -> Nessie", rescaledTwoThreeOne("rescale-nessie", nessieOutput()));
    }

    /** (f) The rollback of (b) with Nessie tables as outputs: the table written from S1 at parallelism 3 holds every record after S1 once. */
    @Test
    void kafkaToNessieOlderSavepointRestoredAtAnotherParallelismAfterTheGroupMovedOnLosesNothing() throws Exception {
        assertEveryRecordOnce("rollback to S1 at parallelism 3 after the group moved past it, Kafka -> Nessie",
                rolledBackToAnOlderSavepoint("rollback-nessie", nessieOutput()));
    }

    /**
     * (g) Kafka → Nessie at parallelism 3 over both TaskManagers, one of them killed with {@code kill -9} while records
     * arrive and a replacement started: after the recovery the table holds every record once (the writers' files of
     * the checkpoint in progress are written again, the committer's restored commits are not repeated).
     */
    @Test
    void kafkaToNessieRecoversOnAReplacementTaskManagerAfterKillNineAndLosesAndRepeatsNothing() throws Exception {
        String suffix = suffix();
        String in = "tm-loss-nessie-in-" + suffix;
        String group = "tm-loss-nessie-" + suffix;
        String out = "tm_loss_nessie_" + suffix;
        ExactlyOnceOutput output = nessieOutput();
        Kafka.createTopic(in, 6);
        Path job = manifest("tm-loss-nessie-" + suffix, 3, kafkaSource(in, group) + output.sink(out));
        TaskManagerLossITCase.Recovery recovery = TaskManagerLossITCase.runThroughTheLossOfTaskManagerOne(job, in, group);
        assertEveryRecordOnce("kill -9 of a TaskManager, Kafka -> Nessie (" + recovery.failures() + " failure(s) in the job's history)",
                Delivery.of(0, recovery.produced(), output.ids(out)));
    }

    /** Scenario: one output, the job at 2 → stop with a savepoint → 3 → stop → 1 while records arrive; what the output holds. */
    private Delivery rescaledTwoThreeOne(String name, ExactlyOnceOutput output) throws Exception {
        String suffix = suffix();
        String group = name + "-" + suffix;
        String out = name.replace('-', '_') + "_out_" + suffix;
        String sink = output.sink(out);
        int produced = runTwoThreeOne(name + "-in-" + suffix, group, i -> "k-" + i, i -> "{\"id\":" + i + "}",
                (in, parallelism) -> manifest(name + "-" + suffix, parallelism, kafkaSource(in, group) + sink));
        return Delivery.of(0, produced, output.ids(out));
    }

    /**
     * Runs a new 6-partition topic {@code in} through a job at parallelism 2, stopped with a savepoint, resumed at 3,
     * stopped, resumed at 1, while a producer keeps adding records (record i with the given key and value); stops the
     * last run with a savepoint once its group committed the end of the input. The number of records produced.
     */
    private int runTwoThreeOne(String in, String group, IntFunction<String> key, IntFunction<String> value, ManifestAt job) throws Exception {
        Kafka.createTopic(in, 6);
        String running = null;
        int produced;
        try {
            try (SteadyProducer arrivals = new SteadyProducer(in, 0, 10, 100, key, value)) {
                running = runAt(job.at(in, 2), null, 2);
                String savepoint = SessionCluster.stopWithSavepoint(running);
                running = runAt(job.at(in, 3), savepoint, 3);
                savepoint = SessionCluster.stopWithSavepoint(running);
                running = runAt(job.at(in, 1), savepoint, 1);
                arrivals.close();
                produced = arrivals.end();
            }
            ConsumerGroupProgress.awaitAtEnd(group, in);
            SessionCluster.stopWithSavepoint(running);
        } finally {
            SessionCluster.cancelIfRunning(running);
        }
        return produced;
    }

    /**
     * Scenario: savepoint S1 of a run at parallelism 2 into a first output (which then holds exactly records 0–999); a
     * second run from S1 into a second output moves the group past S1 (records 1000–1999); S1 restored at parallelism
     * 3 into a third output, after 500 more records: what that output holds of records 1000–2499.
     */
    private Delivery rolledBackToAnOlderSavepoint(String name, ExactlyOnceOutput output) throws Exception {
        String suffix = suffix();
        String in = name + "-in-" + suffix;
        String group = name + "-" + suffix;
        String prefix = name.replace('-', '_') + "_" + suffix;
        String beforeS1 = prefix + "_first";
        String afterS1 = prefix + "_second";
        String rolledBack = prefix + "_restored";
        Kafka.createTopic(in, 6);
        String job = null;
        try {
            Kafka.produce(in, 1000, i -> "{\"id\":" + i + "}");
            job = runAt(manifest(name + "-" + suffix, 2, kafkaSource(in, group) + output.sink(beforeS1)), null, 2);
            ConsumerGroupProgress.awaitAtEnd(group, in);
            String s1 = SessionCluster.stopWithSavepoint(job);
            Delivery first = Delivery.of(0, 1000, output.ids(beforeS1));
            assertThat(first.lost() + first.duplicates() + first.unexpected()).as("the run before S1: " + first).isZero();

            Kafka.produce(in, 1000, i -> "k-" + (1000 + i), i -> "{\"id\":" + (1000 + i) + "}");
            job = runAt(manifest(name + "-" + suffix, 2, kafkaSource(in, group) + output.sink(afterS1)), s1, 2);
            ConsumerGroupProgress.awaitAtEnd(group, in);
            SessionCluster.cancel(job);
            System.out.println("rollback: the group moved past S1 to " + ConsumerGroupProgress.committed(group, in));

            Kafka.produce(in, 500, i -> "k-" + (2000 + i), i -> "{\"id\":" + (2000 + i) + "}");
            job = runAt(manifest(name + "-" + suffix, 3, kafkaSource(in, group) + output.sink(rolledBack)), s1, 3);
            ConsumerGroupProgress.awaitAtEnd(group, in);
            SessionCluster.stopWithSavepoint(job);
        } finally {
            SessionCluster.cancelIfRunning(job);
        }
        return Delivery.of(1000, 2500, output.ids(rolledBack));
    }

    private static void assertEveryRecordOnce(String scenario, Delivery delivery) {
        System.out.println(scenario + ": " + delivery);
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
            // every vertex at the job's parallelism, but a table sink's single committer ("commit: <type>", runtime/SinkCommitterOperator)
            SessionCluster.vertexParallelismsByName(job).forEach((vertex, actual) -> assertThat(actual).as("parallelism of " + vertex)
                    .isEqualTo(vertex.startsWith("commit: ") ? 1 : parallelism));
            // a completed checkpoint: the job ran at this parallelism, with records arriving, before it is changed again
            SessionCluster.awaitCheckpoints(job, 1);
            return job;
        } catch (Throwable failure) {
            // the caller never learns the id: leave no job behind on the shared cluster
            SessionCluster.cancelIfRunning(job);
            throw failure;
        }
    }

    /** The job of a scenario at a parallelism, reading topic {@code in}. */
    @FunctionalInterface
    private interface ManifestAt {
        Path at(String in, int parallelism) throws Exception;
    }

    /** An exactly-once sink a scenario writes through: the manifest's sink section for one output, and the record ids it holds. */
    interface ExactlyOnceOutput {
        /** Creates output {@code name} where it must exist beforehand; the sink section of a manifest writing into it. */
        String sink(String name) throws Exception;

        /** The id of every record the output holds (as a committed reader sees it), once the job stopped. */
        List<Integer> ids(String name) throws Exception;
    }

    /** Kafka topics (3 partitions) through the exactly-once Kafka sink, read with read_committed. */
    private static ExactlyOnceOutput kafkaOutput() {
        return new ExactlyOnceOutput() {
            @Override
            public String sink(String topic) throws Exception {
                Kafka.createTopic(topic, 3);
                return "  sink:\n    type: kafka\n    config:\n      brokers: [\"" + Kafka.bootstrap() + "\"]\n      topic: " + topic + "\n"
                        + "      deliveryGuarantee: exactly-once\n";
            }

            @Override
            public List<Integer> ids(String topic) {
                return ClusterRescaleITCase.ids(Kafka.readAll(topic, "read_committed"));
            }
        };
    }

    /** Tables {@code <name>.events} of a fresh local warehouse on Nessie's main branch, created by the sink, read through the catalog. */
    private static ExactlyOnceOutput nessieOutput() throws Exception {
        String warehouse = Nessie.newWarehouse();
        return new ExactlyOnceOutput() {
            @Override
            public String sink(String namespace) {
                return "  sink:\n    type: nessie\n    config:\n      baseURL: \"" + Nessie.baseUrl() + "\"\n      branch: main\n"
                        + "      warehouse: \"" + warehouse + "\"\n      namespace: " + namespace + "\n      table: events\n"
                        + "      autoCreateTable: true\n      authenticationType: NONE\n";
            }

            @Override
            public List<Integer> ids(String namespace) throws Exception {
                try (NessieCatalog catalog = Nessie.catalog("main", warehouse)) {
                    return ClusterRescaleITCase.ids(Nessie.rows(catalog.loadTable(Nessie.table(namespace, "events"))).stream()
                            .map(r -> (String) r.getField("data")).toList());
                }
            }
        };
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
