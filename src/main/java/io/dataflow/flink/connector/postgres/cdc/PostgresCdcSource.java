package io.dataflow.flink.connector.postgres.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ReadWriteLifecycleGuard;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.SourceBatch;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.connector.postgres.PostgresConnectionString;
import io.dataflow.flink.connector.postgres.PostgresConnections;
import io.dataflow.flink.connector.postgres.PostgresIdentifiers;
import io.dataflow.flink.connector.postgres.PostgresTableName;
import io.dataflow.flink.connector.postgres.SqlErrors;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Relation;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.SecretMasker;
import io.dataflow.flink.message.Message;
import org.apache.flink.metrics.Gauge;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The source of {@code type: postgresql-cdc} (docs/ORIGINAL.md#postgresql-cdc): an optional snapshot of the captured tables, then
 * the changes of a logical replication slot decoded from pgoutput, emitted per transaction at its COMMIT.
 *
 * <p>Positions: Flink state holds the end LSN of the last transaction emitted and the snapshot's progress. The
 * slot's confirmed position is advanced only in {@link #checkpointComplete}, to the LSN of that checkpoint, so the
 * server keeps every change that is not yet durable downstream and a restart from the checkpoint replays exactly
 * the transactions after it. Runs with parallelism 1 (one slot, one reader).
 */
public final class PostgresCdcSource extends ReadWriteLifecycleGuard implements SourceConnector {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresCdcSource.class);
    private static final long POSTGRES_EPOCH_MILLIS = 946_684_800_000L;
    private static final int SNAPSHOT_PAGE = 2_000;
    /** Committed changes gathered into one emission before it is handed to Flink. */
    private static final int MAX_BATCH = 5_000;
    private static final long IDLE_SLEEP_MS = 10;

    private final PostgresConnectionString target;
    private final String slot;
    private final String publication;
    private final List<PostgresTableName> tables;
    private final Set<String> captured;
    private final String snapshotMode;
    private final boolean createSlot;
    private final boolean resnapshotOnMissingSlot;
    private final boolean createPublication;
    private final int heartbeatSeconds;
    private final int maxTransactionBuffer;
    private final ChangeRecords records;

    private CdcPosition position = CdcPosition.START;
    private boolean restored;
    /** The slot was missing on restore and onMissingSlot is resnapshot. */
    private boolean resnapshot;
    private final Map<Long, Long> lsnByCheckpoint = new TreeMap<>();
    private volatile long lsnToConfirm;
    private long lsnConfirmed;

    private volatile Connection plain;
    private volatile Connection replication;
    private volatile PGReplicationStream stream;
    private volatile boolean wakeup;
    private String exportedSnapshot;
    private TableSnapshot snapshot;
    private List<PostgresTableName> snapshotQueue = List.of();
    private String snapshotLsn;

    private final Map<Integer, Relation> relations = new HashMap<>();
    private final List<Message> transaction = new ArrayList<>();
    private boolean inTransaction;
    private long commitTimeMillis;
    private volatile long lastCommitLsn;

    PostgresCdcSource(ConfigValues config, ConnectorContext context) {
        this.target = PostgresConnectionString.parse(config.get(PostgresCdcOptions.CONNECTION_STRING));
        this.slot = config.get(PostgresCdcOptions.SLOT_NAME);
        this.publication = config.get(PostgresCdcOptions.PUBLICATION_NAME);
        this.tables = config.get(PostgresCdcOptions.TABLES).stream().map(PostgresIdentifiers::parseTable).collect(Collectors.toList());
        this.captured = tables.stream().map(t -> t.schema() + "." + t.table()).collect(Collectors.toSet());
        this.snapshotMode = config.get(PostgresCdcOptions.SNAPSHOT_MODE);
        this.createSlot = config.get(PostgresCdcOptions.CREATE_SLOT_IF_NOT_EXISTS);
        this.resnapshotOnMissingSlot = PostgresCdcOptions.ON_MISSING_SLOT_RESNAPSHOT.equals(config.get(PostgresCdcOptions.ON_MISSING_SLOT));
        this.createPublication = config.get(PostgresCdcOptions.CREATE_PUBLICATION_IF_NOT_EXISTS);
        this.heartbeatSeconds = config.get(PostgresCdcOptions.HEARTBEAT_INTERVAL_SECONDS);
        this.maxTransactionBuffer = config.get(PostgresCdcOptions.MAX_TRANSACTION_BUFFER);
        this.records = new ChangeRecords(PostgresCdcOptions.ENVELOPE_DEBEZIUM.equals(config.get(PostgresCdcOptions.ENVELOPE_FORMAT)),
                config.get(PostgresCdcOptions.PRIMARY_KEY_COLUMN), config.get(PostgresCdcOptions.INCLUDE_COLUMNS),
                config.get(PostgresCdcOptions.EXCLUDE_COLUMNS));
        if (context.metrics() != null) {
            context.metrics().gauge("cdcCommittedLsn", (Gauge<Long>) () -> lastCommitLsn);
            context.metrics().gauge("cdcConfirmedLsn", (Gauge<Long>) () -> lsnToConfirm);
        }
    }

    @Override
    public void restorePositions(List<byte[]> positions) {
        if (!positions.isEmpty()) {
            position = CdcPosition.fromBytes(positions.get(0));
            restored = true;
            LOG.info("PostgreSQL CDC source restored: slot={} lsn={} snapshotDone={} tablesDone={}",
                    slot, Lsn.format(position.lsn()), position.snapshotDone(), position.tablesDone());
        }
    }

    @Override
    public void connect() throws Exception {
        if (!guardConnect()) {
            throw new ConnectorClosedException();
        }
        try {
            plain = PostgresConnections.open(target);
            ReplicationSetup.checkWalLevel(plain);
            ReplicationSetup.checkTablesExist(plain, tables);
            ReplicationSetup.ensurePublication(plain, publication, tables, createPublication);
            ReplicationSetup.warnAboutReplicaIdentity(plain, tables);
            ReplicationSetup.warnAboutToastWithoutFullIdentity(plain, tables);
            Optional<ReplicationSetup.ExistingSlot> existing = ReplicationSetup.findSlot(plain, slot);
            plain.commit();
            replication = PostgresConnections.openReplication(target);
            boolean resumesFromCheckpoint = restored && position.lsn() != 0;
            if (existing.isEmpty() && resumesFromCheckpoint && !resnapshotOnMissingSlot) {
                // Recreating it would resume at the server's current position: the changes since the checkpoint are
                // gone with the old slot, and nothing downstream would ever know.
                throw new SQLException("replication slot " + slot + " is missing, but the checkpoint resumes from LSN "
                        + Lsn.format(position.lsn()) + ": the changes since then are lost with the slot. Start the job "
                        + "without its checkpoint (a fresh snapshot), or set onMissingSlot: resnapshot", "42704");
            }
            if (existing.isEmpty()) {
                if (!createSlot) {
                    throw new SQLException("replication slot " + slot + " does not exist (createSlotIfNotExists is false)", "42704");
                }
                ReplicationSlotInfo created = replication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
                        .logical().withSlotName(slot).withOutputPlugin("pgoutput").make();
                exportedSnapshot = created.getSnapshotName();
                long consistent = created.getConsistentPoint().asLong();
                LOG.info("Created replication slot {} at {}", slot, Lsn.format(consistent));
                if (resumesFromCheckpoint) {
                    LOG.warn("Replication slot {} was missing although the checkpoint resumes from {}: onMissingSlot is "
                            + "resnapshot, so the tables are read again from the new slot's snapshot at {}", slot,
                            Lsn.format(position.lsn()), Lsn.format(consistent));
                    position = position.withLsn(consistent).withSnapshotRestarted();
                    resnapshot = true;
                } else {
                    position = position.withLsn(consistent);
                }
            } else if (position.lsn() == 0) {
                position = position.withLsn(existing.get().confirmedFlushLsn());
            }
            planSnapshot();
            LOG.info("Connected PostgreSQL CDC source: url={} slot={} publication={} tables={} from={} snapshot={}",
                    target.jdbcUrl(), slot, publication, captured, Lsn.format(position.lsn()),
                    snapshotQueue.isEmpty() ? "none" : snapshotQueue);
        } catch (SQLException e) {
            closeConnections();
            throw new IOException(SecretMasker.maskEmbeddedPasswords("PostgreSQL CDC source (slot " + slot + "): "
                    + SqlErrors.describe(e)), e);
        } finally {
            unlock();
        }
    }

    /** Which tables to read before streaming, by snapshotMode and what the restored state says is done. */
    private void planSnapshot() {
        if (resnapshot) {
            // the lost slot's changes are only recovered by reading the tables again, whatever snapshotMode says
            LOG.info("PostgreSQL CDC source (slot {}): reading the tables again", slot);
        } else if (PostgresCdcOptions.SNAPSHOT_NEVER.equals(snapshotMode)) {
            position = position.withSnapshotDone();
        } else if (PostgresCdcOptions.SNAPSHOT_ALWAYS.equals(snapshotMode)) {
            position = position.withSnapshotRestarted();
        } else if (restored && position.snapshotDone()) {
            return;
        }
        if (position.snapshotDone()) {
            return;
        }
        snapshotQueue = tables.stream().filter(t -> !position.tablesDone().contains(t.schema() + "." + t.table()))
                .collect(Collectors.toList());
        if (snapshotQueue.isEmpty()) {
            position = position.withSnapshotDone();
        }
    }

    @Override
    public SourceBatch poll() throws Exception {
        if (isClosed()) {
            return SourceBatch.end();
        }
        readLock();
        try {
            if (isClosed()) {
                return SourceBatch.end();
            }
            if (!position.snapshotDone() && !snapshotQueue.isEmpty()) {
                return readSnapshot();
            }
            if (stream == null) {
                startStreaming();
            }
            confirmDurablePosition();
            return readChanges();
        } finally {
            readUnlock();
        }
    }

    private SourceBatch readSnapshot() throws SQLException {
        if (snapshot == null) {
            snapshot = new TableSnapshot(plain, exportedSnapshot, SNAPSHOT_PAGE);
            snapshotLsn = Lsn.format(position.lsn());
        }
        PostgresTableName table = snapshotQueue.get(0);
        if (snapshot.current() != table) {
            snapshot.open(table);
            LOG.info("PostgreSQL CDC snapshot of {} started", table);
        }
        List<ObjectNode> rows = snapshot.nextPage();
        List<Message> messages = new ArrayList<>(rows.size());
        for (ObjectNode row : rows) {
            messages.add(records.snapshotRow(table.schema(), table.table(), row, snapshotLsn));
        }
        if (rows.size() == SNAPSHOT_PAGE) {
            return SourceBatch.of(messages, () -> { });
        }
        String name = table.schema() + "." + table.table();
        snapshotQueue = snapshotQueue.subList(1, snapshotQueue.size());
        boolean last = snapshotQueue.isEmpty();
        if (last) {
            snapshot.close();
            snapshot = null;
            exportedSnapshot = null;
        }
        LOG.info("PostgreSQL CDC snapshot of {} read", table);
        return SourceBatch.of(messages, () -> {
            position = position.withTableDone(name);
            if (last) {
                position = position.withSnapshotDone();
            }
        });
    }

    private void startStreaming() throws SQLException {
        stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                .withSlotName(slot)
                .withStartPosition(LogSequenceNumber.valueOf(position.lsn()))
                .withSlotOption("proto_version", 1)
                .withSlotOption("publication_names", publication)
                .withStatusInterval(heartbeatSeconds, TimeUnit.SECONDS)
                // The driver may report the server's position as flushed while idle, but only once everything it
                // received is flushed explicitly (below, at completed checkpoints): skipped WAL is then irrelevant.
                .withAutomaticFlush(true)
                .start();
        lsnConfirmed = position.lsn();
        LOG.info("PostgreSQL CDC streaming from slot {} at {}", slot, Lsn.format(position.lsn()));
    }

    /** Reports to the server what the last completed checkpoint made durable; on the reading thread (not thread-safe). */
    private void confirmDurablePosition() throws SQLException {
        long confirm = lsnToConfirm;
        if (confirm > lsnConfirmed) {
            LogSequenceNumber lsn = LogSequenceNumber.valueOf(confirm);
            stream.setFlushedLSN(lsn);
            stream.setAppliedLSN(lsn);
            stream.forceUpdateStatus();
            lsnConfirmed = confirm;
        }
    }

    /**
     * A stop with a savepoint completes the savepoint and then closes the source before it reads again: its position
     * is confirmed here, or the slot would stay behind what the savepoint made durable. Runs under the write lock,
     * so no read uses the stream meanwhile.
     */
    private void confirmBeforeClosing() {
        try {
            confirmDurablePosition();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("PostgreSQL CDC could not confirm {} to slot {} before closing; a restore reads from its last confirmed position: {}",
                    Lsn.format(lsnToConfirm), slot, e.getMessage());
        }
    }

    /**
     * Reads what the server has sent for about a second: whole transactions are gathered and emitted together, and
     * the position advances to the end of the last one. A transaction larger than maxTransactionBuffer is emitted
     * in parts before its COMMIT without moving the position, so a restart replays it whole.
     */
    private SourceBatch readChanges() throws SQLException {
        List<Message> ready = new ArrayList<>();
        long readyLsn = 0;
        long deadline = System.currentTimeMillis() + 1_000;
        wakeup = false;
        while (!wakeup && !isClosed()) {
            ByteBuffer data = stream.readPending();
            if (data == null) {
                if (!ready.isEmpty() || System.currentTimeMillis() >= deadline) {
                    break;
                }
                sleep();
                continue;
            }
            long messageLsn = stream.getLastReceiveLSN().asLong();
            PgOutputMessage message = PgOutputDecoder.decode(data);
            if (message instanceof PgOutputMessage.Begin begin) {
                inTransaction = true;
                commitTimeMillis = begin.commitTimeMicros() / 1000 + POSTGRES_EPOCH_MILLIS;
            } else if (message instanceof PgOutputMessage.Commit commit) {
                inTransaction = false;
                ready.addAll(transaction);
                transaction.clear();
                readyLsn = commit.endLsn();
                if (ready.size() >= MAX_BATCH) {
                    break;
                }
            } else if (message instanceof Relation relation) {
                remember(relation);
            } else if (message instanceof PgOutputMessage.Change change) {
                onChange(change, messageLsn);
                if (transaction.size() >= maxTransactionBuffer) {
                    ready.addAll(transaction);
                    transaction.clear();
                    break;
                }
            } else if (message instanceof PgOutputMessage.Truncate truncate) {
                LOG.warn("PostgreSQL CDC: TRUNCATE of {} is not replicated as row changes (slot {})",
                        truncate.relationIds().stream().map(this::relationName).collect(Collectors.toList()), slot);
            }
        }
        if (ready.isEmpty()) {
            return readyLsn == 0 ? SourceBatch.empty() : withLsn(List.of(), readyLsn);
        }
        return readyLsn == 0 ? SourceBatch.of(ready, () -> { }) : withLsn(ready, readyLsn);
    }

    private SourceBatch withLsn(List<Message> messages, long lsn) {
        return SourceBatch.of(messages, () -> {
            position = position.withLsn(lsn);
            lastCommitLsn = lsn;
        });
    }

    private void remember(Relation relation) {
        Relation previous = relations.put(relation.id(), relation);
        if (previous != null && !previous.equals(relation)) {
            LOG.info("PostgreSQL CDC: table {} changed shape, now columns {}", relation.qualifiedName(),
                    relation.columns().stream().map(PgOutputMessage.Column::name).collect(Collectors.toList()));
        }
    }

    private void onChange(PgOutputMessage.Change change, long lsn) {
        Relation relation = relations.get(change.relationId());
        if (relation == null) {
            throw new IllegalStateException("pgoutput sent a change of relation " + change.relationId() + " before describing it");
        }
        if (!captured.contains(relation.qualifiedName())) {
            return; // the publication has more tables than this source captures
        }
        transaction.add(records.change(change, relation, Lsn.format(lsn), commitTimeMillis));
    }

    private String relationName(int id) {
        Relation r = relations.get(id);
        return r == null ? "relation " + id : r.qualifiedName();
    }

    private void sleep() {
        try {
            Thread.sleep(IDLE_SLEEP_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            wakeup = true;
        }
    }

    @Override
    public byte[] snapshotPosition(long checkpointId) {
        synchronized (lsnByCheckpoint) {
            lsnByCheckpoint.put(checkpointId, position.lsn());
        }
        return position.toBytes();
    }

    /** The checkpoint is durable: the slot may forget the WAL before its position (applied on the reading thread). */
    @Override
    public void checkpointComplete(long checkpointId) {
        synchronized (lsnByCheckpoint) {
            Long lsn = lsnByCheckpoint.get(checkpointId);
            if (lsn != null && lsn > lsnToConfirm) {
                lsnToConfirm = lsn;
            }
            lsnByCheckpoint.keySet().removeIf(id -> id <= checkpointId);
        }
    }

    @Override
    public void wakeup() {
        wakeup = true;
    }

    @Override
    public void close() {
        if (guardClose()) {
            return;
        }
        try {
            closeConnections();
        } finally {
            unlock();
        }
    }

    private void closeConnections() {
        PGReplicationStream s = stream;
        if (s != null) {
            confirmBeforeClosing();
        }
        stream = null;
        if (s != null) {
            try {
                s.close();
            } catch (SQLException e) {
                LOG.debug("closing the replication stream: {}", e.getMessage());
            }
        }
        PostgresConnections.closeQuietly(replication);
        replication = null;
        PostgresConnections.closeQuietly(plain);
        plain = null;
    }
}
