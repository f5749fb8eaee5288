package io.dataflow.flink.connector.polling;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A cursor-less query read in slices across polls (issue 19): the statement stays open and the driver fetches
 * {@code fetchSize} rows at a time, so a result larger than the heap is emitted as it arrives instead of being
 * held whole. The statement is reachable from another thread for {@link #cancel()}.
 *
 * @param <T> what one row becomes
 */
public final class JdbcResultStream<T> implements AutoCloseable {

    /** Turns the current row into a value; the metadata is the result's. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet rs, ResultSetMetaData meta) throws SQLException;
    }

    private final RowReader<T> reader;
    private Statement statement;
    private ResultSet result;
    private ResultSetMetaData meta;
    private volatile Statement running;
    private volatile boolean cancelled;

    public JdbcResultStream(RowReader<T> reader) {
        this.reader = reader;
    }

    public boolean isOpen() {
        return result != null;
    }

    /** Runs the query; PostgreSQL streams only inside a transaction (autocommit off) with a fetch size. */
    public void open(Connection c, String sql, int fetchSize) throws SQLException {
        close();
        Statement s = c.createStatement();
        running = s;
        statement = s;
        s.setFetchSize(fetchSize);
        result = s.executeQuery(sql);
        meta = result.getMetaData();
    }

    /** Up to {@code max} rows; fewer only at the end of the result, after which the stream is closed. */
    public List<T> next(int max) throws SQLException {
        List<T> rows = new ArrayList<>(Math.min(max, 1024));
        while (rows.size() < max) {
            if (cancelled) {
                close();
                throw new SQLException("the query was cancelled (the job is cancelled)", "57014");
            }
            if (!result.next()) {
                close();
                break;
            }
            rows.add(reader.read(result, meta));
        }
        return rows;
    }

    /**
     * Cancels the running statement on the server and stops reading; safe from any thread. A driver may ignore
     * {@link Statement#cancel()} while the result is fetched after the first rows (pgjdbc does): its source then
     * cancels through the connection as well.
     */
    public void cancel() throws SQLException {
        cancelled = true;
        Statement s = running;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void close() {
        running = null;
        try {
            if (result != null) {
                result.close();
            }
        } catch (SQLException ignored) {
            // the statement is closed next; a broken connection is replaced by the source
        }
        try {
            if (statement != null) {
                statement.close();
            }
        } catch (SQLException ignored) {
            // as above
        }
        result = null;
        statement = null;
        meta = null;
    }
}
