package io.dataflow.flink.connector.clickhouse;

import io.dataflow.flink.connector.polling.CursorDialect;

/**
 * ClickHouse's {@link CursorDialect}: backtick identifiers and cursor values as escaped literals cast to the
 * column's type ({@code CAST('2024-01-01 10:00:00' AS DateTime)}); 18.16 has no server-side query parameters.
 */
public final class ClickHouseCursorDialect implements CursorDialect {

    public static final ClickHouseCursorDialect INSTANCE = new ClickHouseCursorDialect();

    private ClickHouseCursorDialect() {
    }

    @Override
    public String quote(String identifier) {
        return ClickHouseSql.quoteIdentifier(identifier);
    }

    @Override
    public String value(String text, String type) {
        return "CAST(" + ClickHouseSql.quoteString(text) + " AS " + type + ")";
    }

    @Override
    public boolean bindsParameters() {
        return false;
    }
}
