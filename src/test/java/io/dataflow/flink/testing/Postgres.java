package io.dataflow.flink.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Helpers for tests against the PostgreSQL started by {@link RealServersExtension}. */
public final class Postgres {

    private Postgres() {
    }

    public static String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + RealServersExtension.port(Server.POSTGRES) + "/test";
    }

    /** The original's URL form, as a manifest would carry it. */
    public static String url() {
        return "postgres://postgres@127.0.0.1:" + RealServersExtension.port(Server.POSTGRES) + "/test?sslmode=disable";
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    public static void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public static long count(String sqlCount) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sqlCount)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Sessions of other clients on the test database (for leak checks). */
    public static long clientSessions() throws SQLException {
        return count("SELECT count(*) FROM pg_stat_activity WHERE datname = 'test' AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
    }
}
