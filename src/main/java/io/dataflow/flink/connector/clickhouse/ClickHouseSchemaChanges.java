package io.dataflow.flink.connector.clickhouse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The columns a batch needs added (name → type) and widened (name → wider type) under schemaEvolution: evolve,
 * and the one ALTER TABLE that makes them.
 */
record ClickHouseSchemaChanges(Map<String, String> added, Map<String, String> widened) {

    ClickHouseSchemaChanges {
        added = Map.copyOf(added);
        widened = Map.copyOf(widened);
    }

    boolean isEmpty() {
        return added.isEmpty() && widened.isEmpty();
    }

    /**
     * What is still to do against the table's columns as they are now: another writer may have added or widened a
     * column meanwhile (a column whose type is no longer the one the widening starts from is left alone).
     */
    ClickHouseSchemaChanges remainingFor(Map<String, String> current) {
        Map<String, String> add = new TreeMap<>(added);
        add.keySet().removeIf(current::containsKey);
        Map<String, String> widen = new TreeMap<>(widened);
        widen.entrySet().removeIf(e -> !e.getValue().equals(ClickHouseColumnWidening.widened(current.getOrDefault(e.getKey(), ""))));
        return new ClickHouseSchemaChanges(add, widen);
    }

    /**
     * One ALTER TABLE of all changes. {@code ifNotExists}: {@code ADD COLUMN IF NOT EXISTS}, so that a writer that
     * lost the race to another one adding the same column does not fail; 18.16 does not know that form.
     */
    String alterTable(ClickHouseTableName table, boolean ifNotExists) {
        List<String> clauses = new ArrayList<>();
        new TreeMap<>(added).forEach((name, type) -> clauses.add("ADD COLUMN " + (ifNotExists ? "IF NOT EXISTS " : "")
                + ClickHouseSql.quoteIdentifier(name) + " " + type));
        new TreeMap<>(widened).forEach((name, type) -> clauses.add("MODIFY COLUMN " + ClickHouseSql.quoteIdentifier(name)
                + " " + type));
        return "ALTER TABLE " + table.qualified() + " " + String.join(", ", clauses);
    }
}
