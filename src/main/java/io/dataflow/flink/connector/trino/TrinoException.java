package io.dataflow.flink.connector.trino;

/** A Trino read or write that cannot go on; the message names the table and the server's reason, never credentials. */
public final class TrinoException extends Exception {

    private static final long serialVersionUID = 1L;

    TrinoException(String message) {
        super(message);
    }

    TrinoException(String message, Throwable cause) {
        super(message, cause);
    }
}
