package io.dataflow.flink.connector.polling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A polling source's position: the change value and the order key of the last row emitted, both in the
 * database's text form (they are written back as {@code CAST(<value> AS <type>)}, so any column type round-trips
 * exactly: microsecond timestamps, numerics, text). Either may be null when the source has not read a row with
 * one yet. Stored in Flink state as {@code {"change": …, "key": …}}, the original's composite checkpoint.
 */
public record PollCursor(String change, String key) {

    public static final PollCursor START = new PollCursor(null, null);

    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean isStart() {
        return change == null && key == null;
    }

    public byte[] toBytes() {
        ObjectNode node = JSON.createObjectNode();
        node.put("change", change);
        node.put("key", key);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static PollCursor fromBytes(byte[] bytes) throws IOException {
        JsonNode node = JSON.readTree(bytes);
        return new PollCursor(text(node.get("change")), text(node.get("key")));
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
