package io.dataflow.flink.connector.iceberg.nessie;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.FailOnceProbe;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.nessie.NessieCatalog;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The Nessie (Iceberg) source on a real Nessie server: incremental by snapshot across a restart, and a round trip. */
@RealServers({Server.NESSIE, Server.POSTGRES, Server.KAFKA})
class NessieSourceITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 400;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private String suffix;
    private String namespace;
    private String warehouse;

    @BeforeEach
    void names() throws Exception {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        namespace = "it_source_" + suffix;
        warehouse = Nessie.newWarehouse();
    }

    /**
     * Three batches appended in three commits while the job runs; the job fails once while reading the third
     * (Flink restarts it from the last checkpoint). The PostgreSQL sink upserts on id, so the table shows loss; the
     * probe shows re-reads: after the restart no row of an earlier, finished snapshot comes again.
     */
    @Test
    void incrementalSourceDeliversEachAppendedRowOnceAcrossARestart() throws Exception {
        String pgTable = "nessie_rows_" + suffix;
        try (NessieCatalog catalog = Nessie.catalog("main", warehouse)) {
            catalog.createNamespace(Namespace.of(namespace));
            Table table = catalog.createTable(Nessie.table(namespace, "orders"), new Schema(
                    Types.NestedField.required(1, "id", Types.LongType.get()),
                    Types.NestedField.optional(2, "name", Types.StringType.get())));
            append(table, 0);
            SeenProbe.reset();
            String yaml = "source:\n  type: nessie\n  config:\n    baseURL: \"" + Nessie.baseUrl() + "\"\n    branch: main\n"
                    + "    namespace: " + namespace + "\n    table: orders\n    incrementalBySnapshot: true\n"
                    + "    pollInterval: 200ms\n    maxRowsPerPoll: 50\n"
                    + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                    + "    table: public." + pgTable + "\n    autoCreateTable: true\n    upsertMode: true\n    conflictKey: id\n"
                    + "    batchSize: 100\n    batchFlushIntervalSeconds: 1\n";
            JobClient job = MiniClusterJobs.start(yaml, "it-nessie-source", JobCompiler.withProbeAfterSource(
                    new SeenProbe(2 * BATCH + BATCH / 2)), 300, 3);
            try {
                LongSupplier rows = () -> count("SELECT count(*) FROM " + pgTable);
                awaitAtLeast(rows, BATCH);
                append(table, 1);
                awaitAtLeast(rows, 2 * BATCH);
                // two more checkpoints: the failure in snapshot 3 then restarts from a position behind snapshot 2
                long checkpoints = SeenProbe.CHECKPOINTS.get();
                awaitAtLeast(SeenProbe.CHECKPOINTS::get, checkpoints + 2);
                append(table, 2);
                awaitAtLeast(() -> FailOnceProbe.FAILED.get() ? rows.getAsLong() : 0, 3 * BATCH);
                Thread.sleep(1500); // a re-read of an old snapshot would show up by now
            } finally {
                job.cancel().get();
            }
            assertThat(FailOnceProbe.FAILED).as("the restart happened").isTrue();
            assertThat(count("SELECT count(*) FROM " + pgTable)).as("rows (lost?)").isEqualTo(3 * BATCH);
            assertThat(SeenProbe.SNAPSHOTS).as("one snapshot id per commit").hasSize(3);
            assertThat(SeenProbe.SEQUENCES).containsExactlyInAnyOrder(1L, 2L, 3L);
            assertThat(SeenProbe.AFTER_RESTART).as("rows read again after the restart").isNotEmpty()
                    .allSatisfy(id -> assertThat(id).as("no row of the finished snapshots 1 and 2").isGreaterThanOrEqualTo(2L * BATCH));
            assertThat(SeenProbe.AFTER_RESTART).as("each row once after the restart").doesNotHaveDuplicates();
        }
    }

    /**
     * Fails once like {@link FailOnceProbe} and records what the source emitted: snapshot ids and sequence numbers
     * from the metadata, and the ids seen before and after the restart. Static state: the MiniCluster runs in the
     * test JVM.
     */
    static final class SeenProbe extends org.apache.flink.api.common.functions.RichMapFunction<io.dataflow.flink.message.Message,
            io.dataflow.flink.message.Message> implements org.apache.flink.api.common.state.CheckpointListener {
        static final Set<Long> SNAPSHOTS = java.util.concurrent.ConcurrentHashMap.newKeySet();
        static final Set<Long> SEQUENCES = java.util.concurrent.ConcurrentHashMap.newKeySet();
        static final Set<Long> BEFORE_RESTART_IDS = java.util.concurrent.ConcurrentHashMap.newKeySet();
        static final List<Long> AFTER_RESTART = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        static final java.util.concurrent.atomic.AtomicLong CHECKPOINTS = new java.util.concurrent.atomic.AtomicLong();
        private final FailOnceProbe failOnce;

        SeenProbe(long failAfter) {
            this.failOnce = new FailOnceProbe(failAfter, 5);
        }

        static void reset() {
            FailOnceProbe.reset();
            SNAPSHOTS.clear();
            SEQUENCES.clear();
            BEFORE_RESTART_IDS.clear();
            AFTER_RESTART.clear();
            CHECKPOINTS.set(0);
        }

        @Override
        public io.dataflow.flink.message.Message map(io.dataflow.flink.message.Message m) throws Exception {
            boolean restarted = FailOnceProbe.FAILED.get();
            io.dataflow.flink.message.Message out = failOnce.map(m); // may throw: then the record does not count
            long id = m.json().get("id").asLong();
            SNAPSHOTS.add(((Number) m.metadata("snapshot_id")).longValue());
            SEQUENCES.add(((Number) m.metadata("snapshot_sequence")).longValue());
            if (restarted) {
                AFTER_RESTART.add(id);
            } else {
                BEFORE_RESTART_IDS.add(id);
            }
            return out;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            failOnce.notifyCheckpointComplete(checkpointId);
            CHECKPOINTS.incrementAndGet();
        }
    }

    @Test
    void rawModeWithFlattenedMetadataRoundTripsAsValueAndMetadata() throws Exception {
        String in = "nessie-rt-in-" + suffix;
        String out = "nessie-rt-out-" + suffix;
        Kafka.createTopic(in, 1);
        Kafka.createTopic(out, 1);
        Kafka.produce(in, 100, i -> "{\"id\":" + i + ",\"tags\":[\"x\"]}");
        String nessie = "  type: nessie\n  config:\n    baseURL: \"" + Nessie.baseUrl() + "\"\n    warehouse: \"" + warehouse + "\"\n"
                + "    namespace: " + namespace + "\n    table: events\n";
        MiniClusterJobs.run("source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + in
                + "\n    consumerGroup: it-" + in + "\n    bounded: true\nsink:\n" + nessie
                + "    autoCreateTable: true\n    rawMode: true\n    flattenMetadataColumns: true\n    flattenMetadataColumnsPrefix: kafka_\n",
                "it-nessie-rt-write", JobCompiler.create(), 500, 0);
        MiniClusterJobs.run("source:\n" + nessie + "    bounded: true\n"
                + "sink:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + out + "\n",
                "it-nessie-rt-read", JobCompiler.create(), 500, 0);

        List<String> values = Kafka.readAll(out);
        assertThat(values).hasSize(100);
        Set<Long> ids = new HashSet<>();
        for (String v : values) {
            JsonNode node = JSON.readTree(v);
            assertThat(node.fieldNames()).toIterable().containsExactlyInAnyOrder("value", "_metadata");
            ids.add(node.get("value").get("id").asLong());
            assertThat(node.get("value").get("tags").get(0).asText()).isEqualTo("x");
            JsonNode meta = node.get("_metadata");
            assertThat(meta.get("topic").asText()).isEqualTo(in);
            assertThat(meta.get("partition").isInt()).as("partition kept its int type").isTrue();
            assertThat(meta.get("offset").asLong()).isEqualTo(node.get("value").get("id").asLong());
            assertThat(meta.get("key").asText()).isEqualTo("k-" + node.get("value").get("id").asLong());
        }
        assertThat(ids).hasSize(100);
    }

    /** Appends batch {@code n} (ids n*BATCH … n*BATCH+BATCH-1) as one commit. */
    private void append(Table table, int n) throws Exception {
        table.refresh();
        String location = table.locationProvider().newDataLocation("batch-" + n + "-" + UUID.randomUUID() + ".parquet");
        DataWriter<Record> writer = Parquet.writeData(table.io().newOutputFile(location)).forTable(table)
                .createWriterFunc(GenericParquetWriter::buildWriter).overwrite().build();
        try (DataWriter<Record> w = writer) {
            for (int i = 0; i < BATCH; i++) {
                GenericRecord r = GenericRecord.create(table.schema());
                r.setField("id", (long) n * BATCH + i);
                r.setField("name", "row " + (n * BATCH + i));
                w.write(r);
            }
        }
        DataFile file = writer.toDataFile();
        table.newAppend().appendFile(file).commit();
    }

    private static long count(String sql) {
        try {
            return Postgres.count(sql);
        } catch (java.sql.SQLException e) {
            return -1; // the table is created by the sink's first batch
        }
    }

    private static void awaitAtLeast(LongSupplier value, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (value.getAsLong() < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 60 s for " + expected + ", have " + value.getAsLong());
            }
            Thread.sleep(100);
        }
    }

}
