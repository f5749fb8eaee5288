package io.dataflow.flink.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Helpers for tests against the Trino started by {@link RealServersExtension} (catalogs {@code memory} and
 * {@code lake}, the Iceberg connector on a local warehouse). Plain trino-jdbc, so what a test reads back does not
 * go through the connector's code.
 */
public final class Trino {

    private Trino() {
    }

    public static int port() {
        return RealServersExtension.port(Server.TRINO);
    }

    /** The manifest's {@code serverURL}. */
    public static String serverUrl() {
        return "http://127.0.0.1:" + port();
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:trino://127.0.0.1:" + port() + "/memory/default", "test", null);
    }

    public static void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Every row as a list of {@code getObject} values. */
    public static List<List<Object>> rows(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(meta.getColumnCount());
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    public static long count(String sql) throws SQLException {
        return ((Number) rows(sql).get(0).get(0)).longValue();
    }

    /** A new schema with a unique name in the catalog; answers its name. */
    public static String createSchema(String catalog, String prefix) throws SQLException {
        String schema = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
        execute("CREATE SCHEMA " + catalog + "." + schema);
        return schema;
    }
}
