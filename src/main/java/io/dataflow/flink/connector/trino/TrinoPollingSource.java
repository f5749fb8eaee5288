package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.BaseConnectorRW;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.SourceBatch;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.connector.polling.PollCursor;
import io.dataflow.flink.connector.polling.PollSchedule;
import io.dataflow.flink.connector.polling.PollingQuery;
import io.dataflow.flink.manifest.Config;
import io.dataflow.flink.message.Message;
import org.apache.flink.metrics.Gauge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The polling source of {@code type: trino} (reference §4.5): the same incremental engine as the PostgreSQL and
 * ClickHouse sources ({@link PollingQuery} with {@link TrinoCursorDialect}, {@link PollSchedule}), reading
 * {@code catalog.schema.table} (or a query) page by page in the order of the cursor
 * {@code (changeTrackingColumn, orderByColumn)}, which lives in Flink state. A table without the change column is
 * read by the order column alone. Records carry metadata {@code catalog}, {@code schema}, {@code table}, {@code id}.
 * With {@code bounded: true} it finishes after the first cycle that finds nothing. Runs with parallelism 1.
 */
public final class TrinoPollingSource extends BaseConnectorRW implements SourceConnector {

    private static final Logger LOG = LoggerFactory.getLogger(TrinoPollingSource.class);
    private static final long SLEEP_SLICE_MS = 200;
    private static final int QUERY_TIMEOUT_SECONDS = 300;

    private final String serverUrl;
    private final TrinoConnections connections;
    private final TrinoTableName table;
    private final String userQuery;
    private final Duration pollInterval;
    private final int page;
    private final String changeColumn;
    private final boolean changeColumnExplicit;
    private final String orderColumn;
    private final boolean bounded;
    private final String catalogLabel;
    private final String schemaLabel;
    private final String tableLabel;
    private final PollSchedule schedule;

    private volatile Connection connection;
    private PollingQuery query;
    private PollCursor cursor = PollCursor.START;
    private volatile int healthy = 1;

    TrinoPollingSource(Config config, ConnectorContext context) {
        this.serverUrl = config.get(TrinoOptions.SERVER_URL);
        String catalog = config.get(TrinoOptions.CATALOG);
        String schema = config.get(TrinoOptions.SCHEMA);
        this.connections = new TrinoConnections(serverUrl, catalog, schema, KeycloakCredentials.from(config));
        String tableName = config.get(TrinoOptions.TABLE);
        boolean hasTable = tableName != null && !tableName.isBlank();
        this.userQuery = config.get(TrinoOptions.QUERY);
        boolean hasQuery = userQuery != null && !userQuery.isBlank();
        this.table = hasTable && !hasQuery ? new TrinoTableName(catalog, schema, tableName.trim()) : null;
        this.pollInterval = config.get(TrinoOptions.POLL_INTERVAL);
        int readBatch = config.get(TrinoOptions.READ_BATCH_SIZE);
        this.page = readBatch > 0 ? readBatch : PollingQuery.DEFAULT_PAGE;
        this.changeColumn = config.get(TrinoOptions.CHANGE_TRACKING_COLUMN);
        this.changeColumnExplicit = config.has(TrinoOptions.CHANGE_TRACKING_COLUMN);
        this.orderColumn = config.get(TrinoOptions.ORDER_BY_COLUMN);
        this.bounded = config.get(TrinoOptions.BOUNDED);
        this.tableLabel = hasTable ? tableName.trim() : "query";
        this.schedule = new PollSchedule(pollInterval, bounded);
        this.catalogLabel = catalog;
        this.schemaLabel = schema;
        if (context.metrics() != null) {
            context.metrics().gauge("pollHealthy", (Gauge<Integer>) () -> healthy);
        }
    }

    @Override
    public void restorePositions(List<byte[]> positions) throws Exception {
        if (!positions.isEmpty()) {
            cursor = PollCursor.fromBytes(positions.get(0));
            LOG.info("Trino source restored its cursor: table={} change={} key={}", tableLabel, cursor.change(), cursor.key());
        }
    }

    @Override
    public void connect() throws Exception {
        if (!guardConnect()) {
            throw new ConnectorClosedException();
        }
        try {
            Connection c = null;
            try {
                c = connections.open();
                query = prepare(c);
            } catch (SQLException e) {
                TrinoConnections.closeQuietly(c);
                throw new TrinoException("Trino source " + catalogLabel + "." + schemaLabel + "." + tableLabel
                        + ": cannot prepare the query: " + TrinoErrors.reason(e), e);
            }
            connection = c;
            LOG.info("Connected Trino source: server={} catalog={} schema={} table={} incremental={} pageSize={} pollInterval={} "
                    + "bounded={}", serverUrl, catalogLabel, schemaLabel, tableLabel, query.isIncremental(), page, pollInterval, bounded);
        } finally {
            unlock();
        }
    }

    /** Decides the cursor expressions and reads their types, for the cursor literals. */
    private PollingQuery prepare(Connection c) throws SQLException {
        TrinoCursorDialect dialect = TrinoCursorDialect.INSTANCE;
        String from;
        String changeExpr = null;
        if (table != null) {
            Map<String, String> columns = columns(c, table);
            if (columns.isEmpty()) {
                throw new SQLException("table " + table + " does not exist", "42P01", 46);
            }
            from = table.qualified();
            if (changeColumnExplicit || columns.containsKey(changeColumn.toLowerCase(java.util.Locale.ROOT))) {
                changeExpr = dialect.quote(changeColumn);
            } else {
                LOG.info("Trino source {}: no column {}; reading incrementally by {} alone", table, changeColumn, orderColumn);
            }
        } else if (changeColumnExplicit) {
            from = PollingQuery.wrap(dialect, userQuery);
            changeExpr = dialect.quote(changeColumn);
        } else {
            LOG.info("Trino source: query without changeTrackingColumn runs as written every cycle (no cursor){}",
                    bounded ? "; bounded: one cycle" : "");
            return PollingQuery.asWritten(userQuery);
        }
        String keyExpr = dialect.quote(orderColumn);
        String describe = "SELECT " + (changeExpr == null ? "" : changeExpr + ", ") + keyExpr + " FROM " + from + " LIMIT 0";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(describe)) {
            ResultSetMetaData meta = rs.getMetaData();
            String changeType = changeExpr == null ? null : meta.getColumnTypeName(1);
            String keyType = meta.getColumnTypeName(changeExpr == null ? 1 : 2);
            return PollingQuery.incremental(dialect, from, changeExpr, changeType, keyExpr, keyType, page);
        }
    }

    private static Map<String, String> columns(Connection c, TrinoTableName table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        String sql = "SELECT column_name, data_type FROM " + TrinoSql.quoteIdentifier(table.catalog())
                + ".information_schema.columns WHERE table_schema = " + TrinoSql.quoteString(table.schemaKey())
                + " AND table_name = " + TrinoSql.quoteString(table.tableKey());
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                columns.put(rs.getString(1), rs.getString(2));
            }
        }
        return columns;
    }

    @Override
    public SourceBatch poll() throws Exception {
        if (isClosed()) {
            return SourceBatch.end();
        }
        long wait = schedule.millisUntilNextPoll(System.currentTimeMillis());
        if (wait > 0) {
            Thread.sleep(Math.min(SLEEP_SLICE_MS, wait));
            return SourceBatch.empty();
        }
        readLock();
        try {
            if (isClosed() || schedule.isEnded()) {
                return SourceBatch.end();
            }
            return readPage();
        } catch (SQLException e) {
            onPollError(e);
            return SourceBatch.empty();
        } finally {
            readUnlock();
        }
    }

    private SourceBatch readPage() throws SQLException {
        // a connection whose Keycloak token is due is replaced before the query
        connection = connections.fresh(connection);
        List<Message> messages = new ArrayList<>();
        PollCursor last = cursor;
        try (Statement s = connection.createStatement()) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rs = s.executeQuery(query.sql(cursor))) {
                ResultSetMetaData meta = rs.getMetaData();
                int keyIndex = findColumn(meta, orderColumn);
                int changeIndex = query.hasChange() ? findColumn(meta, PollingQuery.CHANGE_ALIAS) : -1;
                TrinoRowJson rowJson = new TrinoRowJson(meta, PollingQuery.CHANGE_ALIAS);
                while (rs.next()) {
                    ObjectNode row = rowJson.of(rs);
                    String key = keyIndex > 0 ? rs.getString(keyIndex) : null;
                    String change = changeIndex > 0 ? rs.getString(changeIndex) : null;
                    messages.add(message(row, key, keyIndex > 0 ? row.get(meta.getColumnLabel(keyIndex)) : null));
                    last = new PollCursor(change != null ? change : last.change(), key != null ? key : last.key());
                }
            }
        }
        healthy = 1;
        schedule.pageRead(messages.size(), query.isIncremental(), query.page(), System.currentTimeMillis());
        if (messages.isEmpty()) {
            return schedule.isEnded() ? SourceBatch.end() : SourceBatch.empty();
        }
        PollCursor reached = last;
        LOG.debug("Trino poll page: table={} rows={} to change={} key={}", tableLabel, messages.size(), reached.change(), reached.key());
        return SourceBatch.of(messages, () -> cursor = reached);
    }

    private Message message(ObjectNode row, String key, JsonNode keyNode) {
        Map<String, Object> metadata = new LinkedHashMap<>(4);
        metadata.put("catalog", catalogLabel);
        metadata.put("schema", schemaLabel);
        metadata.put("table", tableLabel);
        if (key != null) {
            // a numeric key as a number, anything else in its text form
            metadata.put("id", keyNode != null && keyNode.isIntegralNumber() && keyNode.canConvertToLong() ? (Object) keyNode.longValue() : key);
        }
        return Message.ofJson(row, metadata, System.currentTimeMillis());
    }

    /** Trino folds unquoted column names to lower case, so the order column is found in any case. */
    private static int findColumn(ResultSetMetaData meta, String label) throws SQLException {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (meta.getColumnLabel(i).equalsIgnoreCase(label)) {
                return i;
            }
        }
        return -1;
    }

    private void onPollError(SQLException e) {
        healthy = 0;
        long now = System.currentTimeMillis();
        long backoff = schedule.pollFailed(now);
        if (schedule.shouldLogFailure(now)) {
            LOG.warn("Trino poll failed ({} in a row), retrying in {} ms: table={} error={}", schedule.failures(), backoff,
                    tableLabel, TrinoErrors.reason(e));
        }
        if (e.getErrorCode() == 0) {
            TrinoConnections.closeQuietly(connection);
            connection = null; // the connection itself failed: the next poll opens a new one
        }
    }

    @Override
    public byte[] snapshotPosition(long checkpointId) {
        return cursor.toBytes();
    }

    @Override
    public void close() {
        if (guardClose()) {
            return;
        }
        try {
            TrinoConnections.closeQuietly(connection);
            connection = null;
        } finally {
            unlock();
        }
    }
}
