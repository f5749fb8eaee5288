package io.dataflow.flink.connector.trino;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One Trino connection and the catalog lookups the sink needs. The connection is replaced before a statement when
 * its Keycloak token is due ({@link TrinoConnections#fresh}). Statements run with a server-side time limit
 * ({@code queryTimeoutSeconds}). Not thread-safe: the sink uses it from its one writer thread.
 */
final class TrinoAccess implements AutoCloseable {

    private final TrinoConnections connections;
    private final int queryTimeoutSeconds;
    private Connection connection;

    TrinoAccess(TrinoConnections connections, int queryTimeoutSeconds) {
        this.connections = connections;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    private Connection connection() throws SQLException {
        connection = connections.fresh(connection);
        return connection;
    }

    /** Runs a statement that returns no rows (INSERT, MERGE, DDL); answers the update count when there is one. */
    long execute(String sql) throws SQLException {
        try (Statement s = connection().createStatement()) {
            s.setQueryTimeout(queryTimeoutSeconds);
            s.execute(sql);
            return s.getLargeUpdateCount();
        } catch (SQLException e) {
            dropConnectionIfBroken(e);
            throw e;
        }
    }

    /** The table's columns in order (name → Trino type), or empty when it does not exist. */
    Optional<Map<String, String>> columns(TrinoTableName table) throws SQLException {
        String sql = "SELECT column_name, data_type FROM " + TrinoSql.quoteIdentifier(table.catalog())
                + ".information_schema.columns WHERE table_schema = " + TrinoSql.quoteString(table.schemaKey())
                + " AND table_name = " + TrinoSql.quoteString(table.tableKey()) + " ORDER BY ordinal_position";
        Map<String, String> columns = new LinkedHashMap<>();
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                columns.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            dropConnectionIfBroken(e);
            throw e;
        }
        return columns.isEmpty() ? Optional.empty() : Optional.of(columns);
    }

    /** The names of the table's NOT NULL columns (a write that puts NULL there is refused). */
    Set<String> notNullColumns(TrinoTableName table) throws SQLException {
        String sql = "SELECT column_name FROM " + TrinoSql.quoteIdentifier(table.catalog())
                + ".information_schema.columns WHERE table_schema = " + TrinoSql.quoteString(table.schemaKey())
                + " AND table_name = " + TrinoSql.quoteString(table.tableKey()) + " AND is_nullable = 'NO'";
        Set<String> names = new HashSet<>();
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (SQLException e) {
            dropConnectionIfBroken(e);
            throw e;
        }
        return names;
    }

    /** The first row of a query whose columns are all numbers, with the statement's time limit. */
    List<Long> numbers(String sql) throws SQLException {
        List<Long> row = new ArrayList<>();
        try (Statement s = connection().createStatement()) {
            s.setQueryTimeout(queryTimeoutSeconds);
            try (ResultSet rs = s.executeQuery(sql)) {
                if (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.add(rs.getLong(i));
                    }
                }
            }
        } catch (SQLException e) {
            dropConnectionIfBroken(e);
            throw e;
        }
        return row;
    }

    boolean schemaExists(TrinoTableName table) throws SQLException {
        return exists("SELECT 1 FROM " + TrinoSql.quoteIdentifier(table.catalog()) + ".information_schema.schemata WHERE schema_name = "
                + TrinoSql.quoteString(table.schemaKey()));
    }

    /** Whether the catalog's connector has a {@code format} table property (Iceberg, Hive: yes; memory: no). */
    boolean hasFormatProperty(TrinoTableName table) throws SQLException {
        return exists("SELECT 1 FROM system.metadata.table_properties WHERE catalog_name = "
                + TrinoSql.quoteString(table.catalogKey()) + " AND property_name = 'format'");
    }

    private boolean exists(String sql) throws SQLException {
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next();
        } catch (SQLException e) {
            dropConnectionIfBroken(e);
            throw e;
        }
    }

    /** A failure without a server error code means the connection itself failed: open a new one next time. */
    private void dropConnectionIfBroken(SQLException e) {
        if (e.getErrorCode() == 0) {
            TrinoConnections.closeQuietly(connection);
            connection = null;
        }
    }

    @Override
    public void close() {
        TrinoConnections.closeQuietly(connection);
        connection = null;
    }
}
