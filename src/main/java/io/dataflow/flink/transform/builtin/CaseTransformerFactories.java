package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;

import java.util.List;
import java.util.function.UnaryOperator;

/** {@code snakeCase} and {@code camelCase}: rename keys; {@code deep} goes through nested objects and arrays. */
final class CaseTransformerFactories {

    static final ConfigField<Boolean> DEEP = ConfigField.bool("deep").defaultValue(false)
            .description("Also rename keys of nested objects, including objects inside arrays").build();

    private CaseTransformerFactories() {
    }

    /** Distinct keys remembered per step: records repeat the same field names, so each is converted once. */
    private static final int KEY_CACHE_SIZE = 10_000;

    static Transformer create(ConfigValues config, UnaryOperator<String> convert) {
        boolean deep = config.get(DEEP);
        // One transformer per operator subtask, called from one thread: a plain map is enough.
        java.util.Map<String, String> cache = new java.util.HashMap<>();
        UnaryOperator<String> keyFn = key -> {
            String converted = cache.get(key);
            if (converted == null) {
                converted = convert.apply(key);
                if (cache.size() < KEY_CACHE_SIZE) {
                    cache.put(key, converted);
                }
            }
            return converted;
        };
        return message -> {
            JsonNode root = message.json();
            if (root == null || !root.isContainerNode()) {
                return List.of(message);
            }
            message.setJson(KeyCase.convert(root, deep, keyFn, true));
            return List.of(message);
        };
    }

    /** {@code snakeCase}. */
    public static final class SnakeCase implements TransformerFactory {
        @Override
        public String type() {
            return "snakeCase";
        }

        @Override
        public String description() {
            return "Renames keys to snake_case (userId → user_id, XMLHttpRequest → xml_http_request)";
        }

        @Override
        public List<ConfigField<?>> options() {
            return List.of(DEEP);
        }

        @Override
        public Transformer create(ConfigValues config) {
            return CaseTransformerFactories.create(config, KeyCase::snake);
        }
    }

    /** {@code camelCase} (PascalCase in fact, as in the original). */
    public static final class CamelCase implements TransformerFactory {
        @Override
        public String type() {
            return "camelCase";
        }

        @Override
        public String description() {
            return "Renames keys to PascalCase, as the original does (user_id → UserId)";
        }

        @Override
        public List<ConfigField<?>> options() {
            return List.of(DEEP);
        }

        @Override
        public Transformer create(ConfigValues config) {
            return CaseTransformerFactories.create(config, KeyCase::pascal);
        }
    }
}
