package io.dataflow.flink.connector.postgres.cdc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.postgres.PostgresIdentifiers;
import io.dataflow.flink.connector.postgres.PostgresTableName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the captured tables for the initial snapshot, page by page, in one read-only REPEATABLE READ transaction:
 * on the snapshot the slot exported when it was created (so the stream continues exactly where the snapshot ends),
 * or on a fresh one when the slot already existed (the stream then replays changes the snapshot already holds,
 * which upserting sinks absorb). Columns are read as {@code ::text} and converted by {@link PgTextValues}, so a
 * snapshot row is the same JSON as the streamed insert of the same row.
 */
final class TableSnapshot implements AutoCloseable {

    private static final Pattern SNAPSHOT_NAME = Pattern.compile("[0-9A-Fa-f-]+");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Connection connection;
    private final int pageSize;
    private PostgresTableName current;
    private Statement statement;
    private ResultSet rows;
    private List<String> columnNames;
    private List<Integer> columnTypes;

    /** Starts the transaction; {@code exportedSnapshot} may be null. The connection is in manual-commit mode. */
    TableSnapshot(Connection connection, String exportedSnapshot, int pageSize) throws SQLException {
        this.connection = connection;
        this.pageSize = pageSize;
        try (Statement s = connection.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            if (exportedSnapshot != null) {
                if (!SNAPSHOT_NAME.matcher(exportedSnapshot).matches()) {
                    throw new SQLException("unexpected exported snapshot name " + exportedSnapshot);
                }
                s.execute("SET TRANSACTION SNAPSHOT '" + exportedSnapshot + "'");
            }
        }
    }

    /** Opens a cursor over the table's rows. */
    void open(PostgresTableName table) throws SQLException {
        closeCursor();
        columnNames = new ArrayList<>();
        columnTypes = new ArrayList<>();
        String sql = "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 "
                + "AND NOT attisdropped ORDER BY attnum";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, table.qualified());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columnNames.add(rs.getString(1));
                    columnTypes.add(rs.getInt(2));
                }
            }
        }
        if (columnNames.isEmpty()) {
            throw new SQLException("table " + table + " does not exist or has no columns", "42P01");
        }
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < columnNames.size(); i++) {
            select.append(i == 0 ? "" : ", ").append(PostgresIdentifiers.quote(columnNames.get(i))).append("::text");
        }
        select.append(" FROM ").append(table.qualified());
        statement = connection.createStatement();
        statement.setFetchSize(pageSize); // a server-side cursor: the driver fetches pageSize rows at a time
        rows = statement.executeQuery(select.toString());
        current = table;
    }

    /** Up to one page of the open table's rows; fewer (possibly none) at its end. */
    List<ObjectNode> nextPage() throws SQLException {
        List<ObjectNode> page = new ArrayList<>(pageSize);
        while (page.size() < pageSize && rows.next()) {
            ObjectNode row = NODES.objectNode();
            for (int i = 0; i < columnNames.size(); i++) {
                row.set(columnNames.get(i), PgTextValues.toJson(columnTypes.get(i), rows.getString(i + 1)));
            }
            page.add(row);
        }
        return page;
    }

    PostgresTableName current() {
        return current;
    }

    private void closeCursor() throws SQLException {
        if (rows != null) {
            rows.close();
            rows = null;
        }
        if (statement != null) {
            statement.close();
            statement = null;
        }
    }

    /** Ends the read-only transaction; the connection stays open for its owner to close. */
    @Override
    public void close() throws SQLException {
        closeCursor();
        connection.rollback();
    }
}
