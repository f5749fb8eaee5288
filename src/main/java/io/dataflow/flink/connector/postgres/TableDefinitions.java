package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.dataflow.flink.connector.postgres.PostgresIdentifiers.quote;

/** The DDL the sink runs when {@code autoCreateTable} is on (docs/ORIGINAL.md#postgresql), as SQL text. */
public final class TableDefinitions {

    private TableDefinitions() {
    }

    public static String createSchema(String schema) {
        return "CREATE SCHEMA IF NOT EXISTS " + quote(schema);
    }

    /**
     * The columnar table for a first record: its fields sorted by name with inferred types, {@code id} as primary
     * key when present, {@code created_at}/{@code updated_at} with default now() and the soft-delete column when
     * the record does not have them. In upsert mode a conflict key other than the primary key gets a UNIQUE
     * constraint, without which {@code ON CONFLICT} is refused (the original left that to the user).
     */
    public static String columnar(PostgresTableName table, JsonNode firstRecord, PostgresSinkSettings settings) {
        Map<String, String> columns = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = firstRecord.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            columns.put(field.getKey(), ColumnTypeInference.forJson(field.getValue()));
        }
        StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table.qualified()).append(" (");
        boolean first = true;
        for (Map.Entry<String, String> c : columns.entrySet()) {
            sql.append(first ? "" : ", ").append(quote(c.getKey())).append(' ').append(c.getValue());
            if (c.getKey().equals("id")) {
                sql.append(" PRIMARY KEY");
            }
            first = false;
        }
        for (String timestamp : List.of("created_at", "updated_at")) {
            if (!columns.containsKey(timestamp)) {
                sql.append(first ? "" : ", ").append(quote(timestamp)).append(" TIMESTAMP DEFAULT now()");
                first = false;
            }
        }
        String softDelete = settings.softDeleteColumn();
        if (softDelete != null && !columns.containsKey(softDelete) && !softDelete.equals("created_at") && !softDelete.equals("updated_at")) {
            sql.append(", ").append(quote(softDelete)).append(" TIMESTAMP");
        }
        String key = settings.conflictKey();
        if (settings.upsertMode() && key != null && !key.equals("id") && columns.containsKey(key)) {
            sql.append(", UNIQUE (").append(quote(key)).append(')');
        }
        return sql.append(')').toString();
    }

    /**
     * The raw layout: {@code id SERIAL PRIMARY KEY, data JSONB NOT NULL}, then either {@code _metadata JSONB} or,
     * with flattened metadata, one column per metadata key (name → SQL type), then the timestamps.
     */
    public static String raw(PostgresTableName table, Map<String, String> flattenedColumns, PostgresSinkSettings settings) {
        StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table.qualified())
                .append(" (\"id\" SERIAL PRIMARY KEY, \"data\" JSONB NOT NULL");
        if (flattenedColumns == null) {
            sql.append(", \"_metadata\" JSONB");
        } else {
            for (Map.Entry<String, String> c : new TreeMap<>(flattenedColumns).entrySet()) {
                if (!List.of("id", "data", "created_at", "updated_at", "deleted_at").contains(c.getKey())) {
                    sql.append(", ").append(quote(c.getKey())).append(' ').append(c.getValue());
                }
            }
            String key = settings.conflictKey();
            if (settings.upsertMode() && key != null && !key.equals("id") && flattenedColumns.containsKey(key)) {
                sql.append(", UNIQUE (").append(quote(key)).append(')');
            }
        }
        return sql.append(", \"created_at\" TIMESTAMP DEFAULT now(), \"updated_at\" TIMESTAMP DEFAULT now(), \"deleted_at\" TIMESTAMP)")
                .toString();
    }

    /** The GIN index on {@code data} of a raw table, named {@code idx_<table>_data} as in the original. */
    public static String dataIndex(PostgresTableName table) {
        return "CREATE INDEX IF NOT EXISTS " + quote("idx_" + table.table() + "_data") + " ON " + table.qualified()
                + " USING GIN (\"data\")";
    }
}
