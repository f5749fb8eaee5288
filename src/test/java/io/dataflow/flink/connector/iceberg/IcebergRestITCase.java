package io.dataflow.flink.connector.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code type: iceberg} against Apache Iceberg's reference REST catalog server (scripts/servers/iceberg-rest-start.sh):
 * the three ways to authenticate, and Kafka → Iceberg → Kafka with one commit per checkpoint.
 */
@RealServers({Server.ICEBERG_REST, Server.KAFKA})
class IcebergRestITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 2_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private String suffix;

    @BeforeEach
    void names() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
    }

    private static String catalogUri() {
        return "http://127.0.0.1:" + RealServersExtension.port(Server.ICEBERG_REST);
    }

    private static RESTCatalog open(String authJson) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues config = ConfigValidator.validate("sink.config", JSON.readTree(("{'catalogURI':'" + catalogUri()
                + "','namespace':'n','table':'t'" + authJson + "}").replace('\'', '"')), IcebergRestOptions.SINK, errors);
        assertThat(errors.list()).isEmpty();
        return IcebergRestCatalogs.open(IcebergRestSettings.from(config));
    }

    @Test
    void bearerOAuth2AndBasicCredentialsReachTheCatalogAndWrongOnesFailClearly() throws Exception {
        for (String auth : List.of(",'bearerToken':'dataflow-test-token'",
                ",'oauth2ClientID':'dataflow-test-client','oauth2ClientSecret':'s3cret'",
                ",'basicAuth':{'username':'dataflow','password':'dataflow-test-password'}")) {
            try (RESTCatalog catalog = open(auth)) {
                assertThat(catalog.listNamespaces()).as(auth).isNotNull();
            }
        }
        assertThatThrownBy(() -> open(",'bearerToken':'wrong-token'"))
                .hasMessageContaining("Iceberg REST catalog " + catalogUri())
                .hasMessageContaining("Not authorized")
                .satisfies(e -> assertThat(org.apache.flink.util.ExceptionUtils.stringifyException(e)).doesNotContain("wrong-token"));
        assertThatThrownBy(() -> open("")).hasMessageContaining("auth NONE").hasMessageContaining("Not authorized");
    }

    @Test
    void kafkaToIcebergAndBackCommitsOncePerCheckpoint() throws Exception {
        String in = "iceberg-rest-in-" + suffix;
        String out = "iceberg-rest-out-" + suffix;
        String namespace = "it_rest_" + suffix;
        Kafka.createTopic(in, 2);
        Kafka.createTopic(out, 1);
        Kafka.produce(in, RECORDS, i -> "{\"id\":" + i + "}");
        String catalog = "  type: iceberg\n  config:\n    catalogURI: \"" + catalogUri() + "\"\n"
                + "    namespace: " + namespace + "\n    table: events\n";
        MiniClusterJobs.run("source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + in
                        + "\n    consumerGroup: it-" + in + "\n    bounded: true\nsink:\n" + catalog
                        + "    bearerToken: dataflow-test-token\n    autoCreateTable: true\n    rawMode: true\n",
                "it-iceberg-rest-write", JobCompiler.create(), 300, 0);
        MiniClusterJobs.run("source:\n" + catalog + "    oauth2ClientID: dataflow-test-client\n    oauth2ClientSecret: s3cret\n"
                        + "    incrementalBySnapshot: true\n    bounded: true\n    maxRowsPerPoll: 300\n"
                        + "sink:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + out + "\n",
                "it-iceberg-rest-read", JobCompiler.create(), 300, 0);

        List<String> values = Kafka.readAll(out);
        Set<Long> ids = new HashSet<>();
        for (String v : values) {
            JsonNode row = JSON.readTree(v);
            ids.add(JSON.readTree(row.get("data").asText()).get("id").asLong());
            assertThat(JSON.readTree(row.get("_metadata").asText()).get("topic").asText()).isEqualTo(in);
        }
        assertThat(values).hasSize(RECORDS);
        assertThat(ids).hasSize(RECORDS);
        try (RESTCatalog rest = open(",'bearerToken':'dataflow-test-token'")) {
            Table table = rest.loadTable(TableIdentifier.of(Namespace.of(namespace), "events"));
            Set<String> checkpoints = new HashSet<>();
            int snapshots = 0;
            for (Snapshot s : table.snapshots()) {
                snapshots++;
                checkpoints.add(s.summary().get("dataflow.checkpoint-id"));
            }
            assertThat(checkpoints).as("one snapshot per checkpoint").hasSize(snapshots).doesNotContainNull();
        }
    }
}
