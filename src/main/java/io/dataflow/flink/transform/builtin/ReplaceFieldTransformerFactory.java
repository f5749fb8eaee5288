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

import java.util.ArrayList;
import java.util.List;

/**
 * {@code replaceField} (Kafka Connect's ReplaceField): first {@code include} keeps only the listed paths (nesting
 * preserved) or {@code exclude} deletes the listed paths, then {@code renames} ({@code old:new}, paths on both sides,
 * split at the first colon) move values. Include and exclude are mutually exclusive; at least one of the three is
 * required. As in the original, objects that a delete or a move leaves empty are removed too, up to the top
 * ({@code key.sku:sku} on {@code {"key":{"sku":1}}} gives {@code {"sku":1}}), and a rename onto itself changes
 * nothing.
 *
 * <p>Differences, all fixes: the original failed every record for a malformed rename or a path with a wildcard or
 * {@code #} (sjson cannot write through them); here both are validation errors. A rename into a path whose parent
 * is a scalar or an array leaves the record as it was (sjson replaced the scalar by an object). A rename into or out of
 * its own subtree ({@code a:a.b}, {@code a.b:a}) moves the value; the original lost or damaged it.
 */
public final class ReplaceFieldTransformerFactory implements TransformerFactory {

    static final ConfigField<List<String>> RENAMES = ConfigField.stringList("renames").defaultValue(List.of())
            .description("old.path:new.path entries, applied after include/exclude").build();
    static final ConfigField<List<String>> INCLUDE = ConfigField.stringList("include").defaultValue(List.of())
            .description("Paths to keep (everything else is dropped); excludes `exclude`").build();
    static final ConfigField<List<String>> EXCLUDE = ConfigField.stringList("exclude").defaultValue(List.of())
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
    public List<ConfigField<?>> options() {
        return List.of(RENAMES, INCLUDE, EXCLUDE);
    }

    @Override
    public void validate(ConfigValues config, ValidationErrors errors) {
        List<String> renames = config.get(RENAMES);
        if (renames.isEmpty() && config.get(INCLUDE).isEmpty() && config.get(EXCLUDE).isEmpty()) {
            errors.add(config.path(), "one of renames, include or exclude is required");
        }
        if (!config.get(INCLUDE).isEmpty() && !config.get(EXCLUDE).isEmpty()) {
            errors.add(config.pathOf(EXCLUDE), "include and exclude cannot both be set");
        }
        Steps.validatePaths(config, INCLUDE, errors);
        Steps.validatePaths(config, EXCLUDE, errors);
        validatePlain(config, INCLUDE, errors);
        validatePlain(config, EXCLUDE, errors);
        for (int i = 0; i < renames.size(); i++) {
            String where = ValidationErrors.index(config.pathOf(RENAMES), i);
            String[] parts = split(renames.get(i));
            if (parts == null || parts[0].isBlank() || parts[1].isBlank()) {
                errors.add(where, "must be old:new");
                continue;
            }
            for (String part : parts) {
                int before = errors.size();
                Steps.validatePath(where, part, errors);
                if (errors.size() == before && !JsonPath.parse(part).isPlain()) {
                    errors.add(where, NOT_PLAIN + " (\"" + part + "\")");
                }
            }
        }
    }

    private static final String NOT_PLAIN = "a path to write or delete cannot have wildcards (* ?) or #";

    private static void validatePlain(ConfigValues config, ConfigField<List<String>> option, ValidationErrors errors) {
        List<String> paths = config.get(option);
        for (int i = 0; i < paths.size(); i++) {
            try {
                if (!JsonPath.parse(paths.get(i)).isPlain()) {
                    errors.add(ValidationErrors.index(config.pathOf(option), i), NOT_PLAIN);
                }
            } catch (IllegalArgumentException e) {
                // reported by Steps.validatePaths
            }
        }
    }

    /** {@code old:new} split at the first colon and trimmed, as the original's {@code strings.Cut}; null without a colon. */
    private static String[] split(String rename) {
        int colon = rename.indexOf(':');
        return colon < 0 ? null : new String[] {rename.substring(0, colon).trim(), rename.substring(colon + 1).trim()};
    }

    @Override
    public Transformer create(ConfigValues config) {
        List<JsonPath> include = Steps.paths(config.get(INCLUDE));
        List<JsonPath> exclude = Steps.paths(config.get(EXCLUDE));
        List<JsonPath[]> renames = new ArrayList<>();
        for (String r : config.get(RENAMES)) {
            String[] parts = split(r);
            JsonPath from = JsonPath.parse(parts[0]);
            JsonPath to = JsonPath.parse(parts[1]);
            if (!from.equals(to)) {
                renames.add(new JsonPath[] {from, to});
            }
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
                if (path.remove(result) != null) {
                    pruneEmptyParents(result, path, null);
                }
            }
            for (JsonPath[] rename : renames) {
                move(result, rename[0], rename[1]);
            }
            message.setJson(result);
            return List.of(message);
        };
    }

    private static void move(ObjectNode root, JsonPath from, JsonPath to) {
        JsonNode value = from.get(root);
        if (value == null) {
            return;
        }
        if (to.startsWith(from) || from.startsWith(to)) {
            // One lies inside the other: take the value out first, or writing it would change what is removed.
            from.remove(root);
            to.set(root, value);
        } else if (to.set(root, value)) {
            // Written first, removed second, as the original: a new top-level key lands where sjson puts it (last).
            from.remove(root);
        } else {
            return;
        }
        pruneEmptyParents(root, from, to);
    }

    /**
     * Removes the objects on {@code removed}'s way that are now empty, deepest first, stopping at the first that is
     * not an empty object or that {@code kept} (the rename's target) goes through.
     */
    private static void pruneEmptyParents(ObjectNode root, JsonPath removed, JsonPath kept) {
        for (JsonPath parent = removed.parent(); !parent.isRoot(); parent = parent.parent()) {
            if (kept != null && kept.startsWith(parent)) {
                return;
            }
            JsonNode node = parent.get(root);
            if (!(node instanceof ObjectNode) || !node.isEmpty()) {
                return;
            }
            parent.remove(root);
        }
    }
}
