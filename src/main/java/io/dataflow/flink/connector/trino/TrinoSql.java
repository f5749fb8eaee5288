package io.dataflow.flink.connector.trino;

/**
 * Quoting for the SQL this connector writes. Trino's protocol has no out-of-band parameters (trino-jdbc's
 * PreparedStatement also writes its parameters into {@code EXECUTE … USING} as literals), so every value is a
 * literal: strings between single quotes with each quote doubled (Trino string literals know no backslash
 * escapes), identifiers between double quotes with each double quote doubled. Nothing else reaches the SQL text.
 */
public final class TrinoSql {

    private TrinoSql() {
    }

    public static String quoteIdentifier(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    public static String quoteString(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
