package io.dataflow.flink.connector.postgres;

import java.io.Serializable;

/** A table and its schema, unquoted; {@link #qualified()} is the form to put into SQL. */
public record PostgresTableName(String schema, String table) implements Serializable {

    /** {@code "schema"."table"}. */
    public String qualified() {
        return PostgresIdentifiers.quote(schema) + "." + PostgresIdentifiers.quote(table);
    }

    @Override
    public String toString() {
        return qualified();
    }
}
