package io.dataflow.flink.connector.trino;

import io.dataflow.flink.connector.RecordRefusedException;
import io.dataflow.flink.message.MetadataValues;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dataflow.flink.message.Message;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a record into the literals of one VALUES row for the columns the sink writes (docs/ORIGINAL.md#trino):
 * <ul>
 *   <li>columnar: every table column, from the body's key of that name (or the same name in another case, since
 *   Trino folds column names to lower case); a body {@code {"value": {…}, "_metadata": …}} is unwrapped; absent
 *   keys are typed NULLs (and marked as not carried, so that an upsert leaves those columns as they are), extra
 *   keys are ignored;</li>
 *   <li>raw: {@code data} (or {@code value}) holds the body as JSON text and {@code _metadata} the metadata as a
 *   JSON object, or, with flattened metadata, one {@code <prefix><key>} column per metadata key.</li>
 * </ul>
 */
final class TrinoRowEncoder {

    enum Layout { COLUMNAR, RAW, RAW_FLATTENED }

    private final Layout layout;
    private final Map<String, String> columns;
    private final String dataColumn;
    private final String metadataPrefix;

    private TrinoRowEncoder(Layout layout, Map<String, String> columns, String dataColumn, String metadataPrefix) {
        this.layout = layout;
        this.columns = columns;
        this.dataColumn = dataColumn;
        this.metadataPrefix = metadataPrefix;
    }

    /** Chooses the layout the way the original does: raw only when the table has the raw columns. */
    static TrinoRowEncoder forTable(Map<String, String> tableColumns, boolean rawMode, boolean flatten, String prefix) {
        String data = tableColumns.containsKey("data") ? "data" : tableColumns.containsKey("value") ? "value" : null;
        if (rawMode && data != null && tableColumns.containsKey("_metadata") && !flatten) {
            Map<String, String> written = new LinkedHashMap<>();
            written.put(data, tableColumns.get(data));
            written.put("_metadata", tableColumns.get("_metadata"));
            return new TrinoRowEncoder(Layout.RAW, written, data, prefix);
        }
        if (rawMode && flatten && data != null) {
            Map<String, String> written = new LinkedHashMap<>();
            written.put(data, tableColumns.get(data));
            tableColumns.forEach((name, type) -> {
                if (!name.equals(data) && name.startsWith(prefix)) {
                    written.put(name, type);
                }
            });
            return new TrinoRowEncoder(Layout.RAW_FLATTENED, written, data, prefix);
        }
        return new TrinoRowEncoder(Layout.COLUMNAR, new LinkedHashMap<>(tableColumns), null, prefix);
    }

    Layout layout() {
        return layout;
    }

    /** The written columns in order, name → type. */
    Map<String, String> columns() {
        return columns;
    }

    /**
     * A record's literals in column order, and which columns it carries: a key that is absent is not carried (an
     * explicit JSON null is: it sets NULL). {@code carried} is null when the record carries every column.
     */
    record EncodedRow(List<String> literals, boolean[] carried) {

        boolean carries(int column) {
            return carried == null || carried[column];
        }
    }

    EncodedRow encode(Message message) throws RecordRefusedException {
        JsonNode body = message.json();
        if (body == null) {
            throw new RecordRefusedException("the record is not JSON");
        }
        return switch (layout) {
            case COLUMNAR -> columnar(body);
            case RAW -> new EncodedRow(raw(body, message), null);
            case RAW_FLATTENED -> new EncodedRow(flattened(body, message), null);
        };
    }

    private EncodedRow columnar(JsonNode body) throws RecordRefusedException {
        JsonNode record = unwrapped(body);
        if (record == null || !record.isObject()) {
            throw new RecordRefusedException("the record is not a JSON object (columnar tables need one key per column)");
        }
        Map<String, String> lowerCaseKeys = null;
        List<String> row = new ArrayList<>(columns.size());
        boolean[] carried = null;
        for (Map.Entry<String, String> column : columns.entrySet()) {
            JsonNode value = record.get(column.getKey());
            if (value == null) {
                if (lowerCaseKeys == null) {
                    lowerCaseKeys = lowerCaseKeys(record);
                }
                String key = lowerCaseKeys.get(column.getKey().toLowerCase(Locale.ROOT));
                value = key == null ? null : record.get(key);
                if (value == null) {
                    if (carried == null) {
                        carried = new boolean[columns.size()];
                        java.util.Arrays.fill(carried, true);
                    }
                    carried[row.size()] = false;
                }
            }
            row.add(TrinoLiterals.literal(column.getKey(), column.getValue(), value));
        }
        return new EncodedRow(row, carried);
    }

    private List<String> raw(JsonNode body, Message message) throws RecordRefusedException {
        boolean wrapped = isWrapped(body);
        JsonNode data = wrapped ? body.get("value") : body;
        JsonNode metadata = wrapped && body.has("_metadata") ? body.get("_metadata") : MetadataValues.toJson(message.metadata());
        List<String> row = new ArrayList<>(2);
        row.add(TrinoLiterals.literal(dataColumn, columns.get(dataColumn), jsonText(data)));
        row.add(TrinoLiterals.literal("_metadata", columns.get("_metadata"), jsonText(metadata)));
        return row;
    }

    private List<String> flattened(JsonNode body, Message message) throws RecordRefusedException {
        boolean wrapped = isWrapped(body);
        JsonNode data = wrapped ? body.get("value") : body;
        JsonNode metadata = MetadataValues.toJson(message.metadata());
        List<String> row = new ArrayList<>(columns.size());
        for (Map.Entry<String, String> column : columns.entrySet()) {
            if (column.getKey().equals(dataColumn)) {
                row.add(TrinoLiterals.literal(dataColumn, column.getValue(), jsonText(data)));
            } else {
                JsonNode value = metadata.get(column.getKey().substring(metadataPrefix.length()));
                row.add(TrinoLiterals.literal(column.getKey(), column.getValue(), value == null || value.isNull() ? null : textNode(value)));
            }
        }
        return row;
    }

    /** {@code {"value": …}} or {@code {"value": …, "_metadata": …}}: a record already in raw shape. */
    static boolean isWrapped(JsonNode body) {
        return body.isObject() && body.has("value") && (body.size() == 1 || (body.size() == 2 && body.has("_metadata")));
    }

    static JsonNode unwrapped(JsonNode body) {
        return isWrapped(body) && body.get("value").isObject() ? body.get("value") : body;
    }

    /** The data and _metadata columns hold JSON text, so a read-back can tell "1" from 1. */
    private static JsonNode jsonText(JsonNode value) {
        return TextNode.valueOf(TrinoLiterals.json(value));
    }

    /** A flattened metadata column: strings as they are, anything else as its JSON. */
    private static JsonNode textNode(JsonNode value) {
        return TextNode.valueOf(value.isTextual() ? value.textValue() : TrinoLiterals.json(value));
    }

    private static Map<String, String> lowerCaseKeys(JsonNode record) {
        Map<String, String> keys = new HashMap<>();
        for (Iterator<String> it = record.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            keys.putIfAbsent(key.toLowerCase(Locale.ROOT), key);
        }
        return keys;
    }
}
