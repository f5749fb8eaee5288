package io.dataflow.flink.connector.postgres;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Executes rows against the table inside the caller's transaction (it never commits or rolls back). Rows are
 * written in order, in runs of the same kind: inserts through COPY (plain mode) or COPY into a staging table merged
 * by {@code INSERT … SELECT … ON CONFLICT} (upsert mode), soft deletes as a JDBC batch of UPDATEs.
 */
final class SinkBatchWriter {

    private final Connection connection;
    private final PostgresSinkSettings settings;
    private final WriteMode mode;
    private final TableColumns columns;

    SinkBatchWriter(Connection connection, PostgresSinkSettings settings, WriteMode mode, TableColumns columns) {
        this.connection = connection;
        this.settings = settings;
        this.mode = mode;
        this.columns = columns;
    }

    void write(List<SinkRow> rows) throws SQLException {
        int start = 0;
        while (start < rows.size()) {
            boolean delete = rows.get(start).isSoftDelete();
            int end = start;
            while (end < rows.size() && rows.get(end).isSoftDelete() == delete) {
                end++;
            }
            List<SinkRow> run = rows.subList(start, end);
            if (delete) {
                softDelete(run);
            } else {
                insert(run);
            }
            start = end;
        }
    }

    private void insert(List<SinkRow> rows) throws SQLException {
        Set<String> used = new LinkedHashSet<>();
        for (SinkRow row : rows) {
            used.addAll(row.values().keySet());
        }
        // A batch writes the union of its rows' columns; a row without a field stores NULL there.
        List<String> names = columns.ordered(used);
        if (upserts(names)) {
            upsert(rows, names);
        } else {
            copy(rows, names);
        }
    }

    /**
     * Columnar upserts always use ON CONFLICT. Raw and document rows carry no key of their own (the key is a
     * SERIAL id), so there an upsert only makes sense when the conflict key is one of the written columns —
     * a flattened metadata column; otherwise they are appended, which is what the original's statement did.
     */
    private boolean upserts(List<String> names) {
        return settings.upsertMode() && (mode == WriteMode.COLUMNAR || names.contains(settings.conflictKey()));
    }

    /** Rows are encoded into one reusable buffer and streamed to the server whenever it holds this much. */
    private static final int COPY_CHUNK_BYTES = 256 * 1024;

    private void copy(List<SinkRow> rows, List<String> names) throws SQLException {
        copy(rows, names, SinkStatements.copyIn(settings.table(), names));
    }

    private void copy(List<SinkRow> rows, List<String> names, String copySql) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            CopyTextEncoder encoder = new CopyTextEncoder(COPY_CHUNK_BYTES + 64 * 1024);
            List<String> values = new ArrayList<>(names.size());
            for (SinkRow row : rows) {
                values.clear();
                for (String name : names) {
                    values.add(row.values().get(name));
                }
                encoder.addRow(values);
                if (encoder.size() >= COPY_CHUNK_BYTES) {
                    copy.writeToCopy(encoder.buffer(), 0, encoder.size());
                    encoder.reset();
                }
            }
            if (encoder.size() > 0) {
                copy.writeToCopy(encoder.buffer(), 0, encoder.size());
            }
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /**
     * Upserts by COPYing each round of rows into a temporary staging table and merging it with one
     * {@code INSERT … SELECT … ON CONFLICT} — several times faster than multi-row VALUES with bound parameters
     * (measured in docs/BENCHMARKS.md), and still free of SQL built from values.
     */
    private void upsert(List<SinkRow> rows, List<String> names) throws SQLException {
        String version = settings.upsertIfNewer() ? settings.upsertVersionColumn() : null;
        try (Statement s = connection.createStatement()) {
            s.execute(SinkStatements.createStage(settings.table()));
            for (List<SinkRow> round : rounds(rows)) {
                s.execute("TRUNCATE " + SinkStatements.STAGE);
                copy(round, names, SinkStatements.copyIn(SinkStatements.STAGE, names));
                s.executeUpdate(SinkStatements.upsertFromStage(settings.table(), names, settings.conflictKey(), version));
            }
        }
    }

    /**
     * PostgreSQL refuses one INSERT … ON CONFLICT DO UPDATE that touches a row twice. With strategy always only the
     * last record per key matters, so earlier ones are dropped. With ifNewer the database must compare versions,
     * so repeated keys go into successive statements (the n-th occurrence of each key into the n-th statement).
     * Rows without a key value never conflict and are all kept.
     */
    private List<List<SinkRow>> rounds(List<SinkRow> rows) {
        String key = settings.conflictKey();
        if (!settings.upsertIfNewer()) {
            Map<Object, SinkRow> lastByKey = new LinkedHashMap<>();
            for (SinkRow row : rows) {
                String value = row.values().get(key);
                Object mapKey = value == null ? new Object() : value;
                lastByKey.remove(mapKey);
                lastByKey.put(mapKey, row);
            }
            return List.of(lastByKey.size() == rows.size() ? rows : new ArrayList<>(lastByKey.values()));
        }
        List<List<SinkRow>> rounds = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (SinkRow row : rows) {
            String value = row.values().get(key);
            int round = value == null ? 0 : seen.merge(value, 1, Integer::sum) - 1;
            while (rounds.size() <= round) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(row);
        }
        return rounds;
    }

    private void softDelete(List<SinkRow> rows) throws SQLException {
        String sql = SinkStatements.softDelete(settings.table(), settings.softDeleteColumn(), settings.conflictKey(),
                columns.type(settings.conflictKey()));
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (SinkRow row : rows) {
                bind(ps, 1, row.deleteKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void bind(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }
}
