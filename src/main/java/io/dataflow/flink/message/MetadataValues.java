package io.dataflow.flink.message;

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
}
