package io.dataflow.flink.connector.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Where an Iceberg source stands, as kept in Flink state: the last snapshot read completely (with its sequence
 * number, as the original's checkpoint), and the snapshot being read with the rows of it already emitted, so a
 * restart in the middle of a large snapshot resumes behind the last emitted row.
 *
 * @param lastSnapshotId   last snapshot fully emitted, or -1 (none yet)
 * @param lastSequence     its sequence number, or -1
 * @param currentSnapshotId snapshot being read, or -1
 * @param currentFull      whether the current snapshot is read in full (first read, full-scan mode) or only its appended files
 * @param rowsEmitted      rows of the current snapshot already emitted
 */
record SourcePosition(long lastSnapshotId, long lastSequence, long currentSnapshotId, boolean currentFull, long rowsEmitted) {

    static final SourcePosition START = new SourcePosition(-1, -1, -1, false, 0);
    private static final ObjectMapper JSON = new ObjectMapper();

    boolean reading() {
        return currentSnapshotId != -1;
    }

    SourcePosition startReading(long snapshotId, boolean full) {
        return new SourcePosition(lastSnapshotId, lastSequence, snapshotId, full, 0);
    }

    SourcePosition emitted(long rows) {
        return new SourcePosition(lastSnapshotId, lastSequence, currentSnapshotId, currentFull, rowsEmitted + rows);
    }

    SourcePosition finished(long sequence) {
        return new SourcePosition(currentSnapshotId, sequence, -1, false, 0);
    }

    /** JSON, readable in a savepoint: the original's checkpoint fields plus the in-snapshot offset. */
    byte[] encode(TableAddress table) {
        ObjectNode node = JSON.createObjectNode();
        node.put("lastAckedSnapshotID", Long.toUnsignedString(lastSnapshotId));
        node.put("lastAckedSnapshotSequence", lastSequence);
        node.put("currentSnapshotID", Long.toUnsignedString(currentSnapshotId));
        node.put("currentFull", currentFull);
        node.put("rowsEmitted", rowsEmitted);
        node.put("namespace", table.namespace());
        node.put("table", table.table());
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SourcePosition decode(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            return new SourcePosition(Long.parseUnsignedLong(n.get("lastAckedSnapshotID").asText()),
                    n.get("lastAckedSnapshotSequence").asLong(),
                    Long.parseUnsignedLong(n.get("currentSnapshotID").asText()),
                    n.get("currentFull").asBoolean(), n.get("rowsEmitted").asLong());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("unreadable Iceberg source position in Flink state", e);
        }
    }
}
