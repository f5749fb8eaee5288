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

    /**
     * {@code CREATE TEMP TABLE stage ON COMMIT DROP AS SELECT *, NULL::bigint AS ordinal FROM target WITH NO DATA}:
     * the target's columns and types without any constraint or default, so that NOT NULL and CHECK violations are
     * raised by the merge into the target and name the target, as with a direct insert; plus the records' order.
     * The name is the caller's, new for every stage, and the table lives only until its transaction ends: behind a
     * pooler in transaction mode the next transaction may run in another session, or another writer in this one.
     */
    public static String createStage(String stageName, PostgresTableName table, String ordinalColumn) {
        return "CREATE TEMP TABLE " + quote(stageName) + " ON COMMIT DROP AS SELECT *, NULL::bigint AS "
                + quote(ordinalColumn) + " FROM " + table.qualified() + " WITH NO DATA";
    }

    /** The stage's qualified name: always the session's own temporary schema, whatever the search_path says. */
    public static String stage(String stageName) {
        return "pg_temp." + quote(stageName);
    }

    /**
     * {@code INSERT INTO t AS "dataflow_target" (cols) SELECT DISTINCT ON (key) cols FROM stage ORDER BY key, …}
     * plus the upsert clause of {@link #upsertClause}. DISTINCT ON compares the keys as the key column's type, so
     * keys that differ only in spelling ({@code A0EE…}/{@code a0ee…} as uuid, {@code 1}/{@code 1.0} as numeric)
     * are one row, which ON CONFLICT DO UPDATE requires: the last record wins, or with a version column the greatest
     * version (the first of equal versions, as successive statements would keep it). Rows without a key never
     * conflict and are all kept.
     */
    public static String upsertFromStage(PostgresTableName table, String stage, List<String> columns, String conflictKey,
                                         String versionColumn, String ordinalColumn) {
        String key = quote(conflictKey);
        String ordinal = quote(ordinalColumn);
        String nullKeysApart = "CASE WHEN " + key + " IS NULL THEN " + ordinal + " END";
        String latest = versionColumn == null ? ordinal + " DESC"
                : quote(versionColumn) + " DESC NULLS LAST, " + ordinal;
        return "INSERT INTO " + table.qualified() + " AS " + TARGET_ALIAS + " (" + columnList(columns) + ") SELECT DISTINCT ON ("
                + key + ", " + nullKeysApart + ") " + columnList(columns) + " FROM " + stage + " ORDER BY " + key + ", "
                + nullKeysApart + ", " + latest + upsertClause(columns, conflictKey, versionColumn);
    }

    /**
     * {@code INSERT INTO t (cols) SELECT cols FROM stage ORDER BY ordinal ON CONFLICT DO NOTHING}: a plain insert
     * into a keyed table, as the original wrote it, so that a replay after a failure stores nothing twice. Without a
     * conflict target it skips a row that any unique index or the primary key already holds; the first of several
     * records with one key is stored.
     */
    public static String insertFromStageSkippingDuplicates(PostgresTableName table, String stage, List<String> columns,
                                                           String ordinalColumn) {
        return "INSERT INTO " + table.qualified() + " (" + columnList(columns) + ") SELECT " + columnList(columns) + " FROM "
                + stage + " ORDER BY " + quote(ordinalColumn) + " ON CONFLICT DO NOTHING";
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
