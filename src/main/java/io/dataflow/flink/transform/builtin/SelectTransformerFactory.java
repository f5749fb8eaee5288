package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.path.JsonPath;

import java.util.List;

/**
 * {@code select}: a new flat object with each found field under its last path segment (later fields win on a
 * name collision). When none is found the message is kept unchanged, as in the original.
 */
public final class SelectTransformerFactory implements TransformerFactory {

    static final ConfigField<List<String>> FIELDS = ConfigField.stringList("fields").required()
            .description("Paths to keep; each lands at the top level under its last segment").build();

    @Override
    public String type() {
        return "select";
    }

    @Override
    public String description() {
        return "Keeps only the listed fields, flattened to the top level under their last path segment";
    }

    @Override
    public List<ConfigField<?>> options() {
        return List.of(FIELDS);
    }

    @Override
    public void validate(ConfigValues config, ValidationErrors errors) {
        Steps.requirePaths(config, FIELDS, errors);
    }

    @Override
    public Transformer create(ConfigValues config) {
        List<JsonPath> fields = Steps.paths(config.get(FIELDS));
        return message -> {
            JsonNode root = message.json();
            if (root == null || !root.isContainerNode()) {
                return List.of(message);
            }
            ObjectNode selected = JsonNodeFactory.instance.objectNode();
            for (JsonPath field : fields) {
                JsonNode value = field.get(root);
                if (value != null) {
                    selected.set(field.lastSegment(), value);
                }
            }
            if (!selected.isEmpty()) {
                message.setJson(selected);
            }
            return List.of(message);
        };
    }
}
