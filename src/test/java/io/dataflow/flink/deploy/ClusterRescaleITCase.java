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
 * pending) and only then counts the output. The scenarios are helpers ({@link #rescaledTwoThreeOneAndRolledBack},
 * {@link TaskManagerLossITCase#runThroughTheLossOfTaskManagerOne}) that each exactly-once sink
 * ({@link ExactlyOnceOutput}: Kafka, Nessie) goes through. A rollback to an older savepoint reuses the savepoints of the
 * 2 → 3 → 1 run rather than running jobs of its own: once that run ended, its consumer group has committed the input's
 * end, far past the first savepoint S1 (taken at 2), which is then restored at 3 into a fresh output while more records
 * arrive ({@link #rollBackToS1AtThree}). The PostgreSQL CDC scenario (d) reads a replication slot instead, at
 * parallelism 1 behind a sink at the job's parallelism, and rolls back to S2. Every phase prints its time
 * ({@link Phases}).
 */
@RealServers({Server.KAFKA, Server.POSTGRES, Server.NESSIE, Server.FLINK})
class ClusterRescaleITCase {

    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    @TempDir
    Path work;

    /**
     * (a) Kafka → Kafka exactly-once at parallelism 2, stopped with a savepoint (S1), resumed at 3, stopped, resumed at
     * 1, while records keep arriving the whole time: a read_committed consumer sees every record once. (b) Then the
     * rollback: S1 — now older than the group's offsets, which the later runs moved to the input's end — restored at
     * parallelism 3 into a fresh topic while more records arrive. That run must write every record after S1 once: none
     * of them may be skipped because the group had already committed a later offset.
     */
    @Test
    void kafkaToKafkaExactlyOnceRescaledTwoThreeOneAndRolledBackToAnOlderSavepointLosesAndRepeatsNothing() throws Exception {
        rescaledTwoThreeOneAndRolledBack("rescale", kafkaOutput(), "Kafka -> Kafka exactly-once, read_committed");
    }

    /**
     * (c) Kafka → PostgreSQL upsert through the same 2 → 3 → 1 rescale while records keep arriving: record i is version
     * i of key i mod 500 ({@link UpsertTable}), so the table must hold every key produced, each with its last version,
     * and the table's write log every version once (a stop with a savepoint replays nothing). Then the rollback of (b):
     * S1 restored at parallelism 3, after the group moved past it, into a fresh table while more records arrive: its
     * write log must hold every version after S1 (the versions the first table's log lacked when S1 was taken) and no
     * other, and every key its last version. Writes repeated by replays are counted and printed; with stops only there
     * are none.
     */
    @Test
    void kafkaToPostgresUpsertRescaledTwoThreeOneAndRolledBackToAnOlderSavepointKeepsEveryKeysLastVersion() throws Exception {
        String suffix = suffix();
        UpsertTable table = UpsertTable.create("public.rescale_pg_" + suffix);
        UpsertTable rolledBack = UpsertTable.create("public.rescale_pg_" + suffix + "_rolled_back");
        ScenarioInput input = ScenarioInput.kafka("rescale-pg-in-" + suffix, "rescale-pg-" + suffix, UpsertTable::key, UpsertTable::value);
        TwoThreeOne run = runTwoThreeOne(input, parallelism -> manifest("rescale-pg-" + suffix, parallelism, input.source() + table.sink()),
                beforeS1 -> table.assertHoldsEveryVersion("the run at 2, up to S1, Kafka -> PostgreSQL upsert", beforeS1, false), STAY);
        table.assertHoldsEveryVersion("rescale 2 -> 3 -> 1, Kafka -> PostgreSQL upsert", run.produced(), false);
        int produced = rollBackToS1AtThree(input, run,
                parallelism -> manifest("rescale-pg-" + suffix, parallelism, input.source() + rolledBack.sink()));
        rolledBack.assertHoldsEveryVersion("rollback to S1 at parallelism 3 after the group moved past it, Kafka -> PostgreSQL upsert",
                run.beforeS1(), produced, false);
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
            changes = runTwoThreeOne(input, job, null, (atOne, s2) -> {
                // runAt saw one checkpoint at 1 complete; one more and the slot has confirmed a position past S2
                awaitCheckpoints(atOne, 1);
                Phases.timed("cancel", () -> SessionCluster.cancel(atOne));
                System.out.println("CDC rollback: the slot confirmed " + confirmedFlush(slot) + " before S2 was restored");
                return runAt(job.at(2), s2, 2, false);
            }).produced();
        } finally {
            ScenarioInput.dropSlot(slot, publication);
        }
        assertEveryRecordOnce("rescale 2 -> 3 -> 1, rollback to S2 at 2, PostgreSQL CDC -> Kafka exactly-once, read_committed",
                Delivery.of(0, changes, committedSeqs(out)));
    }

    /**
     * (e) Kafka → Nessie (Iceberg, exactly-once: the single committer appends once per completed checkpoint) through the
     * same 2 → 3 → 1 rescale while records keep arriving: the table holds every record once. (f) Then the rollback of
     * (b) with a fresh Nessie table as output: the table written from S1 at parallelism 3 holds every record after S1 once.
     */
    @Test
    void kafkaToNessieRescaledTwoThreeOneAndRolledBackToAnOlderSavepointLosesAndRepeatsNothing() throws Exception {
        rescaledTwoThreeOneAndRolledBack("rescale-nessie", nessieOutput(), "Kafka -> Nessie");
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
            awaitAtEnd(group, in);
            addPartitionsAndAwaitTheirRecords(in, group, 4, 500);
            String savepoint = stop(running);
            running = runAt(job.at(3), savepoint, 3);
            addPartitionsAndAwaitTheirRecords(in, group, 6, 1000);
            stop(running);
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
        awaitAtEnd(group, in);
        System.out.printf("partitions %d -> %d: the records of the new partitions were read and checkpointed %.1f s after they were added%n",
                before.size(), partitions, (System.nanoTime() - added) / 1e9);
    }

    /**
     * Scenario: the job at 2 → stop with savepoint S1 → 3 → stop → 1 while records arrive, into one output, which then
     * must hold every record once; then S1 restored at 3 into a fresh output after the group moved past it
     * ({@link #rollBackToS1AtThree}), which must hold every record after S1 once.
     */
    private void rescaledTwoThreeOneAndRolledBack(String name, ExactlyOnceOutput output, String pipeline) throws Exception {
        String suffix = suffix();
        String prefix = name.replace('-', '_') + "_" + suffix;
        String out = prefix + "_out";
        String rolledBackOut = prefix + "_rolled_back";
        String sink = output.sink(out);
        ScenarioInput input = ScenarioInput.kafka(name + "-in-" + suffix, name + "-" + suffix, i -> "k-" + i, i -> "{\"id\":" + i + "}");
        TwoThreeOne run = runTwoThreeOne(input, parallelism -> manifest(name + "-" + suffix, parallelism, input.source() + sink),
                beforeS1 -> assertEveryRecordOnce("the run at 2, up to S1, " + pipeline, Delivery.of(0, beforeS1, output.ids(out))), STAY);
        assertEveryRecordOnce("rescale 2 -> 3 -> 1, " + pipeline, Delivery.of(0, run.produced(), output.ids(out)));
        String rolledBackSink = output.sink(rolledBackOut);
        int produced = rollBackToS1AtThree(input, run,
                parallelism -> manifest(name + "-" + suffix, parallelism, input.source() + rolledBackSink));
        assertEveryRecordOnce("rollback to S1 at parallelism 3 after the group moved past it, " + pipeline,
                Delivery.of(run.beforeS1(), produced, output.ids(rolledBackOut)));
    }

    /**
     * What a 2 → 3 → 1 run leaves: the number of records that arrived, savepoint S1 of the run at 2 and the number of
     * records before it (0 when S1 was taken while records arrived).
     */
    private record TwoThreeOne(int produced, String s1, int beforeS1) {
    }

    /**
     * Runs the job at parallelism 2 while records of {@code input} keep arriving, stops it with savepoint S1, resumes at
     * 3, stops, resumes at 1, goes on as {@code thenAtOne} says, stops the arrivals and, once a completed checkpoint
     * covered them all, stops the last run with a savepoint. With an {@code atS1}, the arrivals pause for S1: once a
     * completed checkpoint covered every record so far, the job is stopped (S1 then holds no output of its own still to
     * commit — a Nessie sink's savepoint would otherwise hold the data files of its last checkpoint, which a restore
     * commits into whatever table the manifest names, docs/OPERATIONS.md), {@code atS1} looks at the output, which
     * then holds exactly the records before S1, and the arrivals go on.
     */
    private static TwoThreeOne runTwoThreeOne(ScenarioInput input, ManifestAt job, AtS1 atS1, AfterOne thenAtOne) throws Exception {
        String running = null;
        int produced;
        String s1;
        int beforeS1 = 0;
        ScenarioInput.Arrivals arrivals = null;
        try {
            running = runAt(job.at(2), null, 2, input.parallel());
            arrivals = input.arrive();
            awaitCheckpoints(running, 1);
            if (atS1 != null) {
                arrivals.close();
                beforeS1 = arrivals.end();
                awaitRead(input, beforeS1);
                s1 = stop(running);
                atS1.look(beforeS1);
                arrivals = input.arrive(beforeS1);
            } else {
                s1 = stop(running);
            }
            running = runAt(job.at(3), s1, 3, input.parallel());
            String atThree = stop(running);
            running = runAt(job.at(1), atThree, 1, input.parallel());
            running = thenAtOne.then(running, atThree);
            arrivals.close();
            produced = arrivals.end();
            awaitRead(input, produced);
            stop(running);
        } finally {
            if (arrivals != null) {
                arrivals.close();
            }
            SessionCluster.cancelIfRunning(running);
        }
        return new TwoThreeOne(produced, s1, beforeS1);
    }

    /**
     * The rollback after a 2 → 3 → 1 run: its consumer group committed the input's end, past S1, which is now restored
     * at parallelism 3 (the job of {@code rolledBack}, writing into a fresh output) while more records arrive; once a
     * completed checkpoint covered them all, the job is stopped with a savepoint. Checks that the rollback means
     * something — records arrived between S1 and the group's offsets — and returns how many records arrived in all:
     * the output must hold records {@code run.beforeS1()} to that number - 1.
     */
    private static int rollBackToS1AtThree(ScenarioInput input, TwoThreeOne run, ManifestAt rolledBack) throws Exception {
        assertThat(run.produced()).as("records after S1 that the group had committed before the rollback").isGreaterThan(run.beforeS1());
        System.out.printf("rollback: S1 covers records 0-%d, the group committed all %d records the 2 -> 3 -> 1 run read%n",
                run.beforeS1() - 1, run.produced());
        String job = null;
        int produced;
        try {
            try (ScenarioInput.Arrivals more = input.arrive(run.produced())) {
                job = runAt(rolledBack.at(3), run.s1(), 3, input.parallel());
                more.close();
                produced = more.end();
            }
            awaitRead(input, produced);
            stop(job);
        } finally {
            SessionCluster.cancelIfRunning(job);
        }
        return produced;
    }

    /** What a scenario does right after the run at 2 stopped with savepoint S1, before the job resumes: records 0 to {@code beforeS1} - 1 arrived before S1. */
    @FunctionalInterface
    private interface AtS1 {
        void look(int beforeS1) throws Exception;
    }

    /** What a scenario does after resuming at parallelism 1 from the savepoint taken at 3: the job it goes on with. */
    @FunctionalInterface
    private interface AfterOne {
        String then(String runningAtOne, String savepointAtThree) throws Exception;
    }

    /** Goes on with the run at 1. */
    private static final AfterOne STAY = (runningAtOne, savepointAtThree) -> runningAtOne;

    /** Stops the job with a savepoint ({@code flink stop}); its path. */
    static String stop(String job) throws Exception {
        return Phases.timed("stop with a savepoint", () -> SessionCluster.stopWithSavepoint(job));
    }

    static void awaitCheckpoints(String job, int more) throws Exception {
        Phases.timed("await " + more + " checkpoint(s)", () -> SessionCluster.awaitCheckpoints(job, more));
    }

    static void awaitRead(ScenarioInput input, int end) throws Exception {
        Phases.timed("await the input read (" + end + ")", () -> input.awaitRead(end));
    }

    private static void awaitAtEnd(String group, String topic) throws Exception {
        Phases.timed("await the group at the end", () -> ConsumerGroupProgress.awaitAtEnd(group, topic));
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
        String job = Phases.timed((savepoint == null ? "submission" : "submission from a savepoint") + " at " + parallelism,
                () -> savepoint == null ? SessionCluster.submit(manifest) : SessionCluster.resume(manifest, savepoint));
        try {
            Phases.timed("all tasks running", () -> SessionCluster.awaitRunning(job));
            // every vertex at the job's parallelism, but a table sink's single committer ("commit: <type>", runtime/SinkCommitterOperator)
            // and a non-parallel source, which chain with nothing at the job's parallelism
            SessionCluster.vertexParallelismsByName(job).forEach((vertex, actual) -> assertThat(actual).as("parallelism of " + vertex)
                    .isEqualTo(vertex.startsWith("commit: ") || (!parallelSource && vertex.toLowerCase(Locale.ROOT).startsWith("source: ")) ? 1 : parallelism));
            // a completed checkpoint: the job ran at this parallelism before it is changed again
            awaitCheckpoints(job, 1);
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
