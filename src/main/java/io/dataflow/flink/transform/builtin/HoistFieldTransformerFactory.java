package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;

import java.util.List;

/** {@code hoistField}: wraps the whole JSON payload under one key (Kafka Connect's HoistField). */
public final class HoistFieldTransformerFactory implements TransformerFactory {

    static final ConfigField<String> FIELD = ConfigField.string("field").required()
            .description("The key to wrap the payload under (a plain key, no dots; surrounding spaces are ignored)").build();

    @Override
    public String type() {
        return "hoistField";
    }

    @Override
    public String description() {
        return "Wraps the whole payload under one key";
    }

    @Override
    public List<ConfigField<?>> options() {
        return List.of(FIELD);
    }

    @Override
    public void validate(ConfigValues config, ValidationErrors errors) {
        String field = config.get(FIELD);
        if (field.isBlank()) {
            errors.add(config.pathOf(FIELD), "must not be empty");
        } else if (field.contains(".")) {
            errors.add(config.pathOf(FIELD), "must be a plain key without dots");
        }
    }

    @Override
    public Transformer create(ConfigValues config) {
        String field = config.get(FIELD).strip();
        return message -> {
            JsonNode root = message.json();
            if (root == null) {
                return List.of(message);
            }
            ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
            wrapped.set(field, root);
            message.setJson(wrapped);
            return List.of(message);
        };
    }
}
