package io.dataflow.flink.connector.trino;

import java.io.Serializable;
import java.util.Locale;

/**
 * {@code catalog.schema.table} of the manifest, each part one identifier (a dot inside {@code table} is part of
 * the name, not a separator). Trino folds identifiers to lower case, quoted or not, so the catalog lookups
 * ({@code information_schema}) use the folded names.
 */
public record TrinoTableName(String catalog, String schema, String table) implements Serializable {

    public TrinoTableName {
        require(catalog, "catalog");
        require(schema, "schema");
        require(table, "table");
    }

    private static void require(String part, String field) {
        if (part == null || part.isBlank()) {
            throw new IllegalArgumentException(field + ": must not be empty");
        }
    }

    /** The quoted three-part name for SQL. */
    public String qualified() {
        return TrinoSql.quoteIdentifier(catalog) + "." + TrinoSql.quoteIdentifier(schema) + "." + TrinoSql.quoteIdentifier(table);
    }

    public String qualifiedSchema() {
        return TrinoSql.quoteIdentifier(catalog) + "." + TrinoSql.quoteIdentifier(schema);
    }

    String catalogKey() {
        return catalog.toLowerCase(Locale.ROOT);
    }

    String schemaKey() {
        return schema.toLowerCase(Locale.ROOT);
    }

    String tableKey() {
        return table.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return catalog + "." + schema + "." + table;
    }
}
