package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.path.JsonPath;

import java.util.List;

/**
 * {@code extractField}: replaces the payload by the value at a path, of any JSON type (Kafka Connect's
 * ExtractField). A missing field or a non-JSON payload leaves the message unchanged.
 */
public final class ExtractFieldTransformerFactory implements TransformerFactory {

    static final ConfigField<String> FIELD = ConfigField.string("field").required()
            .description("Path of the value that becomes the whole payload").build();

    @Override
    public String type() {
        return "extractField";
    }

    @Override
    public String description() {
        return "Replaces the payload by the value of one field";
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
        JsonPath field = JsonPath.parse(config.get(FIELD));
        return message -> {
            JsonNode root = message.json();
            JsonNode value = root == null ? null : field.get(root);
            if (value != null) {
                message.setJson(value);
            }
            return List.of(message);
        };
    }
}
