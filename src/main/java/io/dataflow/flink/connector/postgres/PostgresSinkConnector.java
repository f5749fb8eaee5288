package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.dataflow.flink.connector.BaseConnector;
import io.dataflow.flink.connector.BufferedBatchWriter;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.RejectedRecordListener;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.manifest.SecretMasker;
import io.dataflow.flink.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The PostgreSQL sink (reference §4.2): buffers records and writes each batch in one transaction on its own
 * connection — COPY for plain inserts, COPY into a staging table merged by {@code INSERT … SELECT … ON CONFLICT} for upserts, UPDATEs for soft
 * deletes.
 *
 * <p>Unlike the original, plain inserts never add {@code ON CONFLICT DO NOTHING}: a duplicate key is an error of
 * that record, like any other data error. When a batch fails with a data error (SQLSTATE class 22 or 23) the
 * failing records are isolated by splitting the batch; with a {@link RejectedRecordListener} all other records
 * are committed and the refused ones reported to it, without one the flush fails, naming the first refused
 * record's position, and nothing of the batch is committed. Any other failure (connection, missing column,
 * permissions) fails the flush; the runtime then restarts from the last checkpoint.
 */
public final class PostgresSinkConnector extends BaseConnector implements SinkConnector {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSinkConnector.class);

    /** ON CONFLICT arrived in PostgreSQL 9.5. */
    private static final int MIN_SERVER_VERSION = 90500;

    private final PostgresSinkSettings settings;
    private final ConnectorContext context;
    private BufferedBatchWriter<FailingRecordIsolator.Rejection> batches;

    private volatile Connection connection;
    private RejectedRecordListener rejectedRecordListener;

    /** The table as last read from the catalog; null until known (or while it does not exist yet). */
    private TableColumns columns;
    private WriteMode mode;
    private SinkRowBuilder rowBuilder;

    public PostgresSinkConnector(PostgresSinkSettings settings, ConnectorContext context) {
        this.settings = settings;
        this.context = context;
    }

    /**
     * Where refused records go. Without a listener a refused record fails the flush (and the batch is not
     * committed), so that no record is lost silently.
     */
    @Override
    public void setRejectedRecordListener(RejectedRecordListener listener) {
        this.rejectedRecordListener = listener;
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

    private Connection open() throws PostgresSinkException {
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
            throw new PostgresSinkException(SecretMasker.maskEmbeddedPasswords("PostgreSQL sink " + settings.table()
                    + ": cannot connect to " + target + ": " + SqlErrors.describe(e)), SqlErrors.sqlState(e), e);
        }
    }

    /**
     * Raw tables are created at connect (their layout does not depend on records) unless their metadata columns
     * come from the first batch; columnar tables are created at the first flush, from its first record.
     */
    private void prepareTable(Connection c) throws SQLException, PostgresSinkException {
        if (settings.rawMode() && settings.autoCreateTable() && !settings.flattenMetadataColumns()) {
            createTable(c, TableDefinitions.raw(settings.table(), null, settings));
        }
        Optional<TableColumns> existing = TableCatalog.columns(c, settings.table());
        c.commit();
        if (existing.isPresent()) {
            useTable(existing.get());
        }
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
    private List<FailingRecordIsolator.Rejection> writeWithRetries(List<Message> batch) throws Exception {
        RetryPolicy<List<FailingRecordIsolator.Rejection>> transientFailures = RetryPolicy.<List<FailingRecordIsolator.Rejection>>builder()
                .handleIf(e -> e instanceof PostgresSinkException && SqlErrors.isTransient(((PostgresSinkException) e).sqlState()))
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
        } catch (PostgresSinkException e) {
            // the retried write fails on the closed connection and is retried again, or gives up with this cause
            LOG.warn("PostgreSQL sink {}: reconnecting failed: {}", settings.table(), e.getMessage());
        }
    }

    private void report(FailingRecordIsolator.Rejection r) {
        rejectedRecordListener.rejected(r.row().message(), r.reason());
    }

    /** Runs on the background thread; never touches the buffer or the listener. */
    private List<FailingRecordIsolator.Rejection> writeBatch(List<Message> batch) throws PostgresSinkException {
        Connection c = connection;
        try {
            ensureTable(c, batch);
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            throw failure("preparing the table", e);
        }
        SinkRowBuilder builder = rowBuilder != null ? rowBuilder
                : new SinkRowBuilder(settings, WriteMode.COLUMNAR, new TableColumns(Map.of()));
        List<SinkRow> rows = new ArrayList<>(batch.size());
        List<FailingRecordIsolator.Rejection> rejected = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            try {
                rows.add(builder.build(i, batch.get(i)));
            } catch (RecordRejectedException e) {
                rejected.add(new FailingRecordIsolator.Rejection(SinkRow.insert(i, batch.get(i), Map.of()), e.getMessage()));
            }
        }
        if (!rejected.isEmpty() && rejectedRecordListener == null) {
            throw refused(rejected.get(0), batch.size());
        }
        SinkBatchWriter writer = new SinkBatchWriter(c, settings, mode, columns == null ? new TableColumns(Map.of()) : columns);
        try {
            writer.write(rows);
            c.commit();
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            if (!SqlErrors.isDataError(e)) {
                throw failure("writing " + rows.size() + " records", e);
            }
            rejected.addAll(isolate(c, writer, rows, batch.size()));
        }
        if (!rejected.isEmpty()) {
            rejected.sort(Comparator.comparingInt(r -> r.row().position()));
            LOG.info("PostgreSQL refused {} of {} records; reporting them: table={}", rejected.size(), batch.size(), settings.table());
        }
        return rejected;
    }

    /** Second pass after a data error: writes the good rows and commits, or (without a listener) commits nothing. */
    private List<FailingRecordIsolator.Rejection> isolate(Connection c, SinkBatchWriter writer, List<SinkRow> rows,
                                                          int batchSize) throws PostgresSinkException {
        try {
            List<FailingRecordIsolator.Rejection> refused = new FailingRecordIsolator(c, writer).isolate(rows);
            if (!refused.isEmpty() && rejectedRecordListener == null) {
                c.rollback();
                throw refused(refused.get(0), batchSize);
            }
            c.commit();
            return refused;
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            throw failure("writing " + rows.size() + " records", e);
        }
    }

    /** Reads the table once, creating it from the batch when it is missing and auto-creation is on. */
    private void ensureTable(Connection c, List<Message> batch) throws SQLException, PostgresSinkException {
        if (columns != null) {
            return;
        }
        Optional<TableColumns> existing = TableCatalog.columns(c, settings.table());
        c.commit();
        if (existing.isPresent()) {
            useTable(existing.get());
            return;
        }
        if (!settings.autoCreateTable()) {
            throw new PostgresSinkException("PostgreSQL sink " + settings.table()
                    + ": the table does not exist; create it or set autoCreateTable: true", "42P01", null);
        }
        String ddl = settings.rawMode() ? TableDefinitions.raw(settings.table(), flattenedColumns(batch), settings)
                : columnarDefinition(batch);
        if (ddl == null) {
            return; // no record of this batch can define the columns; each of them is refused
        }
        createTable(c, ddl);
        TableColumns created = TableCatalog.columns(c, settings.table())
                .orElseThrow(() -> new SQLException("table " + settings.table() + " is still missing after CREATE TABLE", "42P01"));
        c.commit();
        useTable(created);
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
     * Fixes the write mode from the table's shape alone, so that it is the same after every restart: rawMode, else
     * a {@code data jsonb} column means document mode (the original's rule; a columnar table auto-created from a
     * record with an object field named {@code data} therefore becomes a document table, as in the original).
     */
    private void useTable(TableColumns table) throws PostgresSinkException {
        if (settings.rawMode()) {
            if (!table.isJson("data")) {
                throw new PostgresSinkException("PostgreSQL sink " + settings.table()
                        + ": rawMode needs a data column of type jsonb (or json)", "42703", null);
            }
            if (settings.flattenMetadataColumns() && table.contains("_metadata")) {
                throw new PostgresSinkException("PostgreSQL sink " + settings.table()
                        + ": the table has a _metadata column, which flattenMetadataColumns cannot fill; use another table", "42P16", null);
            }
            mode = WriteMode.RAW;
        } else if ("jsonb".equals(table.type("data"))) {
            mode = WriteMode.DOCUMENT;
        } else {
            mode = WriteMode.COLUMNAR;
        }
        columns = table;
        rowBuilder = new SinkRowBuilder(settings, mode, table);
    }

    private PostgresSinkException refused(FailingRecordIsolator.Rejection r, int batchSize) {
        return new PostgresSinkException("PostgreSQL sink " + settings.table() + ": record at position " + r.row().position()
                + " (0-based) of a batch of " + batchSize + " was refused and no error sink receives it; the batch was "
                + "not written: " + r.reason(), null, null);
    }

    private PostgresSinkException failure(String what, Exception e) {
        if (e instanceof PostgresSinkException) {
            return (PostgresSinkException) e;
        }
        String state = e instanceof SQLException ? SqlErrors.sqlState((SQLException) e) : null;
        String cause = e instanceof SQLException ? SqlErrors.describe((SQLException) e)
                : SecretMasker.maskEmbeddedPasswords(String.valueOf(e.getMessage()));
        return new PostgresSinkException("PostgreSQL sink " + settings.table() + ": " + what + " failed: " + cause, state, e);
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
