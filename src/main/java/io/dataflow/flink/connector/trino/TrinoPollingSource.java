package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.polling.PollCursor;
import io.dataflow.flink.connector.polling.PollingQuery;
import io.dataflow.flink.connector.polling.PollingSource;
import io.dataflow.flink.manifest.Config;
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
 * The polling source of {@code type: trino} (reference §4.5): the same incremental engine as the PostgreSQL and
 * ClickHouse sources ({@link PollingQuery} with {@link TrinoCursorDialect}, {@link PollSchedule}), reading
 * {@code catalog.schema.table} (or a query) page by page in the order of the cursor
 * {@code (changeTrackingColumn, orderByColumn)}, which lives in Flink state. A table without the change column is
 * read by the order column alone. Records carry metadata {@code catalog}, {@code schema}, {@code table}, {@code id}.
 * With {@code bounded: true} it finishes after the first cycle that finds nothing. Runs with parallelism 1.
 */
public final class TrinoPollingSource extends PollingSource {

    private static final Logger LOG = LoggerFactory.getLogger(TrinoPollingSource.class);
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

    private volatile Connection connection;
    private PollingQuery query;

    TrinoPollingSource(Config config, ConnectorContext context) {
        super("Trino source", label(config), config.get(TrinoOptions.POLL_INTERVAL), config.get(TrinoOptions.BOUNDED), context);
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
        this.catalogLabel = catalog;
        this.schemaLabel = schema;
    }

    /** Metadata "table" is the name as the manifest wrote it, like the original; "query" without one. */
    private static String label(Config config) {
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
            } catch (SQLException e) {
                TrinoConnections.closeQuietly(c);
                throw new TrinoException("Trino source " + catalogLabel + "." + schemaLabel + "." + label
                        + ": cannot prepare the query: " + TrinoErrors.reason(e), e);
            }
            connection = c;
            LOG.info("Connected Trino source: server={} catalog={} schema={} table={} incremental={} pageSize={} pollInterval={} "
                    + "bounded={}", serverUrl, catalogLabel, schemaLabel, label, query.isIncremental(), page, pollInterval, bounded);
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
        // a connection whose Keycloak token is due is replaced before the query
        connection = connections.fresh(connection);
        List<Message> messages = new ArrayList<>();
        PollCursor last = from;
        try (Statement s = connection.createStatement()) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rs = s.executeQuery(query.sql(from))) {
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
        return new Page(messages, last);
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
        if (((SQLException) e).getErrorCode() == 0) {
            TrinoConnections.closeQuietly(connection);
            connection = null;
        }
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
