package io.dataflow.flink.connector.polling;

/** How one database writes the parts of a {@link PollingQuery}: quoted identifiers and cursor values. */
public interface CursorDialect {

    /** A quoted identifier. */
    String quote(String identifier);

    /**
     * A cursor value of the given column type in SQL. PostgreSQL binds it ({@code CAST(? AS type)}, the value
     * goes into {@link PollingQuery#parameters}); ClickHouse 18.16 has no server-side parameters, so its dialect
     * writes an escaped literal ({@code CAST('…' AS type)}).
     */
    String value(String text, String type);

    /** Whether {@link #value} writes placeholders whose values {@link PollingQuery#parameters} lists. */
    boolean bindsParameters();
}
