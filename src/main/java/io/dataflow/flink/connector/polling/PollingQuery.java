package io.dataflow.flink.connector.polling;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of one page of a poll cycle (docs/ORIGINAL.md#postgresql, docs/ORIGINAL.md#clickhouse), the same for every SQL source; the
 * {@link CursorDialect} writes identifiers and cursor values:
 * <pre>
 * SELECT *, &lt;change&gt; AS __dataflow_change FROM &lt;source&gt;
 *   WHERE (&lt;change&gt;, &lt;key&gt;) &gt; (CAST(v1 AS t1), CAST(v2 AS t2))    -- or change &gt; v1, or key &gt; v2, or nothing
 *     AND &lt;change&gt; &lt;= CAST(bound AS t1)                                -- with a {@link ReadHorizon}
 *   ORDER BY &lt;change&gt;, &lt;key&gt; LIMIT &lt;page&gt;
 * </pre>
 * The source is the table, or the user's query wrapped as {@code (…) AS __dataflow_src}. A non-incremental query
 * (no explicit change column) runs as written, once per cycle, as the original did.
 */
public final class PollingQuery {

    public static final int DEFAULT_PAGE = 10_000;
    public static final String CHANGE_ALIAS = "__dataflow_change";

    private final CursorDialect dialect;
    private final String from;
    private final String changeExpr;
    private final String changeType;
    private final String keyExpr;
    private final String keyType;
    private final int page;
    private final String rawQuery;

    private PollingQuery(CursorDialect dialect, String from, String changeExpr, String changeType, String keyExpr,
                         String keyType, int page, String rawQuery) {
        this.dialect = dialect;
        this.from = from;
        this.changeExpr = changeExpr;
        this.changeType = changeType;
        this.keyExpr = keyExpr;
        this.keyType = keyType;
        this.page = page;
        this.rawQuery = rawQuery;
    }

    /** Incremental reads of a relation (a table, or a wrapped query) by (change, key) or by key alone. */
    public static PollingQuery incremental(CursorDialect dialect, String from, String changeExpr, String changeType,
                                           String keyExpr, String keyType, int page) {
        return new PollingQuery(dialect, from, changeExpr, changeType, keyExpr, keyType, page, null);
    }

    /** The user's query as written, every cycle (no cursor). */
    public static PollingQuery asWritten(String query) {
        return new PollingQuery(null, null, null, null, null, null, 0, query);
    }

    /** The user's query as a relation: {@code (query) AS __dataflow_src}, trailing semicolons removed. */
    public static String wrap(CursorDialect dialect, String userQuery) {
        String q = userQuery.trim();
        while (q.endsWith(";")) {
            q = q.substring(0, q.length() - 1).trim();
        }
        return "(" + q + ") AS " + dialect.quote("__dataflow_src");
    }

    public boolean isIncremental() {
        return rawQuery == null;
    }

    public boolean hasChange() {
        return changeExpr != null;
    }

    public int page() {
        return page;
    }

    /** The column a {@link ReadHorizon} bounds: the change expression, or the key without one. */
    public String boundExpr() {
        return changeExpr != null ? changeExpr : keyExpr;
    }

    /** The relation read: the table, or the wrapped query. */
    public String from() {
        return from;
    }

    public String sql(PollCursor cursor) {
        return sql(cursor, null);
    }

    /** The values bound to the placeholders of {@link #sql(PollCursor)}. */
    public List<String> parameters(PollCursor cursor) {
        return parameters(cursor, null);
    }

    /** The page after {@code cursor}, with {@link #boundExpr} at most {@code bound} when it is not null. */
    public String sql(PollCursor cursor, String bound) {
        if (rawQuery != null) {
            return rawQuery;
        }
        StringBuilder sql = new StringBuilder("SELECT *");
        if (changeExpr != null) {
            sql.append(", ").append(changeExpr).append(" AS ").append(dialect.quote(CHANGE_ALIAS));
        }
        sql.append(" FROM ").append(from);
        if (changeExpr != null && cursor.change() != null && cursor.key() != null) {
            sql.append(" WHERE (").append(changeExpr).append(", ").append(keyExpr).append(") > (")
                    .append(dialect.value(cursor.change(), changeType)).append(", ")
                    .append(dialect.value(cursor.key(), keyType)).append(")");
        } else if (changeExpr != null && cursor.change() != null) {
            sql.append(" WHERE ").append(changeExpr).append(" > ").append(dialect.value(cursor.change(), changeType));
        } else if (cursor.key() != null) {
            sql.append(" WHERE ").append(keyExpr).append(" > ").append(dialect.value(cursor.key(), keyType));
        }
        if (bound != null) {
            sql.append(hasCursorCondition(cursor) ? " AND " : " WHERE ").append(boundExpr()).append(" <= ")
                    .append(dialect.value(bound, changeExpr != null ? changeType : keyType));
        }
        sql.append(" ORDER BY ");
        if (changeExpr != null) {
            sql.append(changeExpr).append(", ");
        }
        sql.append(keyExpr).append(" LIMIT ").append(page);
        return sql.toString();
    }

    private boolean hasCursorCondition(PollCursor cursor) {
        return (changeExpr != null && cursor.change() != null) || cursor.key() != null;
    }

    /** The values bound to the placeholders of {@link #sql(PollCursor, String)}, in order; none when the dialect writes literals. */
    public List<String> parameters(PollCursor cursor, String bound) {
        List<String> out = new ArrayList<>(2);
        if (rawQuery != null || !dialect.bindsParameters()) {
            return out;
        }
        if (changeExpr != null && cursor.change() != null) {
            out.add(cursor.change());
            if (cursor.key() != null) {
                out.add(cursor.key());
            }
        } else if (cursor.key() != null) {
            out.add(cursor.key());
        }
        if (bound != null) {
            out.add(bound);
        }
        return out;
    }
}
