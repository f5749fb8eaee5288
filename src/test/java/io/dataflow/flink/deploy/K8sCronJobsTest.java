package io.dataflow.flink.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dataflow.flink.cli.Main;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.manifest.SecretResolver;
import io.dataflow.flink.testing.JsonSchemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code k8s} of a {@code kind: DataFlowCron}: a ConfigMap and a batch/v1 CronJob, valid against the CronJob schema
 * that fabric8 publishes (io.fabric8:kubernetes-model-batch, schema/validation-schema.json), with the original's
 * scheduling fields carried over and the job followed by the triggers in order.
 */
class K8sCronJobsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String SCHEMA = "schema/validation-schema.json";
    private static final JsonSchemas CRON_JOB = JsonSchemas.draft7(asKubernetesChecksIt(cronJobSchema()));

    /** Example N of the original, with every scheduling field set and a second trigger with env and resources. */
    private static final String NIGHTLY = """
            apiVersion: dataflow.dataflow.io/v1
            kind: DataFlowCron
            metadata: {name: nightly-rollup}
            spec:
              schedule: "30 1 * * *"
              concurrencyPolicy: Forbid
              startingDeadlineSeconds: 600
              successfulJobsHistoryLimit: 3
              failedJobsHistoryLimit: 5
              suspend: true
              source:
                type: postgresql
                config:
                  connectionString: "postgres://ro:pw@pg:5432/app?sslmode=disable"
                  table: public.daily_stage
                  pollInterval: 5
              sink:
                type: postgresql
                config:
                  connectionString: "postgres://rw:pw@dwh:5432/dwh?sslmode=disable"
                  table: public.daily_fact
                  upsertMode: true
                  conflictKey: id
              triggers:
                - name: notify
                  image: curlimages/curl:8.8.0
                  command: ["curl", "-fsS", "-X", "POST"]
                  args: ["https://hooks.example.net/rollup-done"]
                - name: Refresh_Views
                  image: postgres:16
                  imagePullPolicy: Always
                  command: ["psql"]
                  args: ["-c", "REFRESH MATERIALIZED VIEW daily"]
                  env:
                    - {name: PGHOST, value: dwh}
                  resources:
                    limits: {memory: 128Mi, cpu: 100m}
            """;

    @Test
    void aDataFlowCronBecomesAConfigMapAndAValidCronJob(@TempDir Path dir) throws Exception {
        Path manifest = write(dir, NIGHTLY);
        Output result = k8s(manifest.toString(), "--image", "registry.example/dataflow-flink:7");
        assertThat(result.code).as(result.err).isZero();
        List<JsonNode> docs = documents(result.out);
        assertThat(docs).extracting(d -> d.path("kind").asText()).containsExactly("ConfigMap", "CronJob");
        JsonNode configMap = docs.get(0);
        JsonNode cronJob = docs.get(1);
        assertThat(CRON_JOB.errors(cronJob)).as("against Kubernetes' batch/v1 CronJob schema").isEmpty();

        assertThat(cronJob.path("apiVersion").asText()).isEqualTo("batch/v1");
        JsonNode spec = cronJob.path("spec");
        assertThat(spec.path("schedule").asText()).isEqualTo("30 1 * * *");
        assertThat(spec.path("concurrencyPolicy").asText()).isEqualTo("Forbid");
        assertThat(spec.path("startingDeadlineSeconds").isInt()).isTrue();
        assertThat(spec.path("startingDeadlineSeconds").asInt()).isEqualTo(600);
        assertThat(spec.path("successfulJobsHistoryLimit").asInt()).isEqualTo(3);
        assertThat(spec.path("failedJobsHistoryLimit").asInt()).isEqualTo(5);
        assertThat(spec.path("suspend").isBoolean()).isTrue();
        assertThat(spec.path("suspend").asBoolean()).isTrue();
        for (String path : List.of("/metadata/labels", "/spec/jobTemplate/metadata/labels", "/spec/jobTemplate/spec/template/metadata/labels")) {
            assertThat(cronJob.at(path).path(K8sCronJobs.CRON_LABEL).asText()).as(path).isEqualTo("nightly-rollup");
        }

        // The job, then the triggers in order: init containers run one by one and the pod stops at the first failure.
        JsonNode jobSpec = spec.at("/jobTemplate/spec");
        assertThat(jobSpec.path("backoffLimit").asInt()).isZero();
        JsonNode pod = jobSpec.at("/template/spec");
        assertThat(pod.path("restartPolicy").asText()).isEqualTo("Never");
        List<JsonNode> steps = new ArrayList<>();
        pod.path("initContainers").forEach(steps::add);
        pod.path("containers").forEach(steps::add);
        assertThat(pod.path("containers")).hasSize(1);
        assertThat(steps).extracting(c -> c.path("name").asText()).containsExactly("dataflow", "trigger-0-notify", "trigger-1-refresh-views");
        assertThat(steps).extracting(c -> env(c, "DATAFLOW_TRIGGER_INDEX")).containsExactly("-1", "0", "1");

        String embedded = configMap.at("/data/" + K8sDeployments.MANIFEST_KEY).asText();
        JsonNode job = steps.get(0);
        assertThat(job.path("image").asText()).isEqualTo("registry.example/dataflow-flink:7");
        assertThat(strings(job.path("command"))).containsExactly("java", "-jar", "/opt/flink/usrlib/dataflow-flink.jar");
        assertThat(strings(job.path("args"))).containsExactly("run", "--local", K8sDeployments.MANIFEST_DIR + "/" + K8sDeployments.MANIFEST_KEY,
                "--manifest-sha256", K8sDeployments.sha256(embedded));
        assertThat(volumeNames(pod)).containsExactly("manifest", "connections");
        assertThat(pod.at("/volumes/0/configMap/name").asText()).isEqualTo(configMap.at("/metadata/name").asText());

        JsonNode notify = steps.get(1);
        assertThat(notify.path("image").asText()).isEqualTo("curlimages/curl:8.8.0");
        assertThat(strings(notify.path("command"))).containsExactly("curl", "-fsS", "-X", "POST");
        assertThat(strings(notify.path("args"))).containsExactly("https://hooks.example.net/rollup-done");
        JsonNode refresh = steps.get(2);
        assertThat(refresh.path("imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(env(refresh, "PGHOST")).isEqualTo("dwh");
        assertThat(refresh.at("/resources/limits/memory").asText()).isEqualTo("128Mi");

        // The embedded manifest is the same DataFlowCron with its connection settings read from the Secret.
        assertThat(embedded).doesNotContain("postgres://");
        Path secrets = dir.resolve("secrets");
        String secretName = pod.at("/volumes/1/secret/secretName").asText();
        Files.createDirectories(secrets.resolve(secretName));
        Files.writeString(secrets.resolve(secretName).resolve("postgresql-connectionString"), "postgres://ro:pw@pg:5432/app?sslmode=disable");
        Files.writeString(secrets.resolve(secretName).resolve("postgresql-connectionString-2"), "postgres://rw:pw@dwh:5432/dwh?sslmode=disable");
        Manifest parsed = ManifestParser.forEnvironment(secrets).parse(embedded, "unused");
        Manifest original = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(manifest);
        assertThat(parsed.source().config()).isEqualTo(original.source().config());
        assertThat(parsed.sink().config()).isEqualTo(original.sink().config());
        assertThat(job.at("/volumeMounts/1/mountPath").asText()).isEqualTo(SecretResolver.DEFAULT_SECRETS_DIR + "/" + secretName);
    }

    @Test
    void withoutTriggersTheJobIsThePodsOnlyContainer(@TempDir Path dir) throws Exception {
        String noTriggers = NIGHTLY.substring(0, NIGHTLY.indexOf("  triggers:"));
        Output result = k8s(write(dir, noTriggers).toString());
        assertThat(result.code).as(result.err).isZero();
        JsonNode cronJob = documents(result.out).get(1);
        assertThat(CRON_JOB.errors(cronJob)).isEmpty();
        JsonNode pod = cronJob.at("/spec/jobTemplate/spec/template/spec");
        assertThat(pod.has("initContainers")).isFalse();
        assertThat(pod.at("/containers/0/name").asText()).isEqualTo("dataflow");
        assertThat(pod.at("/containers/0/image").asText()).isEqualTo(K8sDeployments.IMAGE);
    }

    @Test
    void aMissingScheduleOrTriggerImageIsNamed(@TempDir Path dir) throws Exception {
        Output noSchedule = k8s(write(dir, NIGHTLY.replace("  schedule: \"30 1 * * *\"\n", "")).toString());
        assertThat(noSchedule.code).isEqualTo(2);
        assertThat(noSchedule.err).contains("spec.schedule: required");
        assertThat(noSchedule.out).isEmpty();

        Output noImage = k8s(write(dir, NIGHTLY.replace("      image: postgres:16\n", "")).toString());
        assertThat(noImage.code).isEqualTo(2);
        assertThat(noImage.err).contains("spec.triggers[1].image: required");

        Output missing = k8s(dir.resolve("absent.yaml").toString());
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("absent.yaml: no such file");
    }

    @Test
    void theSchemaRejectsAWrongCronJob(@TempDir Path dir) throws Exception {
        ObjectNode good = (ObjectNode) documents(k8s(write(dir, NIGHTLY).toString()).out).get(1);
        assertThat(CRON_JOB.errors(good)).isEmpty();
        ObjectNode wrong = good.deepCopy();
        ((ObjectNode) wrong.path("spec")).put("suspend", "yes").put("schedul", "typo");
        ((ObjectNode) wrong.at("/spec/jobTemplate/spec/template/spec/containers/0")).put("imagePullPolicy", 3);
        assertThat(CRON_JOB.errors(wrong)).anyMatch(e -> e.startsWith("/spec/suspend")).anyMatch(e -> e.contains("schedul"))
                .anyMatch(e -> e.startsWith("/spec/jobTemplate/spec/template/spec/containers/0/imagePullPolicy"));
    }

    static Output k8s(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 1];
        full[0] = "k8s";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), full);
        return new Output(code, out.toString(), err.toString());
    }

    record Output(int code, String out, String err) {
    }

    private static Path write(Path dir, String text) throws IOException {
        Path file = Files.createTempFile(dir, "cron", ".yaml");
        Files.writeString(file, text);
        return file;
    }

    private static List<JsonNode> documents(String yaml) throws IOException {
        return YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll();
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode var : container.path("env")) {
            if (var.path("name").asText().equals(name)) {
                return var.path("value").asText();
            }
        }
        return null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static List<String> volumeNames(JsonNode pod) {
        List<String> out = new ArrayList<>();
        pod.path("volumes").forEach(v -> out.add(v.path("name").asText()));
        return out;
    }

    private static JsonNode cronJobSchema() {
        try (InputStream in = K8sCronJobsTest.class.getClassLoader().getResourceAsStream(SCHEMA)) {
            assertThat(in).as(SCHEMA + " on the test classpath (io.fabric8:kubernetes-model-batch)").isNotNull();
            ObjectNode schema = (ObjectNode) new ObjectMapper().readTree(in);
            ObjectNode root = new ObjectMapper().createObjectNode();
            root.put("$ref", "#/definitions/kubernetes_batch_v1_CronJob");
            root.set("definitions", schema.get("definitions"));
            return root;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * fabric8's schema as the API server applies it: with strict field validation (kubectl 1.27+) a field the type
     * does not declare is an error, so every object that lists its properties is closed (fabric8 leaves them open
     * for its Java model). Quantity and IntOrString are Java wrappers in fabric8's model; on the wire they are a
     * string or a number. Its draft-3 style {@code required: true} inside a property is not JSON Schema and is
     * dropped, and so are its Java code-generation hints.
     */
    private static JsonNode asKubernetesChecksIt(JsonNode schema) {
        ObjectNode definitions = (ObjectNode) schema.get("definitions");
        ObjectNode scalar = new ObjectMapper().createObjectNode();
        scalar.putArray("type").add("string").add("integer").add("number");
        definitions.set("k8s_io_apimachinery_pkg_api_resource_Quantity", scalar);
        definitions.set("kubernetes_apimachinery_pkg_util_intstr_IntOrString", scalar.deepCopy());
        return strictFields(schema);
    }

    private static JsonNode strictFields(JsonNode schema) {
        if (schema instanceof ObjectNode o) {
            if (o.path("required").isBoolean()) {
                o.remove("required");
            }
            // fabric8's code-generation hints, not validation keywords.
            o.remove(List.of("existingJavaType", "javaOmitEmpty", "javaInterfaces", "javaType"));
            if (o.has("properties") && o.path("properties").isObject() && o.path("additionalProperties").isBoolean()) {
                o.put("additionalProperties", false);
            }
        }
        for (Iterator<JsonNode> it = schema.elements(); it.hasNext(); ) {
            strictFields(it.next());
        }
        return schema;
    }
}
