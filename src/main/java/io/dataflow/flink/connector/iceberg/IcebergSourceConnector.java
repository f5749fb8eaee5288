package io.dataflow.flink.connector.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ReadWriteLifecycleGuard;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.SourceBatch;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.message.Message;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Polls an Iceberg table (docs/ORIGINAL.md#nessie source). Full-scan mode re-reads the current snapshot every
 * {@code pollInterval}; {@code incrementalBySnapshot} walks the snapshot lineage from the last snapshot read (kept
 * in Flink state; {@code startSnapshotID} or, without either, the current snapshot read in full) to the current
 * one, oldest first, emitting the rows each snapshot appended. A snapshot is read in pages of
 * {@code maxRowsPerPoll} rows / {@code maxBytesPerPoll} bytes; the position records the rows of it already emitted,
 * so a restart resumes behind the last emitted row and never re-reads a finished snapshot. If the last snapshot is
 * no longer in the branch's lineage (the branch was reset), reading restarts from {@code startSnapshotID} when it is
 * still there, else from the current snapshot in full, as the original does.
 *
 * <p>Rows become JSON objects; rows of a table the sink created with flattened metadata columns come back as
 * {@code {"value": <data>, "_metadata": {…}}}, the metadata also copied into the message's metadata. Runs with
 * parallelism 1.
 */
public final class IcebergSourceConnector extends ReadWriteLifecycleGuard implements SourceConnector {

    private static final Logger LOG = LoggerFactory.getLogger(IcebergSourceConnector.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_WAIT_MILLIS = 1000;

    private final IcebergSourceSettings settings;
    private final CatalogConnection catalogConnection;
    private final ConnectorContext context;
    private final Object wakeup = new Object();

    private volatile SourcePosition position = SourcePosition.START;
    private Catalog catalog;
    private Table table;
    private TableLayout layout;
    private String metadataPrefix;
    private SnapshotRows rows;
    private long rowsSnapshotId = -1;
    private long rowsOffset;
    private long nextPollAt;
    private Long boundedHead;
    private boolean finished;
    private volatile boolean woken;

    public IcebergSourceConnector(IcebergSourceSettings settings, CatalogConnection catalogConnection, ConnectorContext context) {
        this.settings = settings;
        this.catalogConnection = catalogConnection;
        this.context = context;
    }

    @Override
    public void restorePositions(List<byte[]> positions) {
        if (!positions.isEmpty()) {
            position = SourcePosition.decode(positions.get(0));
        }
    }

    @Override
    public void connect() throws Exception {
        if (!guardConnect()) {
            throw new ConnectorClosedException();
        }
        try {
            catalog = catalogConnection.open();
            try {
                table = catalog.loadTable(settings.table().identifier());
            } catch (NoSuchTableException e) {
                throw new IllegalStateException(settings.connectorType() + " source: table " + settings.table() + " does not exist");
            }
            layout = TableLayout.declaredBy(table);
            metadataPrefix = table.properties().getOrDefault(TableLayout.PREFIX_PROPERTY, "");
        } finally {
            unlock();
        }
    }

    @Override
    public SourceBatch poll() throws Exception {
        readLock();
        try {
            if (isClosed()) {
                throw new ConnectorClosedException();
            }
            if (finished) {
                return SourceBatch.end();
            }
            if (!position.reading()) {
                long wait = nextPollAt - System.currentTimeMillis();
                if (wait > 0) {
                    pause(Math.min(wait, MAX_WAIT_MILLIS));
                    return SourceBatch.empty();
                }
                table.refresh();
                Snapshot head = table.currentSnapshot();
                if (settings.bounded() && boundedHead == null) {
                    boundedHead = head == null ? -1L : head.snapshotId();
                }
                if (settings.bounded() && (boundedHead == -1L || position.lastSnapshotId() == boundedHead)) {
                    finished = true;
                    return SourceBatch.end();
                }
                Target target = settings.incremental() ? nextIncremental(head) : head == null ? null : new Target(head, true);
                if (target == null) {
                    nextPollAt = System.currentTimeMillis() + settings.pollInterval().toMillis();
                    return SourceBatch.empty();
                }
                position = position.startReading(target.snapshot().snapshotId(), target.full());
            }
            return readPage();
        } finally {
            readUnlock();
        }
    }

    private record Target(Snapshot snapshot, boolean full) {
    }

    /** The oldest snapshot after the last one read, in the current lineage; null when there is nothing new. */
    private Target nextIncremental(Snapshot head) {
        if (head == null) {
            return null;
        }
        long from = position.lastSnapshotId() != -1 ? position.lastSnapshotId()
                : settings.startSnapshotId() != null ? settings.startSnapshotId() : -1;
        if (from == -1) {
            return new Target(head, true);
        }
        if (from == head.snapshotId()) {
            return null;
        }
        Snapshot next = oldestAfter(head, from);
        if (next == null) {
            Long start = settings.startSnapshotId();
            boolean startInLineage = start != null && start != from && SnapshotUtil.isAncestorOf(table, head.snapshotId(), start);
            LOG.info("{} source: snapshot {} of {} is no longer in the lineage of branch head {} (branch reset); restarting from {}",
                    settings.connectorType(), Long.toUnsignedString(from), settings.table(), Long.toUnsignedString(head.snapshotId()),
                    startInLineage ? "startSnapshotID " + Long.toUnsignedString(start) : "the current snapshot in full");
            if (!startInLineage) {
                return new Target(head, true);
            }
            if (start == head.snapshotId()) {
                position = new SourcePosition(start, head.sequenceNumber(), -1, false, 0);
                return null;
            }
            next = oldestAfter(head, start);
        }
        return next == null ? null : new Target(next, false);
    }

    /** The child of {@code ancestorId} on the way to {@code head}, or null when it is not an ancestor of head. */
    private Snapshot oldestAfter(Snapshot head, long ancestorId) {
        Snapshot child = null;
        for (Snapshot s : SnapshotUtil.ancestorsOf(head.snapshotId(), table::snapshot)) {
            if (s.snapshotId() == ancestorId) {
                return child;
            }
            child = s;
        }
        return null;
    }

    private SourceBatch readPage() throws IOException {
        SourcePosition at = position;
        Snapshot snapshot = table.snapshot(at.currentSnapshotId());
        if (snapshot == null) {
            // expired while we read it: start over from the lineage
            LOG.info("{} source: snapshot {} of {} disappeared while reading; re-planning", settings.connectorType(),
                    Long.toUnsignedString(at.currentSnapshotId()), settings.table());
            closeRows();
            position = new SourcePosition(at.lastSnapshotId(), at.lastSequence(), -1, false, 0);
            return SourceBatch.empty();
        }
        if (rows == null || rowsSnapshotId != at.currentSnapshotId() || rowsOffset != at.rowsEmitted()) {
            closeRows();
            rows = SnapshotRows.open(table, snapshot, at.currentFull());
            rowsSnapshotId = at.currentSnapshotId();
            rowsOffset = 0;
            while (rowsOffset < at.rowsEmitted() && rows.hasNext()) {
                rows.next();
                rowsOffset++;
            }
        }
        List<Message> messages = new ArrayList<>();
        long bytes = 0;
        while (messages.size() < settings.maxRowsPerPoll()
                && (settings.maxBytesPerPoll() <= 0 || bytes < settings.maxBytesPerPoll() || messages.isEmpty())
                && rows.hasNext()) {
            Message m = toMessage(rows.next(), snapshot);
            bytes += m.data().length;
            messages.add(m);
        }
        boolean done = !rows.hasNext();
        rowsOffset += messages.size();
        SourcePosition after = done ? at.emitted(messages.size()).finished(snapshot.sequenceNumber()) : at.emitted(messages.size());
        if (done) {
            closeRows();
            if (!settings.incremental()) {
                nextPollAt = System.currentTimeMillis() + settings.pollInterval().toMillis();
            }
            LOG.info("{} source: read snapshot {} of {} (sequence {}, {} read)", settings.connectorType(),
                    Long.toUnsignedString(snapshot.snapshotId()), settings.table(), snapshot.sequenceNumber(),
                    at.currentFull() ? "full" : "appended files");
        }
        if (messages.isEmpty()) {
            position = after;
            return SourceBatch.empty();
        }
        return SourceBatch.of(messages, () -> position = after);
    }

    private Message toMessage(Record record, Snapshot snapshot) {
        ObjectNode row = IcebergRecordJson.toJson(record, rows.schema().asStruct());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("namespace", settings.table().namespace());
        metadata.put("table", settings.table().table());
        if (settings.incremental()) {
            metadata.put("snapshot_id", snapshot.snapshotId());
            metadata.put("snapshot_sequence", snapshot.sequenceNumber());
        }
        JsonNode body = layout == TableLayout.FLATTENED ? unflatten(row, metadata) : row;
        return Message.ofJson(body, metadata, System.currentTimeMillis());
    }

    /** {@code {"value": <data parsed>, "_metadata": {key without prefix: value}}}; keys copied into metadata too. */
    private JsonNode unflatten(ObjectNode row, Map<String, Object> metadata) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        JsonNode data = JsonNodeFactory.instance.nullNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(TableLayout.DATA_COLUMN)) {
                data = parse(e.getValue());
            } else {
                String key = !metadataPrefix.isEmpty() && e.getKey().startsWith(metadataPrefix)
                        ? e.getKey().substring(metadataPrefix.length()) : e.getKey();
                meta.set(key, e.getValue());
                if (!e.getValue().isNull()) {
                    metadata.put(key, e.getValue().isNumber() ? e.getValue().numberValue()
                            : e.getValue().isBoolean() ? e.getValue().booleanValue() : e.getValue().asText());
                }
            }
        }
        out.set("value", data);
        out.set("_metadata", meta);
        return out;
    }

    private static JsonNode parse(JsonNode text) {
        if (!text.isTextual()) {
            return text;
        }
        try {
            return JSON.readTree(text.asText().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return text;
        }
    }

    private void pause(long millis) throws InterruptedException {
        synchronized (wakeup) {
            if (!woken) {
                wakeup.wait(millis);
            }
            woken = false;
        }
    }

    @Override
    public void wakeup() {
        synchronized (wakeup) {
            woken = true;
            wakeup.notifyAll();
        }
    }

    @Override
    public byte[] snapshotPosition(long checkpointId) {
        return position.encode(settings.table());
    }

    private void closeRows() throws IOException {
        if (rows != null) {
            SnapshotRows closing = rows;
            rows = null;
            rowsSnapshotId = -1;
            closing.close();
        }
    }

    @Override
    public void close() {
        wakeup();
        if (guardClose()) {
            return;
        }
        try {
            try {
                closeRows();
            } catch (IOException e) {
                LOG.debug("closing a data file reader failed", e);
            }
            CatalogConnection.closeQuietly(catalog);
            catalog = null;
        } finally {
            unlock();
        }
    }
}
