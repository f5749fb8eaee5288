package io.dataflow.flink.connector.trino;

import io.dataflow.flink.connector.SchemaEvolution;
import io.dataflow.flink.connector.SinkCommitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one committer of a Trino sink in upsert mode: MERGEs the rows all writers staged for a completed checkpoint
 * ({@link TrinoUpsertCommittable}) into the table, so only this one task ever MERGEs into it. Several writers each
 * MERGE-ing into one Iceberg table conflict (Iceberg's optimistic commit refuses the loser: "Found conflicting
 * files"); one MERGE per checkpoint from one place does not, and gives the table one snapshot per checkpoint as
 * long as the checkpoint's rows fit one statement ({@link TrinoStatements#MAX_STATEMENT_CHARS}; more take one
 * MERGE each, in order).
 *
 * <p>The rows of one key keep their order: a writer staged only the key's last row of the checkpoint, merged over
 * its earlier ones ({@link TrinoUpsertRow#over}); a key's records all pass through one writer, as they come from
 * one source partition on a forward channel; and checkpoints are committed in order. A commit repeated after a
 * restore (the runtime commits the restored checkpoint's rows again, as it cannot know whether that commit
 * succeeded before the failure) MERGEs the same last rows again: the table ends the same, and the commits after
 * it, replayed from the source, follow in order. So {@code commitUser} is not needed to skip anything.
 *
 * <p>With schemaEvolution: evolve the writers may have staged their rows for different columns (one added a column
 * after another staged): the rows are MERGEd for the union of the columns ({@link #columns}).
 */
final class TrinoMergeCommitter implements SinkCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(TrinoMergeCommitter.class);

    private final TrinoSinkSettings settings;
    private final TrinoRetries retries;
    private TrinoAccess access;

    TrinoMergeCommitter(TrinoSinkSettings settings) {
        this(settings, Duration.ofSeconds(2));
    }

    TrinoMergeCommitter(TrinoSinkSettings settings, Duration retryDelay) {
        this.settings = settings;
        this.retries = new TrinoRetries(settings.table(), retryDelay);
    }

    @Override
    public void open() {
        access = new TrinoAccess(settings.connections(), settings.queryTimeoutSeconds());
    }

    @Override
    public void commit(String commitUser, long checkpointId, List<byte[]> committables) throws Exception {
        if (committables.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        List<TrinoUpsertCommittable> staged = committables.stream().map(TrinoUpsertCommittable::decode).toList();
        List<String> columns = columns(staged);
        int keyIndex = keyIndex(columns);
        List<String> nulls = columns.stream().map(c -> "NULL").toList();
        Map<String, TrinoUpsertRow> lastPerKey = new LinkedHashMap<>();
        for (TrinoUpsertCommittable piece : staged) {
            for (TrinoUpsertRow stagedRow : piece.rows()) {
                TrinoUpsertRow row = stagedRow.onColumns(piece.columns(), columns, nulls);
                String key = row.literals().get(keyIndex);
                TrinoUpsertRow earlier = lastPerKey.remove(key);
                lastPerKey.put(key, earlier == null ? row : row.over(earlier));
            }
        }
        List<TrinoUpsertRow> rows = new ArrayList<>(lastPerKey.values());
        int statements = 0;
        for (List<TrinoUpsertRow> statementRows : statements(rows, columns.size())) {
            merge(checkpointId, columns, statementRows);
            statements++;
        }
        LOG.info("Trino sink {}: committed checkpoint {} ({} keys from {} committables, {} MERGE statement(s)) in {} ms",
                settings.table(), checkpointId, rows.size(), committables.size(), statements, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The columns of all pieces: with schemaEvolution: evolve one writer may have added a column (Trino appends it)
     * while another staged its rows before; a row is MERGEd with NULL, not carried, where its writer had no such
     * column, so that a matched row keeps its value there.
     */
    private static List<String> columns(List<TrinoUpsertCommittable> staged) {
        List<String> columns = new ArrayList<>(staged.get(0).columns());
        for (TrinoUpsertCommittable piece : staged) {
            for (String column : piece.columns()) {
                if (!columns.contains(column)) {
                    columns.add(column);
                }
            }
        }
        return columns;
    }

    private int keyIndex(List<String> columns) throws TrinoException {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).equalsIgnoreCase(settings.conflictKey())) {
                return i;
            }
        }
        throw new TrinoException("Trino sink " + settings.table() + ": conflictKey " + settings.conflictKey()
                + " is not among the staged columns " + columns);
    }

    /** The rows cut into statements under {@link TrinoStatements#MAX_STATEMENT_CHARS}. */
    private static List<List<TrinoUpsertRow>> statements(List<TrinoUpsertRow> rows, int columnCount) {
        List<Integer> partial = TrinoUpsertRow.partialColumns(rows, columnCount); // a statement's own are a subset: sizes are upper bounds
        List<List<TrinoUpsertRow>> out = new ArrayList<>();
        int from = 0;
        for (List<List<String>> chunk : TrinoStatements.chunks(rows.stream().map(r -> r.values(partial)).toList())) {
            out.add(rows.subList(from, from + chunk.size()));
            from += chunk.size();
        }
        return out;
    }

    private void merge(long checkpointId, List<String> columns, List<TrinoUpsertRow> rows) throws TrinoException {
        List<Integer> partial = TrinoUpsertRow.partialColumns(rows, columns.size());
        String sql = TrinoStatements.merge(settings.table(), columns, settings.conflictKey(), partial,
                rows.stream().map(r -> r.values(partial)).toList());
        try {
            Optional<Map<String, String>> before = evolving() ? retries.run(() -> access.columns(settings.table())) : null;
            try {
                retries.run(() -> access.execute(sql));
            } catch (SQLException e) {
                if (before == null || TrinoErrors.isDataError(e) || before.equals(retries.run(() -> access.columns(settings.table())))) {
                    throw e;
                }
                // planned before a writer's ALTER TABLE (schemaEvolution: evolve), executed after it: plan it again
                LOG.info("Trino sink {}: MERGE failed while a writer altered the table ({}); running it again",
                        settings.table(), TrinoErrors.reason(e));
                retries.run(() -> access.execute(sql));
            }
        } catch (SQLException e) {
            // The writers checked these rows with the same values before staging them (TrinoRefusalProbe).
            throw new TrinoException("Trino sink " + settings.table() + ": MERGE of " + rows.size() + " staged rows of checkpoint "
                    + checkpointId + " failed: " + TrinoErrors.reason(e) + " (Trino error code " + e.getErrorCode()
                    + (TrinoErrors.isTransient(e) ? ", transient, retries exhausted" : "") + ")", e);
        }
    }

    private boolean evolving() {
        return settings.schemaEvolution() == SchemaEvolution.EVOLVE;
    }

    @Override
    public void close() {
        if (access != null) {
            access.close();
            access = null;
        }
    }
}
