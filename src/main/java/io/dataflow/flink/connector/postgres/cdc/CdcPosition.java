package io.dataflow.flink.connector.postgres.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the CDC source is, as kept in Flink state: the WAL position after the last transaction emitted
 * ({@code lsn}, 0 before any), whether the initial snapshot is complete, and which tables it has read so far.
 * Immutable; serialized as a small JSON document so that it stays readable and can grow fields.
 */
record CdcPosition(long lsn, boolean snapshotDone, Set<String> tablesDone) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final CdcPosition START = new CdcPosition(0, false, Set.of());

    CdcPosition {
        tablesDone = Set.copyOf(tablesDone);
    }

    CdcPosition withLsn(long newLsn) {
        return new CdcPosition(newLsn, snapshotDone, tablesDone);
    }

    CdcPosition withTableDone(String table) {
        Set<String> done = new TreeSet<>(tablesDone);
        done.add(table);
        return new CdcPosition(lsn, snapshotDone, done);
    }

    CdcPosition withSnapshotDone() {
        return new CdcPosition(lsn, true, Set.of());
    }

    /** A snapshot starts over (snapshotMode always): nothing read yet. */
    CdcPosition withSnapshotRestarted() {
        return new CdcPosition(lsn, false, Set.of());
    }

    byte[] toBytes() {
        ObjectNode node = JSON.createObjectNode();
        node.put("lsn", lsn);
        node.put("snapshotDone", snapshotDone);
        tablesDone.stream().sorted().forEach(node.withArray("tablesDone")::add);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CdcPosition fromBytes(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            Set<String> done = new TreeSet<>();
            node.path("tablesDone").forEach(t -> done.add(t.asText()));
            return new CdcPosition(node.path("lsn").asLong(0), node.path("snapshotDone").asBoolean(false), done);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable postgresql-cdc position in the checkpoint", e);
        }
    }
}
