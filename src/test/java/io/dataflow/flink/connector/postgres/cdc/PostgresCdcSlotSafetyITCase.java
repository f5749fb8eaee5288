package io.dataflow.flink.connector.postgres.cdc;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.ValuesConnectorFactory;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointConfigOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The replication slot is the only copy of the changes not yet checkpointed (issue 19): a slot missing on restore
 * is never silently recreated, the slot never confirms past the last completed checkpoint, and updates that leave
 * a TOASTed column unchanged never turn it into null.
 */
@RealServers({Server.POSTGRES})
class PostgresCdcSlotSafetyITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path savepoints;

    private String suffix;
    private String slot;
    private String publication;
    private String table;

    @BeforeEach
    void names() throws Exception {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        slot = "it_slot_" + suffix;
        publication = "it_pub_" + suffix;
        table = "public.cdc_safety_" + suffix;
        ValuesConnectorFactory.COLLECTIONS.clear();
    }

    @AfterEach
    void dropSlot() throws Exception {
        Postgres.dropReplicationSlot(slot);
        Postgres.execute("DROP PUBLICATION IF EXISTS " + publication);
    }

    private String yaml(String tables, String extra, String collection) {
        return "source:\n  type: postgresql-cdc\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    slotName: " + slot + "\n    publicationName: " + publication + "\n    tables: [" + tables + "]\n"
                + "    heartbeatIntervalSeconds: 1\n" + extra
                + "sink: {type: values, config: {collection: " + collection + "}}\n";
    }

    private static JobClient startFrom(String yaml, String name, String savepoint) throws Exception {
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(yaml, name);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(SavepointConfigOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(300);
        JobCompiler.create().compile(manifest, env);
        return env.executeAsync(manifest.name());
    }

    /** Runs a job until its first rows arrived, stops it with a savepoint and drops its slot; answers the savepoint. */
    private String savepointThenDropTheSlot(String yaml, String name, String collection) throws Exception {
        JobClient job = MiniClusterJobs.start(yaml, name, JobCompiler.create(), 300, 0);
        await("the slot is streaming", () -> Postgres.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                + slot + "' AND active") == 1);
        Postgres.execute("INSERT INTO " + table + " VALUES (1, 'before')");
        await("the first change arrived", () -> values(collection).contains("before"));
        String savepoint = job.stopWithSavepoint(false, savepoints.toString(), SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        Postgres.dropReplicationSlot(slot);
        // lost with the slot: the job must either fail or find this row again
        Postgres.execute("INSERT INTO " + table + " VALUES (2, 'while the slot was gone')");
        return savepoint;
    }

    @Test
    void aRestoreWhoseSlotIsGoneFailsNamingTheSlot() throws Exception {
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v TEXT)");
        String yaml = yaml(table, "    snapshotMode: never\n", "missing");
        String savepoint = savepointThenDropTheSlot(yaml, "it-cdc-missing-slot", "missing");
        JobClient restored = startFrom(yaml, "it-cdc-missing-slot", savepoint);
        try {
            restored.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            fail("the restored job must fail: its slot is gone");
        } catch (ExecutionException e) {
            assertThat(ExceptionUtils.stringifyException(e)).contains("replication slot " + slot + " is missing")
                    .contains("onMissingSlot");
        } catch (TimeoutException e) {
            restored.cancel().get();
            fail("the restored job kept running with a recreated slot; records " + values("missing"));
        }
        assertThat(Postgres.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'"))
                .as("no slot silently recreated").isZero();
    }

    @Test
    void aRestoreWhoseSlotIsGoneReadsTheTablesAgainWithResnapshot() throws Exception {
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v TEXT)");
        String yaml = yaml(table, "    snapshotMode: never\n    onMissingSlot: resnapshot\n", "resnapshot");
        String savepoint = savepointThenDropTheSlot(yaml, "it-cdc-resnapshot", "resnapshot");
        JobClient restored = startFrom(yaml, "it-cdc-resnapshot", savepoint);
        try {
            await("the row written while the slot was gone arrived", () -> values("resnapshot").contains("while the slot was gone"));
            Postgres.execute("INSERT INTO " + table + " VALUES (3, 'after')");
            await("streaming goes on after the snapshot", () -> values("resnapshot").contains("after"));
        } finally {
            restored.cancel().get();
        }
    }

    /**
     * No checkpoint completes in this job: the slot must not confirm any change the job received. While it has received
     * nothing, the driver may report the server's idle position (PostgresCdcSource#startStreaming), so the bound is the
     * WAL position just before the first change, not the position the slot was created at.
     */
    @Test
    void theSlotNeverConfirmsBeyondTheLastCompletedCheckpoint() throws Exception {
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v TEXT)");
        JobClient job = MiniClusterJobs.start(yaml(table, "    snapshotMode: never\n", "confirm, flushIntervalMs: 200"), "it-cdc-confirm",
                JobCompiler.create(), 3_600_000, 0);
        try {
            await("the slot is streaming", () -> Postgres.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                    + slot + "' AND active") == 1);
            String beforeTheChanges = currentWalLsn();
            for (int i = 1; i <= 5; i++) {
                Postgres.execute("INSERT INTO " + table + " VALUES (" + i + ", 'r" + i + "')");
            }
            // the values sink publishes on its own timer here (flushIntervalMs), not only at checkpoints
            await("the changes arrived", () -> values("confirm").size() == 5);
            // several status intervals (1 s) and server keepalives pass
            Thread.sleep(5_000);
            assertThat(Postgres.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot
                    + "' AND confirmed_flush_lsn <= '" + beforeTheChanges + "'::pg_lsn"))
                    .as("confirmed_flush_lsn %s without a completed checkpoint, at most %s", confirmedFlushLsn(), beforeTheChanges)
                    .isEqualTo(1);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * A stop with a savepoint confirms the savepoint's position before the source closes: the source learns of the
     * completed savepoint and is closed before it reads again, so confirming on the next read (as periodic checkpoints
     * are) left the slot behind what the savepoint made durable, and a later restore of an older savepoint read those
     * changes again (77 duplicates in one run of ClusterRescaleITCase's CDC rollback).
     */
    @Test
    void aStopWithSavepointConfirmsTheSavepointsPosition() throws Exception {
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v TEXT)");
        // no periodic checkpoint in this job: only the savepoint can confirm anything
        JobClient job = MiniClusterJobs.start(yaml(table, "    snapshotMode: never\n", "stopped, flushIntervalMs: 200"), "it-cdc-stop",
                JobCompiler.create(), 3_600_000, 0);
        await("the slot is streaming", () -> Postgres.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                + slot + "' AND active") == 1);
        String created = confirmedFlushLsn();
        for (int i = 1; i <= 5; i++) {
            Postgres.execute("INSERT INTO " + table + " VALUES (" + i + ", 'r" + i + "')");
        }
        await("the changes arrived", () -> values("stopped").size() == 5);
        job.stopWithSavepoint(false, savepoints.toString(), SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        await("the slot is released", () -> Postgres.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                + slot + "' AND active") == 0);
        assertThat(Postgres.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot
                + "' AND confirmed_flush_lsn > '" + created + "'::pg_lsn"))
                .as("confirmed_flush_lsn advanced past %s by the savepoint", created).isEqualTo(1);
    }

    /**
     * An update of another column leaves a TOASTed value unchanged, and pgoutput does not send it: the record carries
     * the real value with REPLICA IDENTITY FULL and leaves the field out otherwise, never null.
     */
    @Test
    void anUnchangedToastedColumnIsNeverNull() throws Exception {
        String plain = table + "_default";
        String full = table + "_full";
        for (String t : List.of(plain, full)) {
            Postgres.execute("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, small INT, big TEXT)");
        }
        Postgres.execute("ALTER TABLE " + full + " REPLICA IDENTITY FULL");
        JobClient job = MiniClusterJobs.start(yaml(plain + ", " + full, "    snapshotMode: never\n", "toast"), "it-cdc-toast",
                JobCompiler.create(), 300, 0);
        try {
            await("the slot is streaming", () -> Postgres.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                    + slot + "' AND active") == 1);
            String big = "(SELECT string_agg(md5(random()::text || g), '') FROM generate_series(1, 1000) g)";
            for (String t : List.of(plain, full)) {
                Postgres.execute("INSERT INTO " + t + " VALUES (1, 0, " + big + ")");
                assertThat(Postgres.count("SELECT pg_column_size(big) FROM " + t)).as("stored out of line").isGreaterThan(2000);
                Postgres.execute("UPDATE " + t + " SET small = 1 WHERE id = 1");
            }
            await("both updates arrived", () -> updates().size() == 2);
            for (Message update : updates()) {
                String source = String.valueOf(update.metadata().get("table"));
                if (full.equals(source)) {
                    assertThat(update.json().path("big").asText()).as("FULL: the unchanged value").isEqualTo(bigOf(full));
                } else {
                    assertThat(update.json().has("big")).as("default identity: left out, not null: %s", update.json()).isFalse();
                }
                assertThat(update.json().path("small").asInt()).isEqualTo(1);
            }
        } finally {
            job.cancel().get();
            for (String t : List.of(plain, full)) {
                Postgres.execute("DROP TABLE IF EXISTS " + t);
            }
        }
    }

    private List<Message> updates() {
        List<Message> out = ValuesConnectorFactory.collection("toast");
        synchronized (out) {
            return out.stream().filter(m -> "update".equals(m.metadata().get("operation"))).collect(Collectors.toList());
        }
    }

    private static String bigOf(String table) throws Exception {
        try (Connection c = Postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT big FROM " + table)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String currentWalLsn() throws Exception {
        try (Connection c = Postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String confirmedFlushLsn() throws Exception {
        try (Connection c = Postgres.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<String> values(String collection) {
        List<Message> out = ValuesConnectorFactory.collection(collection);
        synchronized (out) {
            return out.stream().map(m -> m.json().path("v").asText()).collect(Collectors.toList());
        }
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!condition.call()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(200);
        }
    }
}
