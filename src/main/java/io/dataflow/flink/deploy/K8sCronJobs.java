package io.dataflow.flink.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.dataflow.flink.manifest.SecretResolver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code batch/v1} CronJob for a {@code kind: DataFlowCron}: the original operator's scheduling fields carried
 * over, and one Job per run whose pod runs the job once ({@code run --local}, which ends when the sources are
 * exhausted) and then the manifest's {@code triggers} in their order. Kubernetes runs init containers one after the
 * other and stops the pod at the first that fails, which is exactly the original's chain: so the job and every
 * trigger but the last are init containers and the last one is the pod's container ({@code restartPolicy: Never},
 * {@code backoffLimit: 0}: a failed run is not retried, the next schedule is the next attempt, as in the original).
 *
 * <p>The original runs one Job per step and labels it with the run id and the trigger index ({@code -1} for the
 * job). Here a run is one Job, labelled {@code dataflow.dataflow.io/dataflow-cron}; each container gets the
 * original's run id (the Job's name) and trigger index as {@code DATAFLOW_RUN_ID} and {@code DATAFLOW_TRIGGER_INDEX}.
 */
final class K8sCronJobs {

    static final String CRON_LABEL = "dataflow.dataflow.io/dataflow-cron";
    /** The scheduling fields of a DataFlowCron that mean the same on a batch/v1 CronJob. */
    static final List<String> CARRIED_FIELDS = List.of("schedule", "concurrencyPolicy", "startingDeadlineSeconds",
            "successfulJobsHistoryLimit", "failedJobsHistoryLimit", "suspend");
    /** What a trigger may set on its container, as in the original. */
    private static final List<String> TRIGGER_FIELDS = List.of("image", "command", "args", "env", "resources", "imagePullPolicy");
    private static final String JAR = K8sDeployments.JAR_URI.substring("local://".length());

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build());

    private K8sCronJobs() {
    }

    /** The CronJob as YAML; {@code spec} is the DataFlowCron's spec as written (before secrets were moved). */
    static String cronJob(String name, JsonNode spec, String image, String manifestSha256, String secretName) {
        if (!spec.path("schedule").isTextual() || spec.path("schedule").asText().isBlank()) {
            throw new IllegalArgumentException("spec.schedule: required for a DataFlowCron (a 5 or 6 field cron expression)");
        }
        ObjectNode cronJob = YAML.createObjectNode();
        cronJob.put("apiVersion", "batch/v1").put("kind", "CronJob");
        ObjectNode metadata = cronJob.putObject("metadata").put("name", name);
        metadata.set("labels", labels(name));
        ObjectNode cronSpec = cronJob.putObject("spec");
        for (String field : CARRIED_FIELDS) {
            if (spec.hasNonNull(field)) {
                cronSpec.set(field, spec.get(field).deepCopy());
            }
        }
        if (spec.path("maintenance").path("suspended").asBoolean(false)) {
            // the job itself would refuse to run (exit 3): no run is started while the manifest is suspended
            cronSpec.put("suspend", true);
        }
        ObjectNode jobTemplate = cronSpec.putObject("jobTemplate");
        jobTemplate.putObject("metadata").set("labels", labels(name));
        ObjectNode jobSpec = jobTemplate.putObject("spec").put("backoffLimit", 0);
        ObjectNode template = jobSpec.putObject("template");
        template.putObject("metadata").set("labels", labels(name));
        ObjectNode pod = template.putObject("spec").put("restartPolicy", "Never");

        List<ObjectNode> steps = new ArrayList<>();
        steps.add(jobContainer(image, manifestSha256, secretName));
        JsonNode triggers = spec.path("triggers");
        if (!triggers.isMissingNode() && !triggers.isNull() && !triggers.isArray()) {
            throw new IllegalArgumentException("spec.triggers: must be a list");
        }
        for (int i = 0; i < triggers.size(); i++) {
            steps.add(triggerContainer(i, triggers.get(i)));
        }
        // Every step but the last runs as an init container: in order, and the pod stops at the first failure.
        if (steps.size() > 1) {
            pod.putArray("initContainers").addAll(steps.subList(0, steps.size() - 1));
        }
        pod.putArray("containers").add(steps.get(steps.size() - 1));
        ArrayNode volumes = pod.putArray("volumes");
        volumes.addObject().put("name", "manifest").putObject("configMap").put("name", K8sDeployments.configMapName(name));
        volumes.addObject().put("name", "connections").putObject("secret").put("secretName", secretName);
        try {
            return YAML.writeValueAsString(cronJob);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing the CronJob of " + name, e);
        }
    }

    private static ObjectNode labels(String name) {
        return YAML.createObjectNode().put("app.kubernetes.io/name", "dataflow-flink").put("app.kubernetes.io/instance", name)
                .put(CRON_LABEL, name);
    }

    /** The job itself, on an embedded MiniCluster in the pod: it ends when its sources are exhausted. */
    private static ObjectNode jobContainer(String image, String manifestSha256, String secretName) {
        ObjectNode container = YAML.createObjectNode().put("name", "dataflow").put("image", image).put("imagePullPolicy", "IfNotPresent");
        container.putArray("command").add("java").add("-jar").add(JAR);
        container.putArray("args").add("run").add("--local").add(K8sDeployments.MANIFEST_DIR + "/" + K8sDeployments.MANIFEST_KEY)
                .add("--manifest-sha256").add(manifestSha256);
        container.set("env", stepEnv(YAML.createArrayNode(), -1));
        ObjectNode resources = container.putObject("resources");
        resources.putObject("requests").put("cpu", "1").put("memory", "2Gi");
        resources.putObject("limits").put("memory", "2Gi");
        ArrayNode mounts = container.putArray("volumeMounts");
        mounts.addObject().put("name", "manifest").put("mountPath", K8sDeployments.MANIFEST_DIR).put("readOnly", true);
        mounts.addObject().put("name", "connections").put("mountPath", SecretResolver.DEFAULT_SECRETS_DIR + "/" + secretName)
                .put("readOnly", true);
        return container;
    }

    /** A trigger's container as the original defines it, plus the run id and its index. */
    private static ObjectNode triggerContainer(int index, JsonNode trigger) {
        String where = "spec.triggers[" + index + "]";
        if (!trigger.isObject()) {
            throw new IllegalArgumentException(where + ": must be a mapping with name and image");
        }
        if (!trigger.path("image").isTextual() || trigger.path("image").asText().isBlank()) {
            throw new IllegalArgumentException(where + ".image: required");
        }
        if (trigger.has("env") && !trigger.get("env").isArray()) {
            throw new IllegalArgumentException(where + ".env: must be a list of {name, value} entries");
        }
        ObjectNode container = YAML.createObjectNode().put("name", containerName(index, trigger.path("name").asText("")));
        for (String field : TRIGGER_FIELDS) {
            if (trigger.hasNonNull(field)) {
                container.set(field, trigger.get(field).deepCopy());
            }
        }
        container.set("env", stepEnv(trigger.has("env") ? (ArrayNode) trigger.get("env").deepCopy() : YAML.createArrayNode(), index));
        return container;
    }

    /** A DNS-1123 label, unique per step: {@code trigger-<index>[-<name>]}. */
    static String containerName(int index, String triggerName) {
        String cleaned = triggerName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        String name = "trigger-" + index + (cleaned.isEmpty() ? "" : "-" + cleaned);
        return name.length() <= 63 ? name : name.substring(0, 63).replaceAll("-+$", "");
    }

    private static ArrayNode stepEnv(ArrayNode env, int triggerIndex) {
        // The Job controller labels every pod with its Job's name, which is unique per run: the original's run id.
        env.addObject().put("name", "DATAFLOW_RUN_ID").putObject("valueFrom").putObject("fieldRef")
                .put("fieldPath", "metadata.labels['job-name']");
        env.addObject().put("name", "DATAFLOW_TRIGGER_INDEX").put("value", Integer.toString(triggerIndex));
        return env;
    }
}
