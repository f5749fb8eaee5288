package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The polling source's position: the change value and the order key of the last row emitted, both in
 * PostgreSQL's text form (they are bound back as {@code CAST(? AS <type>)}, so any column type round-trips
 * exactly: microsecond timestamps, numerics, text). Either may be null when the source has not read a row with
 * one yet. Stored in Flink state as {@code {"change": …, "key": …}}, the original's composite checkpoint.
 */
record PollCursor(String change, String key) {

    static final PollCursor START = new PollCursor(null, null);

    private static final ObjectMapper JSON = new ObjectMapper();

    boolean isStart() {
        return change == null && key == null;
    }

    byte[] toBytes() {
        ObjectNode node = JSON.createObjectNode();
        node.put("change", change);
        node.put("key", key);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    static PollCursor fromBytes(byte[] bytes) throws IOException {
        JsonNode node = JSON.readTree(bytes);
        return new PollCursor(text(node.get("change")), text(node.get("key")));
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
