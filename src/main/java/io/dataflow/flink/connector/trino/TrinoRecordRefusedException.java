package io.dataflow.flink.connector.trino;

/** One record cannot be written: a value does not fit its column. The message names the column and says why. */
final class TrinoRecordRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    TrinoRecordRefusedException(String message) {
        super(message);
    }
}
