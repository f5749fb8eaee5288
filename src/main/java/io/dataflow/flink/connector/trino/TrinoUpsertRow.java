package io.dataflow.flink.connector.trino;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One key's row of an upsert as the MERGE writes it: the column literals ({@link TrinoRowEncoder}, in the order of
 * the table's written columns) and which columns the record carries ({@code carried} null: all of them; a matched
 * row keeps its value where the record does not carry the column).
 */
record TrinoUpsertRow(List<String> literals, boolean[] carried) {

    boolean carries(int column) {
        return carried == null || carried[column];
    }

    /** This (later) row of a key over an earlier one: the columns this one does not carry keep the earlier values. */
    TrinoUpsertRow over(TrinoUpsertRow earlier) {
        if (carried == null) {
            return this;
        }
        List<String> merged = new ArrayList<>(literals);
        boolean[] mergedCarried = carried.clone();
        boolean all = true;
        for (int i = 0; i < merged.size(); i++) {
            if (!carried[i] && earlier.carries(i)) {
                merged.set(i, earlier.literals().get(i));
                mergedCarried[i] = true;
            }
            all &= mergedCarried[i];
        }
        return new TrinoUpsertRow(merged, all ? null : mergedCarried);
    }

    /** The VALUES row of a MERGE: the literals, then whether the row carries each of {@code partialColumns}. */
    List<String> values(List<Integer> partialColumns) {
        if (partialColumns.isEmpty()) {
            return literals;
        }
        List<String> values = new ArrayList<>(literals);
        partialColumns.forEach(i -> values.add(carries(i) ? "TRUE" : "FALSE"));
        return values;
    }

    /** The columns some of these rows do not carry (a MERGE of them gets a "carries" source column for each). */
    static List<Integer> partialColumns(Collection<TrinoUpsertRow> rows, int columnCount) {
        List<Integer> partial = new ArrayList<>();
        for (int i = 0; i < columnCount; i++) {
            for (TrinoUpsertRow row : rows) {
                if (!row.carries(i)) {
                    partial.add(i);
                    break;
                }
            }
        }
        return partial;
    }
}
