package io.dataflow.flink.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The original's error-sink record (reference §3.4), built for one failed message:
 * <pre>{@code
 * {"error": {"message", "timestamp", "original_sink", "metadata": {...}},
 *  "original_message": {...}}        // or "original_data": "<text>" when the payload is not JSON
 * }</pre>
 * with metadata {@code error}, {@code error_timestamp}, {@code original_sink}, {@code is_error_message}. Unlike the
 * original, attribution is exact, so {@code error_message_approximate} is never set.
 */
public final class ErrorEnvelope {

    private ErrorEnvelope() {
    }

    public static Message of(Message failed, String reason, String originalSink, Instant now) {
        ObjectNode root = Message.JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", reason);
        error.put("timestamp", now.toString());
        error.put("original_sink", originalSink);
        error.set("metadata", Message.JSON.valueToTree(jsonSafe(failed.metadata())));
        JsonNode payload = failed.json();
        if (payload != null) {
            root.set("original_message", payload.deepCopy());
        } else {
            root.put("original_data", failed.dataAsString());
        }
        Map<String, Object> metadata = MetadataValues.deepCopy(failed.metadata());
        metadata.put("error", reason);
        metadata.put("error_timestamp", now);
        metadata.put("original_sink", originalSink);
        metadata.put("is_error_message", true);
        return Message.ofJson(root, metadata, failed.timestamp());
    }

    /** Instants as RFC 3339 strings, the rest as is (Jackson has no java.time support registered here). */
    @SuppressWarnings("unchecked")
    private static Object jsonSafe(Object value) {
        if (value instanceof Instant) {
            return value.toString();
        }
        if (value instanceof Map) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) value).forEach((k, v) -> out.put(k, jsonSafe(v)));
            return out;
        }
        if (value instanceof java.util.List) {
            return ((java.util.List<Object>) value).stream().map(ErrorEnvelope::jsonSafe).toList();
        }
        return value;
    }
}
