package io.dataflow.flink.connector.iceberg.nessie;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.CheckpointDataProbe;
import io.dataflow.flink.testing.FailOnceProbe;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.nessie.NessieCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka → Nessie (Iceberg) sink on a real Nessie server with a local warehouse: one Iceberg append per completed
 * checkpoint, exactly once across an injected failure, and branches kept apart.
 */
@RealServers({Server.KAFKA, Server.NESSIE})
class NessieSinkITCase {

    private static final int RECORDS = 20_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private String topic;
    private String namespace;
    private String warehouse;

    @BeforeEach
    void newTopicAndNamespace() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        topic = "nessie-sink-" + suffix;
        namespace = "it_sink_" + suffix;
        warehouse = Nessie.newWarehouse();
    }

    private String manifest(String branch, String table, String extra) {
        return "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: it-" + topic + "\n    bounded: true\n"
                + "sink:\n  type: nessie\n  config:\n    baseURL: \"" + Nessie.baseUrl() + "\"\n    branch: " + branch + "\n"
                + "    warehouse: \"" + warehouse + "\"\n    namespace: " + namespace + "\n    table: " + table + "\n"
                + "    autoCreateTable: true\n    authenticationType: NONE\n" + extra;
    }

    @Test
    void failureMidStreamCommitsEveryRecordExactlyOnceWithOneSnapshotPerCheckpoint() throws Exception {
        Kafka.createTopic(topic, 3);
        Kafka.produce(topic, RECORDS, i -> "{\"id\":" + i + ",\"name\":\"event " + i + "\"}");
        CheckpointDataProbe.reset();

        MiniClusterJobs.run(manifest("main", "events", ""), "it-nessie-sink",
                JobCompiler.withProbeAfterSource(new CheckpointDataProbe(RECORDS / 3, 20)), 300, 3);

        assertThat(FailOnceProbe.FAILED).as("the failure was injected").isTrue();
        assertThat(FailOnceProbe.SEEN.get()).as("records were replayed after the restart").isGreaterThan(RECORDS);
        try (NessieCatalog catalog = Nessie.catalog("main", warehouse)) {
            Table table = catalog.loadTable(Nessie.table(namespace, "events"));
            List<Record> rows = Nessie.rows(table);
            Set<String> distinct = rows.stream().map(r -> (String) r.getField("data")).collect(Collectors.toSet());
            assertThat(distinct).as("lost").hasSize(RECORDS);
            assertThat(rows).as("duplicated").hasSize(RECORDS);

            List<Snapshot> snapshots = Nessie.lineage(table);
            Set<Long> committedCheckpoints = new TreeSet<>();
            for (Snapshot s : snapshots) {
                assertThat(s.operation()).isEqualTo("append");
                committedCheckpoints.add(Long.parseLong(s.summary().get("dataflow.checkpoint-id")));
            }
            System.out.printf("nessie sink: %d records, %d snapshots, checkpoints with data %s%n", RECORDS, snapshots.size(),
                    new TreeSet<>(CheckpointDataProbe.COMPLETED_WITH_DATA));
            assertThat(committedCheckpoints).as("one snapshot per checkpoint").hasSize(snapshots.size());
            assertThat(committedCheckpoints).as("snapshots = completed checkpoints that had data")
                    .isEqualTo(new TreeSet<>(CheckpointDataProbe.COMPLETED_WITH_DATA));
            assertThat(snapshots.size()).as("several checkpoints committed").isGreaterThan(2);
        }
    }

    /**
     * Two writers, a failure mid-stream: all writers' files of a completed checkpoint land in one snapshot, made by
     * the one committer (one commit user per run), and every record is there exactly once.
     */
    @Test
    void twoWritersMakeOneSnapshotPerCompletedCheckpointExactlyOnce() throws Exception {
        Kafka.createTopic(topic, 4);
        Kafka.produce(topic, RECORDS, i -> "{\"id\":" + i + "}");
        CheckpointDataProbe.reset();

        MiniClusterJobs.run("replicas: 2\n" + manifest("main", "events", ""), "it-nessie-two-writers",
                JobCompiler.withProbeAfterSource(new CheckpointDataProbe(RECORDS / 3, 4)), 300, 3);

        assertThat(FailOnceProbe.FAILED).as("the failure was injected").isTrue();
        try (NessieCatalog catalog = Nessie.catalog("main", warehouse)) {
            Table table = catalog.loadTable(Nessie.table(namespace, "events"));
            List<Record> rows = Nessie.rows(table);
            assertThat(rows.stream().map(r -> (String) r.getField("data")).distinct().count()).as("lost").isEqualTo(RECORDS);
            assertThat(rows).as("duplicated").hasSize(RECORDS);
            List<Snapshot> snapshots = Nessie.lineage(table);
            Set<Long> committedCheckpoints = new TreeSet<>();
            for (Snapshot s : snapshots) {
                committedCheckpoints.add(Long.parseLong(s.summary().get("dataflow.checkpoint-id")));
            }
            System.out.printf("nessie sink, 2 writers: %d records, %d snapshots, checkpoints with data %s%n", RECORDS,
                    snapshots.size(), new TreeSet<>(CheckpointDataProbe.COMPLETED_WITH_DATA));
            assertThat(snapshots).as("one snapshot per checkpoint, not one per writer").hasSize(committedCheckpoints.size());
            TreeSet<Long> withData = new TreeSet<>(CheckpointDataProbe.COMPLETED_WITH_DATA);
            assertThat(committedCheckpoints).as("a snapshot for every completed checkpoint that had data").containsAll(withData);
            // Besides those, only the final checkpoint, which commits what the writers wrote after their last barrier
            // (the probe is finished by then and takes no part in it).
            Set<Long> others = new TreeSet<>(committedCheckpoints);
            others.removeAll(withData);
            assertThat(others).as("snapshots of other checkpoints").hasSizeLessThanOrEqualTo(1)
                    .allSatisfy(id -> assertThat(id).isGreaterThan(withData.last()));
            assertThat(withData.size()).as("several checkpoints committed").isGreaterThan(2);
        }
    }

    @Test
    void writingToABranchLeavesMainUntouched() throws Exception {
        Kafka.createTopic(topic, 1);
        Kafka.produce(topic, 500, i -> "{\"id\":" + i + "}");
        String branch = "it-dev-" + UUID.randomUUID().toString().substring(0, 8);
        Nessie.createBranch(branch);

        MiniClusterJobs.run(manifest(branch, "events", "    rawMode: true\n"), "it-nessie-branch", JobCompiler.create(), 500, 0);

        try (NessieCatalog dev = Nessie.catalog(branch, warehouse); NessieCatalog main = Nessie.catalog("main", warehouse)) {
            Table table = dev.loadTable(Nessie.table(namespace, "events"));
            List<Record> rows = Nessie.rows(table);
            assertThat(rows).hasSize(500);
            assertThat((String) rows.get(0).getField("_metadata")).contains("\"topic\":\"" + topic + "\"");
            assertThat(main.tableExists(Nessie.table(namespace, "events"))).as("main has no such table").isFalse();
        }
    }

    @Test
    void aMissingBranchFailsWithAClearError() throws Exception {
        Kafka.createTopic(topic, 1);
        Kafka.produce(topic, 1, i -> "{}");
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> MiniClusterJobs.run(
                manifest("no-such-branch", "events", ""), "it-nessie-no-branch", JobCompiler.create(), 500, 0));
        assertThat(failure).isNotNull();
        assertThat(org.apache.flink.util.ExceptionUtils.stringifyException(failure))
                .contains("Nessie branch 'no-such-branch' does not exist");
    }
}
