package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.path.JsonPath;

import java.util.List;

/** {@code remove}: deletes the listed fields (nested paths and array elements allowed); missing ones are skipped. */
public final class RemoveTransformerFactory implements TransformerFactory {

    static final ConfigField<List<String>> FIELDS = ConfigField.stringList("fields").required()
            .description("Paths of the fields to delete").build();

    @Override
    public String type() {
        return "remove";
    }

    @Override
    public String description() {
        return "Deletes fields";
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
            boolean changed = false;
            for (JsonPath field : fields) {
                changed |= field.remove(root) != null;
            }
            if (changed) {
                message.setJson(root);
            }
            return List.of(message);
        };
    }
}
