package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.path.JsonPath;
import io.dataflow.flink.transform.path.JsonValues;

import java.util.List;

/**
 * {@code mask}: replaces each existing field by a string of mask characters, as long as the value's string form
 * with {@code keepLength}, else exactly three. Numbers and booleans become strings, as in the original. A
 * {@code maskChar} of several characters is repeated as a whole and an empty one means {@code *}, as in the original.
 *
 * <p>Fixes: {@code $.}-prefixed paths match (the original handed them to gjson as they were, so they never did), and
 * {@code keepLength} counts characters (the original counted UTF-8 bytes: {@code Zoë} gave four mask characters).
 */
public final class MaskTransformerFactory implements TransformerFactory {

    static final ConfigField<List<String>> FIELDS = ConfigField.stringList("fields").required()
            .description("Paths of the fields to mask; missing ones are skipped").build();
    static final ConfigField<String> MASK_CHAR = ConfigField.string("maskChar").defaultValue("*")
            .description("The mask character (a longer text is repeated as a whole; empty means *)").build();
    static final ConfigField<Boolean> KEEP_LENGTH = ConfigField.bool("keepLength").defaultValue(false)
            .description("Mask with as many characters as the value's string form has; false: always three").build();

    @Override
    public String type() {
        return "mask";
    }

    @Override
    public String description() {
        return "Replaces field values by mask characters (e.g. personal data)";
    }

    @Override
    public List<ConfigField<?>> options() {
        return List.of(FIELDS, MASK_CHAR, KEEP_LENGTH);
    }

    @Override
    public void validate(ConfigValues config, ValidationErrors errors) {
        Steps.requirePaths(config, FIELDS, errors);
    }

    private static String maskChar(ConfigValues config) {
        String maskChar = config.get(MASK_CHAR);
        return maskChar == null || maskChar.isEmpty() ? "*" : maskChar;
    }

    @Override
    public Transformer create(ConfigValues config) {
        List<JsonPath> fields = Steps.paths(config.get(FIELDS));
        String maskChar = maskChar(config);
        boolean keepLength = config.get(KEEP_LENGTH);
        TextNode fixed = TextNode.valueOf(maskChar.repeat(3));
        return message -> {
            JsonNode root = message.json();
            if (root == null || !root.isContainerNode()) {
                return List.of(message);
            }
            boolean changed = false;
            for (JsonPath field : fields) {
                JsonNode value = field.get(root);
                if (value == null) {
                    continue;
                }
                String text = JsonValues.asString(value);
                field.set(root, keepLength ? TextNode.valueOf(maskChar.repeat(text.codePointCount(0, text.length()))) : fixed);
                changed = true;
            }
            if (changed) {
                message.setJson(root);
            }
            return List.of(message);
        };
    }
}
