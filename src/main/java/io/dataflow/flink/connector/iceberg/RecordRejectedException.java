package io.dataflow.flink.connector.iceberg;

/** A record the table cannot hold because of its own content; the reason names the column. */
final class RecordRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    RecordRejectedException(String reason) {
        super(reason);
    }
}
