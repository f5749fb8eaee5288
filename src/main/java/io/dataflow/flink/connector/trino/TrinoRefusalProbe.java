package io.dataflow.flink.connector.trino;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A SELECT that tells whether Trino would refuse the rows of a write without writing anything (no Iceberg
 * snapshot): it evaluates the same typed VALUES rows the INSERT or MERGE sends and checks the table's NOT NULL
 * columns the way the write would. So the refused records of a batch can be found by halving with these probes,
 * and the others written by one statement ({@link io.dataflow.flink.connector.RefusedRecordFinder#findThenWrite}).
 *
 * <p>Every column is consumed by an aggregate ({@code count(c)}, or {@code count_if(…)} for a NOT NULL column):
 * Trino drops VALUES columns a query does not use, so {@code count(*)} alone would never evaluate the casts that
 * fail. A cast that fails raises the same error (INVALID_CAST_ARGUMENT, NUMERIC_VALUE_OUT_OF_RANGE, …) as in the
 * write. A NULL in a NOT NULL column refuses the write (CONSTRAINT_VIOLATION); in a MERGE only where the row
 * would be inserted or the record sets the column: a matched row keeps its value for a column the record does
 * not carry, so for such columns the probe looks up which keys the table holds.
 */
final class TrinoRefusalProbe {

    /** Trino's own wording of a CONSTRAINT_VIOLATION, so the reason reads the same as the write's. */
    static final String NOT_NULL_REASON = "NULL value not allowed for NOT NULL column: ";

    private static final String STORED_KEY = TrinoSql.quoteIdentifier("$dataflow_stored_key");

    private TrinoRefusalProbe() {
    }

    /**
     * The probe of an INSERT ({@code conflictKey} null) or a MERGE on {@code conflictKey} of {@code rows} (as
     * {@link TrinoStatements} takes them: the column literals, then one boolean per partial column). It answers one
     * row with one number per column: for a NOT NULL column the count of rows that would put NULL there.
     */
    static String select(TrinoTableName table, List<String> columns, Set<Integer> notNull, String conflictKey,
                         List<Integer> partialColumns, List<List<String>> rows) {
        List<String> aliases = new ArrayList<>(columns.stream().map(TrinoSql::quoteIdentifier).toList());
        partialColumns.forEach(i -> aliases.add(TrinoStatements.carriesColumn(i)));
        boolean lookUpKeys = false;
        List<String> aggregates = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String value = "source." + TrinoSql.quoteIdentifier(columns.get(i));
            if (!notNull.contains(i)) {
                aggregates.add("count(" + value + ")");
            } else if (conflictKey != null && partialColumns.contains(i)) {
                // a record that does not carry the column leaves a matched row's value alone
                lookUpKeys = true;
                aggregates.add("count_if(" + value + " IS NULL AND (source." + TrinoStatements.carriesColumn(i)
                        + " OR stored." + STORED_KEY + " IS NULL))");
            } else {
                aggregates.add("count_if(" + value + " IS NULL)");
            }
        }
        String values = rows.stream().map(r -> "(" + String.join(", ", r) + ")").collect(Collectors.joining(", "));
        String from = "(VALUES " + values + ") AS source(" + String.join(", ", aliases) + ")";
        if (lookUpKeys) {
            String key = TrinoSql.quoteIdentifier(conflictKey);
            from += " LEFT JOIN (SELECT DISTINCT " + key + " AS " + STORED_KEY + " FROM " + table.qualified()
                    + ") AS stored ON stored." + STORED_KEY + " = source." + key;
        }
        return "SELECT " + String.join(", ", aggregates) + " FROM " + from;
    }

    /** The refusal the probe's answer means: null when the write would be accepted. */
    static String reason(List<String> columns, Set<Integer> notNull, List<Long> answer) {
        for (int i = 0; i < columns.size(); i++) {
            if (notNull.contains(i) && answer.get(i) > 0) {
                return NOT_NULL_REASON + columns.get(i);
            }
        }
        return null;
    }
}
