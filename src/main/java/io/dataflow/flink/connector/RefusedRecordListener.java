package io.dataflow.flink.connector;

import io.dataflow.flink.message.Message;

/**
 * Told about each record a sink could not write because of the record itself (a constraint it violates, a value
 * the target cannot store), so that the runtime can send exactly that record to the error sink while the rest of
 * the batch is written. Failures of the target as a whole (connection lost, missing table) are not reported here:
 * they fail the flush.
 */
@FunctionalInterface
public interface RefusedRecordListener {

    /**
     * @param message the record as it was given to {@code write}
     * @param reason  why the target refused it (an error code and the server's message, never the payload)
     */
    void refused(Message message, String reason);
}
