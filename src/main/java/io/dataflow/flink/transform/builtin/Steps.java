package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.transform.path.JsonPath;

import java.util.ArrayList;
import java.util.List;

/** Small helpers the built-in transformations share: path lists, object payloads, JSON values as metadata. */
final class Steps {

    private Steps() {
    }

    /** A list of field paths that must not be empty, each of which must parse. */
    static void requirePaths(ConfigValues config, ConfigField<List<String>> option, ValidationErrors errors) {
        if (config.get(option).isEmpty()) {
            errors.add(config.pathOf(option), "at least one field is required");
        }
        validatePaths(config, option, errors);
    }

    /** Parses every path of a list option; a bad one is reported at {@code option[i]}. */
    static void validatePaths(ConfigValues config, ConfigField<List<String>> option, ValidationErrors errors) {
        List<String> paths = config.get(option);
        if (paths == null) {
            return;
        }
        for (int i = 0; i < paths.size(); i++) {
            validatePath(ValidationErrors.index(config.pathOf(option), i), paths.get(i), errors);
        }
    }

    static void validatePath(String where, String path, ValidationErrors errors) {
        try {
            JsonPath p = JsonPath.parse(path);
            if (p.isRoot()) {
                errors.add(where, "must name a field, not the whole payload");
            }
        } catch (IllegalArgumentException e) {
            errors.add(where, e.getMessage());
        }
    }

    static List<JsonPath> paths(List<String> texts) {
        List<JsonPath> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(JsonPath.parse(t));
        }
        return List.copyOf(out);
    }

    /** The payload as a JSON object, or {@code null} when it is not one (such payloads pass through unchanged). */
    static ObjectNode objectPayload(Message message) {
        JsonNode root = message.json();
        return root instanceof ObjectNode ? (ObjectNode) root : null;
    }

    /**
     * A JSON value as a metadata value (the types {@code MetadataValues} allows): text, boolean, int/long/double,
     * null; objects and arrays as their compact JSON text.
     */
    static Object metadataValue(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isInt()) {
            return value.intValue();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        return value.toString();
    }
}
