package io.dataflow.flink.manifest;

import io.dataflow.flink.transform.TransformationSpec;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.config.GoDuration;
import io.dataflow.flink.config.SecretMasker;
import io.dataflow.flink.config.ManifestException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.transform.TransformRegistry;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.condition.Condition;
import io.dataflow.flink.transform.condition.ConditionParseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * File → validated {@link Manifest}: reads YAML or JSON, accepts a bare spec or a whole {@code kind: DataFlow}
 * resource, resolves secrets, checks every field of every connector and step against its declared options, and
 * reports all problems at once ({@link ManifestException}) — before any job is built.
 */
public final class ManifestParser {

    public static final String API_VERSION = "dataflow.dataflow.io/v1";
    /** The namespace of a manifest without {@code metadata.namespace}: where Kubernetes puts such a resource. */
    public static final String DEFAULT_NAMESPACE = "default";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Top-level spec fields of the original that only mean something to Kubernetes: the FlinkDeployment owns them. */
    public static final Set<String> KUBERNETES_FIELDS = Set.of(
            "resources", "nodeSelector", "affinity", "tolerations", "processorImage", "processorVersion", "imagePullSecrets");
    /** DataFlowCron fields: scheduling is the scheduler's business; the job itself runs once. */
    public static final Set<String> CRON_FIELDS = Set.of(
            "schedule", "concurrencyPolicy", "successfulJobsHistoryLimit", "failedJobsHistoryLimit", "startingDeadlineSeconds", "suspend", "triggers");
    public static final Set<String> KNOWN_FIELDS = Set.of(
            "source", "sink", "transformations", "errors", "checkpointPersistence", "checkpointSyncOnAck", "checkpointSaveInterval",
            "ackGranularity", "collapseBatchOnMessageAck", "checkpointReset", "strictIdempotency", "channelBufferSize", "transformWorkers", "replicas", "maintenance");

    private final SecretResolver secrets;
    private final SecretMasker masker;

    public ManifestParser(SecretResolver secrets, SecretMasker masker) {
        this.secrets = secrets;
        this.masker = masker;
    }

    /** A parser that resolves secrets from the process environment and the given secrets directory. */
    public static ManifestParser forEnvironment(Path secretsDir) {
        SecretMasker masker = new SecretMasker();
        return new ManifestParser(new SecretResolver(secretsDir, System::getenv, masker), masker);
    }

    public Manifest parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ManifestException("", "cannot read manifest " + file + ": " + e.getMessage());
        }
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return parse(text, dot > 0 ? fileName.substring(0, dot) : fileName);
    }

    public Manifest parse(String text, String defaultName) {
        JsonNode root = readTree(text);
        ValidationErrors errors = new ValidationErrors();
        String name = defaultName;
        String namespace = DEFAULT_NAMESPACE;
        JsonNode spec = root;
        boolean cron = false;
        if (root.has("kind") || root.has("apiVersion")) {
            String kind = root.path("kind").asText("");
            cron = kind.equals("DataFlowCron");
            if (!kind.equals("DataFlow") && !cron) {
                errors.add("kind", "must be DataFlow or DataFlowCron (got \"" + kind + "\")");
            }
            if (root.has("apiVersion") && !root.path("apiVersion").asText().equals(API_VERSION)) {
                errors.add("apiVersion", "must be " + API_VERSION + " (got \"" + root.path("apiVersion").asText() + "\")");
            }
            String metaName = root.path("metadata").path("name").asText("");
            if (metaName.isBlank()) {
                errors.add("metadata.name", "required");
            } else {
                name = metaName;
            }
            String metaNamespace = root.path("metadata").path("namespace").asText("");
            namespace = metaNamespace.isBlank() ? DEFAULT_NAMESPACE : metaNamespace;
            spec = root.path("spec");
            if (!spec.isObject()) {
                errors.add("spec", "required");
                throw new ManifestException(errors.list());
            }
        }
        if (!spec.isObject()) {
            throw new ManifestException("", "a manifest must be an object with source and sink");
        }
        resolveConnectorSettings((ObjectNode) spec, errors);
        return new SpecReader((ObjectNode) spec, cron, errors).read(name, namespace);
    }

    /**
     * Secrets are resolved in connector settings only: source, sink, the error sink and the router's route sinks.
     * A {@code ${file:}} or {@code ${env:}} anywhere else in a transformation is an error (see
     * {@link SecretResolver#rejectReferences}); other top-level fields are taken literally.
     */
    private void resolveConnectorSettings(ObjectNode spec, ValidationErrors errors) {
        for (String connector : List.of("source", "sink", "errors")) {
            JsonNode node = spec.get(connector);
            if (node != null) {
                secrets.resolve(node, connector, errors);
            }
        }
        JsonNode steps = spec.get("transformations");
        if (steps == null || !steps.isArray()) {
            return;
        }
        for (int i = 0; i < steps.size(); i++) {
            JsonNode step = steps.get(i);
            String path = ValidationErrors.index("transformations", i);
            if (!(step instanceof ObjectNode)) {
                continue;
            }
            JsonNode routes = "router".equals(step.path("type").asText()) ? step.path("config").path("routes") : null;
            ObjectNode withoutRouteSinks = ((ObjectNode) step).deepCopy();
            if (routes != null && routes.isArray() && withoutRouteSinks.path("config").path("routes").isArray()) {
                withoutRouteSinks.path("config").path("routes").forEach(r -> {
                    if (r instanceof ObjectNode) {
                        ((ObjectNode) r).remove("sink");
                    }
                });
            }
            SecretResolver.rejectReferences(withoutRouteSinks, path, errors);
            if (routes != null && routes.isArray()) {
                for (int r = 0; r < routes.size(); r++) {
                    JsonNode sink = routes.get(r).get("sink");
                    if (sink != null) {
                        String routePath = ValidationErrors.index(ValidationErrors.child(ValidationErrors.child(path, "config"), "routes"), r);
                        secrets.resolve(sink, ValidationErrors.child(routePath, "sink"), errors);
                    }
                }
            }
        }
    }

    private static JsonNode readTree(String text) {
        String trimmed = text.stripLeading();
        try {
            JsonNode node = trimmed.startsWith("{") ? JSON.readTree(text) : YAML.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new ManifestException("", "the manifest is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ManifestException("", "not valid YAML or JSON" + where + ": " + e.getOriginalMessage());
        }
    }

    /** Reads one spec; holds the error list so each step can add to it. */
    private final class SpecReader {
        private final ObjectNode spec;
        private final boolean cron;
        private final ValidationErrors errors;
        private final List<String> warnings = new ArrayList<>();

        SpecReader(ObjectNode spec, boolean cron, ValidationErrors errors) {
            this.spec = spec;
            this.cron = cron;
            this.errors = errors;
        }

        Manifest read(String name, String namespace) {
            checkTopLevelFields();
            ConnectorSpec source = connector("source", true);
            List<RouteSpec> routes = new ArrayList<>();
            List<TransformationSpec> steps = transformations(routes);
            ConnectorSpec sink = connector("sink", false);
            ErrorSinkSpec errorSink = errorSink();
            JobSettings settings = settings(source);
            if (settings.strictIdempotency() && source != null) {
                checkIdempotency(source, sink, routes, errorSink);
            }
            errors.throwIfAny();
            return new Manifest(name, namespace, source, List.copyOf(steps), List.copyOf(routes), sink, errorSink, settings, List.copyOf(warnings), masker);
        }

        private void checkTopLevelFields() {
            for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (KUBERNETES_FIELDS.contains(field)) {
                    warnings.add(field + ": a Kubernetes setting of the original processor pod; set it on the FlinkDeployment (see jobs/k8s/), it does not affect the Flink job");
                } else if (CRON_FIELDS.contains(field) && cron) {
                    warnings.add(field + ": DataFlowCron scheduling is not done by the job itself; the job runs once, its source read as bounded: true");
                } else if (!KNOWN_FIELDS.contains(field)) {
                    errors.add(field, "unknown field (known: " + String.join(", ", new TreeSet<>(KNOWN_FIELDS)) + ")");
                }
            }
            if (!spec.has("source")) {
                errors.add("source", "required");
            }
            if (!spec.has("sink")) {
                errors.add("sink", "required");
            }
        }

        private ConnectorSpec connector(String path, boolean asSource) {
            JsonNode node = spec.get(path);
            return node == null ? null : connectorAt(path, node, asSource);
        }

        private ConnectorSpec connectorAt(String path, JsonNode node, boolean asSource) {
            if (!node.isObject()) {
                errors.add(path, "must be an object {type, config}");
                return null;
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!field.equals("type") && !field.equals("config")) {
                    boolean legacy = ConnectorRegistry.find(field).isPresent();
                    errors.add(ValidationErrors.child(path, field), legacy
                            ? "the per-connector key form was removed in the original's v1.0.4; write type: " + field + " and config: {...}"
                            : "unknown field (known: type, config)");
                }
            }
            String type = node.path("type").asText("");
            if (type.isBlank()) {
                errors.add(ValidationErrors.child(path, "type"), "required");
                return null;
            }
            Optional<ConnectorFactory> factory = ConnectorRegistry.find(type);
            boolean supported = factory.isPresent() && (asSource ? factory.get().isSource() : factory.get().isSink());
            if (!supported) {
                Set<String> known = asSource ? ConnectorRegistry.sourceTypes() : ConnectorRegistry.sinkTypes();
                errors.add(ValidationErrors.child(path, "type"), "unsupported " + (asSource ? "source" : "sink") + " type \"" + type
                        + "\" (supported: " + String.join(", ", known) + ")");
                return null;
            }
            String configPath = ValidationErrors.child(path, "config");
            ConnectorFactory f = factory.get();
            int before = errors.size();
            JsonNode configNode = asSource && cron ? CronSourceBounding.bound(path, type, f, node.get("config"), errors) : node.get("config");
            if (errors.size() != before) {
                return null;
            }
            ConfigValues config = ConfigValidator.validate(configPath, configNode, asSource ? f.sourceOptions() : f.sinkOptions(), errors);
            if (errors.size() == before) {
                if (asSource) {
                    f.validateSource(config, errors);
                } else {
                    f.validateSink(config, errors);
                }
            }
            return new ConnectorSpec(type, config);
        }

        private List<TransformationSpec> transformations(List<RouteSpec> routes) {
            List<TransformationSpec> steps = new ArrayList<>();
            JsonNode list = spec.get("transformations");
            if (list == null || list.isNull()) {
                return steps;
            }
            if (!list.isArray()) {
                errors.add("transformations", "must be a list");
                return steps;
            }
            for (int i = 0; i < list.size(); i++) {
                String path = ValidationErrors.index("transformations", i);
                TransformationSpec step = transformation(path, i, list.get(i), routes);
                if (step != null) {
                    steps.add(step);
                }
            }
            return steps;
        }

        private TransformationSpec transformation(String path, int index, JsonNode node, List<RouteSpec> routes) {
            if (!node.isObject()) {
                errors.add(path, "must be an object {type, when?, config}");
                return null;
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!field.equals("type") && !field.equals("config") && !field.equals("when")) {
                    errors.add(ValidationErrors.child(path, field), "unknown field (known: type, when, config)");
                }
            }
            String type = node.path("type").asText("");
            if (type.isBlank()) {
                errors.add(ValidationErrors.child(path, "type"), "required");
                return null;
            }
            Optional<TransformerFactory> factory = TransformRegistry.find(type);
            if (factory.isEmpty()) {
                errors.add(ValidationErrors.child(path, "type"), "unknown transformation type \"" + type + "\" (known: "
                        + String.join(", ", TransformRegistry.types()) + ")");
                return null;
            }
            String when = null;
            if (node.hasNonNull("when")) {
                if (node.get("when").isValueNode()) {
                    when = node.get("when").asText();
                    checkCondition(ValidationErrors.child(path, "when"), when);
                } else {
                    // asText() of a list or object is "", which would silently become a never-true condition
                    errors.add(ValidationErrors.child(path, "when"), "must be a condition string");
                }
            }
            String configPath = ValidationErrors.child(path, "config");
            int before = errors.size();
            ConfigValues config = ConfigValidator.validate(configPath, node.get("config"), factory.get().options(), errors);
            if (errors.size() == before) {
                factory.get().validate(config, errors);
            }
            if (type.equals("router")) {
                if (!routes.isEmpty()) {
                    errors.add(path, "only one router step is allowed");
                } else {
                    routes.addAll(routes(configPath, node.path("config").path("routes")));
                }
            }
            return new TransformationSpec(index, type, when, config);
        }

        private List<RouteSpec> routes(String configPath, JsonNode list) {
            List<RouteSpec> routes = new ArrayList<>();
            if (!list.isArray()) {
                // routes that are not a list are reported by the router's own option check; an object's
                // size() counts its fields, and get(i) on it is null
                return routes;
            }
            for (int i = 0; i < list.size(); i++) {
                String routePath = ValidationErrors.index(ValidationErrors.child(configPath, "routes"), i);
                JsonNode route = list.get(i);
                String condition = route.path("condition").asText("");
                // Checked here as well as by the router's factory, which skips its checks when an option is wrong:
                // a bad condition is reported even when a route sink has errors of its own.
                checkCondition(ValidationErrors.child(routePath, "condition"), condition);
                JsonNode sinkNode = route.get("sink");
                if (sinkNode == null) {
                    errors.add(ValidationErrors.child(routePath, "sink"), "required");
                    continue;
                }
                ConnectorSpec sink = connectorAt(ValidationErrors.child(routePath, "sink"), sinkNode, false);
                if (sink != null) {
                    routes.add(new RouteSpec(i, condition, sink));
                }
            }
            return routes;
        }

        private void checkCondition(String path, String condition) {
            try {
                Condition.parse(condition);
            } catch (ConditionParseException e) {
                errors.add(path, e.getMessage());
            }
        }

        private ErrorSinkSpec errorSink() {
            JsonNode node = spec.get("errors");
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                errors.add("errors", "must be an object {type, config, ackPolicy}");
                return null;
            }
            ObjectNode copy = ((ObjectNode) node).deepCopy();
            JsonNode ack = copy.remove("ackPolicy");
            AckPolicy policy = AckPolicy.AFTER_WRITE;
            if (ack != null && !ack.isNull()) {
                try {
                    policy = AckPolicy.of(ack.asText());
                } catch (IllegalArgumentException e) {
                    errors.add("errors.ackPolicy", "must be afterWrite, the only policy a Flink job can keep (got \"" + ack.asText() + "\")");
                }
            }
            if (policy != AckPolicy.AFTER_WRITE) {
                // The original leaves such a record unacknowledged, to be read again after a restart unless a later
                // success moves the position past it. Flink's checkpoints cover every record before them, so there is
                // no way to leave one record behind; running it as afterWrite would silently change its meaning.
                errors.add("errors.ackPolicy", policy.manifestName() + " is not supported: a checkpoint covers every record before it, "
                        + "so a failed record cannot be left unacknowledged to be read again; use afterWrite (or leave ackPolicy out) "
                        + "to keep failed records in the error sink, or leave out the errors sink so that a record a sink refuses "
                        + "fails the task and is read again from the last checkpoint after the restart");
            }
            ConnectorSpec sink = connectorAt("errors", copy, false);
            return sink == null ? null : new ErrorSinkSpec(sink, policy);
        }

        /** Kafka reads at replicas; polling and CDC sources read once and the job keys their records by row. */
        private static boolean scalesWithReplicas(ConnectorSpec source) {
            var factory = ConnectorRegistry.source(source.type());
            return factory.isParallelSource(source.config()) || factory.isRowKeyedSource(source.config());
        }

        private JobSettings settings(ConnectorSpec source) {
            int parallelism = 1;
            JsonNode replicas = spec.get("replicas");
            if (replicas != null && !replicas.isNull()) {
                if (!replicas.canConvertToInt() || !replicas.isIntegralNumber() || replicas.asInt() < 0) {
                    errors.add("replicas", "must be a whole number >= 0");
                } else {
                    parallelism = Math.max(1, replicas.asInt());
                    if (parallelism > 1 && source != null && !scalesWithReplicas(source)) {
                        errors.add("replicas", "values above 1 need a source that reads in parallel (kafka) or whose records carry "
                                + "a row key (postgresql, postgresql-cdc, clickhouse, trino); a " + source.type()
                                + " source has neither (got " + parallelism + ")");
                    }
                }
            }
            Duration interval = null;
            JsonNode save = spec.get("checkpointSaveInterval");
            if (save != null && !save.isNull()) {
                try {
                    interval = save.isNumber() ? Duration.ofMillis(Math.round(save.asDouble() * 1000)) : GoDuration.parse(save.asText());
                    if (interval.toMillis() < 100) {
                        errors.add("checkpointSaveInterval", "must be at least 100ms");
                    }
                } catch (IllegalArgumentException e) {
                    errors.add("checkpointSaveInterval", e.getMessage());
                }
            }
            boolean reset = bool("checkpointReset", false);
            boolean strict = bool("strictIdempotency", false);
            if (!bool("checkpointPersistence", true)) {
                warnings.add("checkpointPersistence: false is ignored: Flink always keeps source positions in its checkpoints (start a local run with --fresh to ignore them)");
            }
            bool("checkpointSyncOnAck", false);
            bool("collapseBatchOnMessageAck", true);
            for (String f : List.of("checkpointSyncOnAck", "ackGranularity", "collapseBatchOnMessageAck")) {
                if (spec.has(f)) {
                    warnings.add(f + ": acknowledgements are replaced by Flink checkpoints (sinks flush on every checkpoint); "
                            + "tune the checkpoint interval (checkpointSaveInterval) instead");
                }
            }
            JsonNode ack = spec.get("ackGranularity");
            if (ack != null && !ack.asText().equals("batch") && !ack.asText().equals("message")) {
                errors.add("ackGranularity", "must be one of batch, message (got \"" + ack.asText() + "\")");
            }
            checkInt("channelBufferSize", 1, Integer.MAX_VALUE, "Flink's network buffers provide back-pressure; channelBufferSize is not used");
            checkInt("transformWorkers", 1, 64, "transformations run in every parallel subtask; set replicas (parallelism) instead of transformWorkers");
            return new JobSettings(parallelism, interval, reset, strict, MaintenanceReader.read(spec.get("maintenance"), errors));
        }

        private boolean bool(String field, boolean dflt) {
            JsonNode v = spec.get(field);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isBoolean()) {
                errors.add(field, "must be true or false");
                return dflt;
            }
            return v.booleanValue();
        }

        private void checkInt(String field, int min, int max, String warning) {
            JsonNode v = spec.get(field);
            if (v == null || v.isNull()) {
                return;
            }
            if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
                errors.add(field, "must be a whole number from " + min + " to " + max);
            } else {
                warnings.add(field + ": " + warning);
            }
        }

        private void checkIdempotency(ConnectorSpec source, ConnectorSpec sink, List<RouteSpec> routes, ErrorSinkSpec errorSink) {
            if (!ConnectorRegistry.source(source.type()).isPollingSource()) {
                return;
            }
            Map<String, ConnectorSpec> sinks = new LinkedHashMap<>();
            sinks.put("sink", sink);
            for (RouteSpec r : routes) {
                sinks.put("transformations.router.routes[" + r.index() + "].sink", r.sink());
            }
            if (errorSink != null) {
                sinks.put("errors", errorSink.sink());
            }
            sinks.forEach((path, s) -> {
                if (s != null && !ConnectorRegistry.sink(s.type()).isIdempotentSink(s.config())) {
                    errors.add(path, "strictIdempotency: a polling source needs an idempotent sink (upsertMode: true with a conflictKey)");
                }
            });
        }
    }
}
