package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.transform.TransformException;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code debeziumUnwrap}: turns a Debezium change event ({@code {"payload": {"op", "before", "after", "source"}}})
 * into the row it describes, with metadata {@code operation} (insert/update/delete) and {@code id} for the sinks'
 * upsert and soft-delete handling. Events without {@code payload.op} pass unchanged (mixed topics). Tombstones (empty
 * payloads) are dropped, or with {@code inferDeleteFromTombstone} become a delete built from the record key.
 */
public final class DebeziumUnwrapTransformerFactory implements TransformerFactory {

    static final ConfigField<Boolean> INFER_DELETE_FROM_TOMBSTONE = ConfigField.bool("inferDeleteFromTombstone").defaultValue(false)
            .description("Turn a tombstone (empty payload) into a delete built from the JSON record key (or key.payload)").build();
    static final ConfigField<Boolean> INCLUDE_SOURCE_IN_METADATA = ConfigField.bool("includeSourceInMetadata").defaultValue(false)
            .description("Copy every payload.source field to metadata source_<field>").build();
    static final ConfigField<String> SNAPSHOT_OPERATION = ConfigField.enumOf("snapshotOperation", "insert", "update")
            .defaultValue("insert").description("Operation reported for snapshot reads (op r)").build();
    static final ConfigField<Boolean> ADD_OPERATION_FIELDS = ConfigField.bool("addOperationFields").defaultValue(false)
            .description("Add __op (the Debezium op) and __deleted (\"true\"/\"false\") to the row").build();
    static final ConfigField<List<String>> ADD_SOURCE_FIELDS = ConfigField.stringList("addSourceFields").defaultValue(List.of())
            .description("payload.source fields to add to the row as source_<field>").build();

    /** A key is JSON when it is one value with nothing after it, as Go's json.Unmarshal decides. */
    private static final ObjectReader JSON = new ObjectMapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public String type() {
        return "debeziumUnwrap";
    }

    @Override
    public String description() {
        return "Unwraps Debezium change events into rows, with operation and id metadata";
    }

    @Override
    public boolean changesMetadata() {
        return true;
    }

    @Override
    public List<ConfigField<?>> options() {
        return List.of(INFER_DELETE_FROM_TOMBSTONE, INCLUDE_SOURCE_IN_METADATA, SNAPSHOT_OPERATION, ADD_OPERATION_FIELDS, ADD_SOURCE_FIELDS);
    }

    @Override
    public Transformer create(ConfigValues config) {
        return new Unwrap(config.get(INFER_DELETE_FROM_TOMBSTONE), config.get(INCLUDE_SOURCE_IN_METADATA),
                config.get(SNAPSHOT_OPERATION).equalsIgnoreCase("update") ? "update" : "insert",
                config.get(ADD_OPERATION_FIELDS), config.get(ADD_SOURCE_FIELDS));
    }

    private record Unwrap(boolean inferDeleteFromTombstone, boolean includeSourceInMetadata, String snapshotOperation,
                          boolean addOperationFields, List<String> addSourceFields) implements Transformer {

        @Override
        public List<Message> apply(Message message) throws TransformException {
            if (isBlank(message.data())) {
                return tombstone(message);
            }
            JsonNode root = message.json();
            if (root == null || !root.isObject()) {
                throw new TransformException("not a JSON object, so not a Debezium event");
            }
            JsonNode payload = root.get("payload");
            if (payload == null || !payload.isObject() || !payload.path("op").isTextual() || payload.get("op").textValue().isEmpty()) {
                return List.of(message);
            }
            String op = payload.get("op").textValue();
            String operation;
            String side;
            switch (op) {
                case "c":
                    operation = "insert";
                    side = "after";
                    break;
                case "u":
                    operation = "update";
                    side = "after";
                    break;
                case "r":
                    operation = snapshotOperation;
                    side = "after";
                    break;
                case "d":
                    operation = "delete";
                    side = "before";
                    break;
                default:
                    throw new TransformException("unsupported Debezium op \"" + op + "\" (expected c, u, r or d)");
            }
            JsonNode record = payload.get(side);
            if (record == null || !record.isObject()) {
                throw new TransformException("payload." + side + " must be an object for op " + op);
            }
            ObjectNode row = enrich((ObjectNode) record, op, operation, payload.get("source"));
            message.setJson(row);
            message.putMetadata("operation", operation);
            if (row.has("id")) {
                message.putMetadata("id", Steps.metadataValue(row.get("id")));
            }
            JsonNode source = payload.get("source");
            if (includeSourceInMetadata && source != null && source.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    message.putMetadata("source_" + e.getKey(), Steps.metadataValue(e.getValue()));
                }
            }
            return List.of(message);
        }

        private ObjectNode enrich(ObjectNode record, String op, String operation, JsonNode source) {
            if (addOperationFields) {
                record.put("__op", op);
                record.put("__deleted", operation.equals("delete") ? "true" : "false");
            }
            if (source != null && source.isObject()) {
                for (String field : addSourceFields) {
                    String k = field.trim();
                    if (!k.isEmpty() && source.has(k)) {
                        record.set("source_" + k, source.get(k));
                    }
                }
            }
            return record;
        }

        private List<Message> tombstone(Message message) {
            Object key = message.metadata("key");
            if (!inferDeleteFromTombstone || !(key instanceof String) || ((String) key).isBlank()) {
                return List.of();
            }
            JsonNode parsed;
            try {
                parsed = JSON.readTree((String) key);
            } catch (IOException e) {
                return List.of();
            }
            if (parsed == null || !parsed.isObject()) {
                return List.of();
            }
            JsonNode record = parsed.path("payload").isObject() ? parsed.get("payload") : parsed;
            ObjectNode row = enrich(((ObjectNode) record).deepCopy(), "d", "delete", null);
            message.setJson(row);
            message.putMetadata("operation", "delete");
            if (row.has("id")) {
                message.putMetadata("id", Steps.metadataValue(row.get("id")));
            }
            return List.of(message);
        }

        private static boolean isBlank(byte[] data) {
            for (byte b : data) {
                if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                    return false;
                }
            }
            return true;
        }
    }
}
