package io.dataflow.flink.connector.iceberg.nessie;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.S3;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Table;
import org.apache.iceberg.nessie.NessieCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A nessie sink with an {@code s3://} warehouse and no S3 keys in the manifest, as the original allowed (its processor
 * then had no AWS key variables and the SDK found credentials itself): the keys come from the AWS SDK's default
 * credential chain where the job runs. Here that is its system-property step ({@code aws.accessKeyId},
 * {@code aws.secretAccessKey}), the one a MiniCluster in this JVM shares with the test; the other steps read the
 * process environment, files and metadata services, which one JVM cannot give two tests differently. With the chain
 * empty the job fails naming the sink and the chain's steps.
 */
@RealServers({Server.KAFKA, Server.NESSIE, Server.S3})
class NessieS3DefaultCredentialsITCase {

    private static final int RECORDS = 500;
    /** The SDK's system properties this test sets; each is restored afterwards (other tests share the JVM). */
    private static final List<String> AWS_PROPERTIES = List.of("aws.accessKeyId", "aws.secretAccessKey",
            "aws.sharedCredentialsFile", "aws.configFile", "aws.disableEc2Metadata");

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private final Map<String, String> saved = new HashMap<>();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String warehouse = "s3://" + S3.BUCKET + "/nessie-default-chain-" + suffix;

    @TempDir
    Path work;

    @AfterEach
    void restoreProperties() {
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    private void set(String property, String value) {
        saved.putIfAbsent(property, System.getProperty(property));
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    /** Kafka → nessie on S3 with s3Endpoint and s3Region, but no accessKey/secretAccessKey. */
    private String manifest(String topic, String namespace) {
        return "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic
                + "\n    consumerGroup: it-" + topic + "\n    bounded: true\n"
                + "sink:\n  type: nessie\n  config:\n    baseURL: \"" + Nessie.baseUrl() + "\"\n    warehouse: \"" + warehouse + "\"\n"
                + "    namespace: " + namespace + "\n    table: events\n    authenticationType: NONE\n    autoCreateTable: true\n"
                + "    s3Endpoint: \"" + S3.endpoint() + "\"\n    s3Region: " + S3.REGION + "\n";
    }

    @Test
    void withoutKeysTheSinkWritesWithTheCredentialsOfTheDefaultChain() throws Exception {
        String topic = "nessie-chain-" + suffix;
        String namespace = "it_chain_" + suffix;
        Kafka.createTopic(topic, 1);
        Kafka.produce(topic, RECORDS, i -> "{\"id\":" + i + "}");
        set("aws.accessKeyId", S3.ACCESS_KEY);
        set("aws.secretAccessKey", S3.SECRET_KEY);

        MiniClusterJobs.run(manifest(topic, namespace), "it-nessie-default-chain", JobCompiler.create(), 200, 0);

        try (NessieCatalog catalog = Nessie.catalog("main", warehouse, S3.fileIoProperties())) {
            Table table = catalog.loadTable(Nessie.table(namespace, "events"));
            assertThat(Nessie.rows(table)).hasSize(RECORDS);
        }
        assertThat(S3.keys("nessie-default-chain-" + suffix + "/" + namespace + "/"))
                .as("data and metadata files written with the chain's keys").anyMatch(k -> k.endsWith(".parquet"))
                .anyMatch(k -> k.endsWith(".metadata.json"));
    }

    @Test
    void anEmptyChainFailsNamingTheSinkAndTheChain() throws Exception {
        String topic = "nessie-no-chain-" + suffix;
        Kafka.createTopic(topic, 1);
        Kafka.produce(topic, 10, i -> "{\"id\":" + i + "}");
        set("aws.accessKeyId", null);
        set("aws.secretAccessKey", null);
        // the chain's other steps made empty here whatever the machine has: no profile files, no instance metadata
        set("aws.sharedCredentialsFile", work.resolve("no-credentials").toString());
        set("aws.configFile", work.resolve("no-config").toString());
        set("aws.disableEc2Metadata", "true");

        assertThatThrownBy(() -> MiniClusterJobs.run(manifest(topic, "it_no_chain_" + suffix), "it-nessie-no-chain",
                JobCompiler.create(), 200, 0))
                .satisfies(e -> assertThat(messages(e))
                        .contains("nessie connector at sink.config")
                        .contains("without accessKey/secretAccessKey uses the AWS SDK's default credential chain")
                        .contains("AWS_WEB_IDENTITY_TOKEN_FILE", "aws.accessKeyId", "AWS_SHARED_CREDENTIALS_FILE")
                        .contains("Set accessKeySecretRef and secretAccessKeySecretRef"));
        assertThat(S3.keys("nessie-default-chain-" + suffix + "/")).as("nothing written").isEmpty();
    }

    private static String messages(Throwable e) {
        List<String> all = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.add(String.valueOf(t.getMessage()));
        }
        return String.join("\n", all);
    }
}
