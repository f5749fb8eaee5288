package io.dataflow.flink.connector.postgres;

import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/** Opens the JDBC connections the PostgreSQL connectors use: plain ones in manual-commit mode, and replication ones. */
public final class PostgresConnections {

    private PostgresConnections() {
    }

    /**
     * The driver is called directly rather than through DriverManager: Flink's user-code class loader hides the
     * jar's {@code java.sql.Driver} registration from DriverManager.
     */
    public static Connection open(PostgresConnectionString target) throws SQLException {
        Connection c = connect(target, target.properties());
        try {
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /**
     * A logical replication connection ({@code replication=database}) for slot commands and streaming; the simple
     * query protocol is the only one the walsender speaks.
     */
    public static Connection openReplication(PostgresConnectionString target) throws SQLException {
        Properties props = target.properties();
        props.setProperty("replication", "database");
        props.setProperty("assumeMinServerVersion", "10");
        props.setProperty("preferQueryMode", "simple");
        return connect(target, props);
    }

    private static Connection connect(PostgresConnectionString target, Properties props) throws SQLException {
        Connection c = new Driver().connect(target.jdbcUrl(), props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver does not accept the URL " + target.jdbcUrl());
        }
        return c;
    }

    public static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
