package io.dataflow.flink.connector.postgres.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.FailOnceProbe;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.ValuesConnectorFactory;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CDC source on the real PostgreSQL 15 (wal_level=logical): snapshot + concurrent changes replicated into an
 * equal replica through a failure, the Debezium envelope round trip through debeziumUnwrap, value fidelity between
 * snapshot and stream, schema changes, and the slot advancing only with completed checkpoints.
 */
@RealServers({Server.POSTGRES})
class PostgresCdcSourceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final String REPLICA_COLUMNS = "id, name, amount, tags, happened_at";

    private String suffix;
    private String slot;
    private String publication;

    @BeforeEach
    void names() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        slot = "it_slot_" + suffix;
        publication = "it_pub_" + suffix;
        ValuesConnectorFactory.COLLECTIONS.clear();
        FailOnceProbe.reset();
    }

    /** Slots keep WAL on the server for ever: every test drops its own. */
    @AfterEach
    void dropSlot() throws Exception {
        Postgres.dropReplicationSlot(slot);
        Postgres.execute("DROP PUBLICATION IF EXISTS " + publication);
    }

    private String cdcSource(String table, String extra) {
        return "source:\n  type: postgresql-cdc\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    slotName: " + slot + "\n    publicationName: " + publication + "\n    tables: [" + table + "]\n"
                + "    heartbeatIntervalSeconds: 1\n" + extra;
    }

    private static String replicaSink(String table) {
        return "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + table + "\n    upsertMode: true\n    conflictKey: id\n    softDeleteColumn: deleted_at\n"
                + "    batchSize: 500\n    batchFlushIntervalSeconds: 1\n";
    }

    private static void createSource(String table) throws SQLException {
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(12,2), tags JSONB, "
                + "happened_at TIMESTAMPTZ, internal_notes TEXT)");
    }

    private static void createReplica(String table) throws SQLException {
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(12,2), tags JSONB, "
                + "happened_at TIMESTAMPTZ, deleted_at TIMESTAMPTZ)");
    }

    private static void insertRows(String table, int from, int to) throws SQLException {
        Postgres.execute("INSERT INTO " + table + " SELECT g, 'name ' || g || ' ''q''; é', g * 1.25, jsonb_build_object('g', g), "
                + "timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second', 'secret' FROM generate_series(" + from + ", " + to + ") g");
    }

    /** Inserts, updates and deletes in many small transactions, as an application would. */
    private static void applyChanges(String table, int firstNewId) throws SQLException {
        for (int t = 0; t < 20; t++) {
            int from = firstNewId + t * 100;
            insertRows(table, from, from + 99);
            Postgres.execute("UPDATE " + table + " SET name = name || ' v" + t + "', amount = amount + 1 WHERE id % 20 = " + t);
            Postgres.execute("DELETE FROM " + table + " WHERE id % 97 = " + t + " AND id < " + firstNewId);
        }
        try (Connection c = Postgres.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // one transaction touching the same rows several times: only the final state may remain
                s.execute("UPDATE " + table + " SET name = 'twice 1' WHERE id BETWEEN 1 AND 50");
                s.execute("UPDATE " + table + " SET name = 'twice 2', tags = NULL WHERE id BETWEEN 1 AND 50");
                s.execute("DELETE FROM " + table + " WHERE id BETWEEN 41 AND 50");
            }
            c.commit();
        }
    }

    /** Changes made before the slot exists are in neither the snapshot's past nor the stream: wait for it. */
    private void awaitSlot() throws Exception {
        await("the job created its slot", () -> Postgres.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'") == 1);
    }

    private static String checksum(String sql) throws SQLException {
        try (Connection c = Postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String liveChecksum(String table, String where) throws SQLException {
        return checksum("SELECT md5(coalesce(string_agg(row(" + REPLICA_COLUMNS + ")::text, '|' ORDER BY id), '')) FROM " + table + where);
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!condition.call()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(250);
        }
    }

    private static long deletedIn(String source, String replica) throws SQLException {
        return Postgres.count("SELECT count(*) FROM " + replica + " r WHERE r.deleted_at IS NOT NULL AND NOT EXISTS "
                + "(SELECT 1 FROM " + source + " s WHERE s.id = r.id)");
    }

    @Test
    void snapshotAndConcurrentChangesGiveAnEqualReplicaThroughAFailure() throws Exception {
        String source = "public.cdc_src_" + suffix;
        String replica = "public.cdc_dst_" + suffix;
        createSource(source);
        createReplica(replica);
        insertRows(source, 1, 5000);
        String yaml = cdcSource(source, "    excludeColumns: [INTERNAL_NOTES]\n") + replicaSink(replica);

        // the failure comes after the snapshot (5 000 records), in the middle of the stream
        JobClient job = MiniClusterJobs.start(yaml, "it-cdc-replica", JobCompiler.withProbeAfterSource(new FailOnceProbe(6500, 50)), 300, 3);
        try {
            awaitSlot();
            applyChanges(source, 100_001);
            String beforeLast = checksum("SELECT pg_current_wal_lsn()::text");
            Postgres.execute("UPDATE " + source + " SET amount = 0 WHERE id = 2");

            await("the replica equals the source", () ->
                    liveChecksum(replica, " WHERE deleted_at IS NULL").equals(liveChecksum(source, "")));
            long deletedRows = 5000 - Postgres.count("SELECT count(*) FROM " + source + " WHERE id <= 5000");
            await("every deleted row is soft-deleted", () -> deletedIn(source, replica) == deletedRows);
            assertThat(Postgres.count("SELECT count(*) FROM " + replica + " WHERE deleted_at IS NOT NULL")).isEqualTo(deletedRows);
            assertThat(FailOnceProbe.FAILED).as("the injected failure happened").isTrue();
            assertThat(Postgres.count("SELECT count(*) FROM " + source)).isEqualTo(5000 + 2000 - deletedRows);
            await("the slot confirms past the last change once a checkpoint completed", () -> Postgres.count(
                    "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND confirmed_flush_lsn > '"
                            + beforeLast + "'::pg_lsn") == 1);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void debeziumEnvelopeRoundTripsThroughDebeziumUnwrap() throws Exception {
        String source = "public.cdc_dbz_src_" + suffix;
        String replica = "public.cdc_dbz_dst_" + suffix;
        createSource(source);
        createReplica(replica);
        insertRows(source, 1, 500);
        String yaml = cdcSource(source, "    envelopeFormat: debezium\n    excludeColumns: [internal_notes]\n")
                + "transformations:\n  - type: debeziumUnwrap\n" + replicaSink(replica);
        JobClient job = MiniClusterJobs.start(yaml, "it-cdc-debezium", JobCompiler.create(), 300, 0);
        try {
            awaitSlot();
            applyChanges(source, 10_001);
            await("the replica equals the source", () ->
                    liveChecksum(replica, " WHERE deleted_at IS NULL").equals(liveChecksum(source, "")));
            long deletedRows = 500 - Postgres.count("SELECT count(*) FROM " + source + " WHERE id <= 500");
            await("every deleted row is soft-deleted", () -> deletedIn(source, replica) == deletedRows);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void snapshotAndStreamGiveTheSameValuesAndSchemaChangesAreFollowed() throws Exception {
        String source = "public.\"cdc types;" + suffix + "\"";
        Postgres.execute("CREATE TABLE " + source + " (id INT PRIMARY KEY, i2 SMALLINT, i8 BIGINT, n NUMERIC, f4 REAL, f8 DOUBLE PRECISION, "
                + "b BOOLEAN, t TEXT, v VARCHAR(20), d DATE, ts TIMESTAMP, tz TIMESTAMPTZ, j JSON, jb JSONB, by BYTEA, u UUID, "
                + "ia INT[], ta TEXT[], big TEXT)");
        String values = "%d, -3, 9007199254740993, 12345678901234567890.123456789, 1.5, 0.1, true, 'a \"b\" ''c''; é 日本', 'x,y', "
                + "'2026-03-04', '2026-03-04 05:06:07.123456', '2026-03-04 05:06:07.5+02:30', '{\"k\": [1, 2.5, null]}', "
                + "'{\"z\": {\"y\": true}}', '\\x00ff10', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,NULL,3}', "
                + "'{\"q,\\\"uote\",NULL,plain}', (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 300) g)";
        Postgres.execute("INSERT INTO " + source + " VALUES (" + String.format(values, 1) + ")");
        String yaml = cdcSource("'" + source.replace("'", "''") + "'", "") + "sink: {type: values, config: {collection: cdc}}\n";
        JobClient job = MiniClusterJobs.start(yaml, "it-cdc-values", JobCompiler.create(), 300, 0);
        try {
            List<Message> out = ValuesConnectorFactory.collection("cdc");
            await("the snapshot row", () -> size(out) == 1);
            Postgres.execute("INSERT INTO " + source + " VALUES (" + String.format(values, 2) + ")");
            // TOASTed big stays unchanged: the server does not send it again; the default replica identity has no old value
            Postgres.execute("UPDATE " + source + " SET i2 = 7 WHERE id = 2");
            Postgres.execute("ALTER TABLE " + source + " ADD COLUMN added TEXT DEFAULT 'new'");
            Postgres.execute("INSERT INTO " + source + " (id) VALUES (3)");
            Postgres.execute("TRUNCATE " + source);
            Postgres.execute("INSERT INTO " + source + " (id, t) VALUES (4, 'after truncate')");
            Postgres.execute("DELETE FROM " + source + " WHERE id = 4");
            await("six records", () -> size(out) == 6);
            List<Message> seen;
            synchronized (out) {
                seen = new ArrayList<>(out);
            }
            Message snapshotRow = seen.get(0);
            Message streamedRow = seen.get(1);
            ObjectNode expected = ((ObjectNode) snapshotRow.json()).deepCopy().put("id", 2L);
            expected.fieldNames().forEachRemaining(f ->
                    assertThat(streamedRow.json().get(f)).as("streamed field %s equals the snapshot's", f).isEqualTo(expected.get(f)));
            assertThat(streamedRow.json().size()).isEqualTo(expected.size());
            JsonNode row = snapshotRow.json();
            assertThat(row.get("i8").asLong()).isEqualTo(9007199254740993L);
            assertThat(row.get("n").decimalValue()).isEqualByComparingTo("12345678901234567890.123456789");
            assertThat(row.get("f4").asDouble()).isEqualTo(1.5);
            assertThat(row.get("b").asBoolean()).isTrue();
            assertThat(row.get("t").asText()).isEqualTo("a \"b\" 'c'; é 日本");
            assertThat(row.get("d").asText()).isEqualTo("2026-03-04T00:00:00Z");
            assertThat(row.get("ts").asText()).isEqualTo("2026-03-04T05:06:07.123456Z");
            assertThat(row.get("tz").asText()).isEqualTo("2026-03-04T02:36:07.500Z");
            assertThat(row.get("j").get("k").get(1).asDouble()).isEqualTo(2.5);
            assertThat(row.get("jb").get("z").get("y").asBoolean()).isTrue();
            assertThat(row.get("by").asText()).isEqualTo("AP8Q");
            assertThat(row.get("u").asText()).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
            assertThat(row.get("ia").toString()).isEqualTo("[1,null,3]");
            assertThat(row.get("ta").toString()).isEqualTo("[\"q,\\\"uote\",null,\"plain\"]");
            assertThat(snapshotRow.metadata()).containsEntry("operation", "insert").containsEntry("id", 1L)
                    .containsEntry("table", "public.cdc types;" + suffix);
            Message update = seen.get(2);
            assertThat(update.metadata()).containsEntry("operation", "update").containsEntry("id", 2L);
            assertThat(update.json().get("i2").asInt()).isEqualTo(7);
            assertThat(update.json().has("big")).as("unchanged TOAST value left out").isFalse();
            assertThat(seen.get(3).json().get("added").asText()).as("column added by ALTER TABLE").isEqualTo("new");
            assertThat(seen.get(4).json().get("t").asText()).isEqualTo("after truncate");
            Message delete = seen.get(5);
            assertThat(delete.metadata()).containsEntry("operation", "delete").containsEntry("id", 4L);
            assertThat(delete.json().toString()).as("a delete carries the key").isEqualTo("{\"id\":4}");
            assertThat((String) delete.metadata("lsn")).matches("[0-9A-F]+/[0-9A-F]+");
        } finally {
            job.cancel().get();
        }
    }

    private static int size(List<Message> out) {
        synchronized (out) {
            return out.size();
        }
    }
}
