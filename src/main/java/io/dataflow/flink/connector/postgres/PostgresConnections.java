package io.dataflow.flink.connector.postgres;

import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens the one JDBC connection a PostgreSQL source or sink uses, in manual-commit mode. */
final class PostgresConnections {

    private PostgresConnections() {
    }

    /**
     * The driver is called directly rather than through DriverManager: Flink's user-code class loader hides the
     * jar's {@code java.sql.Driver} registration from DriverManager.
     */
    static Connection open(PostgresConnectionString target) throws SQLException {
        Connection c = new Driver().connect(target.jdbcUrl(), target.properties());
        if (c == null) {
            throw new SQLException("the PostgreSQL driver does not accept the URL " + target.jdbcUrl());
        }
        try {
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
    }

    static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
