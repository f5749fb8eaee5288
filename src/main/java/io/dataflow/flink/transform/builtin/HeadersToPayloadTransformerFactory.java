package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.MetadataValues;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.path.JsonPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code headersToPayload}: copies Kafka headers (metadata {@code headers}) into the payload, one
 * {@code Header-Name:field.path} mapping each; headers the record does not have are skipped.
 */
public final class HeadersToPayloadTransformerFactory implements TransformerFactory {

    static final ConfigField<List<String>> MAPPINGS = ConfigField.stringList("mappings").required()
            .description("Header-Name:field.path entries").build();

    @Override
    public String type() {
        return "headersToPayload";
    }

    @Override
    public String description() {
        return "Copies Kafka headers into payload fields";
    }

    @Override
    public List<ConfigField<?>> options() {
        return List.of(MAPPINGS);
    }

    @Override
    public void validate(ConfigValues config, ValidationErrors errors) {
        List<String> mappings = config.get(MAPPINGS);
        if (mappings.isEmpty()) {
            errors.add(config.pathOf(MAPPINGS), "at least one mapping is required");
        }
        for (int i = 0; i < mappings.size(); i++) {
            String where = ValidationErrors.index(config.pathOf(MAPPINGS), i);
            String m = mappings.get(i);
            int colon = m.indexOf(':');
            if (colon < 0 || m.substring(0, colon).isBlank() || m.substring(colon + 1).isBlank()) {
                errors.add(where, "must be Header-Name:field.path");
            } else {
                Steps.validatePath(where, m.substring(colon + 1).trim(), errors);
            }
        }
    }

    @Override
    public Transformer create(ConfigValues config) {
        List<String> headers = new ArrayList<>();
        List<JsonPath> fields = new ArrayList<>();
        for (String m : config.get(MAPPINGS)) {
            int colon = m.indexOf(':');
            headers.add(m.substring(0, colon).trim());
            fields.add(JsonPath.parse(m.substring(colon + 1).trim()));
        }
        return message -> {
            ObjectNode root = Steps.objectPayload(message);
            if (root == null || !(message.metadata("headers") instanceof Map)) {
                return List.of(message);
            }
            Map<?, ?> present = (Map<?, ?>) message.metadata("headers");
            boolean changed = false;
            for (int i = 0; i < headers.size(); i++) {
                if (present.containsKey(headers.get(i))) {
                    fields.get(i).set(root, JsonNodeFactory.instance.textNode(MetadataValues.asString(present.get(headers.get(i)))));
                    changed = true;
                }
            }
            if (changed) {
                message.setJson(root);
            }
            return List.of(message);
        };
    }
}
