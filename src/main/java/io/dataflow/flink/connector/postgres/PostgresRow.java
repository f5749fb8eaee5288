package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One polled row's values, kept after the cursor moved on: the nodes {@link PostgresRowJson#value} makes of its
 * columns, without the object that would hold them. The row becomes either its JSON bytes
 * ({@link PostgresRowWriter}, what a sink that only writes the bytes needs) or its tree ({@link #toTree()}, what a
 * transformation reads), both from the same nodes, so they agree value for value.
 */
record PostgresRow(PostgresRowJson.Columns columns, JsonNode[] values) {

    static PostgresRow read(ResultSet rs, PostgresRowJson.Columns columns) throws SQLException {
        int[] indexes = columns.indexes();
        JsonNode[] values = new JsonNode[indexes.length];
        for (int c = 0; c < indexes.length; c++) {
            values[c] = PostgresRowJson.value(rs, indexes[c], columns.types()[c], columns.typeNames()[c]);
        }
        return new PostgresRow(columns, values);
    }

    /**
     * The row as one tree: one field per column in the result's order (two columns of
     * one label: the later value at the earlier place, as {@link ObjectNode#set} does). Array and json values are
     * the row's own nodes, not copies: a message asks for its tree once.
     */
    ObjectNode toTree() {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        String[] labels = columns.labels();
        for (int c = 0; c < labels.length; c++) {
            row.set(labels[c], values[c]);
        }
        return row;
    }

    /** The value of the column labelled {@code label} (the last of several of that label, as in the tree), or null. */
    JsonNode get(String label) {
        String[] labels = columns.labels();
        for (int c = labels.length - 1; c >= 0; c--) {
            if (labels[c].equals(label)) {
                return values[c];
            }
        }
        return null;
    }
}
