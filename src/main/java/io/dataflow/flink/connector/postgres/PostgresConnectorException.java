package io.dataflow.flink.connector.postgres;

import java.io.IOException;

/**
 * A PostgreSQL connector failed against its server: the sink's flush did not make its batch durable, or the polling
 * source could not connect or read. The message names the table, and the SQLSTATE or the record's position when
 * known; it never contains the password or record payloads.
 */
public final class PostgresConnectorException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String sqlState;

    PostgresConnectorException(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /** The SQLSTATE of the failure, or null when it did not come from the server. */
    public String sqlState() {
        return sqlState;
    }
}
