package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.dataflow.flink.connector.LifecycleGuard;
import io.dataflow.flink.connector.BufferedBatchWriter;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.RecordRefusedException;
import io.dataflow.flink.connector.RefusedRecordListener;
import io.dataflow.flink.connector.SchemaEvolution;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.config.SecretMasker;
import io.dataflow.flink.message.Message;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The PostgreSQL sink (docs/ORIGINAL.md#postgresql): buffers records and writes each batch in one transaction on its own
 * connection — COPY for plain inserts, COPY into a staging table merged by {@code INSERT … SELECT … ON CONFLICT} for upserts, UPDATEs for soft
 * deletes.
 *
 * <p>Plain inserts into a table with a unique key skip rows whose key is stored ({@code ON CONFLICT DO NOTHING},
 * as the original), counted in the metric {@code duplicateKeysSkipped}, unless {@code onDuplicateKey: refuse}
 * makes a duplicate an error of that record. When a batch fails with an error of its records' data (see
 * {@link SqlErrors#isDataError}) the refused records are found by splitting the batch under savepoints, which are
 * then rolled back; with a {@link RefusedRecordListener} all other records are written by one write and
 * committed and the refused ones reported to it, without one the flush fails, naming the first refused record's
 * position, and nothing of the batch is committed. Any other failure (connection, permissions) fails the flush;
 * the runtime then restarts from the last checkpoint.
 *
 * <p>The table's columns are read at connect and again when records carry fields they lack (at most once per
 * batch, see {@link ColumnRefreshPolicy}), so that a column added later is written without a restart. With
 * {@code schemaEvolution: evolve} the sink adds such columns and widens numeric ones itself
 * ({@link TableEvolution}); with {@code fail} it refuses those records ({@link SinkRowBuilder}).
 */
public final class PostgresSinkConnector extends LifecycleGuard implements SinkConnector {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSinkConnector.class);

    /** ON CONFLICT arrived in PostgreSQL 9.5. */
    private static final int MIN_SERVER_VERSION = 90500;

    private final PostgresSinkSettings settings;
    private final ConnectorContext context;
    private BufferedBatchWriter<FailingRecordIsolator.Refusal> batches;

    private volatile Connection connection;
    private RefusedRecordListener refusedRecordListener;

    /** The table as last read from the catalog; null until known (or while it does not exist yet). */
    private TableColumns columns;
    private UniqueKeys uniqueKeys = UniqueKeys.NONE;
    private WriteMode mode;
    private SinkRowBuilder rowBuilder;
    private final ColumnRefreshPolicy columnRefresh = new ColumnRefreshPolicy();
    /** Rows of plain inserts that a unique key already held (a replay), skipped by ON CONFLICT DO NOTHING. */
    private final Counter duplicateKeysSkipped;

    public PostgresSinkConnector(PostgresSinkSettings settings, ConnectorContext context) {
        this.settings = settings;
        this.context = context;
        // incremented on the batch thread, read by the metric reporter's
        this.duplicateKeysSkipped = context.metrics() == null ? new SimpleCounter()
                : context.metrics().counter("duplicateKeysSkipped", new ThreadSafeSimpleCounter());
    }

    /**
     * Where refused records go. Without a listener a refused record fails the flush (and the batch is not
     * committed), so that no record is lost silently.
     */
    @Override
    public void setRefusedRecordListener(RefusedRecordListener listener) {
        this.refusedRecordListener = listener;
    }

    @Override
    public long flushIntervalMillis() {
        return settings.flushIntervalMillis();
    }

    @Override
    public void connect() throws Exception {
        if (!guardConnect()) {
            throw new ConnectorClosedException();
        }
        try {
            if (connection != null) {
                return;
            }
            Connection c = open();
            try {
                prepareTable(c);
            } catch (Exception e) {
                PostgresConnections.closeQuietly(c);
                throw failure("preparing the table", e);
            }
            connection = c;
            batches = new BufferedBatchWriter<>("postgresql-sink-" + context.role() + "-" + context.subtaskIndex(),
                    String.valueOf(settings.table()), settings.batchSize(), this::writeWithRetries, this::report);
            LOG.info("Connected PostgreSQL sink: url={} table={} mode={} batchSize={} flushIntervalMillis={} role={}",
                    settings.connection().jdbcUrl(), settings.table(), mode == null ? "decided at first write" : mode,
                    settings.batchSize(), settings.flushIntervalMillis(), context.role());
        } finally {
            unlock();
        }
    }

    private Connection open() throws PostgresConnectorException {
        PostgresConnectionString target = settings.connection();
        Connection c = null;
        try {
            c = PostgresConnections.open(target);
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
                rs.next();
                int version = rs.getInt(1);
                if (version < MIN_SERVER_VERSION) {
                    throw new SQLException("PostgreSQL server version " + version + " is older than 9.5 (no ON CONFLICT)");
                }
            }
            c.commit();
            return c;
        } catch (SQLException e) {
            PostgresConnections.closeQuietly(c);
            throw new PostgresConnectorException(SecretMasker.maskEmbeddedPasswords("PostgreSQL sink " + settings.table()
                    + ": cannot connect to " + target + ": " + SqlErrors.describe(e)), SqlErrors.sqlState(e), e);
        }
    }

    /**
     * Raw tables are created at connect (their layout does not depend on records) unless their metadata columns
     * come from the first batch; columnar tables are created at the first flush, from its first record.
     */
    private void prepareTable(Connection c) throws SQLException, PostgresConnectorException {
        if (settings.rawMode() && settings.autoCreateTable() && !settings.flattenMetadataColumns()) {
            createTable(c, TableDefinitions.raw(settings.table(), null, settings));
        }
        loadTable(c);
        if (settings.rawMode() && settings.softDeleteColumn() != null) {
            LOG.info("softDeleteColumn is ignored in rawMode: delete events are stored like any other record (table={})",
                    settings.table());
        }
    }

    /** Buffers; a full batch is written in the background while the caller goes on (see {@link BufferedBatchWriter}). */
    @Override
    public void write(Message message) throws Exception {
        ensureOpen();
        batches.add(message);
    }

    /** Writes what is buffered and waits for the batch in flight: everything written before is durable. */
    @Override
    public void flush() throws Exception {
        ensureOpen();
        batches.flush();
    }

    /**
     * Transient failures (connection lost, server restarting, deadlock, serialization failure: see
     * {@link SqlErrors#isTransient}) are retried up to 3 times on a fresh connection, 0.5 s doubling to 8 s, so a
     * PostgreSQL failover or a killed backend does not restart the whole job; anything else fails at once.
     */
    private List<FailingRecordIsolator.Refusal> writeWithRetries(List<Message> batch) throws Exception {
        RetryPolicy<List<FailingRecordIsolator.Refusal>> transientFailures = RetryPolicy.<List<FailingRecordIsolator.Refusal>>builder()
                .handleIf(e -> e instanceof PostgresConnectorException && SqlErrors.isTransient(((PostgresConnectorException) e).sqlState()))
                .withBackoff(Duration.ofMillis(500), Duration.ofSeconds(8))
                .withMaxRetries(3)
                .onRetry(event -> reconnect(event.getLastException()))
                .build();
        try {
            return Failsafe.with(transientFailures).get(() -> writeBatch(batch));
        } catch (FailsafeException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    private void reconnect(Throwable cause) {
        LOG.warn("PostgreSQL sink {}: transient failure, retrying the batch on a new connection: {}", settings.table(),
                cause == null ? "" : cause.getMessage());
        PostgresConnections.closeQuietly(connection);
        try {
            connection = open();
        } catch (PostgresConnectorException e) {
            // the retried write fails on the closed connection and is retried again, or gives up with this cause
            LOG.warn("PostgreSQL sink {}: reconnecting failed: {}", settings.table(), e.getMessage());
        }
    }

    private void report(FailingRecordIsolator.Refusal r) {
        refusedRecordListener.refused(r.row().message(), r.reason());
    }

    /** Runs on the background thread; never touches the buffer or the listener. */
    private List<FailingRecordIsolator.Refusal> writeBatch(List<Message> batch) throws PostgresConnectorException {
        Connection c = connection;
        try {
            ensureTable(c, batch);
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            throw failure("preparing the table", e);
        }
        List<FailingRecordIsolator.Refusal> refused = new ArrayList<>();
        List<SinkRow> rows = buildRows(batch, refused);
        Set<String> missing = rowBuilder == null ? Set.of() : rowBuilder.takeMissingColumns();
        if (evolved(c, batch, rows, missing)) {
            refused.clear();
            rows = buildRows(batch, refused);
            missing = rowBuilder.takeMissingColumns();
        }
        if (rowBuilder != null && columnsChanged(c, missing)) {
            refused.clear();
            rows = buildRows(batch, refused);
        }
        if (!refused.isEmpty() && refusedRecordListener == null) {
            throw refused(refused.get(0), batch.size());
        }
        SinkBatchWriter writer = new SinkBatchWriter(c, settings, mode, columns == null ? new TableColumns(Map.of()) : columns,
                uniqueKeys);
        int skipped;
        try {
            skipped = writer.write(rows);
            c.commit();
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            if (!SqlErrors.isDataError(e)) {
                throw failure("writing " + rows.size() + " records", e);
            }
            FailingRecordIsolator.Outcome outcome = isolate(c, writer, rows, batch.size());
            refused.addAll(outcome.refused());
            skipped = outcome.skippedDuplicates();
        }
        if (skipped > 0) {
            duplicateKeysSkipped.inc(skipped);
            LOG.debug("PostgreSQL skipped {} of {} records whose key the table holds: table={}", skipped, batch.size(),
                    settings.table());
        }
        if (!refused.isEmpty()) {
            refused.sort(Comparator.comparingInt(r -> r.row().position()));
            LOG.info("PostgreSQL refused {} of {} records; reporting them: table={}", refused.size(), batch.size(), settings.table());
        }
        return refused;
    }

    /** The batch as rows of the table as known; records that cannot become a row go to {@code refused}. */
    private List<SinkRow> buildRows(List<Message> batch, List<FailingRecordIsolator.Refusal> refused) {
        SinkRowBuilder builder = rowBuilder != null ? rowBuilder
                : new SinkRowBuilder(settings, WriteMode.COLUMNAR, new TableColumns(Map.of()));
        List<SinkRow> rows = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            try {
                rows.add(builder.build(i, batch.get(i)));
            } catch (RecordRefusedException e) {
                refused.add(new FailingRecordIsolator.Refusal(SinkRow.insert(i, batch.get(i), Map.of()), e.getMessage()));
            }
        }
        return rows;
    }

    /**
     * schemaEvolution: evolve on a columnar table — adds the columns the records' fields lack and widens those
     * their numbers do not fit ({@link SchemaChanges}), then reads the table again; answers whether it did (then
     * the batch is built again).
     */
    private boolean evolved(Connection c, List<Message> batch, List<SinkRow> rows, Set<String> missing)
            throws PostgresConnectorException {
        if (settings.schemaEvolution() != SchemaEvolution.EVOLVE || mode != WriteMode.COLUMNAR || columns == null) {
            return false;
        }
        List<Map<String, String>> values = new ArrayList<>(rows.size());
        for (SinkRow row : rows) {
            if (!row.isSoftDelete()) {
                values.add(row.values());
            }
        }
        SchemaChanges changes = SchemaChanges.find(columns, missing, missing.isEmpty() ? List.of() : bodies(batch), values);
        if (changes.isEmpty()) {
            return false;
        }
        try {
            TableEvolution.apply(c, settings.table(), changes);
            loadTable(c);
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            throw failure("evolving the table (schemaEvolution: evolve)", e);
        }
        return true;
    }

    private static List<JsonNode> bodies(List<Message> batch) {
        List<JsonNode> bodies = new ArrayList<>(batch.size());
        for (Message m : batch) {
            JsonNode body = m.json();
            if (body != null && body.isObject()) {
                bodies.add(body);
            }
        }
        return bodies;
    }

    /**
     * Re-reads the table when records carried fields without a column and {@link ColumnRefreshPolicy} says it is
     * time; answers whether the columns changed (then the batch is built again).
     */
    private boolean columnsChanged(Connection c, Set<String> missing) throws PostgresConnectorException {
        long now = System.nanoTime();
        if (!columnRefresh.due(missing, now)) {
            return false;
        }
        TableColumns before = columns;
        try {
            loadTable(c);
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            throw failure("reading the table's columns", e);
        }
        Set<String> stillMissing = new HashSet<>(missing);
        stillMissing.removeIf(columns::contains);
        columnRefresh.read(stillMissing, now);
        if (columns.equals(before)) {
            return false;
        }
        LOG.info("PostgreSQL table changed; writing its columns as they are now: table={} columns={}", settings.table(),
                columns.names());
        return true;
    }

    /**
     * Second pass after a data error: finds the refused rows, then writes all the others by one write and commits,
     * or (without a listener) commits nothing.
     */
    private FailingRecordIsolator.Outcome isolate(Connection c, SinkBatchWriter writer, List<SinkRow> rows,
                                                  int batchSize) throws PostgresConnectorException {
        try {
            FailingRecordIsolator isolator = new FailingRecordIsolator(c, writer);
            if (refusedRecordListener == null) {
                List<FailingRecordIsolator.Refusal> refused = isolator.find(rows);
                if (!refused.isEmpty()) {
                    throw refused(refused.get(0), batchSize);
                }
            }
            FailingRecordIsolator.Outcome outcome = isolator.writeAllButRefused(rows);
            if (!outcome.refused().isEmpty() && refusedRecordListener == null) {
                c.rollback();
                throw refused(outcome.refused().get(0), batchSize);
            }
            c.commit();
            return outcome;
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            throw failure("writing " + rows.size() + " records", e);
        }
    }

    /** Reads the table once, creating it from the batch when it is missing and auto-creation is on. */
    private void ensureTable(Connection c, List<Message> batch) throws SQLException, PostgresConnectorException {
        if (columns != null) {
            return;
        }
        if (loadTable(c)) {
            return;
        }
        if (!settings.autoCreateTable()) {
            throw new PostgresConnectorException("PostgreSQL sink " + settings.table()
                    + ": the table does not exist; create it or set autoCreateTable: true", "42P01", null);
        }
        String ddl = settings.rawMode() ? TableDefinitions.raw(settings.table(), flattenedColumns(batch), settings)
                : columnarDefinition(batch);
        if (ddl == null) {
            return; // no record of this batch can define the columns; each of them is refused
        }
        createTable(c, ddl);
        if (!loadTable(c)) {
            throw new SQLException("table " + settings.table() + " is still missing after CREATE TABLE", "42P01");
        }
    }

    /** Reads the table's columns and unique keys; false (and nothing changed) when the table does not exist. */
    private boolean loadTable(Connection c) throws SQLException, PostgresConnectorException {
        Optional<TableColumns> existing = TableCatalog.columns(c, settings.table());
        UniqueKeys keys = existing.isPresent() ? TableCatalog.uniqueKeys(c, settings.table()) : UniqueKeys.NONE;
        c.commit();
        if (existing.isEmpty()) {
            return false;
        }
        useTable(existing.get(), keys);
        return true;
    }

    private String columnarDefinition(List<Message> batch) {
        for (Message m : batch) {
            JsonNode body = m.json();
            if (body != null && body.isObject() && body.size() > 0) {
                return TableDefinitions.columnar(settings.table(), body, settings);
            }
        }
        return null;
    }

    /** Flattened metadata column → type, from the first batch (first non-null value of each key decides). */
    private Map<String, String> flattenedColumns(List<Message> batch) {
        if (!settings.flattenMetadataColumns()) {
            return null;
        }
        Map<String, String> types = new LinkedHashMap<>();
        for (Message m : batch) {
            JsonNode body = m.json();
            JsonNode wrapped = body != null && body.isObject() && body.hasNonNull("value") ? body.get("_metadata") : null;
            for (Map.Entry<String, Object> e : SinkRowBuilder.metadataOf(m, wrapped).entrySet()) {
                Object value = e.getValue();
                String column = settings.metadataColumn(e.getKey());
                if (value == null || (value instanceof JsonNode && ((JsonNode) value).isNull())) {
                    types.putIfAbsent(column, null);
                } else if (types.get(column) == null) {
                    types.put(column, ColumnTypeInference.forMetadata(value));
                }
            }
        }
        types.replaceAll((column, type) -> type == null ? "TEXT" : type);
        return types;
    }

    private void createTable(Connection c, String ddl) throws SQLException {
        PostgresTableName table = settings.table();
        if (!TableCatalog.schemaExists(c, table.schema())) {
            execute(c, TableDefinitions.createSchema(table.schema()));
        }
        try {
            execute(c, ddl);
        } catch (SQLException e) {
            // Parallel subtasks may race on CREATE TABLE IF NOT EXISTS; losing that race is fine.
            if (TableCatalog.columns(c, table).isEmpty()) {
                throw e;
            }
            c.commit();
        }
        if (settings.rawMode()) {
            try {
                execute(c, TableDefinitions.dataIndex(table));
            } catch (SQLException e) {
                LOG.warn("Could not create the GIN index on data (queries on data will scan): table={} cause={}",
                        table, SqlErrors.describe(e));
            }
        }
        LOG.info("Created PostgreSQL table if missing: table={}", table);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            c.commit();
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            throw e;
        }
    }

    /**
     * Fixes the write mode from the manifest alone: rawMode stores whole bodies, otherwise records are written
     * column by column, whatever columns the table has. (The original also stored whole bodies whenever the table
     * had a {@code data jsonb} column, so that a columnar table with such a column — one auto-created from a record
     * with an object field {@code data}, for one — silently switched layout, after a restart at the latest.)
     */
    private void useTable(TableColumns table, UniqueKeys keys) throws PostgresConnectorException {
        if (settings.rawMode()) {
            if (!table.isJson("data")) {
                throw new PostgresConnectorException("PostgreSQL sink " + settings.table()
                        + ": rawMode needs a data column of type jsonb (or json)", "42703", null);
            }
            if (settings.flattenMetadataColumns() && table.contains("_metadata")) {
                throw new PostgresConnectorException("PostgreSQL sink " + settings.table()
                        + ": the table has a _metadata column, which flattenMetadataColumns cannot fill; use another table", "42P16", null);
            }
            mode = WriteMode.RAW;
        } else {
            if (mode == null && table.isJson("data") && table.contains("_metadata")) {
                LOG.warn("PostgreSQL table {} has the raw layout (data, _metadata) but rawMode is false: records are "
                        + "written field by field into its columns; set rawMode: true to store whole bodies", settings.table());
            }
            mode = WriteMode.COLUMNAR;
        }
        columns = table;
        uniqueKeys = keys;
        rowBuilder = new SinkRowBuilder(settings, mode, table);
    }

    private PostgresConnectorException refused(FailingRecordIsolator.Refusal r, int batchSize) {
        return new PostgresConnectorException("PostgreSQL sink " + settings.table() + ": record at position " + r.row().position()
                + " (0-based) of a batch of " + batchSize + " was refused and no error sink receives it; the batch was "
                + "not written: " + r.reason(), null, null);
    }

    private PostgresConnectorException failure(String what, Exception e) {
        if (e instanceof PostgresConnectorException) {
            return (PostgresConnectorException) e;
        }
        String state = e instanceof SQLException ? SqlErrors.sqlState((SQLException) e) : null;
        String cause = e instanceof SQLException ? SqlErrors.describe((SQLException) e)
                : SecretMasker.maskEmbeddedPasswords(String.valueOf(e.getMessage()));
        return new PostgresConnectorException("PostgreSQL sink " + settings.table() + ": " + what + " failed: " + cause, state, e);
    }

    private void ensureOpen() {
        if (isClosed()) {
            throw new ConnectorClosedException();
        }
        if (connection == null) {
            throw new IllegalStateException("PostgreSQL sink " + settings.table() + " is not connected");
        }
    }

    /** Closes the connection without flushing; an open transaction is rolled back by the server. */
    @Override
    public void close() {
        if (guardClose()) {
            return;
        }
        try {
            if (batches != null) {
                batches.close();
            }
            PostgresConnections.closeQuietly(connection);
            connection = null;
        } finally {
            unlock();
        }
    }

    private static void rollbackQuietly(Connection c, Exception failure) {
        try {
            if (c != null && !c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

}
