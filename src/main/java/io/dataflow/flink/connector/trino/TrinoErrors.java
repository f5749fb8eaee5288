package io.dataflow.flink.connector.trino;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * Sorts Trino failures (trino-jdbc puts the server's error code into {@link SQLException#getErrorCode()}; codes
 * from {@code io.trino.spi.StandardErrorCode}) into the three cases the sink treats differently: transient (retry
 * the statement: the cluster is busy, starting, shutting down, or the connection broke), data errors (a value of
 * one record the server refused: find and report that record) and everything else (fail the flush).
 */
final class TrinoErrors {

    /** INTERNAL_ERROR codes that are about the cluster's state, not the statement. */
    private static final Set<Integer> TRANSIENT_INTERNAL = Set.of(
            65537, // TOO_MANY_REQUESTS_FAILED
            65539, // PAGE_TRANSPORT_ERROR
            65540, // PAGE_TRANSPORT_TIMEOUT
            65541, // NO_NODES_AVAILABLE
            65542, // REMOTE_TASK_ERROR
            65545, // SERVER_SHUTTING_DOWN
            65547, // REMOTE_BUFFER_CLOSE_FAILED
            65548, // SERVER_STARTING_UP
            65553, // ABANDONED_TASK
            65558, // REMOTE_HOST_GONE
            65563, // REMOTE_TASK_FAILED
            65565  // CATALOG_NOT_AVAILABLE
    );
    private static final int INSUFFICIENT_RESOURCES_FIRST = 0x2_0000;
    private static final int INSUFFICIENT_RESOURCES_LAST = 0x2_FFFF;

    /** USER_ERROR codes raised by one bad value in the statement. */
    private static final Set<Integer> DATA_ERRORS = Set.of(
            7,  // INVALID_FUNCTION_ARGUMENT (e.g. from_base64 of a bad string)
            8,  // DIVISION_BY_ZERO
            9,  // INVALID_CAST_ARGUMENT (a value that does not fit the column's type)
            16, // CONSTRAINT_VIOLATION (NULL into NOT NULL)
            19, // NUMERIC_VALUE_OUT_OF_RANGE
            59  // INVALID_LITERAL
    );

    private TrinoErrors() {
    }

    static boolean isTransient(SQLException e) {
        int code = e.getErrorCode();
        if (TRANSIENT_INTERNAL.contains(code) || (code >= INSUFFICIENT_RESOURCES_FIRST && code <= INSUFFICIENT_RESOURCES_LAST)) {
            return true;
        }
        if (code == 0 && causedByIo(e)) {
            return true; // no answer from the server at all: connection refused, reset, HTTP 5xx
        }
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("retry your query") || message.contains("error executing query")
                || message.contains("failed to commit") || message.contains("commit conflict");
    }

    static boolean isDataError(SQLException e) {
        return DATA_ERRORS.contains(e.getErrorCode()) && !isTransient(e);
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** The server's message without trino-jdbc's "Query failed (#id): " prefix. */
    static String reason(SQLException e) {
        String message = String.valueOf(e.getMessage());
        int colon = message.startsWith("Query failed (#") ? message.indexOf("): ") : -1;
        return colon > 0 ? message.substring(colon + 3) : message;
    }
}
