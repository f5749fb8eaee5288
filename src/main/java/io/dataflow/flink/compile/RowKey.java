package io.dataflow.flink.compile;

import io.dataflow.flink.message.Message;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The row a record belongs to, for a single-reader source (polling or CDC) whose transformations and sinks run at
 * {@code replicas} above 1: its metadata {@code table} and {@code id} (the row key those sources set). A record
 * without an id is keyed by its table alone, so such records still keep their order (on one subtask) instead of
 * being spread.
 */
final class RowKey implements KeySelector<Message, String> {

    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(Message message) {
        Object table = message.metadata("table");
        Object id = message.metadata("id");
        String tablePart = table == null ? "" : String.valueOf(table);
        // a NUL cannot occur in a table name, so (table "a", id "b\0c") and (table "a\0b", id "c") stay apart
        return id == null ? tablePart : tablePart + '\0' + id;
    }
}
