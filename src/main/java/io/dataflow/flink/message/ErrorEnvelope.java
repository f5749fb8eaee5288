package io.dataflow.flink.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The original's error-sink record (reference §3.4), built for one failed message:
 * <pre>{@code
 * {"error": {"message", "timestamp", "original_sink", "metadata": {...}},
 *  "original_message": {...}}        // or "original_data": "<text>" when the payload is not JSON
 *                                    // or a prefix of it with "original_truncated", "original_size" when too large
 * }</pre>
 * with metadata {@code error}, {@code error_timestamp}, {@code original_sink}, {@code is_error_message}. Unlike the
 * original, attribution is exact, so {@code error_message_approximate} is never set.
 */
public final class ErrorEnvelope {

    /** Largest original payload an envelope carries whole; larger ones are cut to this many bytes. */
    public static final int MAX_ORIGINAL_BYTES = 256 * 1024;

    private ErrorEnvelope() {
    }

    public static Message of(Message failed, String reason, String originalSink, Instant now) {
        ObjectNode root = Message.JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", reason);
        error.put("timestamp", now.toString());
        error.put("original_sink", originalSink);
        error.set("metadata", Message.JSON.valueToTree(jsonSafe(failed.metadata())));
        byte[] data = failed.data();
        JsonNode payload = data.length > MAX_ORIGINAL_BYTES ? null : failed.json();
        if (data.length > MAX_ORIGINAL_BYTES) {
            // A whole 10 MB record in the envelope would exceed the error sink's own limits (Kafka's 1 MB request
            // and message size) and fail the job on every replay: keep a prefix, flag it and give the full size;
            // error.metadata (topic, partition, offset, ...) still points at the whole record.
            root.put("original_data", new String(data, 0, MAX_ORIGINAL_BYTES, StandardCharsets.UTF_8));
            root.put("original_truncated", true);
            root.put("original_size", data.length);
        } else if (payload != null) {
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
