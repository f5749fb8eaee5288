package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.message.MetadataValues;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.path.JsonPath;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code flatten}: explodes an array into one message per element, as the original: each output has every
 * top-level key of the input except the one literally named like {@code field}, plus the element's keys merged at
 * the top level (element keys win) or, for a scalar element, the element under {@code field}. An empty array gives
 * one message without that key. A missing field, a non-array (other than Avro's {@code {"array": [...]}} wrapper)
 * or a non-object payload leaves the message unchanged. For a nested path ({@code order.items}) the parent object
 * stays in the outputs, array included — the original's docs show it emptied, its code does not. A scalar element
 * goes under the path as written, as one top-level key ({@code a.tags} stays a key with a dot), but without a
 * leading {@code $.}: the original wrote a key {@code "$.tags"}, which no manifest wants (a fix, like the
 * {@code $.} handling of every other path here).
 */
public final class FlattenTransformerFactory implements TransformerFactory {

    static final ConfigField<String> FIELD = ConfigField.string("field").required()
            .description("Path of the array to explode").build();

    @Override
    public String type() {
        return "flatten";
    }

    @Override
    public String description() {
        return "Explodes an array field into one message per element";
    }

    @Override
    public List<ConfigField<?>> options() {
        return List.of(FIELD);
    }

    @Override
    public void validate(ConfigValues config, ValidationErrors errors) {
        Steps.validatePath(config.pathOf(FIELD), config.get(FIELD), errors);
    }

    @Override
    public Transformer create(ConfigValues config) {
        String field = config.get(FIELD);
        JsonPath path = JsonPath.parse(field);
        // The original deletes the top-level key named like the normalised path and like the path as written.
        String normalized = field.startsWith("$.") ? field.substring(2) : field.startsWith("$") ? field.substring(1) : field;
        String scalarKey = field.startsWith("$.") ? field.substring(2) : field;
        return message -> {
            ObjectNode root = Steps.objectPayload(message);
            if (root == null) {
                return List.of(message);
            }
            JsonNode array = path.get(root);
            if (array != null && array.isObject() && array.path("array").isArray()) {
                array = array.get("array");
            }
            if (array == null || !array.isArray()) {
                return List.of(message);
            }
            ObjectNode base = root.deepCopy();
            base.remove(normalized);
            base.remove(field);
            if (array.isEmpty()) {
                message.setJson(base);
                return List.of(message);
            }
            List<Message> out = new ArrayList<>(array.size());
            for (JsonNode element : array) {
                ObjectNode row = out.isEmpty() && array.size() == 1 ? base : base.deepCopy();
                if (element.isObject()) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = element.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        row.set(e.getKey(), e.getValue().deepCopy());
                    }
                } else {
                    row.set(scalarKey, element.deepCopy());
                }
                out.add(Message.ofJson(row, MetadataValues.deepCopy(message.metadata()), message.timestamp()));
            }
            return out;
        };
    }
}
