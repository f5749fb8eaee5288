package io.dataflow.flink.connector;

/**
 * A sink cannot write one record because of the record itself (not JSON, not an object, no field that is a column, a
 * value its column cannot hold); the target as a whole is fine. The message is the reason that reaches the error
 * sink: it names the column and says why, and never holds the record's data.
 *
 * <p>Thrown per record while a batch is prepared, so it carries no stack trace: the reason is all a reader needs.
 */
public final class RecordRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    public RecordRefusedException(String reason) {
        super(reason, null, false, false);
    }
}
