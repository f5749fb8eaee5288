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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Executes rows against the table inside the caller's transaction (it never commits or rolls back). Rows are
 * written in order, in runs of the same kind: inserts and upserts, then soft deletes as a JDBC batch of UPDATEs.
 *
 * <p>A record never changes a column it does not carry: rows are written in groups of the same column set, each
 * group by one statement naming only its columns. Inserts go through COPY; into a table with a unique key (unless
 * {@code onDuplicateKey: refuse}) through COPY into a staging table and {@code INSERT … SELECT … ON CONFLICT DO
 * NOTHING}, so that a replay skips what is stored; upserts through the staging table and {@code INSERT … SELECT …
 * ON CONFLICT (key) DO UPDATE} of the group's columns.
 */
final class SinkBatchWriter {

    private final Connection connection;
    private final PostgresSinkSettings settings;
    private final WriteMode mode;
    private final TableColumns columns;
    private final UniqueKeys uniqueKeys;
    private final String ordinalColumn;
    /** The staging table of the current {@link #write} call, created at its first use; null until then. */
    private String stage;

    SinkBatchWriter(Connection connection, PostgresSinkSettings settings, WriteMode mode, TableColumns columns,
                    UniqueKeys uniqueKeys) {
        this.connection = connection;
        this.settings = settings;
        this.mode = mode;
        this.columns = columns;
        this.uniqueKeys = uniqueKeys;
        this.ordinalColumn = ordinalColumn(columns);
    }

    /** The stage's column of the records' order: a name the table does not use. */
    private static String ordinalColumn(TableColumns columns) {
        String name = "dataflow_ordinal";
        while (columns.contains(name)) {
            name = name + "_";
        }
        return name;
    }

    /** Writes the rows; answers how many of them a unique key already held and were skipped. */
    int write(List<SinkRow> rows) throws SQLException {
        stage = null; // a stage of an earlier call may have been rolled back with its savepoint
        int skipped = 0;
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
                skipped += insert(run);
            }
            start = end;
        }
        return skipped;
    }

    private int insert(List<SinkRow> rows) throws SQLException {
        if (settings.upsertMode() && (mode == WriteMode.COLUMNAR || hasConflictKeyColumn(rows))) {
            upsert(rows);
            return 0;
        }
        int skipped = 0;
        for (Map.Entry<List<String>, List<SinkRow>> group : byColumns(rows).entrySet()) {
            List<String> names = group.getKey();
            if (settings.skipDuplicateKeys() && uniqueKeys.constrain(names)) {
                skipped += insertSkippingDuplicates(group.getValue(), names);
            } else {
                copy(group.getValue(), names, SinkStatements.copyIn(settings.table(), names), false);
            }
        }
        return skipped;
    }

    /**
     * Raw rows carry no key of their own (the key is a SERIAL id), so there an upsert only makes sense when the
     * conflict key is one of the written columns — a flattened metadata column; otherwise they are appended, which
     * is what the original's statement did.
     */
    private boolean hasConflictKeyColumn(List<SinkRow> rows) {
        for (SinkRow row : rows) {
            if (row.values().containsKey(settings.conflictKey())) {
                return true;
            }
        }
        return false;
    }

    /** The rows grouped by the columns they carry (in table order), groups in the order of their first row. */
    private Map<List<String>, List<SinkRow>> byColumns(List<SinkRow> rows) {
        Map<Set<String>, List<String>> ordered = new HashMap<>();
        Map<List<String>, List<SinkRow>> groups = new LinkedHashMap<>();
        for (SinkRow row : rows) {
            List<String> names = ordered.computeIfAbsent(row.values().keySet(), columns::ordered);
            groups.computeIfAbsent(names, n -> new ArrayList<>()).add(row);
        }
        return groups;
    }

    /** Rows are encoded into one reusable buffer and streamed to the server whenever it holds this much. */
    private static final int COPY_CHUNK_BYTES = 256 * 1024;

    /** COPY of the rows' values of {@code names} and, into a stage, of each row's ordinal after them. */
    private void copy(List<SinkRow> rows, List<String> names, String copySql, boolean withOrdinal) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            CopyTextEncoder encoder = new CopyTextEncoder(COPY_CHUNK_BYTES + 64 * 1024);
            List<String> values = new ArrayList<>(names.size() + 1);
            int ordinal = 0;
            for (SinkRow row : rows) {
                values.clear();
                for (String name : names) {
                    values.add(row.values().get(name));
                }
                if (withOrdinal) {
                    values.add(Integer.toString(ordinal++));
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
     * Fills the staging table with the rows (empty first when it was used before in this call), each with its
     * ordinal. The stage is created once per call with a fresh name and dropped at commit (see
     * {@link SinkStatements#createStage}).
     */
    private void stageRows(Statement s, List<SinkRow> rows, List<String> names) throws SQLException {
        if (stage == null) {
            String name = "dataflow_stage_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            s.execute(SinkStatements.createStage(name, settings.table(), ordinalColumn));
            stage = SinkStatements.stage(name);
        } else {
            s.execute("TRUNCATE " + stage);
        }
        List<String> withOrdinal = new ArrayList<>(names);
        withOrdinal.add(ordinalColumn);
        copy(rows, names, SinkStatements.copyIn(stage, withOrdinal), true);
    }

    private int insertSkippingDuplicates(List<SinkRow> rows, List<String> names) throws SQLException {
        try (Statement s = connection.createStatement()) {
            stageRows(s, rows, names);
            int inserted = s.executeUpdate(SinkStatements.insertFromStageSkippingDuplicates(settings.table(), stage, names,
                    ordinalColumn));
            return rows.size() - inserted;
        }
    }

    /**
     * Upserts by COPYing rows into a temporary staging table and merging it with one {@code INSERT … SELECT … ON
     * CONFLICT} per column set — several times faster than multi-row VALUES with bound parameters (measured in
     * docs/BENCHMARKS.md), and still free of SQL built from values.
     */
    private void upsert(List<SinkRow> rows) throws SQLException {
        String version = settings.upsertIfNewer() ? settings.upsertVersionColumn() : null;
        try (Statement s = connection.createStatement()) {
            for (List<SinkRow> round : rounds(rows)) {
                for (Map.Entry<List<String>, List<SinkRow>> group : byColumns(round).entrySet()) {
                    stageRows(s, group.getValue(), group.getKey());
                    s.executeUpdate(SinkStatements.upsertFromStage(settings.table(), stage, group.getKey(),
                            settings.conflictKey(), version, ordinalColumn));
                }
            }
        }
    }

    /**
     * Statements that each touch a key at most once. With strategy always the records of one key combine into one
     * row, a later record's columns replacing an earlier one's and the columns only the earlier one carries kept,
     * which is what writing them one after another would do. With ifNewer the database must compare versions, so
     * repeated keys go into successive statements (the n-th occurrence of each key into the n-th statement). Keys
     * are compared in their canonical form for the key column's type ({@link KeyValues}); rows without a key value
     * never conflict and are all kept.
     */
    private List<List<SinkRow>> rounds(List<SinkRow> rows) {
        String key = settings.conflictKey();
        String keyType = columns.type(key);
        if (!settings.upsertIfNewer()) {
            Map<Object, SinkRow> byKey = new LinkedHashMap<>();
            for (SinkRow row : rows) {
                String value = KeyValues.canonical(row.values().get(key), keyType);
                Object mapKey = value == null ? new Object() : value;
                byKey.merge(mapKey, row, SinkBatchWriter::combine);
            }
            return List.of(byKey.size() == rows.size() ? rows : new ArrayList<>(byKey.values()));
        }
        List<List<SinkRow>> rounds = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (SinkRow row : rows) {
            String value = KeyValues.canonical(row.values().get(key), keyType);
            int round = value == null ? 0 : seen.merge(value, 1, Integer::sum) - 1;
            while (rounds.size() <= round) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(row);
        }
        return rounds;
    }

    /** An earlier and a later row of one key as one: the later row's values over the earlier one's. */
    private static SinkRow combine(SinkRow earlier, SinkRow later) {
        if (earlier.values().keySet().equals(later.values().keySet())) {
            return later;
        }
        Map<String, String> values = new LinkedHashMap<>(earlier.values());
        values.putAll(later.values());
        return SinkRow.insert(later.position(), later.message(), values);
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
