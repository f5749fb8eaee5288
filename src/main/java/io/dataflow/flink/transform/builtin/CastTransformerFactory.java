package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.transform.TransformException;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.path.JsonPath;
import io.dataflow.flink.transform.path.JsonValues;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code cast}: converts fields to {@code string}, {@code int64}, {@code float64}, {@code bool} or {@code null}
 * (Kafka Connect's Cast). Missing fields are skipped; a value that cannot be converted fails the record with the
 * field and the value's type. Rules: string from scalars only; int64 from integers, whole floats and numeric
 * strings; float64 from numbers and numeric strings; bool from booleans, "true"/"false" (any case) and 0/1.
 */
public final class CastTransformerFactory implements TransformerFactory {

    static final ConfigField<Map<String, Object>> SPEC = ConfigField.map("spec").required()
            .description("Path → target type: string, int64, float64, bool or null").build();

    private static final Set<String> TYPES = Set.of("string", "int64", "float64", "bool", "null");
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    @Override
    public String type() {
        return "cast";
    }

    @Override
    public String description() {
        return "Converts field values to string, int64, float64, bool or null";
    }

    @Override
    public List<ConfigField<?>> options() {
        return List.of(SPEC);
    }

    @Override
    public void validate(ConfigValues config, ValidationErrors errors) {
        Map<String, Object> spec = config.get(SPEC);
        if (spec.isEmpty()) {
            errors.add(config.pathOf(SPEC), "at least one field is required");
        }
        spec.forEach((path, type) -> {
            String where = config.pathOf(SPEC) + "." + path;
            Steps.validatePath(where, path, errors);
            if (!(type instanceof String) || !TYPES.contains(((String) type).toLowerCase(Locale.ROOT))) {
                errors.add(where, "unknown target type \"" + type + "\" (known: string, int64, float64, bool, null)");
            }
        });
    }

    @Override
    public Transformer create(ConfigValues config) {
        Map<JsonPath, String> spec = new LinkedHashMap<>();
        config.get(SPEC).forEach((path, type) -> spec.put(JsonPath.parse(path), ((String) type).toLowerCase(Locale.ROOT)));
        return message -> {
            JsonNode root = message.json();
            if (root == null || !root.isContainerNode()) {
                return List.of(message);
            }
            // Convert all first, then write: a record that fails on its second field is not left half-converted.
            Map<JsonPath, JsonNode> converted = new LinkedHashMap<>();
            for (Map.Entry<JsonPath, String> e : spec.entrySet()) {
                JsonNode value = e.getKey().get(root);
                if (value != null) {
                    converted.put(e.getKey(), cast(e.getKey(), value, e.getValue()));
                }
            }
            if (!converted.isEmpty()) {
                converted.forEach((path, value) -> path.set(root, value));
                message.setJson(root);
            }
            return List.of(message);
        };
    }

    static JsonNode cast(JsonPath path, JsonNode value, String type) throws TransformException {
        JsonNodeFactory json = JsonNodeFactory.instance;
        switch (type) {
            case "null":
                return json.nullNode();
            case "string":
                if (value.isContainerNode() || value.isNull()) {
                    throw failure(path, value, type);
                }
                return json.textNode(JsonValues.asString(value));
            case "int64":
                return json.numberNode(toLong(path, value));
            case "float64":
                return json.numberNode(toDouble(path, value));
            case "bool":
                if (value.isBoolean()) {
                    return value;
                }
                if (value.isTextual()) {
                    String s = value.textValue().trim().toLowerCase(Locale.ROOT);
                    if (s.equals("true") || s.equals("false")) {
                        return json.booleanNode(s.equals("true"));
                    }
                } else if (value.isNumber() && !JsonValues.isNonFinite(value)) {
                    int sign = value.decimalValue().compareTo(BigDecimal.ONE) == 0 ? 1 : value.decimalValue().signum() == 0 ? 0 : -1;
                    if (sign >= 0) {
                        return json.booleanNode(sign == 1);
                    }
                }
                throw failure(path, value, type);
            default:
                throw new IllegalStateException("unknown cast type " + type);
        }
    }

    /**
     * Decimal notation only (BigDecimal syntax, like Go's ParseFloat without its hex and Inf/NaN forms); Java's
     * {@code 1f}, {@code 2d}, {@code 0x1p3}, {@code Infinity} and {@code NaN} are refused, and so is a value beyond the
     * double range, which Go refuses as out of range (a NaN or an infinity could not be written as JSON anyway).
     */
    private static double toDouble(JsonPath path, JsonNode value) throws TransformException {
        double d;
        if (value.isNumber()) {
            d = value.doubleValue();
        } else if (value.isTextual()) {
            try {
                d = new BigDecimal(value.textValue().trim()).doubleValue();
            } catch (NumberFormatException e) {
                throw failure(path, value, "float64");
            }
        } else {
            throw failure(path, value, "float64");
        }
        if (!Double.isFinite(d)) {
            throw new TransformException("field " + path + ": cannot cast " + describe(value) + " to float64: out of range");
        }
        return d;
    }

    private static long toLong(JsonPath path, JsonNode value) throws TransformException {
        BigDecimal number;
        if (JsonValues.isNonFinite(value)) {
            throw new TransformException("field " + path + ": cannot cast " + describe(value) + " to int64: out of range");
        } else if (value.isNumber()) {
            number = value.decimalValue();
        } else if (value.isTextual()) {
            try {
                number = new BigDecimal(value.textValue().trim());
            } catch (NumberFormatException e) {
                throw failure(path, value, "int64");
            }
        } else {
            throw failure(path, value, "int64");
        }
        if (number.stripTrailingZeros().scale() > 0) {
            throw new TransformException("field " + path + ": cannot cast " + describe(value) + " to int64: not a whole number");
        }
        if (number.compareTo(LONG_MIN) < 0 || number.compareTo(LONG_MAX) > 0) {
            throw new TransformException("field " + path + ": cannot cast " + describe(value) + " to int64: out of range");
        }
        return number.longValueExact();
    }

    private static TransformException failure(JsonPath path, JsonNode value, String type) {
        return new TransformException("field " + path + ": cannot cast " + describe(value) + " to " + type);
    }

    /** The value's JSON type only, never the value: it may be personal data. */
    private static String describe(JsonNode value) {
        String type = value.isTextual() ? "string" : value.getNodeType().name().toLowerCase(Locale.ROOT);
        return (type.startsWith("a") || type.startsWith("o") ? "an " : "a ") + type;
    }
}
