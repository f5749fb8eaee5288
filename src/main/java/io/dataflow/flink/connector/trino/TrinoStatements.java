package io.dataflow.flink.connector.trino;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SQL text of the sink's writes: multi-row {@code INSERT … VALUES} and, in upsert mode,
 * {@code MERGE INTO … USING (VALUES …)} on the conflict key (docs/ORIGINAL.md#trino); plus the raw table's DDL. Rows are
 * lists of literals from {@link TrinoRowEncoder}, in the order of the columns.
 */
final class TrinoStatements {

    /** Trino refuses statements longer than {@code query.max-length} (1 000 000 characters by default). */
    static final int MAX_STATEMENT_CHARS = 900_000;

    private TrinoStatements() {
    }

    static String insert(TrinoTableName table, List<String> columns, List<List<String>> rows) {
        return "INSERT INTO " + table.qualified() + " (" + quotedList(columns) + ") VALUES " + values(rows);
    }

    /**
     * Matching rows are updated (every written column but the key), the others inserted. The caller passes at most
     * one row per key: MERGE fails when two source rows match one target row.
     */
    static String merge(TrinoTableName table, List<String> columns, String conflictKey, List<List<String>> rows) {
        return merge(table, columns, conflictKey, List.of(), rows);
    }

    /**
     * As above, where some records do not carry every column: each column of {@code partialColumns} (indexes into
     * {@code columns}) gets a boolean source column {@link #carriesColumn}, and a matched row keeps its value
     * where the record does not carry the column. Each row holds the column literals, then one boolean literal per
     * partial column in that order.
     */
    static String merge(TrinoTableName table, List<String> columns, String conflictKey, List<Integer> partialColumns,
                        List<List<String>> rows) {
        String key = TrinoSql.quoteIdentifier(conflictKey);
        List<String> updates = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String c = columns.get(i);
            if (c.equals(conflictKey)) {
                continue;
            }
            String column = TrinoSql.quoteIdentifier(c);
            updates.add(partialColumns.contains(i)
                    ? column + " = CASE WHEN source." + carriesColumn(i) + " THEN source." + column + " ELSE target." + column + " END"
                    : column + " = source." + column);
        }
        List<String> sourceAliases = new ArrayList<>(columns.stream().map(TrinoSql::quoteIdentifier).toList());
        partialColumns.forEach(i -> sourceAliases.add(carriesColumn(i)));
        String sourceColumns = columns.stream().map(c -> "source." + TrinoSql.quoteIdentifier(c)).collect(Collectors.joining(", "));
        return "MERGE INTO " + table.qualified() + " AS target USING (VALUES " + values(rows) + ") AS source("
                + String.join(", ", sourceAliases) + ") ON target." + key + " = source." + key
                + (updates.isEmpty() ? "" : " WHEN MATCHED THEN UPDATE SET " + String.join(", ", updates))
                + " WHEN NOT MATCHED THEN INSERT (" + quotedList(columns) + ") VALUES (" + sourceColumns + ")";
    }

    /** The source column that says whether a record carries column {@code index} (no table column has such a name). */
    static String carriesColumn(int index) {
        return TrinoSql.quoteIdentifier("$dataflow_carries_" + index);
    }

    /** Raw layout: the record's JSON and its metadata, both VARCHAR (unbounded: Iceberg has no varchar(n)). */
    static String createRawTable(TrinoTableName table, boolean orc) {
        return "CREATE TABLE IF NOT EXISTS " + table.qualified() + " (\"data\" VARCHAR, \"_metadata\" VARCHAR)"
                + (orc ? " WITH (format = 'ORC')" : "");
    }

    /** Raw layout with flattened metadata: data plus one VARCHAR column per metadata key. */
    static String createFlattenedTable(TrinoTableName table, List<String> metadataColumns, boolean orc) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table.qualified()).append(" (\"data\" VARCHAR");
        for (String column : metadataColumns) {
            ddl.append(", ").append(TrinoSql.quoteIdentifier(column)).append(" VARCHAR");
        }
        return ddl.append(")").append(orc ? " WITH (format = 'ORC')" : "").toString();
    }

    /** Splits rows into groups whose VALUES text stays under {@link #MAX_STATEMENT_CHARS}. */
    static List<List<List<String>>> chunks(List<List<String>> rows) {
        List<List<List<String>>> chunks = new ArrayList<>();
        List<List<String>> current = new ArrayList<>();
        long size = 0;
        for (List<String> row : rows) {
            long rowSize = 4;
            for (String literal : row) {
                rowSize += literal.length() + 2;
            }
            if (!current.isEmpty() && size + rowSize > MAX_STATEMENT_CHARS) {
                chunks.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(row);
            size += rowSize;
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    private static String values(List<List<String>> rows) {
        return rows.stream().map(r -> "(" + String.join(", ", r) + ")").collect(Collectors.joining(", "));
    }

    private static String quotedList(List<String> columns) {
        return columns.stream().map(TrinoSql::quoteIdentifier).collect(Collectors.joining(", "));
    }

    static List<String> names(Map<String, String> columns) {
        return new ArrayList<>(columns.keySet());
    }
}
