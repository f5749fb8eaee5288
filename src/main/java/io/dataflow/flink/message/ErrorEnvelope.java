package io.dataflow.flink.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The original's error-sink record (docs/ORIGINAL.md#error-sink-envelope), built for one failed message:
 * <pre>{@code
 * {"error": {"message", "timestamp", "original_sink", "metadata": {...}},
 *  "original_message": {...}}        // or "original_data": "<text>" when the payload is not JSON
 *                                    // or a prefix of it with "original_truncated", "original_size" when too large
 * }</pre>
 * with metadata {@code error}, {@code error_timestamp}, {@code original_sink}, {@code is_error_message}. Unlike the
 * original, attribution is exact, so {@code error_message_approximate} is never set.
 *
 * <p>The encoded envelope never exceeds {@link #MAX_ENCODED_BYTES}, whatever the failed record carries: an envelope
 * the error sink refuses (Kafka's default 1 MB request and message size) would fail the job on every replay. What
 * makes it large is cut, in this order: the reason (always at most {@link #MAX_REASON_CHARS}), long metadata values
 * ({@code error.metadata_truncated}), then the original payload, halved until the envelope fits — the size a payload
 * has after JSON escaping is only known once it is encoded (a control character takes six bytes).
 */
public final class ErrorEnvelope {

    /** Largest original payload an envelope carries whole; larger ones are cut to this many bytes. */
    public static final int MAX_ORIGINAL_BYTES = 256 * 1024;

    /** Largest encoded envelope: half of Kafka's default max.request.size / max.message.bytes, room for key and headers. */
    public static final int MAX_ENCODED_BYTES = 512 * 1024;

    /** Longest reason kept; exception messages that quote a whole record are cut. */
    static final int MAX_REASON_CHARS = 8 * 1024;

    /** Longest metadata string value kept once the envelope is too large (a huge header or key). */
    static final int MAX_METADATA_VALUE_CHARS = 1024;

    private ErrorEnvelope() {
    }

    public static Message of(Message failed, String reason, String originalSink, Instant now) {
        String cappedReason = cut(reason == null ? "" : reason, MAX_REASON_CHARS);
        Map<String, Object> metadata = failed.metadata();
        byte[] data = failed.data();
        boolean metadataCut = false;
        int originalLimit = MAX_ORIGINAL_BYTES;
        ObjectNode root = body(failed, data, cappedReason, originalSink, now, metadata, false, originalLimit);
        byte[] encoded = encode(root);
        if (encoded.length > MAX_ENCODED_BYTES) {
            metadata = shortened(metadata);
            metadataCut = true;
            root = body(failed, data, cappedReason, originalSink, now, metadata, true, originalLimit);
            encoded = encode(root);
        }
        while (encoded.length > MAX_ENCODED_BYTES && originalLimit > 0) {
            originalLimit = Math.min(originalLimit, data.length) / 2;
            root = body(failed, data, cappedReason, originalSink, now, metadata, metadataCut, originalLimit);
            encoded = encode(root);
        }
        Map<String, Object> envelopeMetadata = MetadataValues.deepCopy(metadata);
        envelopeMetadata.put("error", cappedReason);
        envelopeMetadata.put("error_timestamp", now);
        envelopeMetadata.put("original_sink", originalSink);
        envelopeMetadata.put("is_error_message", true);
        return Message.ofJson(root, envelopeMetadata, failed.timestamp());
    }

    /**
     * The envelope's JSON. The payload is kept whole (as a JSON tree, or as text) when it is at most
     * {@code originalLimit} bytes and the limit was not lowered, else its first {@code originalLimit} bytes as text.
     */
    private static ObjectNode body(Message failed, byte[] data, String reason, String originalSink, Instant now,
                                   Map<String, Object> metadata, boolean metadataCut, int originalLimit) {
        ObjectNode root = Message.JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", reason);
        error.put("timestamp", now.toString());
        error.put("original_sink", originalSink);
        error.set("metadata", Message.JSON.valueToTree(jsonSafe(metadata)));
        if (metadataCut) {
            error.put("metadata_truncated", true);
        }
        boolean whole = originalLimit == MAX_ORIGINAL_BYTES && data.length <= MAX_ORIGINAL_BYTES;
        JsonNode payload = whole ? failed.json() : null;
        if (!whole) {
            // error.metadata (topic, partition, offset, ...) still points at the whole record.
            root.put("original_data", new String(data, 0, Math.min(originalLimit, data.length), StandardCharsets.UTF_8));
            root.put("original_truncated", true);
            root.put("original_size", data.length);
        } else if (payload != null) {
            root.set("original_message", payload.deepCopy());
        } else {
            root.put("original_data", failed.dataAsString());
        }
        return root;
    }

    private static byte[] encode(JsonNode root) {
        try {
            return Message.JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every string value (also inside maps such as Kafka headers) cut to {@link #MAX_METADATA_VALUE_CHARS}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> shortened(Map<String, Object> metadata) {
        Map<String, Object> out = new LinkedHashMap<>();
        metadata.forEach((k, v) -> out.put(k, shortenedValue(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object shortenedValue(Object value) {
        if (value instanceof String) {
            return cut((String) value, MAX_METADATA_VALUE_CHARS);
        }
        if (value instanceof Map) {
            return shortened((Map<String, Object>) value);
        }
        if (value instanceof java.util.List) {
            return ((java.util.List<Object>) value).stream().map(ErrorEnvelope::shortenedValue).toList();
        }
        return value;
    }

    private static String cut(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        return text.substring(0, maxChars) + "… (" + text.length() + " characters, cut)";
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
