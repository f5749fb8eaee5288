package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.manifest.Config;
import io.dataflow.flink.manifest.ConfigOption;
import io.dataflow.flink.manifest.ValidationErrors;
import io.dataflow.flink.transform.TransformException;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code structFlatten} (Kafka Connect's Flatten): nested objects become one level of joined keys
 * ({@code {"a":{"b":1}}} → {@code {"a.b":1}}); arrays are kept as values; an empty object contributes no key.
 * Nesting deeper than 64 levels fails the record (as the original). Non-object payloads pass unchanged.
 */
public final class StructFlattenTransformerFactory implements TransformerFactory {

    static final ConfigOption<String> DELIMITER = ConfigOption.string("delimiter").defaultValue(".")
            .description("Joins the keys of nested objects; must not be empty").build();

    static final int MAX_DEPTH = 64;

    @Override
    public String type() {
        return "structFlatten";
    }

    @Override
    public String description() {
        return "Flattens nested objects into one level of delimiter-joined keys";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(DELIMITER);
    }

    @Override
    public void validate(Config config, ValidationErrors errors) {
        if (config.get(DELIMITER).isEmpty()) {
            errors.add(config.pathOf(DELIMITER), "must not be empty");
        }
    }

    @Override
    public Transformer create(Config config) {
        String delimiter = config.get(DELIMITER);
        return message -> {
            ObjectNode root = Steps.objectPayload(message);
            if (root == null) {
                return List.of(message);
            }
            ObjectNode flat = JsonNodeFactory.instance.objectNode();
            flatten("", root, flat, delimiter, 1);
            message.setJson(flat);
            return List.of(message);
        };
    }

    private static void flatten(String prefix, ObjectNode node, ObjectNode out, String delimiter, int depth) throws TransformException {
        if (depth > MAX_DEPTH) {
            throw new TransformException("objects nested deeper than " + MAX_DEPTH + " levels");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + delimiter + e.getKey();
            if (e.getValue().isObject()) {
                flatten(key, (ObjectNode) e.getValue(), out, delimiter, depth + 1);
            } else {
                out.set(key, e.getValue());
            }
        }
    }
}
