package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.polling.JdbcResultStream;
import io.dataflow.flink.connector.polling.PollCursor;
import io.dataflow.flink.connector.polling.PollingOptions;
import io.dataflow.flink.connector.polling.PollingQuery;
import io.dataflow.flink.connector.polling.PollingSource;
import io.dataflow.flink.connector.polling.SafetyLagHorizon;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.message.Message;
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
 * The polling source of {@code type: trino} (docs/ORIGINAL.md#trino): the same incremental engine as the PostgreSQL and
 * ClickHouse sources ({@link PollingQuery} with {@link TrinoCursorDialect}, {@link PollSchedule}), reading
 * {@code catalog.schema.table} (or a query) page by page in the order of the cursor
 * {@code (changeTrackingColumn, orderByColumn)}, which lives in Flink state. A table without the change column is
 * read by the order column alone. Records carry metadata {@code catalog}, {@code schema}, {@code table}, {@code id}.
 * With {@code bounded: true} it finishes after the first cycle that finds nothing. Runs with parallelism 1.
 *
 * <p>Trino cannot say which writes are still in flight, so an incremental read stops at a {@link SafetyLagHorizon}
 * ({@code safetyLag}); a cursor-less query streams in slices; a failed poll without a Trino error code drops the
 * connection and the next poll opens a new one; cancelling the job cancels the running query.
 */
public final class TrinoPollingSource extends PollingSource {

    private static final Logger LOG = LoggerFactory.getLogger(TrinoPollingSource.class);
    private static final int QUERY_TIMEOUT_SECONDS = 300;
    private static final int FETCH_SIZE = 1000;

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
    private final Duration safetyLag;

    private volatile Connection connection;
    private PollingQuery query;
    private SafetyLagHorizon horizon;
    /** The cursor-less query being read, between polls too. */
    private volatile JdbcResultStream<ObjectNode> stream;
    /** The statement a poll waits for, cancelled from the job's cancel path. */
    private volatile Statement running;

    TrinoPollingSource(ConfigValues config, ConnectorContext context) {
        super("Trino source", label(config), config.get(PollingOptions.POLL_INTERVAL), config.get(PollingOptions.BOUNDED), context);
        this.serverUrl = config.get(TrinoOptions.SERVER_URL);
        String catalog = config.get(TrinoOptions.CATALOG);
        String schema = config.get(TrinoOptions.SCHEMA);
        this.connections = new TrinoConnections(serverUrl, catalog, schema, KeycloakCredentials.from(config));
        String tableName = config.get(TrinoOptions.TABLE);
        boolean hasTable = tableName != null && !tableName.isBlank();
        this.userQuery = config.get(TrinoOptions.QUERY);
        boolean hasQuery = userQuery != null && !userQuery.isBlank();
        this.table = hasTable && !hasQuery ? new TrinoTableName(catalog, schema, tableName.trim()) : null;
        this.pollInterval = config.get(PollingOptions.POLL_INTERVAL);
        int readBatch = config.get(PollingOptions.READ_BATCH_SIZE);
        this.page = readBatch > 0 ? readBatch : PollingQuery.DEFAULT_PAGE;
        this.changeColumn = config.get(TrinoOptions.CHANGE_TRACKING_COLUMN);
        this.changeColumnExplicit = config.has(TrinoOptions.CHANGE_TRACKING_COLUMN);
        this.orderColumn = config.get(PollingOptions.ORDER_BY_COLUMN);
        this.bounded = config.get(PollingOptions.BOUNDED);
        this.catalogLabel = catalog;
        this.schemaLabel = schema;
        this.safetyLag = config.get(PollingOptions.SAFETY_LAG);
    }

    /** Metadata "table" is the name as the manifest wrote it, like the original; "query" without one. */
    private static String label(ConfigValues config) {
        String table = config.get(TrinoOptions.TABLE);
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
            Connection c = null;
            try {
                c = connections.open();
                query = prepare(c);
                horizon = query.isIncremental() && SafetyLagHorizon.enabled(safetyLag) ? new SafetyLagHorizon(safetyLag) : null;
            } catch (SQLException e) {
                TrinoConnections.closeQuietly(c);
                throw new TrinoException("Trino source " + catalogLabel + "." + schemaLabel + "." + label
                        + ": cannot prepare the query: " + TrinoErrors.reason(e), e);
            }
            connection = c;
            LOG.info("Connected Trino source: server={} catalog={} schema={} table={} incremental={} pageSize={} pollInterval={} "
                    + "bounded={} safetyLag={}", serverUrl, catalogLabel, schemaLabel, label, query.isIncremental(), page, pollInterval, bounded,
                    horizon != null ? safetyLag : Duration.ZERO);
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
    protected Page readPage(PollCursor from) throws SQLException {
        if (!query.isIncremental()) {
            return readQuerySlice(from);
        }
        // a connection whose Keycloak token is due (or that a failed poll dropped) is replaced before the query
        connection = connections.fresh(connection);
        SafetyLagHorizon.Limit limit = horizon == null ? SafetyLagHorizon.Limit.NONE : horizon.limit(this::highestValue);
        if (limit.readNothing()) {
            return new Page(List.of(), from, false, limit.heldBack());
        }
        List<Message> messages = new ArrayList<>();
        PollCursor last = from;
        try (Statement s = connection.createStatement()) {
            running = s;
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rs = s.executeQuery(query.sql(from, limit.bound()))) {
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
        } finally {
            running = null;
        }
        return new Page(messages, last, false, limit.heldBack());
    }

    /** The highest value of the cursor's first column now, in the text form the cursor keeps. */
    private String highestValue() throws SQLException {
        try (Statement s = connection.createStatement()) {
            running = s;
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rs = s.executeQuery("SELECT max(" + query.boundExpr() + ") FROM " + query.from())) {
                return rs.next() ? rs.getString(1) : null;
            }
        } finally {
            running = null;
        }
    }

    /**
     * A cursor-less query, streamed: one slice of at most a page per poll, the result open in between (the driver
     * fetches Trino's result pages as they are read). A restore runs the query again from its first row.
     */
    private Page readQuerySlice(PollCursor from) throws SQLException {
        JdbcResultStream<ObjectNode> s = stream;
        if (s == null || !s.isOpen()) {
            connection = connections.fresh(connection);
            s = new JdbcResultStream<>(new JdbcResultStream.RowReader<>() {
                private TrinoRowJson rowJson;

                @Override
                public ObjectNode read(ResultSet rs, ResultSetMetaData meta) throws SQLException {
                    if (rowJson == null) {
                        rowJson = new TrinoRowJson(meta, PollingQuery.CHANGE_ALIAS);
                    }
                    return rowJson.of(rs);
                }
            });
            stream = s;
            s.open(connection, query.sql(from), FETCH_SIZE);
        }
        List<ObjectNode> rows = s.next(Math.min(page, FETCH_SIZE));
        List<Message> messages = new ArrayList<>(rows.size());
        for (ObjectNode row : rows) {
            JsonNode keyNode = findField(row, orderColumn);
            String key = keyNode == null || keyNode.isNull() ? null : keyNode.asText();
            messages.add(message(row, key, keyNode));
        }
        return new Page(messages, from, s.isOpen(), false);
    }

    /** Trino folds unquoted column names to lower case, so the order column is found in any case. */
    private static JsonNode findField(ObjectNode row, String name) {
        JsonNode exact = row.get(name);
        if (exact != null) {
            return exact;
        }
        for (java.util.Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue();
            }
        }
        return null;
    }

    private Message message(ObjectNode row, String key, JsonNode keyNode) {
        Map<String, Object> metadata = new LinkedHashMap<>(4);
        metadata.put("catalog", catalogLabel);
        metadata.put("schema", schemaLabel);
        metadata.put("table", label);
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

    @Override
    protected boolean isPollFailure(Exception e) {
        return e instanceof SQLException;
    }

    @Override
    protected String describe(Exception e) {
        return TrinoErrors.reason((SQLException) e);
    }

    /** A failure without a Trino error code means the connection itself failed: the next poll opens a new one. */
    @Override
    protected void afterPollFailure(Exception e) {
        closeStream();
        if (((SQLException) e).getErrorCode() == 0) {
            TrinoConnections.closeQuietly(connection);
            connection = null;
        }
    }

    @Override
    protected void cancelRunningRead() {
        try {
            Statement s = running;
            if (s != null) {
                s.cancel();
            }
            JdbcResultStream<ObjectNode> st = stream;
            if (st != null) {
                st.cancel();
            }
        } catch (SQLException e) {
            LOG.debug("Trino source {}: cancelling the running query: {}", label, e.getMessage());
        }
    }

    private void closeStream() {
        JdbcResultStream<ObjectNode> s = stream;
        stream = null;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() {
        if (guardClose()) {
            return;
        }
        try {
            closeStream();
            TrinoConnections.closeQuietly(connection);
            connection = null;
        } finally {
            unlock();
        }
    }
}
