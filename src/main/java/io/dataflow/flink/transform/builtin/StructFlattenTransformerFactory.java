package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.transform.TransformException;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code structFlatten} (Kafka Connect's Flatten): nested objects become one level of joined keys
 * ({@code {"a":{"b":1}}} → {@code {"a.b":1}}); arrays are kept as values; an empty object contributes no key.
 * As in the original: at each level the plain values are written before the nested objects are descended into,
 * keys in sorted order, so a flattened nested key wins over a literal key with the same text whatever the document
 * order; the output's keys are sorted; objects nested more than 64 levels below the root fail the record.
 * Non-object payloads pass unchanged.
 */
public final class StructFlattenTransformerFactory implements TransformerFactory {

    static final ConfigField<String> DELIMITER = ConfigField.string("delimiter").defaultValue(".")
            .description("Joins the keys of nested objects (surrounding spaces are ignored); must not be blank").build();

    static final int MAX_DEPTH = 64;

    /** Go sorts keys by their UTF-8 bytes, which is code point order (String.compareTo is UTF-16 order). */
    private static final Comparator<String> GO_KEY_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    };

    @Override
    public String type() {
        return "structFlatten";
    }

    @Override
    public String description() {
        return "Flattens nested objects into one level of delimiter-joined keys";
    }

    @Override
    public List<ConfigField<?>> options() {
        return List.of(DELIMITER);
    }

    @Override
    public void validate(ConfigValues config, ValidationErrors errors) {
        if (config.get(DELIMITER).isBlank()) {
            errors.add(config.pathOf(DELIMITER), "must not be empty");
        }
    }

    @Override
    public Transformer create(ConfigValues config) {
        String delimiter = config.get(DELIMITER).strip();
        return message -> {
            ObjectNode root = Steps.objectPayload(message);
            if (root == null) {
                return List.of(message);
            }
            Map<String, JsonNode> flat = new TreeMap<>(GO_KEY_ORDER);
            flatten("", root, flat, delimiter, 0);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.setAll(flat);
            message.setJson(out);
            return List.of(message);
        };
    }

    /** {@code depth} is the number of objects above {@code node} (0 for the payload itself). */
    private static void flatten(String prefix, ObjectNode node, Map<String, JsonNode> out, String delimiter, int depth)
            throws TransformException {
        if (depth > MAX_DEPTH) {
            throw new TransformException("objects nested deeper than " + MAX_DEPTH + " levels");
        }
        List<String> keys = new ArrayList<>(node.size());
        node.fieldNames().forEachRemaining(keys::add);
        keys.sort(GO_KEY_ORDER);
        List<String> nested = new ArrayList<>();
        for (String k : keys) {
            JsonNode value = node.get(k);
            if (value.isObject()) {
                if (!value.isEmpty()) {
                    nested.add(k);
                }
            } else {
                out.put(prefix.isEmpty() ? k : prefix + delimiter + k, value);
            }
        }
        for (String k : nested) {
            flatten(prefix.isEmpty() ? k : prefix + delimiter + k, (ObjectNode) node.get(k), out, delimiter, depth + 1);
        }
    }
}
