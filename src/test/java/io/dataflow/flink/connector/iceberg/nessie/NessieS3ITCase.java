package io.dataflow.flink.connector.iceberg.nessie;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.CheckpointDataProbe;
import io.dataflow.flink.testing.FailOnceProbe;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.S3;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.nessie.NessieCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka → Nessie with an {@code s3://} warehouse on a real S3-compatible server (S3Proxy) and a real Nessie: every
 * record once in the table across an injected failure, data and metadata files in the bucket (seen with a plain S3
 * client), and the table read back through the Nessie source.
 */
@RealServers({Server.KAFKA, Server.NESSIE, Server.S3})
class NessieS3ITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 3_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private String suffix;
    private String warehousePrefix;
    private String warehouse;

    @BeforeEach
    void names() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        warehousePrefix = "nessie-it-" + suffix;
        warehouse = "s3://" + S3.BUCKET + "/" + warehousePrefix;
    }

    private String nessie(String namespace) {
        return "  type: nessie\n  config:\n    baseURL: \"" + Nessie.baseUrl() + "\"\n    warehouse: \"" + warehouse + "\"\n"
                + "    namespace: " + namespace + "\n    table: events\n    authenticationType: NONE\n" + S3.configYaml();
    }

    @Test
    void kafkaToNessieOnS3IsExactlyOnceAcrossAFailureAndReadsBack() throws Exception {
        String in = "nessie-s3-in-" + suffix;
        String out = "nessie-s3-out-" + suffix;
        String namespace = "it_s3_" + suffix;
        Kafka.createTopic(in, 2);
        Kafka.createTopic(out, 1);
        Kafka.produce(in, RECORDS, i -> "{\"id\":" + i + "}");
        CheckpointDataProbe.reset();

        MiniClusterJobs.run("source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + in
                        + "\n    consumerGroup: it-" + in + "\n    bounded: true\nsink:\n" + nessie(namespace) + "    autoCreateTable: true\n",
                // ~1 ms pause every 2 records: the stream lasts over a second, so checkpoints complete before the failure
                "it-nessie-s3-write", JobCompiler.withProbeAfterSource(new CheckpointDataProbe(RECORDS / 2, 2)), 200, 3);

        assertThat(FailOnceProbe.FAILED).as("the failure was injected").isTrue();
        Set<String> dataFiles = new HashSet<>();
        try (NessieCatalog catalog = Nessie.catalog("main", warehouse, S3.fileIoProperties())) {
            Table table = catalog.loadTable(Nessie.table(namespace, "events"));
            assertThat(table.location()).startsWith(warehouse + "/");
            List<Record> rows = Nessie.rows(table);
            assertThat(rows.stream().map(r -> (String) r.getField("data")).collect(Collectors.toSet())).as("lost").hasSize(RECORDS);
            assertThat(rows).as("duplicated").hasSize(RECORDS);
            List<Snapshot> snapshots = Nessie.lineage(table);
            assertThat(snapshots.stream().map(s -> Long.parseLong(s.summary().get("dataflow.checkpoint-id"))).collect(Collectors.toSet()))
                    .as("snapshots = completed checkpoints that had data").isEqualTo(new TreeSet<>(CheckpointDataProbe.COMPLETED_WITH_DATA))
                    .hasSize(snapshots.size());
            assertThat(snapshots.size()).as("several checkpoints committed").isGreaterThan(1);
            try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
                for (FileScanTask task : tasks) {
                    DataFile file = task.file();
                    dataFiles.add(file.location());
                }
            }
        }
        List<String> keys = S3.keys(warehousePrefix + "/");
        assertThat(dataFiles).as("the table's data files").isNotEmpty()
                .allSatisfy(f -> assertThat(f).startsWith(warehouse + "/" + namespace + "/events"));
        assertThat(keys).as("every committed data file is an object in the bucket")
                .containsAll(dataFiles.stream().map(f -> f.substring(("s3://" + S3.BUCKET + "/").length())).toList());
        assertThat(keys).as("table metadata in the bucket").anyMatch(k -> k.endsWith(".metadata.json"));
        // not asserted: that no pre-commit manifest is left behind. A checkpoint that the injected failure interrupts
        // after its manifest was written leaves that file unreferenced (docs/ICEBERG.md, known limits)
        System.out.printf("nessie on s3: %d records, %d data files, %d objects under %s%n", RECORDS, dataFiles.size(), keys.size(), warehouse);

        MiniClusterJobs.run("source:\n" + nessie(namespace) + "    bounded: true\n    incrementalBySnapshot: true\n"
                        + "sink:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + out + "\n",
                "it-nessie-s3-read", JobCompiler.create(), 500, 0);
        List<String> values = Kafka.readAll(out);
        Set<Long> ids = new HashSet<>();
        for (String v : values) {
            JsonNode row = JSON.readTree(v);
            ids.add(JSON.readTree(row.get("data").asText()).get("id").asLong());
        }
        assertThat(values).as("read back once each").hasSize(RECORDS);
        assertThat(ids).hasSize(RECORDS);
    }
}
