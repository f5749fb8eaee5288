package io.dataflow.flink.connector.clickhouse;

import java.io.IOException;

/**
 * A ClickHouse request that failed: the server's error code (0 when the failure did not come from the server),
 * whether retrying may help, and whether the failure is caused by the values of the records sent. The message
 * says what was attempted and the server's reason; it never contains the password or whole records.
 */
public final class ClickHouseException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int code;
    private final boolean transientFailure;
    private final boolean dataError;
    private final String reason;

    ClickHouseException(String message, String reason, int code, boolean transientFailure, boolean dataError, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.code = code;
        this.transientFailure = transientFailure;
        this.dataError = dataError;
    }

    /** ClickHouse's error code ({@code 27} CANNOT_PARSE_INPUT_ASSERTION_FAILED, …); 0 when unknown. */
    public int code() {
        return code;
    }

    /** Connection problems, timeouts, HTTP 502/503/504, TOO_MANY_PARTS, memory limits: worth a retry. */
    public boolean isTransient() {
        return transientFailure;
    }

    /** The server refused the values of the records sent (a parse or conversion error). */
    public boolean isDataError() {
        return dataError;
    }

    /** The server's reason alone ({@code ClickHouse code 27: Cannot parse input: …}), for the error sink. */
    public String reason() {
        return reason;
    }
}
