package io.dataflow.flink.connector.postgres;

/** A record that cannot become a row (not JSON, not an object, no known column); the reason never holds its data. */
final class RecordRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    RecordRejectedException(String reason) {
        super(reason, null, false, false);
    }
}
