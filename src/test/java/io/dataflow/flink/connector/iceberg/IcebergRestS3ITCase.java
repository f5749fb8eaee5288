package io.dataflow.flink.connector.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.S3;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code type: iceberg} against Iceberg's reference REST catalog whose warehouse is in S3 (S3Proxy): the catalog
 * writes table metadata to the bucket, the connector writes data files and manifests there with the manifest's S3
 * fields; every record lands once, the files are objects in the bucket, and the source reads the table back.
 */
@RealServers({Server.KAFKA, Server.S3, Server.ICEBERG_REST_S3})
class IcebergRestS3ITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 2_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static String catalogUri() {
        return "http://127.0.0.1:" + RealServersExtension.port(Server.ICEBERG_REST_S3);
    }

    private static String catalogYaml(String namespace) {
        return "  type: iceberg\n  config:\n    catalogURI: \"" + catalogUri() + "\"\n    bearerToken: dataflow-test-token\n"
                + "    namespace: " + namespace + "\n    table: events\n" + S3.configYaml();
    }

    @Test
    void kafkaToIcebergOnS3AndBack() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String in = "iceberg-s3-in-" + suffix;
        String out = "iceberg-s3-out-" + suffix;
        String namespace = "it_rest_s3_" + suffix;
        Kafka.createTopic(in, 2);
        Kafka.createTopic(out, 1);
        Kafka.produce(in, RECORDS, i -> "{\"id\":" + i + "}");

        MiniClusterJobs.run("source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + in
                        + "\n    consumerGroup: it-" + in + "\n    bounded: true\nsink:\n" + catalogYaml(namespace)
                        + "    autoCreateTable: true\n",
                "it-iceberg-s3-write", JobCompiler.create(), 300, 0);

        Set<String> dataFiles = new HashSet<>();
        try (RESTCatalog rest = open()) {
            Table table = rest.loadTable(TableIdentifier.of(Namespace.of(namespace), "events"));
            assertThat(table.location()).startsWith("s3://" + S3.BUCKET + "/iceberg-rest/");
            List<Record> rows = Nessie.rows(table);
            assertThat(rows).hasSize(RECORDS);
            assertThat(rows.stream().map(r -> r.getField("data")).distinct().count()).isEqualTo(RECORDS);
            int snapshots = 0;
            Set<String> checkpoints = new HashSet<>();
            for (Snapshot s : table.snapshots()) {
                snapshots++;
                checkpoints.add(s.summary().get("dataflow.checkpoint-id"));
            }
            assertThat(checkpoints).as("one snapshot per checkpoint").hasSize(snapshots).doesNotContainNull();
            try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
                tasks.forEach(t -> dataFiles.add(t.file().location()));
            }
        }
        List<String> keys = S3.keys("iceberg-rest/" + namespace + "/");
        assertThat(dataFiles).isNotEmpty();
        assertThat(keys).as("data files written by the connector are objects in the bucket")
                .containsAll(dataFiles.stream().map(f -> f.substring(("s3://" + S3.BUCKET + "/").length())).toList());
        assertThat(keys).as("table metadata written by the catalog").anyMatch(k -> k.endsWith(".metadata.json"));

        MiniClusterJobs.run("source:\n" + catalogYaml(namespace) + "    incrementalBySnapshot: true\n    bounded: true\n"
                        + "sink:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + out + "\n",
                "it-iceberg-s3-read", JobCompiler.create(), 300, 0);
        List<String> values = Kafka.readAll(out);
        Set<Long> ids = new HashSet<>();
        for (String v : values) {
            JsonNode row = JSON.readTree(v);
            ids.add(JSON.readTree(row.get("data").asText()).get("id").asLong());
        }
        assertThat(values).hasSize(RECORDS);
        assertThat(ids).hasSize(RECORDS);
    }

    /** The connector's own way in: validated settings (S3 fields included) and IcebergRestCatalogs. */
    private static RESTCatalog open() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues config = ConfigValidator.validate("sink.config", JSON.readTree(("{'catalogURI':'" + catalogUri()
                + "','namespace':'n','table':'t','bearerToken':'dataflow-test-token','s3Endpoint':'" + S3.endpoint()
                + "','s3Region':'" + S3.REGION + "','accessKey':'" + S3.ACCESS_KEY + "','secretAccessKey':'" + S3.SECRET_KEY
                + "'}").replace('\'', '"')), IcebergRestOptions.SINK, errors);
        assertThat(errors.list()).isEmpty();
        return IcebergRestCatalogs.open(IcebergRestSettings.from(config));
    }
}
