package io.dataflow.flink.connector.clickhouse;

/**
 * Identifiers and literals for the SQL text this package builds. ClickHouse 18.16 has no server-side query
 * parameters, so the few values that end up in SQL (the polling cursor) are escaped here: backslash and quote
 * are backslash-escaped, as ClickHouse's own lexer expects, and control characters cannot break out of a literal.
 */
public final class ClickHouseSql {

    private ClickHouseSql() {
    }

    /** {@code `name`}, with backticks and backslashes inside escaped. */
    public static String quoteIdentifier(String name) {
        return "`" + escape(name, '`') + "`";
    }

    /** {@code 'text'}, with quotes and backslashes inside escaped. */
    public static String quoteString(String text) {
        return "'" + escape(text, '\'') + "'";
    }

    private static String escape(String s, char quote) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == quote) {
                out.append('\\').append(c);
            } else if (c == '\0') {
                out.append("\\0");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
