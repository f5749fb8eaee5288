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

    /**
     * Drops a logical replication slot (a test's: slots keep WAL on the server for ever). A slot is still active for a
     * moment after its job is cancelled, while the job's connection closes: retried for up to 30 s.
     */
    public static void dropReplicationSlot(String slot) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try {
                execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
                return;
            } catch (SQLException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
