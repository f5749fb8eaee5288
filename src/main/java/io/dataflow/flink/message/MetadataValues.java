package io.dataflow.flink.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value types a message's metadata may hold, and the helpers that treat them alike everywhere
 * (serializer, condition language, raw-mode sinks): null, String, Boolean, Integer, Long, Double, Instant,
 * and maps/lists of those (Kafka headers are a map of strings).
 */
public final class MetadataValues {

    private MetadataValues() {
    }

    public static Map<String, Object> deepCopy(Map<String, Object> source) {
        Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, source.size() * 2));
        for (Map.Entry<String, Object> e : source.entrySet()) {
            copy.put(e.getKey(), copyValue(e.getValue()));
        }
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Object copyValue(Object value) {
        if (value instanceof Map) {
            return deepCopy((Map<String, Object>) value);
        }
        if (value instanceof List) {
            List<Object> list = new ArrayList<>();
            for (Object item : (List<Object>) value) {
                list.add(copyValue(item));
            }
            return list;
        }
        return value;
    }

    /**
     * The string form the original compares and substitutes with: timestamps as RFC3339Nano UTC, numbers and
     * booleans as text, null as the empty string.
     */
    public static String asString(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Instant) {
            return value.toString();
        }
        return String.valueOf(value);
    }

    /** A message's metadata map as a JSON object (instants as RFC 3339 strings). */
    public static ObjectNode toJson(Map<String, Object> metadata) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            node.set(e.getKey(), valueToJson(e.getValue()));
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    public static JsonNode valueToJson(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) {
            return f.nullNode();
        }
        if (value instanceof JsonNode) {
            return (JsonNode) value;
        }
        if (value instanceof String) {
            return f.textNode((String) value);
        }
        if (value instanceof Boolean) {
            return f.booleanNode((Boolean) value);
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return f.numberNode(((Number) value).intValue());
        }
        if (value instanceof Long) {
            return f.numberNode((Long) value);
        }
        if (value instanceof Double || value instanceof Float) {
            return f.numberNode(((Number) value).doubleValue());
        }
        if (value instanceof BigDecimal) {
            return f.numberNode((BigDecimal) value);
        }
        if (value instanceof BigInteger) {
            return f.numberNode((BigInteger) value);
        }
        if (value instanceof Instant) {
            return f.textNode(value.toString());
        }
        if (value instanceof Map) {
            return toJson((Map<String, Object>) value);
        }
        if (value instanceof List) {
            ArrayNode array = f.arrayNode();
            for (Object item : (List<Object>) value) {
                array.add(valueToJson(item));
            }
            return array;
        }
        return f.textNode(String.valueOf(value));
    }
}
