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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.nessie.NessieCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka → Nessie (Iceberg) sink on a real Nessie server with a local warehouse: one Iceberg append per completed
 * checkpoint, exactly once across an injected failure, branches kept apart, and values a column of a columnar
 * table cannot hold sent to the error sink naming the column.
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

    /**
     * A columnar table with a column of each type the sink parses from text: a value the column cannot hold (not a
     * date, out of Iceberg's range, not a UUID, …) sends its record to the error sink with a reason naming the
     * column, and the job goes on with the next record, as an int beyond an int column already did.
     */
    @Test
    void valuesTheColumnsCannotHoldGoToTheErrorSinkNamingTheColumn() throws Exception {
        String errorTopic = topic + "-errors";
        Kafka.createTopic(topic, 1);
        Kafka.createTopic(errorTopic, 1);
        try (NessieCatalog catalog = Nessie.catalog("main", warehouse)) {
            catalog.createNamespace(Namespace.of(namespace));
            catalog.createTable(Nessie.table(namespace, "typed"), new Schema(
                    Types.NestedField.required(1, "id", Types.LongType.get()),
                    Types.NestedField.optional(2, "day", Types.DateType.get()),
                    Types.NestedField.optional(3, "at", Types.TimeType.get()),
                    Types.NestedField.optional(4, "ts", Types.TimestampType.withoutZone()),
                    Types.NestedField.optional(5, "tstz", Types.TimestampType.withZone()),
                    Types.NestedField.optional(6, "uid", Types.UUIDType.get()),
                    Types.NestedField.optional(7, "amount", Types.DecimalType.of(10, 2)),
                    Types.NestedField.optional(8, "ok", Types.BooleanType.get())));
        }
        String good = ",\"day\":\"2024-02-29\",\"ts\":\"2024-02-29T12:34:56.789Z\",\"tstz\":\"2024-02-29T13:34:56.789+01:00\","
                + "\"uid\":\"123e4567-e89b-12d3-a456-426614174000\",\"amount\":\"12.50\",\"ok\":\"true\"}";
        // id → the field that does not fit its column, and the reason's start
        Map<Long, String[]> bad = new TreeMap<>();
        bad.put(1L, new String[] {"\"day\":\"not a date\"", "column day (date): "});
        bad.put(2L, new String[] {"\"day\":\"2024-02-30\"", "column day (date): "});
        bad.put(3L, new String[] {"\"day\":20240101", "column day (date): "});
        bad.put(4L, new String[] {"\"day\":\"+9999999-01-01\"", "column day (date): "});
        bad.put(5L, new String[] {"\"at\":\"noon\"", "column at (time): "});
        bad.put(6L, new String[] {"\"ts\":\"yesterday\"", "column ts (timestamp): "});
        bad.put(7L, new String[] {"\"ts\":\"+300000-01-01T00:00:00Z\"", "column ts (timestamp): "});
        bad.put(8L, new String[] {"\"tstz\":\"not a timestamp\"", "column tstz (timestamptz): "});
        bad.put(9L, new String[] {"\"tstz\":{\"at\":1}", "column tstz (timestamptz): "});
        bad.put(10L, new String[] {"\"uid\":\"not-a-uuid\"", "column uid (uuid): "});
        bad.put(11L, new String[] {"\"amount\":\"ten\"", "column amount (decimal(10, 2)): "});
        bad.put(12L, new String[] {"\"ok\":\"yes\"", "column ok (boolean): "});
        int records = bad.size() + 2; // a good record first and last
        Kafka.produce(topic, records, i -> bad.containsKey((long) i)
                ? "{\"id\":" + i + "," + bad.get((long) i)[0] + "}" : "{\"id\":" + i + good);

        MiniClusterJobs.run(manifest("main", "typed", "")
                + "errors:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + errorTopic + "\n",
                "it-nessie-unfit", JobCompiler.create(), 500, 0);

        ObjectMapper json = new ObjectMapper();
        Map<Long, String> errors = new TreeMap<>();
        for (String text : Kafka.readAll(errorTopic)) {
            JsonNode envelope = json.readTree(text);
            errors.put(envelope.path("original_message").path("id").asLong(), envelope.path("error").path("message").asText());
        }
        assertThat(errors.keySet()).as("one error record per unfit value: " + errors).isEqualTo(bad.keySet());
        for (Map.Entry<Long, String> e : errors.entrySet()) {
            assertThat(e.getValue()).as("record " + e.getKey()).startsWith(bad.get(e.getKey())[1]);
        }
        try (NessieCatalog catalog = Nessie.catalog("main", warehouse)) {
            List<Record> rows = Nessie.rows(catalog.loadTable(Nessie.table(namespace, "typed")));
            assertThat(rows.stream().map(r -> (Long) r.getField("id"))).as("the records that fit")
                    .containsExactlyInAnyOrder(0L, (long) records - 1);
            for (Record r : rows) {
                assertThat(r.getField("day")).isEqualTo(LocalDate.of(2024, 2, 29));
                assertThat(r.getField("ts")).isEqualTo(LocalDateTime.of(2024, 2, 29, 12, 34, 56, 789_000_000));
                assertThat(r.getField("tstz")).isEqualTo(OffsetDateTime.of(2024, 2, 29, 12, 34, 56, 789_000_000, ZoneOffset.UTC));
                assertThat(r.getField("uid")).isEqualTo(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
                assertThat(r.getField("amount")).isEqualTo(new BigDecimal("12.50"));
                assertThat(r.getField("ok")).isEqualTo(true);
            }
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
