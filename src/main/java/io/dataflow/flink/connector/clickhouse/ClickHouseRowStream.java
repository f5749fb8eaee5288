package io.dataflow.flink.connector.clickhouse;

import com.clickhouse.client.api.query.QueryResponse;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The rows of one SELECT read as the server sends them ({@link ClickHouseAccess#stream}): a cursor-less poll query
 * is emitted slice by slice instead of being held whole. Only the reading thread closes it; another thread (a
 * cancelled job) stops it by killing its query ({@link #queryId()}), after which a waiting read fails at once.
 */
public final class ClickHouseRowStream implements AutoCloseable {

    private final String queryId;
    private final QueryResponse response;
    private final MappingIterator<ObjectNode> rows;
    private final Function<Exception, ClickHouseException> failure;
    private volatile boolean closed;

    ClickHouseRowStream(String queryId, QueryResponse response, MappingIterator<ObjectNode> rows, Function<Exception, ClickHouseException> failure) {
        this.queryId = queryId;
        this.response = response;
        this.rows = rows;
        this.failure = failure;
    }

    /** The server's id of the query, for KILL QUERY. */
    public String queryId() {
        return queryId;
    }

    public boolean isOpen() {
        return !closed;
    }

    /** Up to {@code max} rows; fewer only at the end of the result, after which the stream is closed. */
    public List<ObjectNode> next(int max) throws ClickHouseException {
        List<ObjectNode> out = new ArrayList<>(Math.min(max, 1024));
        try {
            while (out.size() < max) {
                if (!rows.hasNextValue()) {
                    close();
                    break;
                }
                out.add(rows.nextValue());
            }
        } catch (Exception e) {
            close();
            throw failure.apply(e);
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        try {
            rows.close();
        } catch (Exception ignored) {
            // the response is closed next
        }
        closeQuietly(response);
    }

    static void closeQuietly(QueryResponse response) {
        try {
            response.close();
        } catch (Exception ignored) {
            // nothing more to release
        }
    }
}
