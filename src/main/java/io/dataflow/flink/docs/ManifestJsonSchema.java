package io.dataflow.flink.docs;

import io.dataflow.flink.manifest.AckPolicy;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.manifest.SecretResolver;

import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ConfigValidator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.transform.TransformRegistry;
import io.dataflow.flink.transform.TransformerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Writes docs/manifest.schema.json, a JSON Schema (draft-07, the draft editors support best) of the manifest,
 * from the same declarations validation uses: every connector's source and sink options, every transformation's
 * options, the top-level spec fields, both the bare spec and the {@code kind: DataFlow} resource, and the
 * {@code <field>SecretRef} siblings. It mirrors what {@link ManifestParser} accepts — numbers and booleans may be
 * strings, enums match case-insensitively, any string may hold {@code ${env:…}} / {@code ${file:…}} — so a
 * manifest that validates is never flagged by an editor; the parser's own checks (conditions, cross-field rules)
 * stay the last word. {@code ManifestJsonSchemaTest} fails when the committed file is stale.
 */
public final class ManifestJsonSchema {

    public static final String FILE = "docs/manifest.schema.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String DEFS = "#/definitions/";
    /** A secret placeholder that SecretResolver replaces before a value is checked against its type. */
    private static final String PLACEHOLDER = "\\$\\{(env|file):[^}]*}";
    private static final String INTEGER = "^\\s*-?\\d{1,18}\\s*$|" + PLACEHOLDER;
    private static final String NUMBER = "^\\s*-?\\d+(\\.\\d+)?\\s*$|" + PLACEHOLDER;
    private static final String BOOLEAN = "^(" + caseInsensitive("true") + "|" + caseInsensitive("false") + ")$|" + PLACEHOLDER;
    /** Go durations ({@code 500ms}, {@code 1m30s}), a plain number of seconds, or a placeholder. */
    private static final String DURATION = "^\\s*\\+?((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h))+\\s*$|^\\s*\\d+(\\.\\d+)?\\s*$|" + PLACEHOLDER;

    private ManifestJsonSchema() {
    }

    public static String json() {
        try {
            return JSON.writeValueAsString(schema()).replace("\r\n", "\n") + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode schema() {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "http://json-schema.org/draft-07/schema#");
        root.put("$id", "https://dataflow.io/schemas/manifest.schema.json");
        root.put("title", "DataFlow on Flink manifest");
        root.put("description", "A DataFlow manifest: a bare spec (source, transformations, sink, errors, ...) or a whole "
                + "kind: DataFlow resource. Generated from the typed options (ManifestJsonSchema); see docs/MANIFEST.md.");
        // A document with kind or apiVersion is a resource, exactly the parser's rule; anything else is a bare spec.
        ObjectNode resourceTest = root.putObject("if");
        ArrayNode anyOf = resourceTest.putArray("anyOf");
        anyOf.addObject().putArray("required").add("kind");
        anyOf.addObject().putArray("required").add("apiVersion");
        root.putObject("then").put("$ref", DEFS + "resource");
        root.putObject("else").put("$ref", DEFS + "spec");

        ObjectNode defs = root.putObject("definitions");
        defs.set("resource", resource());
        defs.set("spec", spec(false));
        defs.set("cronSpec", spec(true));
        defs.set("secretRef", secretRef());
        defs.set("sourceConnector", connector(ConnectorRegistry.sourceTypes(), ConnectorFactory::sourceOptions, "source"));
        defs.set("sinkConnector", connector(ConnectorRegistry.sinkTypes(), ConnectorFactory::sinkOptions, "sink"));
        defs.set("errorSink", errorSink());
        defs.set("transformation", transformation());
        return root;
    }

    private static ObjectNode resource() {
        ObjectNode r = object("A kind: DataFlow (or DataFlowCron) resource of the original operator; runs here unchanged.");
        r.remove("additionalProperties"); // the parser reads apiVersion, kind, metadata.name and spec, and ignores the rest (status, ...)
        r.putArray("required").add("metadata").add("spec");
        ObjectNode p = r.putObject("properties");
        p.putObject("apiVersion").put("const", ManifestParser.API_VERSION).put("description", "Optional; must be " + ManifestParser.API_VERSION + " when given.");
        p.putObject("kind").put("description", "DataFlowCron's scheduling fields are accepted with a warning; the job runs once.")
                .putArray("enum").add("DataFlow").add("DataFlowCron");
        ObjectNode metadata = object("Kubernetes-style metadata; only name is used.");
        metadata.remove("additionalProperties");
        metadata.putArray("required").add("name");
        metadata.putObject("properties").putObject("name").put("type", "string").put("minLength", 1)
                .put("description", "The Flink job name and the stem of every operator uid (<name>-source, <name>-sink, ...).");
        p.set("metadata", metadata);
        p.putObject("spec").put("description", "The spec; with kind: DataFlowCron it also accepts the scheduling fields.");
        ObjectNode ifCron = r.putObject("if");
        ifCron.putArray("required").add("kind");
        ifCron.putObject("properties").putObject("kind").put("const", "DataFlowCron");
        r.putObject("then").putObject("properties").putObject("spec").put("$ref", DEFS + "cronSpec");
        r.putObject("else").putObject("properties").putObject("spec").put("$ref", DEFS + "spec");
        return r;
    }

    /** The spec's fields; every field the parser knows must have a schema here, or generation fails. */
    private static ObjectNode spec(boolean cron) {
        Map<String, Supplier<ObjectNode>> known = Map.ofEntries(
                Map.entry("source", () -> ref("sourceConnector", "Where records come from: {type, config}.")),
                Map.entry("sink", () -> ref("sinkConnector", "Where records go: {type, config}.")),
                Map.entry("errors", () -> ref("errorSink", "Dead-letter sink for records a transformation fails or a sink refuses.")),
                Map.entry("transformations", () -> {
                    ObjectNode t = JSON.createObjectNode().put("description", "Transformation chain, applied in order (see docs/TRANSFORMATIONS.md).");
                    t.putArray("type").add("array").add("null");
                    t.putObject("items").put("$ref", DEFS + "transformation");
                    return t;
                }),
                // Top-level fields are read strictly by the parser: a boolean must be a YAML boolean, a number a number.
                Map.entry("replicas", () -> strict("integer", "Parallelism of the job; above 1 for Kafka sources and, keyed by row behind a source at parallelism 1, for PostgreSQL (polling and CDC), ClickHouse and Trino sources.").put("minimum", 0)),
                Map.entry("checkpointSaveInterval", () -> duration("Flink checkpoint interval, at least 100ms.")),
                Map.entry("checkpointReset", () -> strict("boolean", "One-shot: a job restored from a checkpoint or savepoint written while this was false drops its source positions once and reads as a new job does; restored again with true it resumes (docs/MANIFEST.md).")),
                Map.entry("strictIdempotency", () -> strict("boolean", "Reject non-idempotent sinks behind a polling source.")),
                Map.entry("checkpointPersistence", () -> strict("boolean", "Accepted; Flink always keeps positions in its checkpoints (false is warned about).")),
                Map.entry("checkpointSyncOnAck", () -> strict("boolean", "Accepted with a warning: acknowledgements are replaced by checkpoints.")),
                Map.entry("collapseBatchOnMessageAck", () -> strict("boolean", "Accepted with a warning: acknowledgements are replaced by checkpoints.")),
                Map.entry("ackGranularity", () -> enumeration("Accepted with a warning: acknowledgements are replaced by checkpoints.",
                        List.of("batch", "message"), false)),
                Map.entry("channelBufferSize", () -> strict("integer", "Accepted with a warning: Flink's network buffers give back-pressure.").put("minimum", 1)),
                Map.entry("transformWorkers", () -> strict("integer", "Accepted with a warning: set replicas instead.").put("minimum", 1).put("maximum", 64)),
                Map.entry("maintenance", ManifestJsonSchema::maintenance));
        ObjectNode s = object(cron ? "The spec of a DataFlowCron resource." : "The DataFlow spec: a source, transformations, a sink and an error sink.");
        s.putArray("required").add("source").add("sink");
        ObjectNode props = s.putObject("properties");
        for (String field : new TreeSet<>(ManifestParser.KNOWN_FIELDS)) {
            Supplier<ObjectNode> schema = known.get(field);
            if (schema == null) {
                throw new IllegalStateException("ManifestJsonSchema has no schema for the spec field " + field + " that ManifestParser accepts");
            }
            props.set(field, schema.get());
        }
        for (String field : new TreeSet<>(ManifestParser.KUBERNETES_FIELDS)) {
            props.putObject(field).put("description", "A setting of the original's processor pod: accepted with a warning, set it on the FlinkDeployment (jobs/k8s/).");
        }
        if (cron) {
            for (String field : new TreeSet<>(ManifestParser.CRON_FIELDS)) {
                props.putObject(field).put("description", "DataFlowCron scheduling: accepted with a warning, the job runs once.");
            }
        }
        return s;
    }

    /** spec.maintenance (docs/MANIFEST.md#maintenance): the parser checks times, durations and zones beyond their types. */
    private static ObjectNode maintenance() {
        ObjectNode m = object("A manual stop (suspended) and maintenance windows during which the source reads nothing.");
        ObjectNode dependent = m.putObject("dependencies");
        dependent.putArray("startTime").add("duration");
        dependent.putArray("duration").add("startTime");
        dependent.putArray("repeat").add("startTime");
        dependent.putArray("timezone").add("startTime");
        ObjectNode p = m.putObject("properties");
        p.set("suspended", strict("boolean", "true: run refuses to start the job, the k8s command writes job.state: suspended."));
        p.set("startTime", strict("string", "RFC 3339 start of the first window, with an offset (2026-12-06T02:00:00Z).").put("format", "date-time"));
        p.set("duration", strict("string", "Go duration of each window (30m, 2h); shorter than the repeat period."));
        ObjectNode repeat = strict("string", "Repeat at the same local time; left out: one window.");
        List.of("daily", "weekly", "monthly").forEach(repeat.putArray("enum")::add);
        p.set("repeat", repeat);
        p.set("timezone", strict("string", "IANA time zone of the repeats' local time (default UTC)."));
        p.set("description", strict("string", "Free text, logged when a window begins."));
        return m;
    }

    private static ObjectNode secretRef() {
        ObjectNode r = object("Reads <secrets dir>/<name>/<key> (a Kubernetes Secret mounted as files; --secrets-dir, default "
                + SecretResolver.DEFAULT_SECRETS_DIR + ") and overrides the sibling field.");
        r.putArray("required").add("name").add("key");
        ObjectNode p = r.putObject("properties");
        p.putObject("name").put("type", "string").put("pattern", "^[^/]+$").put("description", "The Secret's name (a directory under the secrets dir).");
        p.putObject("key").put("type", "string").put("pattern", "^[^/]+$").put("description", "The key inside the Secret (a file).");
        p.putObject("namespace").put("type", "string").put("description", "Accepted for compatibility; mount the Secret you mean.");
        return r;
    }

    /** {type, config}: the type is one of the registered ones, and the type decides which options config has. */
    private static ObjectNode connector(Set<String> types, Function<ConnectorFactory, List<ConfigField<?>>> options, String role) {
        ObjectNode c = object("A " + role + " connector: {type, config}.");
        c.putArray("required").add("type");
        ObjectNode p = c.putObject("properties");
        ArrayNode typeEnum = p.putObject("type").put("description", "The connector type.").putArray("enum");
        p.putObject("config").put("description", "The connector's options (docs/CONNECTORS.md).");
        ArrayNode cases = c.putArray("allOf");
        for (String type : types) {
            ConnectorFactory f = ConnectorRegistry.find(type).orElseThrow();
            if (ReferenceDocs.isTestOnly(f.description())) {
                continue;
            }
            typeEnum.add(type);
            cases.add(whenType(type, config(f.description(), options.apply(f))));
        }
        return c;
    }

    private static ObjectNode errorSink() {
        ObjectNode e = (ObjectNode) connector(ConnectorRegistry.sinkTypes(), ConnectorFactory::sinkOptions, "error sink");
        ((ObjectNode) e.get("properties")).set("ackPolicy", enumeration("When the failed record's source position may advance: afterWrite, once the record is in the error sink "
                + "(before the checkpoint that covers it completes). The original's never and afterMainSinkSuccess are refused: "
                + "a checkpoint cannot leave one record behind.",
                List.of(AckPolicy.AFTER_WRITE.manifestName()), true).put("default", AckPolicy.AFTER_WRITE.manifestName()));
        return e;
    }

    private static ObjectNode transformation() {
        ObjectNode t = object("One step: {type, when?, config}.");
        t.putArray("required").add("type");
        ObjectNode p = t.putObject("properties");
        ArrayNode typeEnum = p.putObject("type").put("description", "The transformation type (docs/TRANSFORMATIONS.md).").putArray("enum");
        p.putObject("when").put("type", "string").put("description", "Condition (docs/TRANSFORMATIONS.md); the step applies only to messages it holds for.");
        p.putObject("config").put("description", "The transformation's options.");
        ArrayNode cases = t.putArray("allOf");
        for (String type : TransformRegistry.types()) {
            TransformerFactory f = TransformRegistry.find(type).orElseThrow();
            if (ReferenceDocs.isTestOnly(f.description())) {
                continue;
            }
            typeEnum.add(type);
            ObjectNode config = config(f.description(), f.options());
            if (type.equals("router")) {
                // The router's route sinks are whole sink connectors, which ManifestParser validates as such.
                ObjectNode route = (ObjectNode) config.at("/properties/routes/items/properties");
                route.set("sink", ref("sinkConnector", "The route's sink: {type, config} of any sink connector."));
            }
            cases.add(whenType(type, config));
        }
        return t;
    }

    private static ObjectNode whenType(String type, ObjectNode config) {
        ObjectNode c = JSON.createObjectNode();
        ObjectNode condition = c.putObject("if");
        condition.putArray("required").add("type");
        condition.putObject("properties").putObject("type").put("const", type);
        c.putObject("then").putObject("properties").set("config", config);
        return c;
    }

    /** An options object: unknown keys are errors, as in ConfigValidator; an absent or null config is empty. */
    private static ObjectNode config(String description, List<ConfigField<?>> options) {
        ObjectNode o = object(description);
        o.putArray("type").add("object").add("null");
        ObjectNode props = o.putObject("properties");
        ArrayNode allOf = JSON.createArrayNode();
        for (ConfigField<?> option : options) {
            props.set(option.name(), option(option));
            if (option.acceptsSecretRef()) {
                props.set(option.name() + ConfigValidator.SECRET_REF_SUFFIX,
                        ref("secretRef", "Reads " + option.name() + " from a mounted Secret file (overrides " + option.name() + ")."));
            }
            if (option.required()) {
                if (option.acceptsSecretRef()) {
                    ArrayNode either = allOf.addObject().putArray("anyOf");
                    either.addObject().putArray("required").add(option.name());
                    either.addObject().putArray("required").add(option.name() + ConfigValidator.SECRET_REF_SUFFIX);
                } else {
                    o.withArray("required").add(option.name());
                }
            }
        }
        if (!allOf.isEmpty()) {
            o.set("allOf", allOf);
        }
        return o;
    }

    private static ObjectNode option(ConfigField<?> option) {
        String description = option.description() + (option.secret() ? " (secret: masked)" : "");
        ObjectNode s;
        switch (option.type()) {
            case STRING:
                s = JSON.createObjectNode().put("description", description);
                s.putArray("type").add("string").add("number").add("boolean");
                break;
            case INT:
            case LONG:
                s = integer(description, option.min());
                break;
            case DOUBLE:
                s = scalar(description, "number", NUMBER);
                break;
            case BOOLEAN:
                s = bool(description);
                break;
            case DURATION:
                s = duration(description);
                break;
            case STRING_LIST:
                s = JSON.createObjectNode().put("description", description);
                s.putArray("type").add("array").add("string");
                s.putObject("items").putArray("type").add("string").add("number").add("boolean");
                break;
            case ENUM:
                s = enumeration(description, option.enumValues(), true);
                break;
            case OBJECT:
                s = config(description, option.children());
                s.put("type", "object");
                break;
            case OBJECT_LIST:
                s = JSON.createObjectNode().put("type", "array").put("description", description);
                ObjectNode item = config("", option.children());
                item.put("type", "object");
                item.remove("description");
                s.set("items", item);
                break;
            case MAP:
                s = JSON.createObjectNode().put("type", "object").put("description", description);
                break;
            default:
                s = JSON.createObjectNode().put("description", description);
        }
        Object dflt = option.defaultValue();
        if (dflt instanceof Duration) {
            s.put("default", ((Duration) dflt).toString().substring(2).toLowerCase());
        } else if (dflt != null) {
            s.set("default", JSON.valueToTree(dflt));
        }
        return s;
    }

    private static ObjectNode integer(String description, Long min) {
        ObjectNode s = scalar(description, "integer", INTEGER);
        if (min != null) {
            s.put("minimum", min);
        }
        return s;
    }

    private static ObjectNode strict(String type, String description) {
        return JSON.createObjectNode().put("type", type).put("description", description);
    }

    private static ObjectNode bool(String description) {
        return scalar(description, "boolean", BOOLEAN);
    }

    private static ObjectNode duration(String description) {
        ObjectNode s = scalar(description + " Go duration (500ms, 30s, 1m30s) or a number of seconds.", "number", DURATION);
        s.put("minimum", 0);
        return s;
    }

    /** A typed value that may also be written as a string (the parser converts "500", "true"): the pattern checks the string form. */
    private static ObjectNode scalar(String description, String type, String stringPattern) {
        ObjectNode s = JSON.createObjectNode().put("description", description);
        s.putArray("type").add(type).add("string");
        s.put("pattern", stringPattern);
        return s;
    }

    /** Editors complete from {@code enum}; the parser also accepts other letter cases, which the pattern allows. */
    private static ObjectNode enumeration(String description, List<String> values, boolean caseInsensitive) {
        String sentence = description.isEmpty() || description.endsWith(".") ? description : description + ".";
        ObjectNode s = JSON.createObjectNode().put("description", (sentence + " One of: " + String.join(", ", values) + ".").strip());
        s.put("type", "string");
        ArrayNode anyOf = s.putArray("anyOf");
        ArrayNode exact = anyOf.addObject().putArray("enum");
        values.forEach(exact::add);
        String pattern = values.stream().map(ManifestJsonSchema::caseInsensitive).collect(Collectors.joining("|", "^(", ")$"));
        anyOf.addObject().put("pattern", caseInsensitive ? pattern + "|" + PLACEHOLDER : PLACEHOLDER);
        return s;
    }

    private static String caseInsensitive(String word) {
        StringBuilder out = new StringBuilder();
        for (char ch : word.toCharArray()) {
            if (Character.isLetter(ch) && Character.toLowerCase(ch) != Character.toUpperCase(ch)) {
                out.append('[').append(Character.toUpperCase(ch)).append(Character.toLowerCase(ch)).append(']');
            } else if ("\\^$.|?*+()[]{}".indexOf(ch) >= 0) {
                out.append('\\').append(ch);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private static ObjectNode object(String description) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "object");
        if (!description.isEmpty()) {
            o.put("description", description);
        }
        o.put("additionalProperties", false);
        return o;
    }

    private static ObjectNode ref(String definition, String description) {
        return JSON.createObjectNode().put("$ref", DEFS + definition).put("description", description);
    }
}
