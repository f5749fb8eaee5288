package io.dataflow.flink.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.dataflow.flink.ProjectVersion;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.manifest.SecretResolver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generates the Kubernetes resources of a manifest, e.g. {@code jobs/k8s/<example>.yaml} from
 * {@code jobs/examples/<example>.yaml}: a ConfigMap holding the
 * Kubernetes variant of the manifest and a FlinkDeployment (Flink Kubernetes operator) that runs it from the image
 * the project's Dockerfile builds. The variant differs from the example in one way only: every connection setting
 * — each option a connector declares secret (nested ones too), and Kafka's broker list and schema registry URL, since
 * addresses differ per cluster — is
 * replaced by a {@code <field>SecretRef} into one Kubernetes Secret per job, {@code <job>-connections}, mounted as
 * files under the job's secrets directory. Identical values share one key ({@code <type>-<field>}).
 *
 * <p>The FlinkDeployment passes the manifest's SHA-256 in its args, so changing the manifest changes the spec and
 * the operator upgrades the job through a savepoint. {@code maintenance.suspended: true} becomes {@code job.state:
 * suspended} (the operator's stop that keeps the state). A {@code kind: DataFlowCron} gets a CronJob instead
 * ({@link K8sCronJobs}). The {@code k8s} command prints what this generates; {@code K8sDeploymentsTest} checks that
 * {@code jobs/k8s/} equals the command's output (update with {@code -Ddocs.update=true}).
 */
public final class K8sDeployments {

    public static final Path EXAMPLES = Path.of("jobs/examples");
    public static final Path OUTPUT = Path.of("jobs/k8s");
    /** The Dockerfile's image, tagged with the pom's version. */
    public static final String IMAGE = "dataflow-flink:" + ProjectVersion.VERSION;
    public static final String JAR_URI = "local:///opt/flink/usrlib/dataflow-flink.jar";
    public static final String MANIFEST_DIR = "/opt/flink/manifest";
    public static final String MANIFEST_KEY = "manifest.yaml";
    /** Checkpoints, savepoints and HA metadata must outlive the pods: an object store the image has a plugin for. */
    public static final String STATE_ROOT = "s3://dataflow-flink";
    /** Connection settings that are not secret but differ per cluster, so the Secret carries them too. */
    private static final Map<String, Set<String>> ENDPOINT_FIELDS = Map.of("kafka", Set.of("brokers", "schemaRegistry.url"),
            "nessie", Set.of("baseURL", "s3Endpoint"), "iceberg", Set.of("catalogURI", "oauth2ServerURI", "s3Endpoint"),
            "trino", Set.of("serverURL", "keycloak.serverURL"));

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build());

    /**
     * One generated deployment.
     *
     * @param secretValues the Secret's keys and the example's values for them (what {@code kubectl create secret}
     *                     needs; the test mounts them to validate the manifest)
     */
    public record Deployment(String name, String manifest, Map<String, String> secretValues, String yaml) {
        public String secretName() {
            return name + "-connections";
        }
    }

    private K8sDeployments() {
    }

    /** The examples that {@code jobs/k8s/} is generated from (one file each, same name). */
    public static List<Path> examples(Path root) throws IOException {
        try (var files = Files.list(root.resolve(EXAMPLES))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    public static Deployment generate(Path example) throws IOException {
        return generate(example, IMAGE);
    }

    /**
     * The resources for one manifest: for a {@code kind: DataFlowCron} a ConfigMap and a CronJob
     * ({@link K8sCronJobs}), otherwise a ConfigMap and a FlinkDeployment, both running {@code image}.
     */
    public static Deployment generate(Path example, String image) throws IOException {
        JsonNode root = YAML.readTree(example.toFile());
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(example + ": not a YAML mapping (expected a DataFlow manifest)");
        }
        String stem = example.getFileName().toString().replaceFirst("\\.yaml$", "");
        boolean resource = root.has("kind") || root.has("apiVersion");
        String name = resource ? root.path("metadata").path("name").asText(stem) : stem;
        if (!(resource ? root.path("spec") : root).isObject()) {
            throw new IllegalArgumentException(example + ": spec must be a mapping");
        }
        ObjectNode spec = (ObjectNode) (resource ? root.path("spec") : root);
        boolean cron = root.path("kind").asText().equals("DataFlowCron");
        // Read before the variant is written: the CronJob carries them, the embedded manifest keeps them (the parser
        // accepts them on a DataFlowCron and the job ignores scheduling).
        JsonNode cronSpec = cron ? spec.deepCopy() : null;
        int parallelism = Math.max(1, spec.path("replicas").asInt(1));
        boolean suspended = spec.path("maintenance").path("suspended").asBoolean(false);

        Map<String, String> secretValues = new LinkedHashMap<>();
        String secretName = name + "-connections";
        moveToSecret(spec.get("source"), true, secretName, secretValues);
        moveToSecret(spec.get("sink"), false, secretName, secretValues);
        moveToSecret(spec.get("errors"), false, secretName, secretValues);
        for (JsonNode step : spec.path("transformations")) {
            if (step.path("type").asText().equals("router")) {
                for (JsonNode route : step.path("config").path("routes")) {
                    moveToSecret(route.get("sink"), false, secretName, secretValues);
                }
            }
        }
        String manifest = "# Generated from " + example.getFileName() + " by the k8s command: the same job, with its\n"
                + "# connection settings read from the Secret " + secretName + " (mounted under " + SecretResolver.DEFAULT_SECRETS_DIR + ").\n"
                + YAML.writeValueAsString(root);
        String header = header(example, cron, secretName, secretValues) + configMap(name, manifest);
        String resources = cron ? K8sCronJobs.cronJob(name, cronSpec, image, sha256(manifest), secretName)
                : flinkDeployment(name, image, manifest, secretName, parallelism, suspended);
        return new Deployment(name, manifest, secretValues, header + "---\n" + resources);
    }

    /** Replaces the connector's connection settings with SecretRefs; values go to {@code secretValues}. */
    private static void moveToSecret(JsonNode connector, boolean asSource, String secretName, Map<String, String> secretValues) {
        if (connector == null || !connector.path("config").isObject()) {
            return;
        }
        String type = connector.path("type").asText();
        ConnectorFactory factory = ConnectorRegistry.find(type).orElseThrow(() -> new IllegalArgumentException("unknown connector type " + type));
        moveToSecret(type, "", asSource ? factory.sourceOptions() : factory.sinkOptions(), (ObjectNode) connector.get("config"), secretName, secretValues);
    }

    /** Walks nested option objects too (sasl.password, schemaRegistry.url); {@code prefix} is the dotted path. */
    private static void moveToSecret(String type, String prefix, List<ConfigField<?>> options, ObjectNode config, String secretName,
                                     Map<String, String> secretValues) {
        for (ConfigField<?> option : options) {
            JsonNode value = config.get(option.name());
            if (value == null || value.isNull()) {
                continue;
            }
            if (option.type() == ConfigField.Type.OBJECT && value.isObject()) {
                moveToSecret(type, prefix + option.name() + ".", option.children(), (ObjectNode) value, secretName, secretValues);
                continue;
            }
            boolean connection = option.secret() || ENDPOINT_FIELDS.getOrDefault(type, Set.of()).contains(prefix + option.name());
            if (!connection || !option.acceptsSecretRef()) {
                continue;
            }
            String text = value.isArray() ? joined(value) : value.asText();
            String key = keyFor(type + "-" + (prefix + option.name()).replace('.', '-'), text, secretValues);
            secretValues.put(key, text);
            replaceInPlace(config, option.name(), option.name() + "SecretRef", YAML.createObjectNode().put("name", secretName).put("key", key));
        }
    }

    /** Swaps one field for another at the same position, so the variant reads like the example. */
    private static void replaceInPlace(ObjectNode object, String field, String newField, JsonNode value) {
        ObjectNode copy = object.deepCopy();
        object.removeAll();
        copy.fields().forEachRemaining(e -> object.set(e.getKey().equals(field) ? newField : e.getKey(), e.getKey().equals(field) ? value : e.getValue()));
    }

    /** A string list in a secret file is one comma-separated string, which the parser splits again. */
    private static String joined(JsonNode list) {
        StringBuilder out = new StringBuilder();
        for (JsonNode item : list) {
            out.append(out.length() == 0 ? "" : ",").append(item.asText());
        }
        return out.toString();
    }

    private static String keyFor(String base, String value, Map<String, String> secretValues) {
        for (int i = 1; ; i++) {
            String key = i == 1 ? base : base + "-" + i;
            if (!secretValues.containsKey(key) || secretValues.get(key).equals(value)) {
                return key;
            }
        }
    }

    private static String header(Path example, boolean cron, String secretName, Map<String, String> secretValues) {
        StringBuilder y = new StringBuilder();
        y.append("# Generated from ").append(example.getFileName())
                .append(" by `java -jar dataflow-flink.jar k8s` (K8sDeployments); regenerate rather than edit.\n")
                .append("# Before `kubectl apply -f` (docs/DEPLOYMENT.md): build and push the image (Dockerfile), point image")
                // A CronJob keeps no state outside its pod: only the FlinkDeployment has paths to point at a bucket.
                .append(cron ? " at your\n# registry, and create the Secret:\n"
                        : " and\n# the " + STATE_ROOT + " paths at your registry and bucket, and create the Secret:\n")
                .append("#   kubectl create secret generic ").append(secretName);
        secretValues.keySet().forEach(k -> y.append(" \\\n#     --from-literal=").append(k).append("=..."));
        return y.append("\n").toString();
    }

    private static String configMap(String name, String manifest) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + configMapName(name) + "\n"
                + "  labels:\n    app.kubernetes.io/name: dataflow-flink\n    app.kubernetes.io/instance: " + name + "\n"
                + "data:\n  " + MANIFEST_KEY + ": |\n" + manifest.indent(4);
    }

    static String configMapName(String name) {
        return name + "-manifest";
    }

    private static String flinkDeployment(String name, String image, String manifest, String secretName, int parallelism, boolean suspended) {
        String configMap = configMapName(name);
        String secretsMount = SecretResolver.DEFAULT_SECRETS_DIR + "/" + secretName;
        StringBuilder y = new StringBuilder();
        y.append("apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata:\n  name: ").append(name).append("\n")
                .append("  labels:\n    app.kubernetes.io/name: dataflow-flink\n    app.kubernetes.io/instance: ").append(name).append("\n")
                .append("spec:\n")
                .append("  image: ").append(image).append("\n")
                .append("  imagePullPolicy: IfNotPresent\n")
                .append("  flinkVersion: v1_20\n")
                .append("  serviceAccount: flink\n")
                .append("  flinkConfiguration:\n")
                .append("    taskmanager.numberOfTaskSlots: \"2\"\n")
                .append("    # The deprecated state.* names of execution.checkpointing.dir / savepoint-dir: Flink 1.20 reads both,\n")
                .append("    # and every operator version's upgrade checks look for these.\n")
                .append("    state.checkpoints.dir: \"").append(STATE_ROOT).append("/").append(name).append("/checkpoints\"\n")
                .append("    state.savepoints.dir: \"").append(STATE_ROOT).append("/").append(name).append("/savepoints\"\n")
                .append("    execution.checkpointing.interval: \"10s\"\n")
                .append("    execution.checkpointing.externalized-checkpoint-retention: \"RETAIN_ON_CANCELLATION\"\n")
                .append("    high-availability.type: \"kubernetes\"\n")
                .append("    high-availability.storageDir: \"").append(STATE_ROOT).append("/").append(name).append("/ha\"\n")
                .append("    restart-strategy.type: \"exponential-delay\"\n")
                .append("    # As flink-conf/config.yaml: after 30 failed attempts in a row the job ends FAILED instead of restarting forever.\n")
                .append("    restart-strategy.exponential-delay.attempts-before-reset-backoff: \"30\"\n")
                .append("    # Prometheus endpoint on every JobManager and TaskManager pod: Flink's series and the original's dataflow_*\n")
                .append("    # series (docs/OPERATIONS.md#metrics); the image links the jar into Flink's reporter plugin directory.\n")
                .append("    metrics.reporter.prom.factory.class: \"io.dataflow.flink.metrics.DataflowPrometheusReporterFactory\"\n")
                .append("    metrics.reporter.prom.port: \"9249\"\n")
                .append("  podTemplate:\n")
                .append("    metadata:\n")
                .append("      annotations:\n")
                .append("        prometheus.io/scrape: \"true\"\n")
                .append("        prometheus.io/port: \"9249\"\n")
                .append("    spec:\n")
                .append("      containers:\n")
                .append("        - name: flink-main-container\n")
                .append("          ports:\n")
                .append("            - name: metrics\n")
                .append("              containerPort: 9249\n")
                .append("          volumeMounts:\n")
                .append("            - name: manifest\n")
                .append("              mountPath: ").append(MANIFEST_DIR).append("\n")
                .append("              readOnly: true\n")
                .append("            - name: connections\n")
                .append("              mountPath: ").append(secretsMount).append("\n")
                .append("              readOnly: true\n")
                .append("      volumes:\n")
                .append("        - name: manifest\n")
                .append("          configMap:\n")
                .append("            name: ").append(configMap).append("\n")
                .append("        - name: connections\n")
                .append("          secret:\n")
                .append("            secretName: ").append(secretName).append("\n")
                .append("  jobManager:\n")
                .append("    resource:\n      memory: \"1600m\"\n      cpu: 0.5\n")
                .append("  taskManager:\n")
                .append("    resource:\n      memory: \"2048m\"\n      cpu: 1\n")
                .append("  job:\n")
                .append("    jarURI: ").append(JAR_URI).append("\n")
                .append("    entryClass: io.dataflow.flink.cli.Main\n")
                .append("    # The manifest's SHA-256: editing the manifest changes this spec, so the operator upgrades the job\n")
                .append("    # (savepoint, then restore); the job refuses a mounted file that does not match.\n")
                .append("    args:\n")
                .append("      - run\n")
                .append("      - ").append(MANIFEST_DIR).append("/").append(MANIFEST_KEY).append("\n")
                .append("      - --manifest-sha256\n")
                .append("      - ").append(sha256(manifest)).append("\n")
                .append("    parallelism: ").append(parallelism).append("\n")
                .append("    upgradeMode: savepoint\n");
        if (suspended) {
            // maintenance.suspended: the operator stops the job with a savepoint (or does not start it) and keeps
            // its state; the job refuses to start from a suspended manifest anyway (run: exit 3)
            y.append("    # maintenance.suspended: true in the manifest: set it to false and regenerate to resume from the savepoint.\n")
                    .append("    state: suspended\n");
        } else {
            y.append("    state: running\n");
        }
        return y.toString();
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
