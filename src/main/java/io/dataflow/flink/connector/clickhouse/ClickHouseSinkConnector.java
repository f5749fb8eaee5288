package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.dataflow.flink.connector.LifecycleGuard;
import io.dataflow.flink.connector.BufferedBatchWriter;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.RecordRefusedException;
import io.dataflow.flink.connector.RefusedRecordFinder;
import io.dataflow.flink.connector.RefusedRecordListener;
import io.dataflow.flink.connector.NewFields;
import io.dataflow.flink.connector.SchemaEvolution;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ClickHouse sink (docs/ORIGINAL.md#clickhouse): buffers records and writes each batch as one JSONEachRow INSERT, on a
 * background thread while the task reads on ({@link BufferedBatchWriter}, as the PostgreSQL sink).
 *
 * <p>ClickHouse parses an insert completely before it writes it (for batches below {@code max_insert_block_size},
 * about a million rows), so a value it cannot parse refuses the whole insert and nothing of it is stored. The sink
 * then finds the refused records by halving with tries into a temporary table that store nothing in the target
 * ({@link ClickHouseRefusalProbe}), and writes all the others by ONE insert, so the table gets one part, not one
 * per accepted piece ({@link RefusedRecordFinder#findThenWrite}; where the temporary table cannot be had, or that
 * insert is refused again, the halving writes the accepted pieces for good, as before). With a
 * {@link RefusedRecordListener} every other record is written and each refused one reported with the server's
 * code and message; without one
 * the flush fails and nothing of the batch is written. Transient failures (connection, timeouts, HTTP 502/503/504,
 * TOO_MANY_PARTS, memory limit) are retried per INSERT: 5 attempts, 2 s doubling, as the original. Where the server
 * has insert deduplication ({@link ClickHouseServerFeatures}), every INSERT carries a token of its records
 * ({@link ClickHouseDeduplicationToken}) and created tables get a deduplication window, so an INSERT whose answer
 * was lost after the server stored it is not stored again by its retry. With {@code schemaEvolution: evolve} the sink
 * adds the columns a batch's fields lack and widens those its numbers do not fit ({@link ClickHouseTableEvolution})
 * before it writes the batch; with {@code fail} the encoder refuses such records ({@link ClickHouseRowEncoder}).
 */
public final class ClickHouseSinkConnector extends LifecycleGuard implements SinkConnector {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSinkConnector.class);

    static final int MAX_ATTEMPTS = 5;
    private static final int INITIAL_LINES_BYTES = 64 * 1024;
    /** A batch's lines above this size are not kept for the next batch: 10 000 rows of 6 KB. */
    private static final int MAX_KEPT_LINES_BYTES = 64 * 1024 * 1024;

    private final ClickHouseSinkSettings settings;
    private final ConnectorContext context;
    private final Duration retryDelay;

    private BufferedBatchWriter<RefusedRecordFinder.Refusal<Message>> batches;
    private volatile ClickHouseAccess access;
    private RefusedRecordListener refusedRecordListener;
    /** What the server knows of insert deduplication, asked at connect. */
    private ClickHouseServerFeatures features = ClickHouseServerFeatures.NONE;
    /** The server's time zone: DateTime64 columns without a zone read times in it. */
    private ZoneId serverZone = ZoneOffset.UTC;
    /** schemaEvolution: evolve — alters the table; made at the first change. */
    private ClickHouseTableEvolution evolution;
    /** Null until the table is known to exist (it may be created from the first batch). */
    private ClickHouseRowEncoder encoder;
    /** The lines of the batch being written; used by the background thread only. */
    private ClickHouseLines lines = new ClickHouseLines(INITIAL_LINES_BYTES);

    public ClickHouseSinkConnector(ClickHouseSinkSettings settings, ConnectorContext context) {
        this(settings, context, Duration.ofSeconds(2));
    }

    ClickHouseSinkConnector(ClickHouseSinkSettings settings, ConnectorContext context, Duration retryDelay) {
        this.settings = settings;
        this.context = context;
        this.retryDelay = retryDelay;
    }

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
            if (access != null) {
                return;
            }
            ClickHouseAccess a = ClickHouseAccess.open(settings.connection(), settings.compression());
            try {
                features = ClickHouseServerFeatures.detect(a);
                serverZone = a.serverZone();
                if (settings.rawMode() && settings.autoCreateTable()) {
                    a.execute(ClickHouseTableDefinitions.raw(settings.table(), deduplicationWindow()));
                }
                Optional<Map<String, String>> columns = a.columns(settings.table());
                if (columns.isPresent()) {
                    useTable(columns.get());
                }
            } catch (ClickHouseException e) {
                a.close();
                throw e;
            }
            access = a;
            batches = new BufferedBatchWriter<>("clickhouse-sink-" + context.role() + "-" + context.subtaskIndex(),
                    String.valueOf(settings.table()), settings.batchSize(), this::writeBatch, this::report);
            LOG.info("Connected ClickHouse sink: target={} table={} batchSize={} flushIntervalMillis={} rawMode={} role={} "
                            + "insertDeduplicationToken={} nonReplicatedDeduplicationWindow={} dateTime64={} bool={}",
                    settings.connection(), settings.table(), settings.batchSize(), settings.flushIntervalMillis(),
                    settings.rawMode(), context.role(), features.insertDeduplicationToken(),
                    features.nonReplicatedDeduplicationWindow(), features.dateTime64(), features.bool());
        } finally {
            unlock();
        }
    }

    /** Buffers; a full batch is written in the background while the caller goes on (see {@link BufferedBatchWriter}). */
    @Override
    public void write(Message message) throws Exception {
        ensureOpen();
        batches.add(message);
    }

    /** Writes what is buffered and waits for the batch in flight: everything written before is stored. */
    @Override
    public void flush() throws Exception {
        ensureOpen();
        batches.flush();
    }

    private void report(RefusedRecordFinder.Refusal<Message> r) {
        refusedRecordListener.refused(r.record(), r.reason());
    }

    /**
     * A record of the batch as one JSONEachRow line ({@code length} bytes at {@code offset} in {@link #lines}), with its
     * position for reporting in batch order.
     */
    private record Row(int position, Message message, int offset, int length) {
    }

    /** An INSERT's body: the first {@code length} bytes of {@code bytes}. */
    private record Body(byte[] bytes, int length) {
    }

    /** Runs on the background thread; never touches the buffer and never calls the listener. */
    private List<RefusedRecordFinder.Refusal<Message>> writeBatch(List<Message> batch) throws ClickHouseException {
        ensureTable(batch);
        List<RefusedRecordFinder.Refusal<Row>> refused = new ArrayList<>();
        List<Row> rows = new ArrayList<>(batch.size());
        encode(batch, rows, refused);
        if (evolved(batch)) {
            rows.clear();
            refused.clear();
            encode(batch, rows, refused);
            encoder.takeMissingFields(); // only a column dropped meanwhile could be missing again: left out this time
            encoder.takeWidenings();
        }
        if (!refused.isEmpty() && refusedRecordListener == null) {
            throw refusedWithoutListener(refused.get(0).record().position(), batch.size(), refused.get(0).reason());
        }
        String reason = rows.isEmpty() ? null : insert(rows);
        if (reason != null) {
            if (refusedRecordListener == null) {
                throw refusedWithoutListener(-1, batch.size(), reason);
            }
            refused.addAll(findRefused(rows));
            refused.sort(Comparator.comparingInt(r -> r.record().position()));
        }
        if (!refused.isEmpty()) {
            LOG.info("ClickHouse refused {} of {} records; reporting them: table={}", refused.size(), batch.size(), settings.table());
        }
        return refused.stream().map(r -> new RefusedRecordFinder.Refusal<>(r.record().message(), r.reason())).toList();
    }

    /**
     * schemaEvolution: evolve on a columnar table — adds the columns the records' fields lack (Nullable, typed as
     * an auto-created table's columns) and widens those whose numbers do not fit, then reads the table again;
     * answers whether the table changed (then the batch is encoded again).
     */
    private boolean evolved(List<Message> batch) throws ClickHouseException {
        if (encoder == null) {
            return false;
        }
        Set<String> missing = encoder.takeMissingFields();
        Map<String, String> widened = encoder.takeWidenings();
        if (missing.isEmpty() && widened.isEmpty()) {
            return false;
        }
        ClickHouseSchemaChanges changes = new ClickHouseSchemaChanges(newColumns(missing, batch), widened);
        if (evolution == null) {
            evolution = new ClickHouseTableEvolution(access, settings.table());
        }
        try {
            useTable(evolution.apply(changes));
        } catch (ClickHouseException e) {
            throw new ClickHouseException("ClickHouse sink " + settings.table() + ": evolving the table "
                    + "(schemaEvolution: evolve) failed: " + e.getMessage(), e.reason(), e.code(), e.isTransient(), false, e);
        }
        return true;
    }

    /** The new columns' types: as an auto-created table's, from all the batch's values of the field, Nullable. */
    private Map<String, String> newColumns(Set<String> missing, List<Message> batch) {
        if (missing.isEmpty()) {
            return Map.of();
        }
        List<JsonNode> bodies = new ArrayList<>(batch.size());
        for (Message m : batch) {
            try {
                bodies.add(ClickHouseRowEncoder.exactBody(m));
            } catch (RecordRefusedException e) {
                // not an object: refused when the batch is encoded
            }
        }
        List<JsonNode> samples = new ArrayList<>();
        NewFields.values(missing, encoder::hasColumn, bodies).forEach((name, values) -> {
            if (values.isEmpty()) {
                samples.add(JsonNodeFactory.instance.objectNode().putNull(name));
            }
            values.forEach(v -> samples.add(JsonNodeFactory.instance.objectNode().set(name, v)));
        });
        Map<String, String> types = new TreeMap<>();
        ClickHouseTypeInference.columns(samples, Set.of(), features).forEach((name, type) ->
                types.put(name, type.startsWith("Nullable(") ? type : "Nullable(" + type + ")"));
        return types;
    }

    private void encode(List<Message> batch, List<Row> rows, List<RefusedRecordFinder.Refusal<Row>> refused) {
        if (lines.array().length > MAX_KEPT_LINES_BYTES) {
            lines = new ClickHouseLines(INITIAL_LINES_BYTES); // one batch of unusually large records is not kept for good
        }
        lines.reset();
        for (int i = 0; i < batch.size(); i++) {
            int start = lines.size();
            try {
                if (encoder == null) {
                    // the table does not exist yet and no record of this batch could define its columns
                    ClickHouseRowEncoder.body(batch.get(i));
                    throw new RecordRefusedException("an empty object cannot define the columns of the new table");
                }
                encoder.encode(batch.get(i), lines);
                rows.add(new Row(i, batch.get(i), start, lines.size() - start));
            } catch (RecordRefusedException e) {
                refused.add(new RefusedRecordFinder.Refusal<>(new Row(i, batch.get(i), start, 0), e.getMessage()));
            }
        }
    }

    /**
     * The refused rows of a batch ClickHouse refused, found by tries into a temporary table
     * ({@link ClickHouseRefusalProbe}); all the others are then written by one INSERT, so the table gets one part,
     * not one per accepted piece. Where the server or user cannot have the temporary table (or it fails on the
     * way), the halving writes the accepted pieces for good, as before.
     */
    private List<RefusedRecordFinder.Refusal<Row>> findRefused(List<Row> rows) throws ClickHouseException {
        ClickHouseRefusalProbe probe;
        try {
            probe = withRetries(() -> ClickHouseRefusalProbe.open(access, settings.table()));
        } catch (ClickHouseException e) {
            LOG.warn("ClickHouse sink {}: cannot create the temporary table that finds refused records without writing"
                    + " them, so the accepted records are written in pieces: {}", settings.table(), e.reason());
            return new RefusedRecordFinder<Row, ClickHouseException>(this::insert).find(rows);
        }
        ProbeFailure probeFailure = new ProbeFailure();
        try (probe) {
            return RefusedRecordFinder.findThenWrite(rows, new RefusedRecordFinder.Probe<Row, ClickHouseException>() {
                @Override
                public String tryWrite(List<Row> tried) throws ClickHouseException {
                    Body body = body(tried);
                    try {
                        return withRetries(() -> probe.tryInsert(body.bytes(), body.length()));
                    } catch (ClickHouseException e) {
                        probeFailure.cause = e;
                        throw e;
                    }
                }

                @Override
                public void undoTries() {
                    // nothing reached the target; the temporary table goes with the probe
                }
            }, this::insert);
        } catch (ClickHouseException e) {
            if (probeFailure.cause != e) {
                throw e; // the write itself failed
            }
            LOG.warn("ClickHouse sink {}: finding refused records in the temporary table failed, so the accepted records"
                    + " are written in pieces: {}", settings.table(), e.reason());
            return new RefusedRecordFinder<Row, ClickHouseException>(this::insert).find(rows);
        }
    }

    /** The failure of a try into the temporary table, told apart from one of the write. */
    private static final class ProbeFailure {
        ClickHouseException cause;
    }

    /**
     * The rows' lines: {@link #lines} as it is when they are all of its lines (every INSERT of a batch that ClickHouse
     * takes whole), else a copy of theirs (the tries that find refused records).
     */
    private Body body(List<Row> rows) {
        int size = 0;
        for (Row r : rows) {
            size += r.length();
        }
        if (!rows.isEmpty() && rows.get(0).offset() == 0 && size == lines.size()) {
            return new Body(lines.array(), size); // rows come in buffer order, so these are all of it
        }
        byte[] body = new byte[size];
        int pos = 0;
        for (Row r : rows) {
            System.arraycopy(lines.array(), r.offset(), body, pos, r.length());
            pos += r.length();
        }
        return new Body(body, size);
    }

    /** One INSERT of these rows, retried on transient failures; null when written, else the data error's reason. */
    private String insert(List<Row> rows) throws ClickHouseException {
        Body body = body(rows);
        // the same token on every retry: an INSERT the server stored before the answer was lost is stored once
        String token = features.insertDeduplicationToken()
                ? ClickHouseDeduplicationToken.of(rows.stream().map(r -> r.message().data()).toList()) : null;
        try {
            withRetries(() -> {
                access.insertJsonEachRow(settings.table(), body.bytes(), body.length(), token);
                return null;
            });
            return null;
        } catch (ClickHouseException e) {
            if (e.isDataError()) {
                return e.reason();
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws ClickHouseException;
    }

    private <T> T withRetries(Call<T> call) throws ClickHouseException {
        RetryPolicy<T> transientFailures = RetryPolicy.<T>builder()
                .handleIf(e -> e instanceof ClickHouseException && ((ClickHouseException) e).isTransient())
                .withBackoff(retryDelay, retryDelay.multipliedBy(16))
                .withMaxAttempts(MAX_ATTEMPTS)
                .onRetry(event -> LOG.warn("ClickHouse sink {}: transient failure (attempt {} of {}), retrying: {}",
                        settings.table(), event.getAttemptCount(), MAX_ATTEMPTS,
                        event.getLastException() == null ? "" : event.getLastException().getMessage()))
                .build();
        try {
            return Failsafe.with(transientFailures).get(call::run);
        } catch (FailsafeException e) {
            if (e.getCause() instanceof ClickHouseException) {
                throw (ClickHouseException) e.getCause();
            }
            throw e;
        }
    }

    /** Reads the table once, creating it from the batch when it is missing and auto-creation is on. */
    private void ensureTable(List<Message> batch) throws ClickHouseException {
        if (encoder != null) {
            return;
        }
        Optional<Map<String, String>> existing = withRetries(() -> access.columns(settings.table()));
        if (existing.isEmpty()) {
            if (!settings.autoCreateTable()) {
                throw new ClickHouseException("ClickHouse sink " + settings.table()
                        + ": the table does not exist; create it or set autoCreateTable: true", "table does not exist",
                        60, false, false, null);
            }
            String ddl = settings.rawMode() ? ClickHouseTableDefinitions.raw(settings.table(), deduplicationWindow())
                    : columnarDefinition(batch);
            if (ddl == null) {
                return; // no record of this batch can define the columns: each of them is refused
            }
            withRetries(() -> {
                access.execute("CREATE DATABASE IF NOT EXISTS " + ClickHouseSql.quoteIdentifier(settings.table().database()));
                access.execute(ddl);
                return null;
            });
            LOG.info("Created ClickHouse table if missing: table={} ddl={}", settings.table(), ddl);
            existing = withRetries(() -> access.columns(settings.table()));
            if (existing.isEmpty()) {
                throw new ClickHouseException("ClickHouse sink " + settings.table() + ": the table is still missing after CREATE TABLE",
                        "table does not exist", 60, false, false, null);
            }
        }
        useTable(existing.get());
    }

    private String columnarDefinition(List<Message> batch) throws ClickHouseException {
        List<JsonNode> records = new ArrayList<>();
        for (Message m : batch) {
            try {
                // numbers read exactly, so that a decimal's digits decide its type, not a double's
                JsonNode body = ClickHouseRowEncoder.exactBody(m);
                if (body.size() > 0) {
                    records.add(body);
                }
            } catch (RecordRefusedException e) {
                // not an object: refused with its reason when the batch is encoded
            }
        }
        if (records.isEmpty()) {
            return null;
        }
        Set<String> keys = new java.util.HashSet<>();
        if (settings.conflictKey() != null) {
            keys.add(settings.conflictKey());
        }
        if (settings.replacingVersionColumn() != null) {
            keys.add(settings.replacingVersionColumn());
        }
        try {
            return ClickHouseTableDefinitions.columnar(settings.table(), ClickHouseTypeInference.columns(records, keys, features), settings,
                    deduplicationWindow());
        } catch (IllegalArgumentException e) {
            throw new ClickHouseException("ClickHouse sink " + settings.table() + ": " + e.getMessage(), e.getMessage(),
                    0, false, false, null);
        }
    }

    /** The window tables the sink creates get, so that the tokens it sends take effect; 0 where the server has none. */
    private int deduplicationWindow() {
        return features.insertDeduplicationToken() && features.nonReplicatedDeduplicationWindow()
                ? ClickHouseServerFeatures.DEDUPLICATION_WINDOW : 0;
    }

    private void useTable(Map<String, String> columns) throws ClickHouseException {
        if (settings.rawMode() && !columns.containsKey("data")) {
            throw new ClickHouseException("ClickHouse sink " + settings.table() + ": rawMode needs a data column",
                    "no data column", 16, false, false, null);
        }
        encoder = new ClickHouseRowEncoder(settings.table(), columns, settings.rawMode(), serverZone,
                settings.schemaEvolution());
    }

    private ClickHouseException refusedWithoutListener(int position, int batchSize, String reason) {
        return new ClickHouseException("ClickHouse sink " + settings.table() + ": "
                + (position >= 0 ? "record at position " + position + " (0-based)" : "a record") + " of a batch of " + batchSize
                + " was refused and no error sink receives it; the batch was not written: " + reason, reason, 0, false, true, null);
    }

    private void ensureOpen() {
        if (isClosed()) {
            throw new ConnectorClosedException();
        }
        if (access == null) {
            throw new IllegalStateException("ClickHouse sink " + settings.table() + " is not connected");
        }
    }

    /** Releases the client without flushing; a batch still in flight is abandoned (Flink replays it). */
    @Override
    public void close() {
        if (guardClose()) {
            return;
        }
        try {
            if (batches != null) {
                batches.close();
            }
            if (access != null) {
                access.close();
                access = null;
            }
        } finally {
            unlock();
        }
    }
}
