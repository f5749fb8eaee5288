package io.dataflow.flink.connector.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of one page of a poll cycle (reference §4.2), with the cursor always as bound parameters:
 * <pre>
 * SELECT *, &lt;change&gt; AS "__dataflow_change" FROM &lt;source&gt;
 *   WHERE (&lt;change&gt;, &lt;key&gt;) &gt; (CAST(? AS t1), CAST(? AS t2))    -- or change &gt; ?, or key &gt; ?, or nothing
 *   ORDER BY &lt;change&gt;, &lt;key&gt; LIMIT &lt;page&gt;
 * </pre>
 * The source is the table, or the user's query wrapped as {@code (…) AS "__dataflow_src"}. A non-incremental query
 * (no explicit change column) runs as written, once per cycle, as the original did.
 */
final class PollingQuery {

    static final int DEFAULT_PAGE = 10_000;
    static final String CHANGE_ALIAS = "__dataflow_change";

    private final String from;
    private final String changeExpr;
    private final String changeType;
    private final String keyExpr;
    private final String keyType;
    private final int page;
    private final String rawQuery;

    private PollingQuery(String from, String changeExpr, String changeType, String keyExpr, String keyType, int page, String rawQuery) {
        this.from = from;
        this.changeExpr = changeExpr;
        this.changeType = changeType;
        this.keyExpr = keyExpr;
        this.keyType = keyType;
        this.page = page;
        this.rawQuery = rawQuery;
    }

    /** Incremental reads of a relation (a table, or a wrapped query) by (change, key) or by key alone. */
    static PollingQuery incremental(String from, String changeExpr, String changeType, String keyExpr, String keyType, int page) {
        return new PollingQuery(from, changeExpr, changeType, keyExpr, keyType, page, null);
    }

    /** The user's query as written, every cycle (no cursor). */
    static PollingQuery asWritten(String query) {
        return new PollingQuery(null, null, null, null, null, 0, query);
    }

    static String wrap(String userQuery) {
        String q = userQuery.trim();
        while (q.endsWith(";")) {
            q = q.substring(0, q.length() - 1).trim();
        }
        return "(" + q + ") AS " + PostgresIdentifiers.quote("__dataflow_src");
    }

    boolean isIncremental() {
        return rawQuery == null;
    }

    boolean hasChange() {
        return changeExpr != null;
    }

    int page() {
        return page;
    }

    String sql(PollCursor cursor) {
        if (rawQuery != null) {
            return rawQuery;
        }
        StringBuilder sql = new StringBuilder("SELECT *");
        if (changeExpr != null) {
            sql.append(", ").append(changeExpr).append(" AS ").append(PostgresIdentifiers.quote(CHANGE_ALIAS));
        }
        sql.append(" FROM ").append(from);
        if (changeExpr != null && cursor.change() != null && cursor.key() != null) {
            sql.append(" WHERE (").append(changeExpr).append(", ").append(keyExpr).append(") > (")
                    .append(cast(changeType)).append(", ").append(cast(keyType)).append(")");
        } else if (changeExpr != null && cursor.change() != null) {
            sql.append(" WHERE ").append(changeExpr).append(" > ").append(cast(changeType));
        } else if (cursor.key() != null) {
            sql.append(" WHERE ").append(keyExpr).append(" > ").append(cast(keyType));
        }
        sql.append(" ORDER BY ");
        if (changeExpr != null) {
            sql.append(changeExpr).append(", ");
        }
        sql.append(keyExpr).append(" LIMIT ").append(page);
        return sql.toString();
    }

    /** The values bound to the {@code ?} of {@link #sql}, in order. */
    List<String> parameters(PollCursor cursor) {
        List<String> out = new ArrayList<>(2);
        if (rawQuery != null) {
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
        return out;
    }

    private static String cast(String type) {
        return "CAST(? AS " + type + ")";
    }
}
