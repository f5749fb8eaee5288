package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.message.MetadataValues;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.path.JsonPath;
import io.dataflow.flink.transform.time.GoTimeLayout;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code insertField}: sets fields to literal strings, {@code ${metadata.<key>}} (the metadata value's string form,
 * "" when missing), {@code ${now}} (RFC 3339, UTC) or {@code json:<raw JSON>} (any JSON value). Fields are applied
 * in manifest order (the original's map order was random); {@code json:} values are parsed once at validation, so
 * invalid JSON is a manifest error rather than a failure of every record. Non-object payloads pass unchanged.
 */
public final class InsertFieldTransformerFactory implements TransformerFactory {

    static final ConfigField<Map<String, Object>> FIELDS = ConfigField.map("fields").required()
            .description("Path → value: a literal string, ${metadata.<key>}, ${now} or json:<raw JSON>").build();

    /** Like Go's json.Valid: exactly one JSON value, nothing after it (Jackson ignores trailing tokens by default). */
    private static final ObjectReader JSON = new ObjectMapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Clock clock;

    public InsertFieldTransformerFactory() {
        this(Clock.systemUTC());
    }

    InsertFieldTransformerFactory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String type() {
        return "insertField";
    }

    @Override
    public String description() {
        return "Sets fields to literals, metadata values, the current time or JSON values";
    }

    @Override
    public List<ConfigField<?>> options() {
        return List.of(FIELDS);
    }

    @Override
    public void validate(ConfigValues config, ValidationErrors errors) {
        Map<String, Object> fields = config.get(FIELDS);
        if (fields.isEmpty()) {
            errors.add(config.pathOf(FIELDS), "at least one field is required");
        }
        fields.forEach((path, value) -> {
            String where = config.pathOf(FIELDS) + "." + path;
            Steps.validatePath(where, path, errors);
            if (!(value instanceof String)) {
                errors.add(where, "must be a string (use json:<value> for numbers, booleans, objects)");
            } else if (((String) value).startsWith("json:")) {
                try {
                    parseJson((String) value);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    errors.add(where, "json: value is not valid JSON: " + e.getOriginalMessage());
                }
            }
        });
    }

    @Override
    public Transformer create(ConfigValues config) {
        List<JsonPath> paths = new ArrayList<>();
        List<Function<Message, JsonNode>> values = new ArrayList<>();
        config.get(FIELDS).forEach((path, value) -> {
            paths.add(JsonPath.parse(path));
            values.add(value((String) value));
        });
        return message -> {
            ObjectNode root = Steps.objectPayload(message);
            if (root == null) {
                return List.of(message);
            }
            for (int i = 0; i < paths.size(); i++) {
                paths.get(i).set(root, values.get(i).apply(message));
            }
            message.setJson(root);
            return List.of(message);
        };
    }

    private Function<Message, JsonNode> value(String spec) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        if (spec.equals("${now}")) {
            return m -> json.textNode(GoTimeLayout.RFC3339.format(clock.instant().atZone(ZoneOffset.UTC)));
        }
        if (spec.startsWith("${metadata.") && spec.endsWith("}")) {
            String key = spec.substring("${metadata.".length(), spec.length() - 1);
            return m -> json.textNode(MetadataValues.asString(m.metadata(key)));
        }
        if (spec.startsWith("json:")) {
            try {
                JsonNode parsed = parseJson(spec);
                return m -> parsed.deepCopy();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("invalid json: value", e);
            }
        }
        JsonNode literal = json.textNode(spec);
        return m -> literal;
    }

    /** The value of a {@code json:<raw>} spec; nothing but white space is no value. */
    private static JsonNode parseJson(String spec) throws com.fasterxml.jackson.core.JsonProcessingException {
        String raw = spec.substring("json:".length());
        if (raw.isBlank()) {
            throw new com.fasterxml.jackson.core.JsonParseException(null, "no value after json:");
        }
        return JSON.readTree(raw);
    }
}
