package io.dataflow.flink.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.manifest.SecretResolver;
import io.dataflow.flink.testing.JsonSchemas;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jobs/k8s/*.yaml: what the {@code k8s} command prints for each example, and current; every FlinkDeployment valid against the CRD schema
 * the Flink Kubernetes operator publishes (org.apache.flink:flink-kubernetes-operator-api:1.10.0,
 * META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml) and against the operator's own upgrade rules; every
 * embedded manifest valid for the project's parser with its secrets mounted, and matching the SHA-256 in args.
 */
class K8sDeploymentsTest {

    private static final Path PROJECT = Path.of(System.getProperty("dataflow.project.dir", System.getProperty("user.dir")));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String CRD = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";
    private static final JsonSchemas FLINK_DEPLOYMENT = JsonSchemas.draft7(asKubernetesChecksIt(crdSchema()));

    @BeforeAll
    static void regenerateWhenAsked() throws IOException {
        // Before every test, so that the other tests read the regenerated files whatever order they run in.
        if (Boolean.getBoolean("docs.update")) {
            for (Path example : K8sDeployments.examples(PROJECT)) {
                Files.writeString(PROJECT.resolve(K8sDeployments.OUTPUT).resolve(example.getFileName()), commandOutput(example), StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void committedDeploymentsMatchTheExamples() throws IOException {
        List<String> expected = new ArrayList<>();
        for (Path example : K8sDeployments.examples(PROJECT)) {
            Path file = PROJECT.resolve(K8sDeployments.OUTPUT).resolve(example.getFileName());
            expected.add(file.getFileName().toString());
            assertThat(Files.exists(file)).as(file + " exists (mvn -q test -Dtest=K8sDeploymentsTest -Ddocs.update=true)").isTrue();
            assertThat(Files.readString(file, StandardCharsets.UTF_8))
                    .as(file + " is stale: mvn -q test -Dtest=K8sDeploymentsTest -Ddocs.update=true")
                    .isEqualTo(commandOutput(example));
        }
        assertThat(deploymentFiles().stream().map(p -> p.getFileName().toString()).toList())
                .as("every file in jobs/k8s comes from an example").containsExactlyElementsOf(expected);
    }

    @Test
    void everyFlinkDeploymentIsValidForTheOperator() throws IOException {
        for (Path file : deploymentFiles()) {
            JsonNode deployment = document(file, "FlinkDeployment");
            assertThat(FLINK_DEPLOYMENT.errors(deployment)).as(file + " against the FlinkDeployment CRD").isEmpty();
            assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
            assertThat(deployment.at("/metadata/name").asText()).as("a DNS-1035 label (it names Services)").matches("[a-z]([-a-z0-9]{0,43}[a-z0-9])?");
            JsonNode spec = deployment.path("spec");
            assertThat(spec.path("flinkVersion").asText()).isEqualTo("v1_20");
            assertThat(spec.at("/job/jarURI").asText()).isEqualTo(K8sDeployments.JAR_URI);
            assertThat(spec.at("/job/upgradeMode").asText()).isEqualTo("savepoint");
            // The operator's DefaultValidator refuses a savepoint upgrade mode without these two directories.
            assertThat(spec.at("/flinkConfiguration/state.checkpoints.dir").asText()).isNotBlank();
            assertThat(spec.at("/flinkConfiguration/state.savepoints.dir").asText()).isNotBlank();
            assertThat(spec.at("/flinkConfiguration/metrics.reporter.prom.factory.class").asText())
                    .isEqualTo("io.dataflow.flink.metrics.DataflowPrometheusReporterFactory");
        }
    }

    @Test
    void everyEmbeddedManifestIsValidWithItsSecretsAndMatchesItsHash(@TempDir Path secretsRoot) throws Exception {
        for (Path example : K8sDeployments.examples(PROJECT)) {
            Path file = PROJECT.resolve(K8sDeployments.OUTPUT).resolve(example.getFileName());
            K8sDeployments.Deployment generated = K8sDeployments.generate(example);
            JsonNode configMap = document(file, "ConfigMap");
            JsonNode spec = document(file, "FlinkDeployment").path("spec");
            String manifest = configMap.at("/data/" + K8sDeployments.MANIFEST_KEY).asText();

            // What Kubernetes mounts is the parsed value of the block scalar: that text must carry the hash in args.
            List<String> args = new ArrayList<>();
            spec.at("/job/args").forEach(a -> args.add(a.asText()));
            assertThat(args).containsExactly("run", K8sDeployments.MANIFEST_DIR + "/" + K8sDeployments.MANIFEST_KEY,
                    "--manifest-sha256", K8sDeployments.sha256(manifest));
            assertThat(manifest).as("no inline connection settings").doesNotContain("127.0.0.1").doesNotContain("postgres://");

            // Mounts: the ConfigMap at the manifest dir, the Secret under the secrets dir as <name>/<key> files.
            JsonNode pod = spec.at("/podTemplate/spec");
            assertThat(volume(pod, "manifest").at("/configMap/name").asText()).isEqualTo(configMap.at("/metadata/name").asText());
            assertThat(mountPath(pod, "manifest")).isEqualTo(K8sDeployments.MANIFEST_DIR);
            String secretName = volume(pod, "connections").at("/secret/secretName").asText();
            assertThat(secretName).isEqualTo(generated.secretName());
            assertThat(mountPath(pod, "connections")).isEqualTo(SecretResolver.DEFAULT_SECRETS_DIR + "/" + secretName);

            // Mount the example's own values as the Secret would, and validate as the job's main() does.
            Path secretsDir = secretsRoot.resolve(generated.name());
            Files.createDirectories(secretsDir.resolve(secretName));
            for (Map.Entry<String, String> secret : generated.secretValues().entrySet()) {
                Files.writeString(secretsDir.resolve(secretName).resolve(secret.getKey()), secret.getValue());
            }
            Manifest parsed = ManifestParser.forEnvironment(secretsDir).parse(manifest, "unused");
            Manifest original = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(example);
            assertThat(parsed.name()).isEqualTo(generated.name()).isEqualTo(original.name());
            // ConfigValues equality compares the values themselves (toString masks secrets).
            assertThat(parsed.source().config()).as("the same source settings once secrets are read").isEqualTo(original.source().config());
            assertThat(parsed.sink().config()).as("the same sink settings once secrets are read").isEqualTo(original.sink().config());
            assertThat(parsed.routes()).as("the same routes").isEqualTo(original.routes());
            assertThat(parsed.errorSink()).as("the same error sink").isEqualTo(original.errorSink());
            assertThat(spec.at("/job/parallelism").asInt()).isEqualTo(parsed.settings().parallelism());
        }
    }

    @Test
    void aSuspendedManifestBecomesASuspendedFlinkDeploymentOrCronJob(@TempDir Path dir) throws IOException {
        String example = Files.readString(PROJECT.resolve(K8sDeployments.EXAMPLES).resolve("kafka-to-postgres.yaml"));
        Path suspended = dir.resolve("suspended.yaml");
        assertThat(example).contains("\nspec:\n  ");
        Files.writeString(suspended, example.replace("\nspec:\n", "\nspec:\n  maintenance: {suspended: true}\n"));
        Path file = dir.resolve("out.yaml");
        Files.writeString(file, K8sDeployments.generate(suspended).yaml());
        JsonNode deployment = document(file, "FlinkDeployment");
        assertThat(FLINK_DEPLOYMENT.errors(deployment)).as("against the operator's CRD").isEmpty();
        assertThat(deployment.at("/spec/job/state").asText()).isEqualTo("suspended");
        assertThat(deployment.at("/spec/job/upgradeMode").asText()).as("the stop keeps the state").isEqualTo("savepoint");

        Path cron = dir.resolve("cron.yaml");
        Files.writeString(cron, "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlowCron\nmetadata: {name: nightly}\nspec:\n"
                + "  schedule: \"0 2 * * *\"\n  maintenance: {suspended: true}\n"
                + "  source: {type: kafka, config: {brokers: [\"127.0.0.1:9092\"], topic: t}}\n"
                + "  sink: {type: kafka, config: {brokers: [\"127.0.0.1:9092\"], topic: u}}\n");
        Path cronFile = dir.resolve("cron-out.yaml");
        Files.writeString(cronFile, K8sDeployments.generate(cron).yaml());
        assertThat(document(cronFile, "CronJob").at("/spec/suspend").asBoolean()).isTrue();
    }

    @Test
    void theSchemaRejectsAWrongFlinkDeployment() throws IOException {
        ObjectNode good = (ObjectNode) document(deploymentFiles().get(0), "FlinkDeployment");
        assertThat(FLINK_DEPLOYMENT.errors(good)).isEmpty();

        ObjectNode wrong = good.deepCopy();
        ((ObjectNode) wrong.path("spec")).put("flinkVersion", "v1_99");
        ((ObjectNode) wrong.at("/spec/job")).put("upgradeMode", "sometimes");
        ((ObjectNode) wrong.at("/spec/job")).put("jarUri", "typo.jar");
        ((ObjectNode) wrong.at("/spec/flinkConfiguration")).put("taskmanager.numberOfTaskSlots", 2);
        assertThat(FLINK_DEPLOYMENT.errors(wrong)).anyMatch(e -> e.startsWith("/spec/flinkVersion"))
                .anyMatch(e -> e.startsWith("/spec/job/upgradeMode"))
                .anyMatch(e -> e.contains("jarUri"))
                .anyMatch(e -> e.startsWith("/spec/flinkConfiguration/taskmanager.numberOfTaskSlots"));
    }

    @Test
    void theDockerfileBuildsTheImageTheDeploymentsRun() throws IOException {
        String dockerfile = Files.readString(PROJECT.resolve("Dockerfile"));
        assertThat(dockerfile).contains("FROM flink:1.20.5-java17")
                .contains("target/dataflow-flink.jar " + K8sDeployments.JAR_URI.substring("local://".length()))
                // the reporter the deployments name loads from Flink's Prometheus plugin directory (ReporterPluginITCase)
                .contains("ln -s " + K8sDeployments.JAR_URI.substring("local://".length()) + " /opt/flink/plugins/metrics-prometheus/")
                // a DataFlowCron's `java -jar` run maps the class-data archive written in the image for that jar
                .contains("RUN java -jar " + K8sDeployments.JAR_URI.substring("local://".length()) + " class-archive");
    }

    /** What {@code java -jar dataflow-flink.jar k8s <example>} prints: jobs/k8s/ holds exactly that. */
    private static String commandOutput(Path example) {
        K8sCronJobsTest.Output result = K8sCronJobsTest.k8s(example.toString());
        assertThat(result.code()).as("k8s " + example + ": " + result.err()).isZero();
        return result.out();
    }

    private static List<Path> deploymentFiles() throws IOException {
        try (Stream<Path> files = Files.list(PROJECT.resolve(K8sDeployments.OUTPUT))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static JsonNode document(Path file, String kind) throws IOException {
        List<JsonNode> matches = new ArrayList<>();
        for (JsonNode doc : YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll()) {
            if (doc.path("kind").asText().equals(kind)) {
                matches.add(doc);
            }
        }
        assertThat(matches).as("one " + kind + " in " + file).hasSize(1);
        return matches.get(0);
    }

    private static JsonNode volume(JsonNode podSpec, String name) {
        for (JsonNode v : podSpec.path("volumes")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static String mountPath(JsonNode podSpec, String volume) {
        for (JsonNode container : podSpec.path("containers")) {
            for (JsonNode mount : container.path("volumeMounts")) {
                if (mount.path("name").asText().equals(volume)) {
                    return mount.path("mountPath").asText();
                }
            }
        }
        throw new AssertionError("no mount of " + volume);
    }

    private static JsonNode crdSchema() {
        try (InputStream in = K8sDeploymentsTest.class.getClassLoader().getResourceAsStream(CRD)) {
            assertThat(in).as(CRD + " on the test classpath (flink-kubernetes-operator-api)").isNotNull();
            JsonNode crd = YAML.readTree(in);
            for (JsonNode version : crd.at("/spec/versions")) {
                if (version.path("name").asText().equals("v1beta1")) {
                    return version.at("/schema/openAPIV3Schema").deepCopy();
                }
            }
            throw new AssertionError("no v1beta1 in " + CRD);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The CRD schema as the API server applies it: apiVersion, kind and metadata are implicit at the root (metadata
     * is checked by Kubernetes itself), and kubectl (1.27+) asks for strict field validation, so a field the CRD
     * does not declare is an error rather than silently pruned. JSON Schema allows unknown fields unless told, so
     * close every object that lists its properties and does not allow others. The x-kubernetes-* keywords are
     * Kubernetes annotations (int-or-string is spelled out by the anyOf next to it) and are dropped.
     */
    private static JsonNode asKubernetesChecksIt(JsonNode schema) {
        ObjectNode root = (ObjectNode) schema;
        ObjectNode properties = (ObjectNode) root.get("properties");
        properties.putObject("apiVersion").put("type", "string");
        properties.putObject("kind").put("const", "FlinkDeployment");
        properties.putObject("metadata").put("type", "object");
        return strictFields(root);
    }

    private static JsonNode strictFields(JsonNode schema) {
        if (schema instanceof ObjectNode) {
            ObjectNode o = (ObjectNode) schema;
            boolean open = o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            o.remove(List.of("x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields"));
            if (o.has("properties") && !o.has("additionalProperties") && !open) {
                o.put("additionalProperties", false);
            }
        }
        for (Iterator<JsonNode> it = schema.elements(); it.hasNext(); ) {
            strictFields(it.next());
        }
        return schema;
    }
}
