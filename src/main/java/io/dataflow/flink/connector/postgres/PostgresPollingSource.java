package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.polling.JdbcResultStream;
import io.dataflow.flink.connector.polling.PollCursor;
import io.dataflow.flink.connector.polling.PollingOptions;
import io.dataflow.flink.connector.polling.PollingQuery;
import io.dataflow.flink.connector.polling.PollingSource;
import io.dataflow.flink.connector.polling.ReadHorizon;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.SecretMasker;
import io.dataflow.flink.message.Message;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The polling source of {@code type: postgresql} (docs/ORIGINAL.md#postgresql): reads a table (or a query) page by page in the
 * order of an incremental cursor {@code (change, key)}, keeps the cursor in Flink state, and polls again after
 * {@code pollInterval}. With {@code bounded: true} it finishes after the first cycle that finds nothing. Poll
 * errors back off ({@code pollInterval × 2^n}, at most 5 minutes) and are logged at most once a minute; the
 * {@code pollHealthy} gauge says whether the last poll worked. Runs with parallelism 1 (one cursor).
 *
 * <p>Issue 19: an incremental read stops at the {@link PostgresCommitHorizon} (no row of a transaction that commits
 * late lands behind the cursor); a poll that finds its connection broken drops it and the next poll connects again;
 * a cursor-less query streams in slices of a page (fetch size {@value #FETCH_SIZE}); cancelling the job cancels the
 * statement a poll is waiting for.
 */
public final class PostgresPollingSource extends PollingSource {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresPollingSource.class);
    /** Rows the driver fetches at a time while a cursor-less query streams. */
    private static final int FETCH_SIZE = 1000;
    private static final int VALIDATION_SECONDS = 5;

    private final PostgresConnectionString target;
    private final PostgresTableName table;
    private final String userQuery;
    private final Duration pollInterval;
    private final int page;
    private final String changeColumn;
    private final boolean changeColumnExplicit;
    private final String orderColumn;
    private final boolean autoCreate;
    private final boolean bounded;
    private final boolean waitForOpenTransactions;

    private volatile Connection connection;
    private PollingQuery query;
    private PostgresCommitHorizon horizon;
    private JdbcResultStream<PostgresRow> stream;
    /** Rows → message bytes on the polling thread (the only one that calls {@link #readPage}). */
    private final PostgresRowWriter rowWriter = new PostgresRowWriter();

    PostgresPollingSource(ConfigValues config, ConnectorContext context) {
        super("PostgreSQL source", label(config), config.get(PollingOptions.POLL_INTERVAL), config.get(PollingOptions.BOUNDED),
                context);
        this.target = PostgresConnectionString.parse(config.get(PostgresOptions.CONNECTION_STRING));
        String tableName = config.get(PostgresOptions.SOURCE_TABLE);
        boolean hasTableName = tableName != null && !tableName.isBlank();
        this.userQuery = config.get(PostgresOptions.QUERY);
        // A query wins over a table given next to it (the original's query mode); the table then only labels
        // the records' metadata.
        boolean hasQuery = userQuery != null && !userQuery.isBlank();
        this.table = !hasTableName || hasQuery ? null : PostgresIdentifiers.parseTable(tableName);
        this.pollInterval = config.get(PollingOptions.POLL_INTERVAL);
        int readBatch = config.get(PostgresOptions.READ_BATCH_SIZE);
        this.page = readBatch > 0 ? readBatch : PollingQuery.DEFAULT_PAGE;
        this.changeColumn = config.get(PostgresOptions.CHANGE_TRACKING_COLUMN);
        this.changeColumnExplicit = config.has(PostgresOptions.CHANGE_TRACKING_COLUMN);
        this.orderColumn = config.get(PollingOptions.ORDER_BY_COLUMN);
        this.autoCreate = config.get(PostgresOptions.SOURCE_AUTO_CREATE_TABLE);
        this.bounded = config.get(PollingOptions.BOUNDED);
        this.waitForOpenTransactions = config.get(PostgresOptions.WAIT_FOR_OPEN_TRANSACTIONS);
    }

    /** Metadata "table" is the name as the manifest wrote it, like the original; "query" without one. */
    private static String label(ConfigValues config) {
        String table = config.get(PostgresOptions.SOURCE_TABLE);
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
            Connection c = open();
            try {
                query = prepare(c);
                c.commit();
                horizon = waitForOpenTransactions && query.isIncremental() ? new PostgresCommitHorizon(query, label) : null;
                stream = new JdbcResultStream<>(PostgresRowJson.reader(PollingQuery.CHANGE_ALIAS));
            } catch (SQLException e) {
                PostgresConnections.closeQuietly(c);
                throw new PostgresConnectorException(SecretMasker.maskEmbeddedPasswords("PostgreSQL source " + label
                        + ": cannot prepare the query: " + SqlErrors.describe(e)), SqlErrors.sqlState(e), e);
            }
            connection = c;
            LOG.info("Connected PostgreSQL source: url={} table={} incremental={} pageSize={} pollInterval={} bounded={} "
                    + "waitForOpenTransactions={}", target.jdbcUrl(), label, query.isIncremental(), page, pollInterval, bounded,
                    horizon != null);
        } finally {
            unlock();
        }
    }

    private Connection open() throws PostgresConnectorException {
        Connection c = null;
        try {
            c = PostgresConnections.open(target);
            c.setReadOnly(!autoCreate);
            return c;
        } catch (SQLException e) {
            PostgresConnections.closeQuietly(c);
            throw new PostgresConnectorException(SecretMasker.maskEmbeddedPasswords("PostgreSQL source " + label
                    + ": cannot connect to " + target + ": " + SqlErrors.describe(e)), SqlErrors.sqlState(e), e);
        }
    }

    /** Decides the cursor expressions and reads their types, so the cursor can be bound as CAST(? AS type). */
    private PollingQuery prepare(Connection c) throws SQLException {
        String from;
        String changeExpr = null;
        if (table != null) {
            Optional<TableColumns> columns = TableCatalog.columns(c, table);
            if (columns.isEmpty() && autoCreate) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + table.qualified() + " (id SERIAL PRIMARY KEY, "
                            + "created_at TIMESTAMP DEFAULT now(), updated_at TIMESTAMP DEFAULT now())");
                }
                c.commit();
                columns = TableCatalog.columns(c, table);
            }
            if (columns.isEmpty()) {
                throw new SQLException("table " + table + " does not exist", "42P01");
            }
            from = table.qualified();
            TableColumns cols = columns.get();
            if (changeColumnExplicit) {
                changeExpr = PostgresIdentifiers.quote(changeColumn);
            } else if (cols.contains(changeColumn) && cols.contains("created_at") && changeColumn.equals("updated_at")) {
                changeExpr = "COALESCE(" + PostgresIdentifiers.quote("updated_at") + ", " + PostgresIdentifiers.quote("created_at") + ")";
            } else if (cols.contains(changeColumn)) {
                changeExpr = PostgresIdentifiers.quote(changeColumn);
            } else {
                LOG.info("PostgreSQL source {}: no column {}; reading incrementally by {} alone", table, changeColumn, orderColumn);
            }
        } else if (changeColumnExplicit) {
            from = PollingQuery.wrap(PostgresCursorDialect.INSTANCE, userQuery);
            changeExpr = PostgresIdentifiers.quote(changeColumn);
        } else {
            LOG.info("PostgreSQL source: query without changeTrackingColumn runs as written every cycle (no cursor){}",
                    bounded ? "; bounded: one cycle" : "");
            return PollingQuery.asWritten(userQuery);
        }
        String keyExpr = PostgresIdentifiers.quote(orderColumn);
        String describe = "SELECT " + (changeExpr == null ? "" : changeExpr + ", ") + keyExpr + " FROM " + from + " LIMIT 0";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(describe)) {
            ResultSetMetaData meta = rs.getMetaData();
            String changeType = changeExpr == null ? null : castableType(meta.getColumnTypeName(1));
            String keyType = castableType(meta.getColumnTypeName(changeExpr == null ? 1 : 2));
            return PollingQuery.incremental(PostgresCursorDialect.INSTANCE, from, changeExpr, changeType, keyExpr, keyType, page);
        }
    }

    /** The driver names a column with a sequence default "serial"; CAST needs the real type. */
    private static String castableType(String driverTypeName) {
        switch (driverTypeName) {
            case "serial":
                return "int4";
            case "bigserial":
                return "int8";
            case "smallserial":
                return "int2";
            default:
                return driverTypeName;
        }
    }

    @Override
    protected Page readPage(PollCursor from) throws SQLException {
        Connection c = connection();
        if (!query.isIncremental()) {
            return readQuerySlice(c, from);
        }
        String bound = null;
        boolean heldBack = false;
        if (horizon != null) {
            ReadHorizon marks;
            try {
                marks = horizon.advance(c);
            } finally {
                // the page reads in a new transaction, so that its snapshot follows the horizon's check
                c.commit();
            }
            heldBack = marks.holdsBack();
            if (!marks.hasBound() || marks.bound() == null) {
                return new Page(List.of(), from, false, heldBack);
            }
            bound = marks.bound();
        }
        String sql = query.sql(from, bound);
        List<Message> messages = new ArrayList<>();
        PollCursor last = from;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            List<String> params = query.parameters(from, bound);
            for (int i = 0; i < params.size(); i++) {
                ps.setString(i + 1, params.get(i));
            }
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                PostgresRowJson.Columns columns = PostgresRowJson.Columns.of(meta, PollingQuery.CHANGE_ALIAS);
                int keyIndex = findColumn(meta, orderColumn);
                int changeIndex = query.hasChange() ? findColumn(meta, PollingQuery.CHANGE_ALIAS) : -1;
                while (rs.next()) {
                    PostgresRow row = PostgresRow.read(rs, columns);
                    String key = keyIndex > 0 ? rs.getString(keyIndex) : null;
                    String change = changeIndex > 0 ? rs.getString(changeIndex) : null;
                    messages.add(message(row, key));
                    last = new PollCursor(change != null ? change : last.change(), key != null ? key : last.key());
                }
            }
        } finally {
            c.commit();
        }
        return new Page(messages, last, false, heldBack);
    }

    /**
     * A cursor-less query, streamed: one slice of at most a page (and of one fetch) per poll, the statement open in
     * between. A restore runs the query again from its first row (it has no position), as the next cycle would.
     */
    private Page readQuerySlice(Connection c, PollCursor from) throws SQLException {
        if (!stream.isOpen()) {
            stream.open(c, query.sql(from), FETCH_SIZE);
        }
        List<PostgresRow> rows = stream.next(Math.min(page, FETCH_SIZE));
        List<Message> messages = new ArrayList<>(rows.size());
        for (PostgresRow row : rows) {
            JsonNode id = row.get(orderColumn);
            messages.add(message(row, id == null || id.isNull() ? null : id.asText()));
        }
        boolean continues = stream.isOpen();
        if (!continues) {
            c.commit();
        }
        return new Page(messages, from, continues, false);
    }

    /** The open connection, or a new one when the last poll found the old one broken. */
    private Connection connection() throws SQLException {
        Connection c = connection;
        if (c == null) {
            c = PostgresConnections.open(target);
            c.setReadOnly(!autoCreate);
            connection = c;
            LOG.info("PostgreSQL source {} connected again", label);
        }
        return c;
    }

    /**
     * The row as a message: its JSON bytes written straight from the row, its tree built only if something reads it
     * (a transformation, a condition, a sink that reads fields), from the same values.
     */
    private Message message(PostgresRow row, String key) {
        Map<String, Object> metadata = new LinkedHashMap<>(4);
        metadata.put("table", label);
        if (key != null) {
            // a numeric key as a number (as the original's pgx value), anything else in its text form
            JsonNode id = row.get(orderColumn);
            metadata.put("id", id != null && id.isIntegralNumber() && id.canConvertToLong() ? (Object) id.longValue() : key);
        }
        metadata.put("operation", isUpdate(row) ? "update" : "insert");
        long timestamp = System.currentTimeMillis();
        if (!row.columns().uniqueLabels()) {
            return Message.ofJson(row.toTree(), metadata, timestamp);
        }
        return Message.ofSerialized(rowWriter.write(row), row::toTree, metadata, timestamp);
    }

    /** The original's rule: {@code update} when updated_at is later than created_at. */
    private static boolean isUpdate(PostgresRow row) {
        JsonNode updated = row.get("updated_at");
        JsonNode created = row.get("created_at");
        if (updated == null || !updated.isTextual() || created == null || !created.isTextual()) {
            return false;
        }
        return updated.textValue().compareTo(created.textValue()) > 0;
    }

    private static int findColumn(ResultSetMetaData meta, String label) throws SQLException {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (meta.getColumnLabel(i).equals(label)) {
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
        return SecretMasker.maskEmbeddedPasswords(SqlErrors.describe((SQLException) e));
    }

    /** Rolls back; a connection that no longer answers is dropped, and the next poll opens a new one. */
    @Override
    protected void afterPollFailure(Exception e) {
        stream.close();
        Connection c = connection;
        if (c == null) {
            return;
        }
        try {
            c.rollback();
            if (c.isValid(VALIDATION_SECONDS)) {
                return;
            }
        } catch (SQLException ignored) {
            // broken: replaced below
        }
        PostgresConnections.closeQuietly(c);
        connection = null;
    }

    /**
     * pgjdbc ignores {@link Statement#cancel()} once a statement returned its first rows, while later fetches of a
     * streamed result still wait on the server: the cancel request goes through the connection.
     */
    @Override
    protected void cancelRunningRead() {
        try {
            JdbcResultStream<PostgresRow> st = stream;
            if (st != null) {
                st.cancel();
            }
            Connection c = connection;
            if (c != null) {
                c.unwrap(PGConnection.class).cancelQuery();
            }
        } catch (SQLException e) {
            LOG.debug("PostgreSQL source {}: cancelling the running query: {}", label, e.getMessage());
        }
    }

    @Override
    public void close() {
        if (guardClose()) {
            return;
        }
        try {
            if (stream != null) {
                stream.close();
            }
            PostgresConnections.closeQuietly(connection);
            connection = null;
        } finally {
            unlock();
        }
    }

}
