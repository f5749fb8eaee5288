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

    /**
     * This row, staged for the columns {@code from}, for the columns {@code to} after the table evolved
     * (schemaEvolution: evolve): a column the row was not staged with is {@code nullLiterals[i]} and not carried,
     * so that a matched row keeps its value there. Columns are matched by name.
     */
    TrinoUpsertRow onColumns(List<String> from, List<String> to, List<String> nullLiterals) {
        if (from.equals(to)) {
            return this;
        }
        List<String> moved = new ArrayList<>(to.size());
        boolean[] movedCarried = new boolean[to.size()];
        boolean all = true;
        for (int i = 0; i < to.size(); i++) {
            int at = from.indexOf(to.get(i));
            moved.add(at < 0 ? nullLiterals.get(i) : literals.get(at));
            movedCarried[i] = at >= 0 && carries(at);
            all &= movedCarried[i];
        }
        return new TrinoUpsertRow(moved, all ? null : movedCarried);
    }

    /**
     * This row after some of its columns were widened (types {@code from} → {@code to}, in column order): a literal
     * {@code CAST(… AS integer)} becomes {@code CAST(… AS bigint)}, so that keys compare equal to the ones encoded
     * for the wider column. The value's text holds in the wider type (integer in bigint, a real's in double).
     */
    TrinoUpsertRow retyped(List<String> from, List<String> to) {
        List<String> out = null;
        for (int i = 0; i < literals.size(); i++) {
            String suffix = " AS " + from.get(i) + ")";
            String literal = literals.get(i);
            if (!from.get(i).equals(to.get(i)) && literal.startsWith("CAST(") && literal.endsWith(suffix)) {
                if (out == null) {
                    out = new ArrayList<>(literals);
                }
                out.set(i, literal.substring(0, literal.length() - suffix.length()) + " AS " + to.get(i) + ")");
            }
        }
        return out == null ? this : new TrinoUpsertRow(out, carried);
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
