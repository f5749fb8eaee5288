package io.dataflow.flink.connector.postgres;

import java.util.List;

import static io.dataflow.flink.connector.postgres.PostgresIdentifiers.quote;

/**
 * The SQL text of the sink's writes. Identifiers are always quoted; values never appear in the text, they are
 * COPY data or bound parameters, each cast to the target column's type.
 */
public final class SinkStatements {

    private static final String TARGET_ALIAS = quote("dataflow_target");

    private SinkStatements() {
    }

    public static String copyIn(PostgresTableName table, List<String> columns) {
        return copyIn(table.qualified(), columns);
    }

    /** COPY into an already quoted table name (the staging table). */
    public static String copyIn(String qualifiedTable, List<String> columns) {
        return "COPY " + qualifiedTable + " (" + columnList(columns) + ") FROM STDIN";
    }

    /**
     * {@code ON CONFLICT (key) DO UPDATE SET c = EXCLUDED.c, …} (every column but the key; {@code DO NOTHING} when
     * there is none) and, with a version column, {@code WHERE EXCLUDED.v > "dataflow_target".v}; empty without a key.
     */
    private static String upsertClause(List<String> columns, String conflictKey, String versionColumn) {
        if (conflictKey == null) {
            return "";
        }
        StringBuilder sql = new StringBuilder(" ON CONFLICT (").append(quote(conflictKey)).append(")");
        StringBuilder updates = new StringBuilder();
        for (String c : columns) {
            if (!c.equals(conflictKey)) {
                updates.append(updates.length() == 0 ? "" : ", ").append(quote(c)).append(" = EXCLUDED.").append(quote(c));
            }
        }
        if (updates.length() == 0) {
            return sql.append(" DO NOTHING").toString();
        }
        sql.append(" DO UPDATE SET ").append(updates);
        if (versionColumn != null) {
            sql.append(" WHERE EXCLUDED.").append(quote(versionColumn)).append(" > ").append(TARGET_ALIAS).append('.')
                    .append(quote(versionColumn));
        }
        return sql.toString();
    }

    /** The per-session staging table upserts are copied into first (temporary: private to the connection). */
    public static final String STAGE = "pg_temp." + quote("dataflow_stage");

    /**
     * {@code CREATE TEMP TABLE IF NOT EXISTS stage AS SELECT * FROM target WITH NO DATA}: the target's columns and
     * types without any constraint or default, so that NOT NULL and CHECK violations are raised by the merge into
     * the target and name the target, as with a direct insert.
     */
    public static String createStage(PostgresTableName table) {
        return "CREATE TEMP TABLE IF NOT EXISTS " + quote("dataflow_stage") + " AS SELECT * FROM " + table.qualified() + " WITH NO DATA";
    }

    /**
     * {@code INSERT INTO t AS "dataflow_target" (cols) SELECT cols FROM stage} plus the upsert clause of
     * {@link #upsertClause}.
     */
    public static String upsertFromStage(PostgresTableName table, List<String> columns, String conflictKey, String versionColumn) {
        return "INSERT INTO " + table.qualified() + " AS " + TARGET_ALIAS + " (" + columnList(columns) + ") SELECT "
                + columnList(columns) + " FROM " + STAGE + upsertClause(columns, conflictKey, versionColumn);
    }

    /** {@code UPDATE t SET "deleted_at" = now() WHERE "key" = CAST(? AS type)}. */
    public static String softDelete(PostgresTableName table, String softDeleteColumn, String keyColumn, String keyType) {
        return "UPDATE " + table.qualified() + " SET " + quote(softDeleteColumn) + " = now() WHERE " + quote(keyColumn)
                + " = " + cast(keyType);
    }

    /** A parameter cast to the column's base type; without a known type, the server infers it. */
    static String cast(String type) {
        return type == null ? "?" : "CAST(? AS " + type + ")";
    }

    private static String columnList(List<String> columns) {
        StringBuilder out = new StringBuilder();
        for (String c : columns) {
            out.append(out.length() == 0 ? "" : ", ").append(quote(c));
        }
        return out.toString();
    }
}
