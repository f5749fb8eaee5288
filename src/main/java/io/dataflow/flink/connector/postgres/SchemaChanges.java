package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.connector.NewFields;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.dataflow.flink.connector.postgres.PostgresIdentifiers.quote;

/**
 * The columns a batch needs added (name → type) and widened (name → wider type) under schemaEvolution: evolve,
 * and the one ALTER TABLE that makes them. A new column is nullable and typed as autoCreateTable types a first
 * record's field, from the first non-null value the batch carries (TEXT when all are null).
 */
record SchemaChanges(Map<String, String> added, Map<String, String> widened) {

    static final SchemaChanges NONE = new SchemaChanges(Map.of(), Map.of());

    SchemaChanges {
        added = Map.copyOf(added);
        widened = Map.copyOf(widened);
    }

    /**
     * @param missing fields the records carried without a column
     * @param bodies  the batch's JSON object bodies, searched for the missing fields' values
     * @param rows    the batch's rows as built for {@code columns}: column → text value
     */
    static SchemaChanges find(TableColumns columns, Set<String> missing, List<JsonNode> bodies,
                              Collection<Map<String, String>> rows) {
        Map<String, String> added = new TreeMap<>();
        NewFields.values(missing, columns::contains, bodies).forEach((name, values) ->
                added.put(name, ColumnTypeInference.forJson(values.isEmpty() ? null : values.get(0))));
        Map<String, String> widened = new TreeMap<>();
        for (Map<String, String> row : rows) {
            for (Map.Entry<String, String> value : row.entrySet()) {
                String wider = ColumnWidening.widerType(columns.type(value.getKey()), value.getValue());
                if (wider != null) {
                    widened.merge(value.getKey(), wider, ColumnWidening::wider);
                }
            }
        }
        return new SchemaChanges(added, widened);
    }

    boolean isEmpty() {
        return added.isEmpty() && widened.isEmpty();
    }

    /**
     * What is still to do against the table as it is now: another writer may have added or widened a column
     * meanwhile.
     */
    SchemaChanges remainingFor(TableColumns current) {
        Map<String, String> add = new TreeMap<>(added);
        add.keySet().removeIf(current::contains);
        Map<String, String> widen = new TreeMap<>(widened);
        widen.entrySet().removeIf(e -> ColumnWidening.covers(current.type(e.getKey()), e.getValue()));
        return new SchemaChanges(add, widen);
    }

    /**
     * One ALTER TABLE of all changes. {@code ADD COLUMN IF NOT EXISTS} (PostgreSQL 9.6+) so that a writer that
     * lost the race to another one adding the same column does not fail; widening to the same type again is a
     * no-op for the server.
     */
    String alterTable(PostgresTableName table) {
        List<String> clauses = new ArrayList<>();
        new TreeMap<>(added).forEach((name, type) -> clauses.add("ADD COLUMN IF NOT EXISTS " + quote(name) + " " + type));
        new TreeMap<>(widened).forEach((name, type) -> clauses.add("ALTER COLUMN " + quote(name) + " TYPE " + type));
        return "ALTER TABLE " + table.qualified() + " " + String.join(", ", clauses);
    }
}
