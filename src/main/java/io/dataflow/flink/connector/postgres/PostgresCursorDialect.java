package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.connector.polling.CursorDialect;

/** PostgreSQL's {@link CursorDialect}: double-quoted identifiers, cursor values bound as {@code CAST(? AS type)}. */
public final class PostgresCursorDialect implements CursorDialect {

    public static final PostgresCursorDialect INSTANCE = new PostgresCursorDialect();

    private PostgresCursorDialect() {
    }

    @Override
    public String quote(String identifier) {
        return PostgresIdentifiers.quote(identifier);
    }

    @Override
    public String value(String text, String type) {
        return "CAST(? AS " + type + ")";
    }

    @Override
    public boolean bindsParameters() {
        return true;
    }
}
