package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.message.Message;

import java.util.Map;

/**
 * One buffered record turned into what the table receives: column → text form (null = SQL NULL), or, for a soft
 * delete, the key of the row to mark. {@code position} is the record's index in its batch, for error messages.
 */
record SinkRow(int position, Message message, Map<String, String> values, String deleteKey) {

    static SinkRow insert(int position, Message message, Map<String, String> values) {
        return new SinkRow(position, message, values, null);
    }

    static SinkRow softDelete(int position, Message message, String key) {
        return new SinkRow(position, message, Map.of(), key);
    }

    boolean isSoftDelete() {
        return deleteKey != null;
    }
}
