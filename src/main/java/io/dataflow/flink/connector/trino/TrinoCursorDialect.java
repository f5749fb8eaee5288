package io.dataflow.flink.connector.trino;

import io.dataflow.flink.connector.polling.CursorDialect;

/**
 * Trino's {@link CursorDialect}: double-quoted identifiers and cursor values as escaped literals cast to the
 * column's type ({@code CAST('2024-01-01 10:00:00.000000' AS timestamp(6))}); see {@link TrinoSql} for why
 * literals.
 */
final class TrinoCursorDialect implements CursorDialect {

    static final TrinoCursorDialect INSTANCE = new TrinoCursorDialect();

    private TrinoCursorDialect() {
    }

    @Override
    public String quote(String identifier) {
        return TrinoSql.quoteIdentifier(identifier);
    }

    @Override
    public String value(String text, String type) {
        return "CAST(" + TrinoSql.quoteString(text) + " AS " + type + ")";
    }

    @Override
    public boolean bindsParameters() {
        return false;
    }
}
