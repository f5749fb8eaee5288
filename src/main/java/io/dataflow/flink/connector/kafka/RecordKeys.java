package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.transform.path.JsonPath;
import io.dataflow.flink.transform.path.JsonValues;

import java.nio.charset.StandardCharsets;

/**
 * The key a sink gives each record. With the sink's {@code key} option: the value at that dot path in the record
 * (strings as they are, other values in gjson's text form; no value → no key). Without it: metadata {@code key} when it
 * is a string (what the original does, so a Kafka → Kafka flow keeps its keys), else metadata {@code id} (the row id the
 * PostgreSQL, ClickHouse and Trino polling sources, the CDC source and debeziumUnwrap set), so that every change of one
 * row lands on one partition and compacted topics accept it; else no key.
 */
final class RecordKeys {

    static final String KEY = "key";
    static final String ID = "id";

    private final JsonPath path;

    private RecordKeys(JsonPath path) {
        this.path = path;
    }

    static RecordKeys byMetadata() {
        return new RecordKeys(null);
    }

    /** @throws IllegalArgumentException for a path the dot syntax does not accept */
    static RecordKeys byPath(String path) {
        return new RecordKeys(JsonPath.parse(path));
    }

    /** A path to the root: the whole record would be its own key, which is never what a manifest means. */
    boolean isWholeRecord() {
        return path != null && path.isRoot();
    }

    byte[] keyOf(Message message) {
        String key = path != null ? fromRecord(message) : fromMetadata(message);
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    private String fromRecord(Message message) {
        JsonNode root = message.json();
        JsonNode value = root == null ? null : path.get(root);
        return value == null || value.isNull() || value.isMissingNode() ? null : JsonValues.asString(value);
    }

    private static String fromMetadata(Message message) {
        Object key = message.metadata(KEY);
        if (key instanceof String) {
            return (String) key;
        }
        Object id = message.metadata(ID);
        return id instanceof String || id instanceof Number || id instanceof Boolean ? String.valueOf(id) : null;
    }
}
