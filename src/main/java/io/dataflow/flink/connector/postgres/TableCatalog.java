package io.dataflow.flink.connector.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    private static final String UNIQUE_INDEXES = "SELECT i.indexprs IS NOT NULL, ARRAY(SELECT a.attname FROM "
            + "unnest(i.indkey) k JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k) FROM pg_index i "
            + "WHERE i.indrelid = to_regclass(?) AND i.indisunique";

    /** The columns of the table's unique indexes and primary key (a plain insert skips rows these already hold). */
    static UniqueKeys uniqueKeys(Connection connection, PostgresTableName table) throws SQLException {
        Set<String> columns = new LinkedHashSet<>();
        boolean expressions = false;
        try (PreparedStatement ps = connection.prepareStatement(UNIQUE_INDEXES)) {
            ps.setString(1, table.qualified());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    expressions |= rs.getBoolean(1);
                    columns.addAll(Arrays.asList((String[]) rs.getArray(2).getArray()));
                }
            }
        }
        return new UniqueKeys(columns, expressions);
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
