package io.dataflow.flink.config;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks one {@code config} object against its declared options: unknown keys, missing required fields, types,
 * enum values and minimums. It reports every problem with its path and returns the converted {@link ConfigValues}
 * (possibly partial when there were errors, which the caller then discards).
 */
public final class ConfigValidator {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    public static final String SECRET_REF_SUFFIX = "SecretRef";

    private ConfigValidator() {
    }

    public static ConfigValues validate(String path, JsonNode node, List<ConfigField<?>> options, ValidationErrors errors) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            node = MAPPER.createObjectNode();
        }
        if (!node.isObject()) {
            errors.add(path, "must be an object");
            return new ConfigValues(path, values, options);
        }
        Map<String, ConfigField<?>> byName = new LinkedHashMap<>();
        for (ConfigField<?> o : options) {
            byName.put(o.name(), o);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            String fieldPath = ValidationErrors.child(path, key);
            ConfigField<?> option = byName.get(key);
            if (option == null) {
                if (isSecretRefOf(key, byName)) {
                    continue; // already resolved into its sibling when the manifest was read
                }
                errors.add(fieldPath, "unknown field (known: " + String.join(", ", knownNames(options)) + ")");
                continue;
            }
            if (field.getValue().isNull()) {
                continue;
            }
            Object value = convert(fieldPath, option, field.getValue(), errors);
            if (value != null) {
                values.put(key, value);
            }
        }
        for (ConfigField<?> o : options) {
            if (o.required() && !values.containsKey(o.name()) && !hasErrorAt(errors, ValidationErrors.child(path, o.name()))) {
                errors.add(ValidationErrors.child(path, o.name()), o.acceptsSecretRef()
                        ? "required (or " + o.name() + SECRET_REF_SUFFIX + ")" : "required");
            }
        }
        return new ConfigValues(path, values, options);
    }

    private static boolean hasErrorAt(ValidationErrors errors, String path) {
        return errors.list().stream().anyMatch(e -> e.path().equals(path));
    }

    private static boolean isSecretRefOf(String key, Map<String, ConfigField<?>> byName) {
        if (!key.endsWith(SECRET_REF_SUFFIX)) {
            return false;
        }
        ConfigField<?> base = byName.get(key.substring(0, key.length() - SECRET_REF_SUFFIX.length()));
        return base != null && base.acceptsSecretRef();
    }

    private static Set<String> knownNames(List<ConfigField<?>> options) {
        Set<String> names = new TreeSet<>();
        for (ConfigField<?> o : options) {
            names.add(o.name());
        }
        return names;
    }

    private static Object convert(String path, ConfigField<?> option, JsonNode v, ValidationErrors errors) {
        switch (option.type()) {
            case STRING:
                if (!v.isValueNode()) {
                    errors.add(path, "must be a string");
                    return null;
                }
                return v.asText();
            case INT:
            case LONG:
                return convertInteger(path, option, v, errors);
            case DOUBLE:
                if (v.isNumber() || (v.isTextual() && isNumber(v.asText()))) {
                    return v.asDouble();
                }
                errors.add(path, "must be a number");
                return null;
            case BOOLEAN:
                if (v.isBoolean()) {
                    return v.booleanValue();
                }
                if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
                    return Boolean.parseBoolean(v.asText().toLowerCase(Locale.ROOT));
                }
                errors.add(path, "must be true or false");
                return null;
            case DURATION:
                return convertDuration(path, option, v, errors);
            case STRING_LIST:
                return convertStringList(path, v, errors);
            case ENUM:
                if (v.isValueNode()) {
                    for (String allowed : option.enumValues()) {
                        if (allowed.equalsIgnoreCase(v.asText())) {
                            return allowed;
                        }
                    }
                }
                errors.add(path, "must be one of " + String.join(", ", option.enumValues()) + " (got \"" + v.asText() + "\")");
                return null;
            case OBJECT:
                if (!v.isObject()) {
                    errors.add(path, "must be an object");
                    return null;
                }
                return validate(path, v, option.children(), errors);
            case OBJECT_LIST:
                if (!v.isArray()) {
                    errors.add(path, "must be a list of objects");
                    return null;
                }
                List<ConfigValues> list = new ArrayList<>();
                for (int i = 0; i < v.size(); i++) {
                    list.add(validate(ValidationErrors.index(path, i), v.get(i), option.children(), errors));
                }
                return list;
            case MAP:
                if (!v.isObject()) {
                    errors.add(path, "must be an object");
                    return null;
                }
                return MAPPER.convertValue(v, LinkedHashMap.class);
            default:
                return MAPPER.convertValue(v, Object.class);
        }
    }

    private static Object convertInteger(String path, ConfigField<?> option, JsonNode v, ValidationErrors errors) {
        long value;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            value = v.longValue();
        } else if (v.isTextual() && v.asText().trim().matches("-?\\d{1,18}")) {
            value = Long.parseLong(v.asText().trim());
        } else {
            errors.add(path, "must be a whole number");
            return null;
        }
        if (option.min() != null && value < option.min()) {
            errors.add(path, "must be at least " + option.min() + " (got " + value + ")");
            return null;
        }
        if (option.type() == ConfigField.Type.INT) {
            if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
                errors.add(path, "is too large");
                return null;
            }
            return (int) value;
        }
        return value;
    }

    private static Object convertDuration(String path, ConfigField<?> option, JsonNode v, ValidationErrors errors) {
        Duration d;
        if (v.isNumber()) {
            d = Duration.ofMillis(Math.round(v.asDouble() * 1000));
        } else if (v.isTextual()) {
            String text = v.asText().trim();
            try {
                d = isNumber(text) ? Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000)) : GoDuration.parse(text);
            } catch (IllegalArgumentException e) {
                errors.add(path, e.getMessage());
                return null;
            }
        } else {
            errors.add(path, "must be a duration (seconds, or e.g. 30s, 5m)");
            return null;
        }
        if (d.isNegative() || (option.min() != null && d.toMillis() < option.min())) {
            errors.add(path, option.min() != null && option.min() > 0 ? "must be positive" : "must not be negative");
            return null;
        }
        return d;
    }

    private static Object convertStringList(String path, JsonNode v, ValidationErrors errors) {
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                JsonNode item = v.get(i);
                if (!item.isValueNode() || item.isNull()) {
                    errors.add(ValidationErrors.index(path, i), "must be a string");
                    return null;
                }
                out.add(item.asText());
            }
        } else if (v.isValueNode()) {
            for (String part : v.asText().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        } else {
            errors.add(path, "must be a list of strings");
            return null;
        }
        return out;
    }

    private static boolean isNumber(String s) {
        return s.trim().matches("-?\\d+(\\.\\d+)?");
    }
}
