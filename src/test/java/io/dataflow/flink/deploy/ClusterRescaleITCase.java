package io.dataflow.flink.deploy;

import io.dataflow.flink.testing.ConsumerGroupProgress;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.SessionCluster;
import org.apache.iceberg.nessie.NessieCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
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
     * (c) Kafka → PostgreSQL upsert through the same 2 → 3 → 1 rescale while records keep arriving: record i is version
     * i of key i mod 500 ({@link UpsertTable}), so the table must hold every key produced, each with its last version,
     * and the table's write log every version once (a stop with a savepoint replays nothing).
     */
    @Test
    void kafkaToPostgresUpsertRescaledTwoThreeOneKeepsEveryKeysLastVersion() throws Exception {
        String suffix = suffix();
        UpsertTable table = UpsertTable.create("public.rescale_pg_" + suffix);
        ScenarioInput input = ScenarioInput.kafka("rescale-pg-in-" + suffix, "rescale-pg-" + suffix, UpsertTable::key, UpsertTable::value);
        int produced = runTwoThreeOne(input, parallelism -> manifest("rescale-pg-" + suffix, parallelism, input.source() + table.sink()), STAY);
        table.assertHoldsEveryVersion("rescale 2 -> 3 -> 1, Kafka -> PostgreSQL upsert", produced, false);
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
        String slot = "rescale_slot_" + suffix;
        String publication = "rescale_pub_" + suffix;
        String out = "rescale-cdc-out-" + suffix;
        String sink = kafkaOutput().sink(out);
        ScenarioInput input = ScenarioInput.postgresCdc("public.rescale_cdc_" + suffix, slot, publication, () -> committedSeqs(out));
        ManifestAt job = parallelism -> manifest("rescale-cdc-" + suffix, parallelism, input.source() + sink);
        int changes;
        try {
            changes = runTwoThreeOne(input, job, (atOne, s2) -> {
                SessionCluster.awaitCheckpoints(atOne, 2);
                SessionCluster.cancel(atOne);
                System.out.println("CDC rollback: the slot confirmed " + confirmedFlush(slot) + " before S2 was restored");
                String rolledBack = runAt(job.at(2), s2, 2, false);
                SessionCluster.awaitCheckpoints(rolledBack, 2);
                return rolledBack;
            });
        } finally {
            ScenarioInput.dropSlot(slot, publication);
        }
        assertEveryRecordOnce("rescale 2 -> 3 -> 1, rollback to S2 at 2, PostgreSQL CDC -> Kafka exactly-once, read_committed",
                Delivery.of(0, changes, committedSeqs(out)));
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
        String out = "tm_loss_nessie_" + suffix;
        ExactlyOnceOutput output = nessieOutput();
        ScenarioInput input = ScenarioInput.kafka("tm-loss-nessie-in-" + suffix, "tm-loss-nessie-" + suffix, i -> "k-" + i, i -> "{\"id\":" + i + "}");
        TaskManagerLossITCase.Recovery recovery = TaskManagerLossITCase.runThroughTheLossOfTaskManagerOne(
                manifest("tm-loss-nessie-" + suffix, 3, input.source() + output.sink(out)), input);
        assertEveryRecordOnce("kill -9 of a TaskManager, Kafka -> Nessie (" + recovery.failures() + " failure(s) in the job's history)",
                Delivery.of(0, recovery.produced(), output.ids(out)));
    }

    /**
     * (h) Kafka → PostgreSQL upsert at parallelism 3 through the {@code kill -9} of a TaskManager and its replacement,
     * with the records of (c): the table holds every key at its last version and its write log every version; the
     * records after the last completed checkpoint before the crash are written again (at-least-once, absorbed by the
     * upsert), counted and printed.
     */
    @Test
    void kafkaToPostgresUpsertRecoversOnAReplacementTaskManagerAfterKillNineAndKeepsEveryKeysLastVersion() throws Exception {
        String suffix = suffix();
        UpsertTable table = UpsertTable.create("public.tm_loss_pg_" + suffix);
        ScenarioInput input = ScenarioInput.kafka("tm-loss-pg-in-" + suffix, "tm-loss-pg-" + suffix, UpsertTable::key, UpsertTable::value);
        TaskManagerLossITCase.Recovery recovery = TaskManagerLossITCase.runThroughTheLossOfTaskManagerOne(
                manifest("tm-loss-pg-" + suffix, 3, input.source() + table.sink()), input);
        table.assertHoldsEveryVersion("kill -9 of a TaskManager, Kafka -> PostgreSQL upsert (" + recovery.failures()
                + " failure(s) in the job's history)", recovery.produced(), true);
    }

    /**
     * (i) PostgreSQL CDC → Kafka exactly-once with the changes of (d), the slot read at parallelism 1 and the sink at 3
     * over both TaskManagers, through the {@code kill -9} of a TaskManager and its replacement: the job resumes the slot
     * at its last completed checkpoint, and a read_committed consumer sees every change once.
     */
    @Test
    void postgresCdcToKafkaRecoversOnAReplacementTaskManagerAfterKillNineAndDeliversEveryChangeOnce() throws Exception {
        String suffix = suffix();
        String slot = "tm_loss_slot_" + suffix;
        String publication = "tm_loss_pub_" + suffix;
        String out = "tm-loss-cdc-out-" + suffix;
        String sink = kafkaOutput().sink(out);
        ScenarioInput input = ScenarioInput.postgresCdc("public.tm_loss_cdc_" + suffix, slot, publication, () -> committedSeqs(out));
        TaskManagerLossITCase.Recovery recovery;
        try {
            recovery = TaskManagerLossITCase.runThroughTheLossOfTaskManagerOne(manifest("tm-loss-cdc-" + suffix, 3, input.source() + sink), input);
        } finally {
            ScenarioInput.dropSlot(slot, publication);
        }
        assertEveryRecordOnce("kill -9 of a TaskManager, PostgreSQL CDC -> Kafka exactly-once (" + recovery.failures()
                + " failure(s) in the job's history)", Delivery.of(0, recovery.produced(), committedSeqs(out)));
    }

    /**
     * (j) Partitions added to the input topic while an exactly-once Kafka → Kafka job runs on the cluster at parallelism
     * 2 ({@code partitionDiscoveryInterval: 1s}): the records in the new partitions are read without a restart. The job
     * is then stopped with a savepoint and resumed at 3, and partitions added while the restored job runs are read too.
     * A read_committed consumer sees every record once.
     */
    @Test
    void partitionsAddedWhileTheJobRunsAreReadAlsoAfterARestoreAndDeliveredOnce() throws Exception {
        String suffix = suffix();
        String in = "grow-in-" + suffix;
        String group = "grow-" + suffix;
        String out = "grow-out-" + suffix;
        Kafka.createTopic(in, 2);
        String sink = kafkaOutput().sink(out);
        ManifestAt job = parallelism -> manifest("grow-" + suffix, parallelism, kafkaSource(in, group)
                + "      partitionDiscoveryInterval: 1s\n" + sink);
        String running = null;
        try {
            Kafka.produce(in, 500, i -> "k-" + i, i -> "{\"id\":" + i + "}");
            running = runAt(job.at(2), null, 2);
            ConsumerGroupProgress.awaitAtEnd(group, in);
            addPartitionsAndAwaitTheirRecords(in, group, 4, 500);
            String savepoint = SessionCluster.stopWithSavepoint(running);
            running = runAt(job.at(3), savepoint, 3);
            addPartitionsAndAwaitTheirRecords(in, group, 6, 1000);
            SessionCluster.stopWithSavepoint(running);
        } finally {
            SessionCluster.cancelIfRunning(running);
        }
        assertEveryRecordOnce("partitions 2 -> 4 while running at 2, savepoint, 4 -> 6 while running at 3, Kafka -> Kafka exactly-once",
                Delivery.of(0, 1500, ids(Kafka.readAll(out, "read_committed"))));
    }

    /**
     * Grows the running job's input to {@code partitions}, produces records {@code from} to {@code from} + 499 with a
     * fresh producer (which spreads them over old and new partitions) and waits until the job's group committed the end
     * of every partition — a completed checkpoint covered the new partitions' records.
     */
    private static void addPartitionsAndAwaitTheirRecords(String in, String group, int partitions, int from) throws Exception {
        Map<Integer, Long> before = ConsumerGroupProgress.end(in);
        Kafka.addPartitions(in, partitions);
        long added = System.nanoTime();
        Kafka.produce(in, 500, i -> "k-" + (from + i), i -> "{\"id\":" + (from + i) + "}");
        Map<Integer, Long> end = ConsumerGroupProgress.end(in);
        assertThat(end.keySet()).as("partitions of " + in).hasSize(partitions);
        end.forEach((partition, offset) -> assertThat(offset).as("records in partition " + partition).isPositive());
        ConsumerGroupProgress.awaitAtEnd(group, in);
        System.out.printf("partitions %d -> %d: the records of the new partitions were read and checkpointed %.1f s after they were added%n",
                before.size(), partitions, (System.nanoTime() - added) / 1e9);
    }

    /** Scenario: one output, the job at 2 → stop with a savepoint → 3 → stop → 1 while records arrive; what the output holds. */
    private Delivery rescaledTwoThreeOne(String name, ExactlyOnceOutput output) throws Exception {
        String suffix = suffix();
        String out = name.replace('-', '_') + "_out_" + suffix;
        String sink = output.sink(out);
        ScenarioInput input = ScenarioInput.kafka(name + "-in-" + suffix, name + "-" + suffix, i -> "k-" + i, i -> "{\"id\":" + i + "}");
        int produced = runTwoThreeOne(input, parallelism -> manifest(name + "-" + suffix, parallelism, input.source() + sink), STAY);
        return Delivery.of(0, produced, output.ids(out));
    }

    /**
     * Runs the job at parallelism 2 while records of {@code input} keep arriving, stops it with a savepoint, resumes at
     * 3, stops, resumes at 1, goes on as {@code thenAtOne} says, stops the arrivals and, once a completed checkpoint
     * covered them all, stops the last run with a savepoint. The number of records that arrived.
     */
    private static int runTwoThreeOne(ScenarioInput input, ManifestAt job, AfterOne thenAtOne) throws Exception {
        String running = null;
        int produced;
        try {
            running = runAt(job.at(2), null, 2, input.parallel());
            try (ScenarioInput.Arrivals arrivals = input.arrive()) {
                SessionCluster.awaitCheckpoints(running, 1);
                String savepoint = SessionCluster.stopWithSavepoint(running);
                running = runAt(job.at(3), savepoint, 3, input.parallel());
                String atThree = SessionCluster.stopWithSavepoint(running);
                running = runAt(job.at(1), atThree, 1, input.parallel());
                running = thenAtOne.then(running, atThree);
                arrivals.close();
                produced = arrivals.end();
            }
            input.awaitRead(produced);
            SessionCluster.stopWithSavepoint(running);
        } finally {
            SessionCluster.cancelIfRunning(running);
        }
        return produced;
    }

    /** What a scenario does after resuming at parallelism 1 from the savepoint taken at 3: the job it goes on with. */
    @FunctionalInterface
    private interface AfterOne {
        String then(String runningAtOne, String savepointAtThree) throws Exception;
    }

    /** Goes on with the run at 1. */
    private static final AfterOne STAY = (runningAtOne, savepointAtThree) -> runningAtOne;

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

    static void assertEveryRecordOnce(String scenario, Delivery delivery) {
        System.out.println(scenario + ": " + delivery);
        assertThat(delivery.lost()).as(delivery.toString()).isZero();
        assertThat(delivery.duplicates()).as(delivery.toString()).isZero();
        assertThat(delivery.unexpected()).as(delivery.toString()).isZero();
    }

    private static String confirmedFlush(String slot) throws Exception {
        try (var connection = Postgres.connect(); Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return rs.next() ? rs.getString(1) : "(no slot)";
        }
    }

    /** The seq of every change a read_committed consumer sees in the topic. */
    private static List<Integer> committedSeqs(String topic) {
        return seqs(Kafka.readAll(topic, "read_committed"));
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
        return runAt(manifest, savepoint, parallelism, true);
    }

    /**
     * {@link #runAt(Path, String, int)} for a job whose source may not be parallel: then the source's vertex (its name
     * starts with "source: ", whatever Flink prefixes, and chains nothing at another parallelism) runs at 1, as a table sink's committer does.
     */
    static String runAt(Path manifest, String savepoint, int parallelism, boolean parallelSource) throws Exception {
        String job = savepoint == null ? SessionCluster.submit(manifest) : SessionCluster.resume(manifest, savepoint);
        try {
            SessionCluster.awaitRunning(job);
            // every vertex at the job's parallelism, but a table sink's single committer ("commit: <type>", runtime/SinkCommitterOperator)
            // and a non-parallel source, which chain with nothing at the job's parallelism
            SessionCluster.vertexParallelismsByName(job).forEach((vertex, actual) -> assertThat(actual).as("parallelism of " + vertex)
                    .isEqualTo(vertex.startsWith("commit: ") || (!parallelSource && vertex.toLowerCase(Locale.ROOT).startsWith("source: ")) ? 1 : parallelism));
            // a completed checkpoint: the job ran at this parallelism before it is changed again
            SessionCluster.awaitCheckpoints(job, 1);
            return job;
        } catch (Throwable failure) {
            // the caller never learns the id: leave no job behind on the shared cluster
            SessionCluster.cancelIfRunning(job);
            throw failure;
        }
    }

    /** The job of a scenario at a parallelism. */
    @FunctionalInterface
    private interface ManifestAt {
        Path at(int parallelism) throws Exception;
    }

    /** An exactly-once sink a scenario writes through: the manifest's sink section for one output, and the record ids it holds. */
    interface ExactlyOnceOutput {
        /** Creates output {@code name} where it must exist beforehand; the sink section of a manifest writing into it. */
        String sink(String name) throws Exception;

        /** The id of every record the output holds (as a committed reader sees it), once the job stopped. */
        List<Integer> ids(String name) throws Exception;
    }

    /** Kafka topics (3 partitions) through the exactly-once Kafka sink, read with read_committed. */
    static ExactlyOnceOutput kafkaOutput() {
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
