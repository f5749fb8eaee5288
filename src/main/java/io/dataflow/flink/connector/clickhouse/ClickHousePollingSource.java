package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.polling.PollCursor;
import io.dataflow.flink.connector.polling.PollingOptions;
import io.dataflow.flink.connector.polling.PollingQuery;
import io.dataflow.flink.connector.polling.PollingSource;
import io.dataflow.flink.connector.polling.SafetyLagHorizon;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The polling source of {@code type: clickhouse} (docs/ORIGINAL.md#clickhouse): the same incremental engine as the PostgreSQL
 * source ({@link PollingQuery} with {@link ClickHouseCursorDialect}, {@link PollSchedule}), reading a table (or a
 * query) page by page in the order of the cursor {@code (changeTrackingColumn, orderByColumn)}, which lives in
 * Flink state. A table without the change column is read by the order column alone. With {@code bounded: true}
 * it finishes after the first cycle that finds nothing. Runs with parallelism 1 (one cursor).
 *
 * <p>ClickHouse cannot say which inserts are still in flight, so an incremental read stops at a
 * {@link SafetyLagHorizon} ({@code safetyLag}). Every request is its own HTTP call: after a lost connection the
 * next poll simply connects again.
 */
public final class ClickHousePollingSource extends PollingSource {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHousePollingSource.class);
    private static final String MAX_ALIAS = "__dataflow_max";
    /** Rows of a streamed cursor-less query emitted per poll: records leave while the rest still arrives. */
    private static final int STREAM_SLICE = 1000;

    private final ClickHouseConnectionString target;
    private final boolean compression;
    private final ClickHouseTableName table;
    private final String userQuery;
    private final Duration pollInterval;
    private final int page;
    private final String changeColumn;
    private final boolean changeColumnExplicit;
    private final String orderColumn;
    private final boolean bounded;
    private final Duration safetyLag;

    private volatile ClickHouseAccess access;
    private SafetyLagHorizon horizon;
    /** The cursor-less query being read, between polls too; closed from the cancel path. */
    private volatile ClickHouseRowStream stream;
    private PollingQuery query;
    private ClickHouseRowJson rowJson;

    ClickHousePollingSource(ConfigValues config, ConnectorContext context) {
        super("ClickHouse source", label(config), config.get(PollingOptions.POLL_INTERVAL), config.get(PollingOptions.BOUNDED),
                context);
        this.target = ClickHouseSinkSettings.connection(config);
        this.compression = config.get(ClickHouseOptions.COMPRESSION);
        String tableName = config.get(ClickHouseOptions.SOURCE_TABLE);
        this.table = tableName == null || tableName.isBlank() ? null : ClickHouseTableName.parse(tableName, target.database());
        this.userQuery = config.get(ClickHouseOptions.QUERY);
        this.pollInterval = config.get(PollingOptions.POLL_INTERVAL);
        int readBatch = config.get(PollingOptions.READ_BATCH_SIZE);
        this.page = readBatch > 0 ? readBatch : PollingQuery.DEFAULT_PAGE;
        this.changeColumn = config.get(ClickHouseOptions.CHANGE_TRACKING_COLUMN);
        this.changeColumnExplicit = config.has(ClickHouseOptions.CHANGE_TRACKING_COLUMN);
        this.orderColumn = config.get(PollingOptions.ORDER_BY_COLUMN);
        this.bounded = config.get(PollingOptions.BOUNDED);
        this.safetyLag = config.get(PollingOptions.SAFETY_LAG);
    }

    /** Metadata "table" is the name as the manifest wrote it, like the original; "query" without one. */
    private static String label(ConfigValues config) {
        String table = config.get(ClickHouseOptions.SOURCE_TABLE);
        return table != null && !table.isBlank() ? table.trim() : "query";
    }

    @Override
    protected PollingQuery query() {
        return query;
    }

    @Override
    public void connect() throws Exception {
        if (!guardConnect()) {
            throw new ConnectorClosedException();
        }
        try {
            ClickHouseAccess a = ClickHouseAccess.open(target, compression);
            try {
                query = prepare(a);
                horizon = query.isIncremental() && SafetyLagHorizon.enabled(safetyLag) ? new SafetyLagHorizon(safetyLag) : null;
            } catch (ClickHouseException e) {
                a.close();
                throw e;
            }
            access = a;
            LOG.info("Connected ClickHouse source: target={} table={} incremental={} pageSize={} pollInterval={} bounded={} safetyLag={}",
                    target, label, query.isIncremental(), page, pollInterval, bounded, horizon != null ? safetyLag : Duration.ZERO);
        } finally {
            unlock();
        }
    }

    /** Decides the cursor expressions and reads the column types, for cursor literals and DateTime conversion. */
    private PollingQuery prepare(ClickHouseAccess a) throws ClickHouseException {
        ClickHouseCursorDialect dialect = ClickHouseCursorDialect.INSTANCE;
        ZoneId serverZone = a.serverZone();
        String from;
        String changeExpr = null;
        if (table != null) {
            Optional<Map<String, String>> columns = a.columns(table);
            if (columns.isEmpty()) {
                throw new ClickHouseException("ClickHouse source " + table + ": the table does not exist",
                        "table does not exist", 60, false, false, null);
            }
            from = table.qualified();
            if (changeColumnExplicit || columns.get().containsKey(changeColumn)) {
                changeExpr = dialect.quote(changeColumn);
            } else {
                LOG.info("ClickHouse source {}: no column {}; reading incrementally by {} alone", table, changeColumn, orderColumn);
            }
        } else if (changeColumnExplicit) {
            from = PollingQuery.wrap(dialect, userQuery);
            changeExpr = dialect.quote(changeColumn);
        } else {
            LOG.info("ClickHouse source: query without changeTrackingColumn runs as written every cycle (no cursor){}",
                    bounded ? "; bounded: one cycle" : "");
            rowJson = new ClickHouseRowJson(a.resultTypes(userQuery), serverZone);
            return PollingQuery.asWritten(userQuery);
        }
        rowJson = new ClickHouseRowJson(a.resultTypes("SELECT * FROM " + from), serverZone);
        String keyExpr = dialect.quote(orderColumn);
        Map<String, String> cursorTypes = a.resultTypes("SELECT " + (changeExpr == null ? "" : changeExpr + ", ")
                + keyExpr + " FROM " + from);
        List<String> types = new ArrayList<>(cursorTypes.values());
        String changeType = changeExpr == null ? null : types.get(0);
        // one entry when the change column is the order column too (the result's names are the map's keys)
        String keyType = types.get(types.size() - 1);
        return PollingQuery.incremental(dialect, from, changeExpr, changeType, keyExpr, keyType, page);
    }


    @Override
    protected Page readPage(PollCursor from) throws ClickHouseException {
        if (!query.isIncremental()) {
            return readQuerySlice(from);
        }
        SafetyLagHorizon.Limit limit = horizon == null ? SafetyLagHorizon.Limit.NONE : horizon.limit(this::highestValue);
        if (limit.readNothing()) {
            return new Page(List.of(), from, false, limit.heldBack());
        }
        List<ObjectNode> rows = access.query(query.sql(from, limit.bound()));
        List<Message> messages = new ArrayList<>(rows.size());
        PollCursor last = from;
        for (ObjectNode row : rows) {
            JsonNode changeNode = row.remove(PollingQuery.CHANGE_ALIAS);
            JsonNode keyNode = row.get(orderColumn);
            String key = keyNode == null || keyNode.isNull() ? null : keyNode.asText();
            String change = changeNode == null || changeNode.isNull() ? null : changeNode.asText();
            rowJson.convert(row);
            messages.add(message(row, keyNode, key));
            last = new PollCursor(change != null ? change : last.change(), key != null ? key : last.key());
        }
        return new Page(messages, last, false, limit.heldBack());
    }

    /**
     * A cursor-less query, streamed: one slice of at most a page per poll, the response open in between. A restore
     * runs the query again from its first row (it has no position), as the next cycle would.
     */
    private Page readQuerySlice(PollCursor from) throws ClickHouseException {
        ClickHouseRowStream s = stream;
        if (s == null || !s.isOpen()) {
            s = access.stream(query.sql(from));
            stream = s;
        }
        List<ObjectNode> rows = s.next(Math.min(page, STREAM_SLICE));
        List<Message> messages = new ArrayList<>(rows.size());
        for (ObjectNode row : rows) {
            JsonNode keyNode = row.get(orderColumn);
            String key = keyNode == null || keyNode.isNull() ? null : keyNode.asText();
            rowJson.convert(row);
            messages.add(message(row, keyNode, key));
        }
        return new Page(messages, from, s.isOpen(), false);
    }

    @Override
    protected void afterPollFailure(Exception e) {
        closeStream();
    }

    /**
     * Kills the cursor-less query the cancelled job is still reading; the reading thread then fails its read and
     * closes the stream itself. Only where the server cannot kill it is the response closed from here.
     */
    @Override
    protected void cancelRunningRead() {
        ClickHouseRowStream s = stream;
        ClickHouseAccess a = access;
        if (s == null || !s.isOpen()) {
            return;
        }
        try {
            if (a != null && a.kill(s.queryId())) {
                return;
            }
        } catch (ClickHouseException | RuntimeException e) {
            LOG.warn("ClickHouse query {} could not be killed, closing its response instead: {}", s.queryId(), e.getMessage());
        }
        closeStream();
    }

    private void closeStream() {
        ClickHouseRowStream s = stream;
        stream = null;
        if (s != null) {
            s.close();
        }
    }

    /** The highest value of the cursor's first column now, in the text form the cursor keeps. */
    private String highestValue() throws ClickHouseException {
        String alias = ClickHouseCursorDialect.INSTANCE.quote(MAX_ALIAS);
        List<ObjectNode> rows = access.query("SELECT max(" + query.boundExpr() + ") AS " + alias + " FROM " + query.from());
        JsonNode max = rows.isEmpty() ? null : rows.get(0).get(MAX_ALIAS);
        return max == null || max.isNull() ? null : max.asText();
    }

    private Message message(ObjectNode row, JsonNode keyNode, String key) {
        Map<String, Object> metadata = new LinkedHashMap<>(4);
        metadata.put("table", label);
        if (key != null) {
            // a numeric key as a number (as the original's driver value), anything else in its text form
            metadata.put("id", keyNode.isIntegralNumber() && keyNode.canConvertToLong() ? (Object) keyNode.longValue() : key);
        }
        return Message.ofJson(row, metadata, System.currentTimeMillis());
    }

    @Override
    protected boolean isPollFailure(Exception e) {
        return e instanceof ClickHouseException;
    }

    @Override
    protected String describe(Exception e) {
        return e.getMessage();
    }

    @Override
    public void close() {
        if (guardClose()) {
            return;
        }
        try {
            closeStream();
            if (access != null) {
                access.close();
                access = null;
            }
        } finally {
            unlock();
        }
    }
}
