package io.dataflow.flink.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * MD5 (hex) of the table's {@code id TAB v} lines joined by newlines, ordered by id: computed by PostgreSQL, the
     * same text {@link SourceRecords#lastValuesChecksum()} hashes from a test's input.
     */
    public static String idValueChecksum(String table) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT md5(coalesce(string_agg(id::text || E'\\t' || v, E'\\n' ORDER BY id, v), '')) FROM " + table)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The table's {@code (id, v)} rows. */
    public static List<SourceRecords.Row> idValueRows(String table) throws SQLException {
        List<SourceRecords.Row> rows = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, v FROM " + table)) {
            while (rs.next()) {
                rows.add(new SourceRecords.Row(rs.getLong(1), rs.getString(2)));
            }
        }
        return rows;
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
