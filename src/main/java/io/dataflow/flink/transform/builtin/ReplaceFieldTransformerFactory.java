package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.manifest.Config;
import io.dataflow.flink.manifest.ConfigOption;
import io.dataflow.flink.manifest.ValidationErrors;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.path.JsonPath;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code replaceField} (Kafka Connect's ReplaceField): first {@code include} keeps only the listed paths (nesting
 * preserved) or {@code exclude} deletes the listed paths, then {@code renames} ({@code old:new}, paths on both sides)
 * move values. Include and exclude are mutually exclusive; at least one of the three is required.
 */
public final class ReplaceFieldTransformerFactory implements TransformerFactory {

    static final ConfigOption<List<String>> RENAMES = ConfigOption.stringList("renames").defaultValue(List.of())
            .description("old.path:new.path entries, applied after include/exclude").build();
    static final ConfigOption<List<String>> INCLUDE = ConfigOption.stringList("include").defaultValue(List.of())
            .description("Paths to keep (everything else is dropped); excludes `exclude`").build();
    static final ConfigOption<List<String>> EXCLUDE = ConfigOption.stringList("exclude").defaultValue(List.of())
            .description("Paths to drop; excludes `include`").build();

    @Override
    public String type() {
        return "replaceField";
    }

    @Override
    public String description() {
        return "Keeps (include) or drops (exclude) fields, then renames fields";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(RENAMES, INCLUDE, EXCLUDE);
    }

    @Override
    public void validate(Config config, ValidationErrors errors) {
        List<String> renames = config.get(RENAMES);
        if (renames.isEmpty() && config.get(INCLUDE).isEmpty() && config.get(EXCLUDE).isEmpty()) {
            errors.add(config.path(), "one of renames, include or exclude is required");
        }
        if (!config.get(INCLUDE).isEmpty() && !config.get(EXCLUDE).isEmpty()) {
            errors.add(config.pathOf(EXCLUDE), "include and exclude cannot both be set");
        }
        Steps.validatePaths(config, INCLUDE, errors);
        Steps.validatePaths(config, EXCLUDE, errors);
        for (int i = 0; i < renames.size(); i++) {
            String where = ValidationErrors.index(config.pathOf(RENAMES), i);
            String[] parts = renames.get(i).split(":", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                errors.add(where, "must be old:new");
            } else {
                Steps.validatePath(where, parts[0].trim(), errors);
                Steps.validatePath(where, parts[1].trim(), errors);
            }
        }
    }

    @Override
    public Transformer create(Config config) {
        List<JsonPath> include = Steps.paths(config.get(INCLUDE));
        List<JsonPath> exclude = Steps.paths(config.get(EXCLUDE));
        List<JsonPath[]> renames = new ArrayList<>();
        for (String r : config.get(RENAMES)) {
            String[] parts = r.split(":", -1);
            renames.add(new JsonPath[] {JsonPath.parse(parts[0].trim()), JsonPath.parse(parts[1].trim())});
        }
        return message -> {
            ObjectNode root = Steps.objectPayload(message);
            if (root == null) {
                return List.of(message);
            }
            ObjectNode result = root;
            if (!include.isEmpty()) {
                result = JsonNodeFactory.instance.objectNode();
                for (JsonPath path : include) {
                    JsonNode value = path.get(root);
                    if (value != null) {
                        path.set(result, value);
                    }
                }
            }
            for (JsonPath path : exclude) {
                path.remove(result);
            }
            for (JsonPath[] rename : renames) {
                JsonNode value = rename[0].remove(result);
                if (value != null) {
                    rename[1].set(result, value);
                }
            }
            message.setJson(result);
            return List.of(message);
        };
    }
}
