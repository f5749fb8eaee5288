package io.dataflow.flink.connector.trino;

import io.dataflow.flink.connector.LifecycleGuard;
import io.dataflow.flink.connector.BufferedBatchWriter;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.RecordRefusedException;
import io.dataflow.flink.connector.RefusedRecordFinder;
import io.dataflow.flink.connector.RefusedRecordListener;
import io.dataflow.flink.connector.SchemaEvolution;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.message.Message;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Trino sink (docs/ORIGINAL.md#trino): buffers records and writes each batch as multi-row {@code INSERT}s typed from
 * the target table's columns, on a background thread while the task reads on ({@link BufferedBatchWriter}); every
 * checkpoint flushes, so a completed checkpoint means every record before it is stored (at-least-once).
 *
 * <p>In upsert mode the writers do not MERGE themselves: several subtasks MERGE-ing into one Iceberg table conflict
 * (Iceberg's optimistic commit refuses all but one: "Found conflicting files"). Each writer keeps the last row of
 * every key since the previous checkpoint (checked by the probe below, so refused records still go to the error
 * sink from here) and hands them over before the barrier ({@link #committables}); the sink's one committer
 * ({@link TrinoMergeCommitter}) MERGEs them once the checkpoint completes (exactly-once in effect: a MERGE on the key
 * applied again leaves the same table). A record without a key is refused (it could never match a row), keys are
 * compared as typed values, and an update leaves the columns a record does not carry as they are.
 *
 * <p>A value that does not fit its column is refused before the statement is sent ({@link TrinoLiterals}); one the
 * server refuses ({@link TrinoErrors#isDataError}) fails its statement as a whole (Trino writes atomically). The
 * refused records are then found by halving with SELECTs that evaluate the same values and check the NOT NULL
 * columns without writing ({@link TrinoRefusalProbe}), and all the others written by ONE statement, so an Iceberg
 * table gets one snapshot, not one per accepted piece ({@link RefusedRecordFinder#findThenWrite}; should that
 * statement be refused again, the halving falls back to kept writes). With a {@link RefusedRecordListener}
 * they go to the error sink with the reason; without one the flush fails. Transient failures are retried per
 * statement: 5 attempts, 2 s doubling, as the original. SQL text holds record values, so it is logged at DEBUG
 * without them (statement kind, table, row count) and never with credentials.
 *
 * <p>{@code schemaEvolution} (columnar tables): with evolve a record field the table lacks becomes a new nullable
 * column and a number wider than its column widens it ({@link TrinoTableEvolution}) before the batch is encoded;
 * with fail such a record is refused naming the field ({@link TrinoSchemaNeed}); ignore leaves extra keys out.
 */
public final class TrinoSinkConnector extends LifecycleGuard implements SinkConnector {

    private static final Logger LOG = LoggerFactory.getLogger(TrinoSinkConnector.class);

    private final TrinoSinkSettings settings;
    private final ConnectorContext context;
    private final TrinoRetries retries;
    /**
     * Upsert mode: each key's last row since the previous checkpoint, for the sink's committer. Filled on the batch
     * writer's thread, handed over on the task thread after a flush ({@link #committables}); guarded by itself.
     */
    private final Map<String, TrinoUpsertRow> staged = new LinkedHashMap<>();

    private BufferedBatchWriter<RefusedRecordFinder.Refusal<Message>> batches;
    private TrinoAccess access;
    private RefusedRecordListener refusedRecordListener;
    /** Null until the table is known (a flattened raw table is created from the first batch). */
    private TrinoRowEncoder encoder;
    private int conflictKeyIndex = -1;
    /** Indexes of the table's NOT NULL columns, read with its columns. */
    private Set<Integer> notNullColumns = Set.of();
    /** The literal of an absent or null key (upsert mode): such a record can never match a row. */
    private String nullKeyLiteral;

    TrinoSinkConnector(TrinoSinkSettings settings, ConnectorContext context) {
        this(settings, context, Duration.ofSeconds(2));
    }

    TrinoSinkConnector(TrinoSinkSettings settings, ConnectorContext context, Duration retryDelay) {
        this.settings = settings;
        this.context = context;
        this.retries = new TrinoRetries(settings.table(), retryDelay);
    }

    TrinoSinkSettings settings() {
        return settings;
    }

    /** In upsert mode the committer MERGEs when a checkpoint completes: without checkpoints nothing would be written. */
    @Override
    public boolean requiresCheckpointing() {
        return settings.upsertMode();
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
            TrinoAccess a = new TrinoAccess(settings.connections(), settings.queryTimeoutSeconds());
            try {
                Optional<Map<String, String>> columns = withRetries(() -> a.columns(settings.table()));
                if (columns.isEmpty() && settings.autoCreateTable() && settings.rawMode() && !settings.flattenMetadataColumns()) {
                    createSchemaIfMissing(a);
                    String ddl = TrinoStatements.createRawTable(settings.table(), withRetries(() -> a.hasFormatProperty(settings.table())));
                    withRetries(() -> a.execute(ddl));
                    LOG.info("Created Trino table if missing: table={} ddl={}", settings.table(), ddl);
                    columns = withRetries(() -> a.columns(settings.table()));
                }
                if (columns.isPresent()) {
                    useTable(columns.get(), withRetries(() -> a.notNullColumns(settings.table())));
                } else if (!(settings.autoCreateTable() && settings.rawMode())) {
                    throw new TrinoException("Trino sink " + settings.table() + ": the table does not exist; create it"
                            + " (only rawMode tables are created, with autoCreateTable: true)");
                }
            } catch (Exception e) {
                a.close();
                throw e instanceof SQLException s ? failure("cannot prepare the table", s) : e;
            }
            access = a;
            batches = new BufferedBatchWriter<>("trino-sink-" + context.role() + "-" + context.subtaskIndex(),
                    String.valueOf(settings.table()), settings.batchSize(), this::writeBatch, this::report);
            LOG.info("Connected Trino sink: server={} table={} batchSize={} flushIntervalMillis={} upsertMode={} rawMode={} "
                            + "layout={} role={}", settings.serverUrl(), settings.table(), settings.batchSize(),
                    settings.flushIntervalMillis(), settings.upsertMode(), settings.rawMode(),
                    encoder == null ? "created from the first batch" : encoder.layout(), context.role());
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
     * A record's literals with its position in the batch, for reporting in batch order, and the columns it carries
     * ({@code carried} null: all of them).
     */
    private record Row(int position, Message message, List<String> literals, boolean[] carried) {

        TrinoUpsertRow upsertRow() {
            return new TrinoUpsertRow(literals, carried);
        }

        boolean carries(int column) {
            return carried == null || carried[column];
        }

        /** This (later) record of a key over an earlier one: the columns this one does not carry keep the earlier values. */
        Row over(TrinoUpsertRow earlier) {
            TrinoUpsertRow merged = upsertRow().over(earlier);
            return new Row(position, message, merged.literals(), merged.carried());
        }

        /** The VALUES row: the literals, then whether the record carries each of {@code partialColumns}. */
        List<String> values(List<Integer> partialColumns) {
            return upsertRow().values(partialColumns);
        }
    }

    /** Runs on the background thread; never touches the buffer and never calls the listener. */
    private List<RefusedRecordFinder.Refusal<Message>> writeBatch(List<Message> batch) throws Exception {
        ensureTable(batch);
        Map<Integer, String> unfit = schemaUnfit(batch);
        List<RefusedRecordFinder.Refusal<Row>> refused = new ArrayList<>();
        List<Row> rows = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            String unfitReason = unfit.get(i);
            if (unfitReason != null) {
                refused.add(new RefusedRecordFinder.Refusal<>(new Row(i, batch.get(i), null, null), unfitReason));
                continue;
            }
            try {
                TrinoRowEncoder.EncodedRow encoded = encoder.encode(batch.get(i));
                if (settings.upsertMode() && encoded.literals().get(conflictKeyIndex).equals(nullKeyLiteral)) {
                    throw new RecordRefusedException("conflictKey " + settings.conflictKey() + " is null or absent:"
                            + " an upsert matches rows by this key, and a record without one can never be updated or replaced");
                }
                rows.add(new Row(i, batch.get(i), encoded.literals(), encoded.carried()));
            } catch (RecordRefusedException e) {
                refused.add(new RefusedRecordFinder.Refusal<>(new Row(i, batch.get(i), null, null), e.getMessage()));
            }
        }
        if (!refused.isEmpty() && refusedRecordListener == null) {
            throw refusedWithoutListener(refused.get(0).record().position(), batch.size(), refused.get(0).reason());
        }
        if (settings.upsertMode()) {
            rows = overStaged(lastPerKey(rows));
        }
        for (List<Row> statementRows : chunks(rows)) {
            String reason = writeStatement(statementRows);
            if (reason != null) {
                if (refusedRecordListener == null) {
                    throw refusedWithoutListener(-1, batch.size(), reason);
                }
                refused.addAll(RefusedRecordFinder.findThenWrite(statementRows, refusalProbe, this::writeStatement));
            }
        }
        if (refused.isEmpty()) {
            return List.of();
        }
        refused.sort(Comparator.comparingInt(r -> r.record().position()));
        LOG.info("Trino refused {} of {} records; reporting them: table={}", refused.size(), batch.size(), settings.table());
        return refused.stream().map(r -> new RefusedRecordFinder.Refusal<>(r.record().message(), r.reason())).toList();
    }

    /**
     * schemaEvolution on a columnar table: the records (by position) that carry a field the table has no column for
     * or a number wider than its column ({@link TrinoSchemaNeed}), with the reason naming the field. With evolve the
     * table is altered first ({@link TrinoTableEvolution}) and read again, so only the records whose change the
     * catalog refused remain; with fail every such record is refused and the table left as it is.
     */
    private Map<Integer, String> schemaUnfit(List<Message> batch) throws Exception {
        if (settings.schemaEvolution() == SchemaEvolution.IGNORE || encoder.layout() != TrinoRowEncoder.Layout.COLUMNAR) {
            return Map.of();
        }
        List<List<TrinoSchemaNeed>> needs = needs(batch);
        if (needs.isEmpty()) {
            return Map.of();
        }
        Map<String, String> evolveFailures = null;
        if (settings.schemaEvolution() == SchemaEvolution.EVOLVE) {
            List<TrinoSchemaNeed> all = new ArrayList<>();
            needs.forEach(all::addAll);
            try {
                evolveFailures = new TrinoTableEvolution(access, settings.table(), retries).apply(all);
                reloadTable();
            } catch (SQLException e) {
                throw failure("evolving the table (schemaEvolution: evolve)", e);
            }
            needs = needs(batch);
        }
        Map<Integer, String> unfit = new HashMap<>();
        for (int i = 0; i < needs.size(); i++) {
            if (!needs.get(i).isEmpty()) {
                TrinoSchemaNeed need = needs.get(i).get(0);
                String failure = evolveFailures == null ? null
                        : evolveFailures.getOrDefault(need.column(), "the table still lacks it after ALTER TABLE");
                unfit.put(i, need.reason(settings.table(), failure));
            }
        }
        return unfit;
    }

    /** Each record's needs of the table as it is; an empty list when none has any. */
    private List<List<TrinoSchemaNeed>> needs(List<Message> batch) {
        List<List<TrinoSchemaNeed>> needs = new ArrayList<>(batch.size());
        boolean any = false;
        for (Message message : batch) {
            JsonNode body = message.json();
            List<TrinoSchemaNeed> recordNeeds = body == null ? List.of()
                    : TrinoSchemaNeed.of(TrinoRowEncoder.unwrapped(body), encoder.columns());
            any |= !recordNeeds.isEmpty();
            needs.add(recordNeeds);
        }
        return any ? needs : List.of();
    }

    /**
     * Reads the table again after it evolved. In upsert mode the rows staged before for the committer follow the
     * new columns: an added column is NULL there and not carried (a matched row keeps its value), a widened one's
     * literals take the wider type, so that a key staged before still matches the same key encoded now.
     */
    private void reloadTable() throws SQLException, TrinoException {
        Map<String, String> before = encoder.columns();
        Optional<Map<String, String>> columns = withRetries(() -> access.columns(settings.table()));
        if (columns.isEmpty()) {
            throw new TrinoException("Trino sink " + settings.table() + ": the table disappeared while evolving it");
        }
        useTable(columns.get(), withRetries(() -> access.notNullColumns(settings.table())));
        Map<String, String> after = encoder.columns();
        if (!settings.upsertMode() || before.equals(after)) {
            return;
        }
        List<String> from = TrinoStatements.names(before);
        List<String> to = TrinoStatements.names(after);
        List<String> nulls = after.values().stream().map(TrinoLiterals::nullLiteral).toList();
        List<String> fromTypes = to.stream().map(c -> before.getOrDefault(c, after.get(c))).toList();
        List<String> toTypes = new ArrayList<>(after.values());
        synchronized (staged) {
            List<TrinoUpsertRow> rows = new ArrayList<>(staged.values());
            staged.clear();
            for (TrinoUpsertRow row : rows) {
                TrinoUpsertRow moved = row.onColumns(from, to, nulls).retyped(fromTypes, toTypes);
                staged.put(moved.literals().get(conflictKeyIndex), moved);
            }
        }
    }

    /**
     * MERGE fails when two source rows match one target row, and inserts a key twice when two source rows carry a
     * key the table does not have yet, so only the last record of each key is written. Keys are compared by their
     * literals, which are equal for values equal in the key column's type ({@link TrinoLiterals}). A column the
     * last record does not carry keeps the value of the key's latest record that does, as if they were applied in
     * order.
     */
    private List<Row> lastPerKey(List<Row> rows) {
        Map<String, Row> last = new LinkedHashMap<>();
        for (Row row : rows) {
            String key = row.literals().get(conflictKeyIndex);
            Row earlier = last.remove(key);
            last.put(key, earlier == null ? row : row.over(earlier.upsertRow()));
        }
        return last.size() == rows.size() ? rows : new ArrayList<>(last.values());
    }

    /** Each key's row over the one staged for it earlier in this checkpoint, as the MERGE will apply them in order. */
    private List<Row> overStaged(List<Row> rows) {
        synchronized (staged) {
            if (staged.isEmpty()) {
                return rows;
            }
            List<Row> out = new ArrayList<>(rows.size());
            for (Row row : rows) {
                TrinoUpsertRow earlier = staged.get(row.literals().get(conflictKeyIndex));
                out.add(earlier == null ? row : row.over(earlier));
            }
            return out;
        }
    }

    /** In upsert mode, the columns some of these records do not carry: a matched row keeps its value there. */
    private List<Integer> partialColumns(List<Row> rows) {
        List<Integer> partial = new ArrayList<>();
        if (!settings.upsertMode()) {
            return partial;
        }
        for (int i = 0; i < encoder.columns().size(); i++) {
            for (Row row : rows) {
                if (!row.carries(i)) {
                    partial.add(i);
                    break;
                }
            }
        }
        return partial;
    }

    private List<List<Row>> chunks(List<Row> rows) {
        List<Integer> partial = partialColumns(rows); // a statement's own partial columns are a subset: sizes are upper bounds
        List<List<String>> literals = rows.stream().map(r -> r.values(partial)).toList();
        List<List<Row>> out = new ArrayList<>();
        int from = 0;
        for (List<List<String>> chunk : TrinoStatements.chunks(literals)) {
            out.add(rows.subList(from, from + chunk.size()));
            from += chunk.size();
        }
        return out;
    }

    /**
     * One statement for these rows, retried on transient failures; null when written, else the data error. In
     * upsert mode the rows are staged for the committer instead, once the probe says Trino would take them: the
     * committer's MERGE then carries only rows that were checked, and a refused record still goes to the error
     * sink from here.
     */
    private String writeStatement(List<Row> rows) throws TrinoException {
        if (settings.upsertMode()) {
            String reason = probe(rows);
            if (reason == null) {
                stage(rows);
            }
            return reason;
        }
        List<String> columns = TrinoStatements.names(encoder.columns());
        List<Integer> partial = partialColumns(rows);
        List<List<String>> values = rows.stream().map(r -> r.values(partial)).toList();
        String sql = settings.upsertMode()
                ? TrinoStatements.merge(settings.table(), columns, settings.conflictKey(), partial, values)
                : TrinoStatements.insert(settings.table(), columns, values);
        try {
            try {
                withRetries(() -> access.execute(sql));
            } catch (SQLException e) {
                if (TrinoErrors.isDataError(e) || !tableChangedMeanwhile()) {
                    throw e;
                }
                LOG.info("Trino sink {}: a statement failed while another writer altered the table ({}); running it again",
                        settings.table(), TrinoErrors.reason(e));
                withRetries(() -> access.execute(sql));
            }
            LOG.debug("Trino {}: table={} rows={}", settings.upsertMode() ? "MERGE" : "INSERT", settings.table(), rows.size());
            return null;
        } catch (SQLException e) {
            if (TrinoErrors.isDataError(e)) {
                return TrinoErrors.reason(e);
            }
            throw failure((settings.upsertMode() ? "MERGE" : "INSERT") + " of " + rows.size() + " records failed", e);
        }
    }

    /**
     * schemaEvolution: evolve — whether the table's columns differ from the ones this writer encodes for: another
     * writer altered it. A statement planned before another's ALTER TABLE and executed after it can fail inside
     * Trino (an Iceberg writer handed integer blocks for a column now bigint); planned again it succeeds, its
     * literals cast to the column's new type. The encoder is not changed here: the batch's rows were encoded for it.
     */
    private boolean tableChangedMeanwhile() throws SQLException {
        if (settings.schemaEvolution() != SchemaEvolution.EVOLVE) {
            return false;
        }
        Optional<Map<String, String>> now = withRetries(() -> access.columns(settings.table()));
        return now.isPresent() && encoder.layout() == TrinoRowEncoder.Layout.COLUMNAR && !now.get().equals(encoder.columns());
    }

    /** Rows are already merged over what was staged for their keys ({@link #overStaged}): each replaces it. */
    private void stage(List<Row> rows) {
        synchronized (staged) {
            for (Row row : rows) {
                String key = row.literals().get(conflictKeyIndex);
                staged.remove(key);
                staged.put(key, row.upsertRow());
            }
        }
    }

    /**
     * Upsert mode: hands each key's last row since the previous call to the sink's committer
     * ({@link TrinoMergeCommitter}), which MERGEs them once the checkpoint completes. Called after a flush, so every
     * record before the barrier is staged.
     */
    @Override
    public List<byte[]> committables(long checkpointId) {
        synchronized (staged) {
            if (staged.isEmpty()) {
                return List.of();
            }
            List<byte[]> committables = TrinoUpsertCommittable.encode(TrinoStatements.names(encoder.columns()),
                    new ArrayList<>(staged.values()));
            LOG.debug("Trino sink {}: staged {} keys for checkpoint {} in {} committables", settings.table(), staged.size(),
                    checkpointId, committables.size());
            staged.clear();
            return committables;
        }
    }

    /**
     * Tries that write nothing ({@link TrinoRefusalProbe}): the refused records of a statement are found by them,
     * and the others written by one statement, so the table gets one snapshot per statement, not one per piece.
     */
    private final RefusedRecordFinder.Probe<Row, TrinoException> refusalProbe = new RefusedRecordFinder.Probe<>() {
        @Override
        public String tryWrite(List<Row> rows) throws TrinoException {
            return probe(rows);
        }

        @Override
        public void undoTries() {
            // the probes wrote nothing
        }
    };

    /** Whether Trino would refuse a statement of these rows: null when not, else its reason. */
    private String probe(List<Row> rows) throws TrinoException {
        List<String> columns = TrinoStatements.names(encoder.columns());
        List<Integer> partial = partialColumns(rows);
        List<List<String>> values = rows.stream().map(r -> r.values(partial)).toList();
        String sql = TrinoRefusalProbe.select(settings.table(), columns, notNullColumns,
                settings.upsertMode() ? settings.conflictKey() : null, partial, values);
        try {
            return TrinoRefusalProbe.reason(columns, notNullColumns, withRetries(() -> access.numbers(sql)));
        } catch (SQLException e) {
            if (TrinoErrors.isDataError(e)) {
                return TrinoErrors.reason(e);
            }
            throw failure("checking " + rows.size() + " records for refused values failed", e);
        }
    }

    /** A flattened raw table is created from the metadata keys of the first batch, as the original does. */
    private void ensureTable(List<Message> batch) throws Exception {
        if (encoder != null) {
            return;
        }
        Optional<Map<String, String>> existing = withRetries(() -> access.columns(settings.table()));
        if (existing.isEmpty()) {
            Set<String> metadataColumns = new LinkedHashSet<>();
            for (Message m : batch) {
                m.metadata().keySet().forEach(k -> metadataColumns.add(settings.metadataPrefix() + k));
            }
            createSchemaIfMissing(access);
            String ddl = TrinoStatements.createFlattenedTable(settings.table(), new ArrayList<>(metadataColumns),
                    withRetries(() -> access.hasFormatProperty(settings.table())));
            withRetries(() -> access.execute(ddl));
            LOG.info("Created Trino table if missing: table={} ddl={}", settings.table(), ddl);
            existing = withRetries(() -> access.columns(settings.table()));
            if (existing.isEmpty()) {
                throw new TrinoException("Trino sink " + settings.table() + ": the table is still missing after CREATE TABLE");
            }
        }
        useTable(existing.get(), withRetries(() -> access.notNullColumns(settings.table())));
    }

    private void createSchemaIfMissing(TrinoAccess a) throws SQLException {
        if (!withRetries(() -> a.schemaExists(settings.table()))) {
            withRetries(() -> a.execute("CREATE SCHEMA IF NOT EXISTS " + settings.table().qualifiedSchema()));
        }
    }

    private void useTable(Map<String, String> columns, Set<String> notNull) throws TrinoException {
        encoder = TrinoRowEncoder.forTable(columns, settings.rawMode(), settings.flattenMetadataColumns(), settings.metadataPrefix());
        List<String> written = TrinoStatements.names(encoder.columns());
        Set<Integer> notNullIndexes = new java.util.HashSet<>();
        for (int i = 0; i < written.size(); i++) {
            if (notNull.contains(written.get(i))) {
                notNullIndexes.add(i);
            }
        }
        notNullColumns = Set.copyOf(notNullIndexes);
        if (settings.rawMode() && encoder.layout() == TrinoRowEncoder.Layout.COLUMNAR) {
            LOG.info("Trino sink {}: rawMode is on but the table has no data/_metadata columns; writing columns by name",
                    settings.table());
        }
        if (settings.upsertMode()) {
            List<String> names = TrinoStatements.names(encoder.columns());
            conflictKeyIndex = -1;
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equalsIgnoreCase(settings.conflictKey())) {
                    conflictKeyIndex = i;
                }
            }
            if (conflictKeyIndex < 0) {
                throw new TrinoException("Trino sink " + settings.table() + ": conflictKey " + settings.conflictKey()
                        + " is not a column of the table (columns: " + names + ")");
            }
            String keyType = new ArrayList<>(encoder.columns().values()).get(conflictKeyIndex);
            nullKeyLiteral = TrinoLiterals.nullLiteral(keyType);
        }
    }

    private <T> T withRetries(TrinoRetries.Call<T> call) throws SQLException {
        return retries.run(call);
    }

    private TrinoException failure(String what, SQLException e) {
        return new TrinoException("Trino sink " + settings.table() + ": " + what + ": " + TrinoErrors.reason(e)
                + " (Trino error code " + e.getErrorCode() + (TrinoErrors.isTransient(e) ? ", transient, retries exhausted" : "") + ")", e);
    }

    private TrinoException refusedWithoutListener(int position, int batchSize, String reason) {
        return new TrinoException("Trino sink " + settings.table() + ": "
                + (position >= 0 ? "record at position " + position + " (0-based)" : "a record") + " of a batch of " + batchSize
                + " was refused and no error sink receives it; the batch was not written: " + reason);
    }

    private void ensureOpen() {
        if (isClosed()) {
            throw new ConnectorClosedException();
        }
        if (access == null) {
            throw new IllegalStateException("Trino sink " + settings.table() + " is not connected");
        }
    }

    /** Releases the connection without flushing; a batch in flight is abandoned (Flink replays it). */
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
