package io.dataflow.flink.connector.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads what the sink needs to know about its table from the system catalogs. */
final class TableCatalog {

    private static final String COLUMNS = "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a "
            + "WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

    private TableCatalog() {
    }

    /** The table's columns, or empty when the table (or view) does not exist. */
    static Optional<TableColumns> columns(Connection connection, PostgresTableName table) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setString(1, table.qualified());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return types.isEmpty() ? Optional.empty() : Optional.of(new TableColumns(types));
    }

    static boolean schemaExists(Connection connection, String schema) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
