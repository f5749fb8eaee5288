package io.dataflow.flink.connector.postgres.cdc;

import io.dataflow.flink.connector.postgres.PostgresIdentifiers;
import io.dataflow.flink.connector.postgres.PostgresTableName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks and DDL the CDC source runs on a plain connection before it streams (docs/ORIGINAL.md#postgresql-cdc "Connect"):
 * {@code wal_level = logical}, the captured tables exist, the publication exists (created for the tables when
 * allowed) and publishes every captured table, replica identities that let updates and deletes through, and the
 * slot's state. Each failure names what to change on the server.
 */
final class ReplicationSetup {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSetup.class);

    /** A slot that exists: its confirmed position (where streaming resumes when Flink has none). */
    record ExistingSlot(long confirmedFlushLsn) {
    }

    private ReplicationSetup() {
    }

    static void checkWalLevel(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            String level = rs.getString(1);
            if (!"logical".equals(level)) {
                throw new SQLException("postgresql-cdc needs wal_level = logical on the server, it is " + level
                        + " (set it in postgresql.conf and restart the server)", "55000");
            }
        }
    }

    static void checkTablesExist(Connection c, List<PostgresTableName> tables) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?)")) {
            for (PostgresTableName t : tables) {
                ps.setString(1, t.qualified());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getString(1) == null) {
                        throw new SQLException("table " + t + " does not exist", "42P01");
                    }
                }
            }
        }
    }

    /** Creates the publication when missing (and allowed); fails when it leaves out one of the tables. */
    static void ensurePublication(Connection c, String publication, List<PostgresTableName> tables, boolean create) throws SQLException {
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        if (!exists) {
            if (!create) {
                throw new SQLException("publication " + publication + " does not exist (createPublicationIfNotExists is false)", "42704");
            }
            String list = tables.stream().map(PostgresTableName::qualified).collect(Collectors.joining(", "));
            try (Statement s = c.createStatement()) {
                s.execute("CREATE PUBLICATION " + PostgresIdentifiers.quote(publication) + " FOR TABLE " + list);
            }
            c.commit();
            LOG.info("Created publication {} for {}", publication, list);
            return;
        }
        Set<PostgresTableName> published = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    published.add(new PostgresTableName(rs.getString(1), rs.getString(2)));
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (PostgresTableName t : tables) {
            if (!published.contains(t)) {
                missing.add(t.qualified());
            }
        }
        if (!missing.isEmpty()) {
            throw new SQLException("publication " + publication + " does not publish " + String.join(", ", missing)
                    + " (ALTER PUBLICATION " + PostgresIdentifiers.quote(publication) + " ADD TABLE " + String.join(", ", missing) + ")", "42704");
        }
    }

    /**
     * Without a primary key or a replica identity the server refuses the table's UPDATEs and DELETEs once it is in a
     * publication: worth a loud warning, not a refusal (insert-only tables are fine).
     */
    static void warnAboutReplicaIdentity(Connection c, List<PostgresTableName> tables) throws SQLException {
        String sql = "SELECT c.relreplident, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) "
                + "FROM pg_class c WHERE c.oid = to_regclass(?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (PostgresTableName t : tables) {
                ps.setString(1, t.qualified());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        String identity = rs.getString(1);
                        boolean primaryKey = rs.getBoolean(2);
                        if ("n".equals(identity) || ("d".equals(identity) && !primaryKey)) {
                            LOG.warn("Table {} has no primary key or replica identity: PostgreSQL refuses its UPDATEs and DELETEs "
                                    + "while it is published (ALTER TABLE {} REPLICA IDENTITY FULL, or add a primary key)", t, t);
                        }
                    }
                }
            }
        }
    }

    /**
     * An update that leaves a TOASTed value unchanged does not carry it (pgoutput sends it as "unchanged"): without
     * {@code REPLICA IDENTITY FULL} the record leaves that field out, which a sink that writes only the columns a
     * record carries handles, but a target that replaces whole rows (ClickHouse ReplacingMergeTree, Iceberg) would
     * lose the value. Names the captured tables that can store values out of line without FULL.
     */
    static List<String> warnAboutToastWithoutFullIdentity(Connection c, List<PostgresTableName> tables) throws SQLException {
        String sql = "SELECT c.relreplident <> 'f' AND c.reltoastrelid <> 0 AND EXISTS (SELECT 1 FROM pg_attribute a "
                + "WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attstorage IN ('x', 'e')) "
                + "FROM pg_class c WHERE c.oid = to_regclass(?)";
        List<String> partial = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (PostgresTableName t : tables) {
                ps.setString(1, t.qualified());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        partial.add(t.qualified());
                    }
                }
            }
        }
        if (!partial.isEmpty()) {
            LOG.warn("Tables {} have TOAST-able columns but not REPLICA IDENTITY FULL: an update that leaves such a value "
                    + "unchanged produces a record without that field (never null). Sinks that replace whole rows "
                    + "(ClickHouse ReplacingMergeTree, Iceberg) need ALTER TABLE … REPLICA IDENTITY FULL", partial);
        }
        return partial;
    }

    /** The slot when it exists; fails when it belongs to another database or plugin. */
    static Optional<ExistingSlot> findSlot(Connection c, String slot) throws SQLException {
        String sql = "SELECT plugin, database, confirmed_flush_lsn::text, current_database() FROM pg_replication_slots WHERE slot_name = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (!"pgoutput".equals(rs.getString(1))) {
                    throw new SQLException("replication slot " + slot + " uses plugin " + rs.getString(1) + ", not pgoutput", "55000");
                }
                if (!rs.getString(4).equals(rs.getString(2))) {
                    throw new SQLException("replication slot " + slot + " belongs to database " + rs.getString(2)
                            + ", not " + rs.getString(4), "55000");
                }
                String confirmed = rs.getString(3);
                return Optional.of(new ExistingSlot(confirmed == null ? 0 : Lsn.parse(confirmed)));
            }
        }
    }
}
