package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.connector.RecordRefusedException;
import io.dataflow.flink.message.MetadataValues;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.connector.SchemaEvolution;
import io.dataflow.flink.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a message into a {@link SinkRow} for the table as it is: only columns the table has are filled, each
 * value in the text form for that column's type. Fields or metadata keys without a column are left out, with one
 * info log per name, so that a new field upstream does not stop the pipeline; they are noted for the connector,
 * which re-reads or (schemaEvolution: evolve) alters the table. With schemaEvolution: fail a columnar record with
 * such a field, or with a number wider than its column ({@link ColumnWidening}), is refused instead.
 */
final class SinkRowBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRowBuilder.class);

    private static final int MAX_REPORTED_UNKNOWN = 1000;

    private final PostgresSinkSettings settings;
    private final WriteMode mode;
    private final TableColumns columns;
    private final Set<String> reportedUnknown = new HashSet<>();
    /** Fields and flattened metadata keys built since the last {@link #takeMissingColumns} without a column. */
    private final Set<String> missingColumns = new HashSet<>();

    SinkRowBuilder(PostgresSinkSettings settings, WriteMode mode, TableColumns columns) {
        this.settings = settings;
        this.mode = mode;
        this.columns = columns;
    }

    SinkRow build(int position, Message message) throws RecordRefusedException {
        if (mode == WriteMode.COLUMNAR && !message.isParsed() && !isSoftDelete(message)) {
            Set<String> unknown = new HashSet<>(2);
            Map<String, String> values = StreamingColumnarRow.read(message.data(), columns, unknown);
            if (values != null) {
                for (String column : unknown) {
                    missingColumns.add(column);
                    reportUnknown(column, "Skipping a field that is not a column of the table");
                }
                if (settings.schemaEvolution() == SchemaEvolution.FAIL) {
                    refuseUnfit(unknown, values);
                }
                return SinkRow.insert(position, message, values);
            }
        }
        JsonNode body = message.json();
        if (mode == WriteMode.RAW) {
            return SinkRow.insert(position, message, raw(message, body));
        }
        String deleteKey = softDeleteKey(message, body);
        if (deleteKey != null) {
            return SinkRow.softDelete(position, message, deleteKey);
        }
        Set<String> unknown = new HashSet<>(2);
        Map<String, String> values = columnar(body, unknown);
        if (settings.schemaEvolution() == SchemaEvolution.FAIL) {
            refuseUnfit(unknown, values);
        }
        return SinkRow.insert(position, message, values);
    }

    /**
     * schemaEvolution: fail — a record with a field the table has no column for, or with a number wider than its
     * column, is refused, naming the (alphabetically first) field; the reason never holds the value.
     */
    private void refuseUnfit(Set<String> unknown, Map<String, String> values) throws RecordRefusedException {
        if (!unknown.isEmpty()) {
            throw new RecordRefusedException(SchemaEvolution.FAIL.notAColumn(new TreeSet<>(unknown).first(), settings.table()));
        }
        for (Map.Entry<String, String> value : new TreeMap<>(values).entrySet()) {
            String type = columns.type(value.getKey());
            String wider = ColumnWidening.widerType(type, value.getValue());
            if (wider != null) {
                throw new RecordRefusedException(SchemaEvolution.FAIL.doesNotFit(value.getKey(), type, settings.table(), wider));
            }
        }
    }

    private Map<String, String> columnar(JsonNode body, Set<String> unknown) throws RecordRefusedException {
        if (body == null || !body.isObject()) {
            throw new RecordRefusedException(body == null ? "body is not JSON" : "body is not a JSON object");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String column = field.getKey();
            if (columns.contains(column)) {
                values.put(column, ColumnValues.forColumn(field.getValue(), columns.type(column)));
            } else {
                unknown.add(column);
                missingColumns.add(column);
                reportUnknown(column, "Skipping a field that is not a column of the table");
            }
        }
        if (values.isEmpty()) {
            if (settings.schemaEvolution() == SchemaEvolution.FAIL) {
                refuseUnfit(unknown, values);
            }
            throw new RecordRefusedException(body.size() == 0 ? "body is an empty JSON object"
                    : "none of the body's fields is a column of " + settings.table());
        }
        return values;
    }

    /**
     * Raw layout. A body {@code {"value": …, "_metadata": {…}}} with a non-null value is already wrapped (as the
     * original's PostgreSQL sink decides): its parts are stored as they are, and its {@code _metadata} (when an
     * object) replaces the message's metadata.
     */
    private Map<String, String> raw(Message message, JsonNode body) throws RecordRefusedException {
        if (body == null) {
            throw new RecordRefusedException("body is not JSON; the data column is jsonb");
        }
        JsonNode data = body;
        JsonNode wrappedMetadata = null;
        if (body.isObject() && body.hasNonNull("value")) {
            data = body.get("value");
            wrappedMetadata = body.get("_metadata");
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("data", ColumnValues.toJson(data));
        if (!settings.flattenMetadataColumns()) {
            if (columns.contains("_metadata")) {
                JsonNode metadata = wrappedMetadata != null ? wrappedMetadata : MetadataValues.toJson(message.metadata());
                values.put("_metadata", metadata.isNull() ? null : ColumnValues.forColumn(metadata, columns.type("_metadata")));
            }
            return values;
        }
        for (Map.Entry<String, Object> e : metadataOf(message, wrappedMetadata).entrySet()) {
            String column = settings.metadataColumn(e.getKey());
            if (columns.contains(column) && !column.equals("data")) {
                values.put(column, ColumnValues.forMetadata(e.getValue(), columns.type(column)));
            } else {
                if (!column.equals("data")) {
                    missingColumns.add(column);
                }
                reportUnknown(column, "Skipping unknown metadata key for flattened table schema");
            }
        }
        return values;
    }

    /** The metadata whose keys become flattened columns: the wrapped {@code _metadata} object, else the message's. */
    static Map<String, Object> metadataOf(Message message, JsonNode wrappedMetadata) {
        if (wrappedMetadata != null && wrappedMetadata.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            wrappedMetadata.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
            return out;
        }
        return message.metadata();
    }

    /**
     * The key of the row to soft-delete: metadata {@code operation} is {@code delete} and a key is known — metadata
     * {@code id} first (debeziumUnwrap and the CDC source put the primary key there), else the body's conflict key
     * field, else its {@code id}. Without a key the record is inserted like any other, as in the original.
     */
    private String softDeleteKey(Message message, JsonNode body) {
        if (!isSoftDelete(message)) {
            return null;
        }
        String keyType = columns.type(settings.conflictKey());
        Object id = message.metadata("id");
        if (id != null && !"".equals(id)) {
            return ColumnValues.forMetadata(id, keyType);
        }
        if (body != null && body.isObject()) {
            JsonNode key = body.hasNonNull(settings.conflictKey()) ? body.get(settings.conflictKey()) : body.get("id");
            return ColumnValues.forColumn(key, keyType);
        }
        return null;
    }

    private boolean isSoftDelete(Message message) {
        return settings.softDeleteColumn() != null && "delete".equalsIgnoreCase(String.valueOf(message.metadata("operation")));
    }

    /**
     * The names of fields (and flattened metadata keys) that records carried since the last call and the table, as
     * this builder knows it, has no column for.
     */
    Set<String> takeMissingColumns() {
        Set<String> out = Set.copyOf(missingColumns);
        missingColumns.clear();
        return out;
    }

    private void reportUnknown(String column, String text) {
        if (settings.schemaEvolution() == SchemaEvolution.FAIL) {
            return; // not skipped: the record is refused, and its reason names the field
        }
        // bounded, so that bodies with generated keys cannot grow it without end
        if (reportedUnknown.size() < MAX_REPORTED_UNKNOWN && reportedUnknown.add(column)) {
            LOG.info("{}: table={} column={}", text, settings.table(), column);
        }
    }
}
