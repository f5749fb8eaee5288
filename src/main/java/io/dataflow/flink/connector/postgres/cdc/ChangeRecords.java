package io.dataflow.flink.connector.postgres.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Column;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Relation;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Tuple;
import io.dataflow.flink.message.Message;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds the records the CDC source emits (docs/ORIGINAL.md#postgresql-cdc): the row itself ({@code envelopeFormat: row}; the old
 * row for deletes) or a Debezium-style envelope, with metadata {@code table} ({@code schema.table}),
 * {@code operation} (insert/update/delete), {@code lsn} and {@code id} (the {@code primaryKeyColumn} value).
 * Columns are filtered by {@code includeColumns}/{@code excludeColumns}, case-insensitively.
 */
final class ChangeRecords {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final boolean debezium;
    private final String primaryKeyColumn;
    private final Set<String> include;
    private final Set<String> exclude;

    ChangeRecords(boolean debezium, String primaryKeyColumn, List<String> includeColumns, List<String> excludeColumns) {
        this.debezium = debezium;
        this.primaryKeyColumn = primaryKeyColumn;
        this.include = lowerCase(includeColumns);
        this.exclude = lowerCase(excludeColumns);
    }

    private static Set<String> lowerCase(List<String> names) {
        return names == null ? Set.of() : names.stream().map(n -> n.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /** A row of the initial snapshot: an insert (Debezium op {@code r}). */
    Message snapshotRow(String schema, String table, ObjectNode row, String lsn) {
        ObjectNode kept = filter(row);
        return message(schema, table, "insert", "r", null, kept, lsn, System.currentTimeMillis());
    }

    /** A streamed change of a relation; the timestamp is the transaction's commit time. */
    Message change(PgOutputMessage.Change change, Relation relation, String lsn, long commitTimeMillis) {
        switch (change.operation()) {
            case INSERT:
                return message(relation.schema(), relation.table(), "insert", "c", null,
                        filter(row(relation, change.newTuple(), null, false)), lsn, commitTimeMillis);
            case UPDATE: {
                ObjectNode before = change.oldTuple() == null ? null
                        : filter(row(relation, change.oldTuple(), null, change.oldIsKeyOnly()));
                Tuple fullOld = change.oldIsKeyOnly() ? null : change.oldTuple();
                ObjectNode after = filter(row(relation, change.newTuple(), fullOld, false));
                return message(relation.schema(), relation.table(), "update", "u", before, after, lsn, commitTimeMillis);
            }
            case DELETE:
                return message(relation.schema(), relation.table(), "delete", "d",
                        filter(row(relation, change.oldTuple(), null, change.oldIsKeyOnly())), null, lsn, commitTimeMillis);
            default:
                throw new IllegalStateException("unknown operation " + change.operation());
        }
    }

    /**
     * The tuple as a JSON object. A TOASTed value an update left unchanged is not sent by the server: it is taken from
     * the full old row when the table has {@code REPLICA IDENTITY FULL}, and otherwise left out (as the original).
     * A key-only old tuple ('K') holds nulls for the non-key columns: those are left out too.
     */
    private static ObjectNode row(Relation relation, Tuple tuple, Tuple fullOld, boolean keyOnly) {
        ObjectNode row = NODES.objectNode();
        List<Column> columns = relation.columns();
        for (int i = 0; i < columns.size() && i < tuple.values().size(); i++) {
            if (keyOnly && !columns.get(i).key()) {
                continue;
            }
            String value = tuple.values().get(i);
            if (value == Tuple.UNCHANGED_TOAST) {
                String previous = fullOld != null && i < fullOld.values().size() ? fullOld.values().get(i) : null;
                if (previous == null || previous == Tuple.UNCHANGED_TOAST) {
                    continue;
                }
                value = previous;
            }
            row.set(columns.get(i).name(), PgTextValues.toJson(columns.get(i).typeOid(), value));
        }
        return row;
    }

    ObjectNode filter(ObjectNode row) {
        if (include.isEmpty() && exclude.isEmpty()) {
            return row;
        }
        ObjectNode kept = NODES.objectNode();
        row.fields().forEachRemaining(e -> {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if ((include.isEmpty() || include.contains(name)) && !exclude.contains(name)) {
                kept.set(e.getKey(), e.getValue());
            }
        });
        return kept;
    }

    private Message message(String schema, String table, String operation, String op, ObjectNode before, ObjectNode after,
                            String lsn, long timestamp) {
        Map<String, Object> metadata = new LinkedHashMap<>(6);
        metadata.put("table", schema + "." + table);
        metadata.put("operation", operation);
        metadata.put("lsn", lsn);
        Object id = id(after != null ? after : before);
        if (id != null) {
            metadata.put("id", id);
        }
        JsonNode body;
        if (debezium) {
            ObjectNode source = NODES.objectNode().put("schema", schema).put("table", table).put("lsn", lsn);
            ObjectNode payload = NODES.objectNode();
            payload.set("before", before == null ? NODES.nullNode() : before);
            payload.set("after", after == null ? NODES.nullNode() : after);
            payload.put("op", op);
            payload.set("source", source);
            payload.put("ts_ms", timestamp);
            body = NODES.objectNode().set("payload", payload);
        } else {
            body = after != null ? after : before;
        }
        return Message.ofJson(body, metadata, timestamp);
    }

    /** A numeric key as a number (as the polling source), anything else in its text form. */
    private Object id(ObjectNode row) {
        JsonNode key = row == null ? null : row.get(primaryKeyColumn);
        if (key == null || key.isNull()) {
            return null;
        }
        return key.isIntegralNumber() && key.canConvertToLong() ? (Object) key.longValue() : key.asText();
    }
}
