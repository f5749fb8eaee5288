package io.dataflow.flink.docs;

import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.manifest.SecretResolver;

import io.dataflow.flink.config.SecretMasker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dataflow.flink.testing.JsonSchemas;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/manifest.schema.json is generated from the declared options and is what editors check manifests with:
 * it must be current, accept every example manifest (and the ones embedded in jobs/k8s), and reject what the
 * parser rejects — an unknown connector type, a wrong enum value, an unknown option, a missing required field.
 */
class ManifestJsonSchemaTest {

    private static final Path PROJECT = Path.of(System.getProperty("dataflow.project.dir", System.getProperty("user.dir")));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonSchemas SCHEMA = JsonSchemas.draft7(ManifestJsonSchema.schema());

    @Test
    void committedSchemaMatchesTheCode() throws IOException {
        Path file = PROJECT.resolve(ManifestJsonSchema.FILE);
        String generated = ManifestJsonSchema.json();
        if (Boolean.getBoolean("docs.update")) {
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(file)).as(ManifestJsonSchema.FILE + " exists (regenerate with -Ddocs.update=true)").isTrue();
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .as(ManifestJsonSchema.FILE + " is stale: mvn -q test -Dtest=ManifestJsonSchemaTest -Ddocs.update=true")
                .isEqualTo(generated);
    }

    @Test
    void everyExampleManifestIsValid() throws IOException {
        List<Path> examples = yamlFiles(PROJECT.resolve("jobs/examples"));
        assertThat(examples).isNotEmpty();
        for (Path example : examples) {
            assertThat(SCHEMA.errors(YAML.readTree(example.toFile()))).as(example.toString()).isEmpty();
        }
    }

    @Test
    void everyManifestEmbeddedInAKubernetesConfigMapIsValid() throws IOException {
        List<Path> files = yamlFiles(PROJECT.resolve("jobs/k8s"));
        int manifests = 0;
        for (Path file : files) {
            for (JsonNode doc : YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll()) {
                if (doc.path("kind").asText().equals("ConfigMap")) {
                    for (JsonNode text : doc.path("data")) {
                        assertThat(SCHEMA.errors(YAML.readTree(text.asText()))).as(file.toString()).isEmpty();
                        manifests++;
                    }
                }
            }
        }
        assertThat(manifests).as("manifests in jobs/k8s ConfigMaps").isEqualTo(files.size());
    }

    @Test
    void bareSpecWithSecretRefsAndStringNumbersIsValid() throws IOException {
        String manifest = """
                source:
                  type: kafka
                  config:
                    brokersSecretRef: {name: kafka-conn, key: brokers}
                    topic: orders
                    securityProtocol: ${env:KAFKA_PROTOCOL}
                transformations:
                  - type: mask
                    when: "status == 'new'"
                    config: {fields: [customer]}
                sink:
                  type: postgresql
                  config:
                    connectionStringSecretRef: {name: pg, key: url}
                    table: public.orders
                    batchSize: "500"
                    upsertMode: "TRUE"
                    batchFlushIntervalSeconds: 2
                errors:
                  type: kafka
                  ackPolicy: AfterWrite
                  config: {brokers: "a:9092,b:9092", topic: orders.errors}
                replicas: 2
                checkpointSaveInterval: 1m30s
                """;
        assertThat(SCHEMA.errors(YAML.readTree(manifest))).isEmpty();
        assertThatParserAccepts(manifest);
    }

    @Test
    void unknownSinkTypeIsRejected() throws IOException {
        List<String> errors = SCHEMA.errors(YAML.readTree(MINIMAL.replace("type: postgresql", "type: mongodb")));
        assertThat(errors).anyMatch(e -> e.startsWith("/sink/type"));
    }

    @Test
    void wrongEnumValueIsRejected() throws IOException {
        List<String> errors = SCHEMA.errors(YAML.readTree(MINIMAL + "    upsertStrategy: sometimes\n"));
        assertThat(errors).anyMatch(e -> e.startsWith("/sink/config/upsertStrategy"));
        assertThat(SCHEMA.errors(YAML.readTree(MINIMAL + "    upsertStrategy: IfNewer\n"))).as("enums match in any case, as in the parser").isEmpty();
    }

    @Test
    void unknownOptionMissingRequiredFieldAndWrongTypeAreRejected() throws IOException {
        assertThat(SCHEMA.errors(YAML.readTree(MINIMAL + "    tabel: x\n"))).anyMatch(e -> e.startsWith("/sink/config"));
        assertThat(SCHEMA.errors(YAML.readTree(MINIMAL.replace("    connectionString: postgres://u@h/db\n", ""))))
                .as("connectionString or connectionStringSecretRef is required").anyMatch(e -> e.startsWith("/sink/config"));
        assertThat(SCHEMA.errors(YAML.readTree(MINIMAL + "    batchSize: many\n"))).anyMatch(e -> e.startsWith("/sink/config/batchSize"));
        assertThat(SCHEMA.errors(YAML.readTree(MINIMAL + "replicas: \"2\"\n"))).as("top-level numbers are strict in the parser")
                .anyMatch(e -> e.startsWith("/replicas"));
    }

    @Test
    void resourceFormNeedsMetadataNameAndTheRightApiVersion() throws IOException {
        String resource = "apiVersion: " + ManifestParser.API_VERSION + "\nkind: DataFlow\nmetadata: {name: orders}\nspec:\n"
                + MINIMAL.indent(2);
        assertThat(SCHEMA.errors(YAML.readTree(resource))).isEmpty();
        assertThat(SCHEMA.errors(YAML.readTree(resource.replace("metadata: {name: orders}", "metadata: {labels: {a: b}}"))))
                .anyMatch(e -> e.startsWith("/metadata"));
        assertThat(SCHEMA.errors(YAML.readTree(resource.replace(ManifestParser.API_VERSION, "dataflow.dataflow.io/v2"))))
                .anyMatch(e -> e.startsWith("/apiVersion"));
        assertThat(SCHEMA.errors(YAML.readTree(resource + "  schedule: \"*/5 * * * *\"\n"))).as("schedule only in a DataFlowCron")
                .anyMatch(e -> e.startsWith("/spec"));
        assertThat(SCHEMA.errors(YAML.readTree(resource.replace("kind: DataFlow", "kind: DataFlowCron") + "  schedule: \"*/5 * * * *\"\n")))
                .isEmpty();
    }

    @Test
    void routeSinksAreCheckedAsSinks() throws IOException {
        String routed = MINIMAL + """
                transformations:
                  - type: router
                    config:
                      routes:
                        - condition: "a == 1"
                          sink: {type: kafka, config: {brokers: [h:9092], topic: t, nope: 1}}
                """;
        assertThat(SCHEMA.errors(YAML.readTree(routed))).anyMatch(e -> e.startsWith("/transformations/0/config/routes/0/sink/config"));
    }

    @Test
    void testOnlyConnectorsAndTransformationsAreNotInTheSchema() {
        String json = ManifestJsonSchema.json();
        assertThat(json).doesNotContain("test only").doesNotContain("\"failIf\"");
    }

    private static final String MINIMAL = """
            source:
              type: kafka
              config: {brokers: ["h:9092"], topic: t}
            sink:
              type: postgresql
              config:
                table: public.t
                connectionString: postgres://u@h/db
            """;

    private static void assertThatParserAccepts(String manifest) throws IOException {
        // The schema must not be stricter than the parser: the same text passes the real validation too.
        Path secrets = Files.createTempDirectory("schema-secrets");
        Files.createDirectories(secrets.resolve("kafka-conn"));
        Files.createDirectories(secrets.resolve("pg"));
        Files.writeString(secrets.resolve("kafka-conn/brokers"), "h:9092");
        Files.writeString(secrets.resolve("pg/url"), "postgres://u@h/db");
        ManifestParser parser = new ManifestParser(new SecretResolver(secrets, name -> "PLAINTEXT", new SecretMasker()), new SecretMasker());
        assertThat(parser.parse(manifest, "t").name()).isEqualTo("t");
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }
}
