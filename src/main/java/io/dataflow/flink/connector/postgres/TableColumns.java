package io.dataflow.flink.connector.postgres;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The columns of the target table in table order, each with its base type ({@code format_type(oid, NULL)}). */
public final class TableColumns {

    private final Map<String, String> types;

    public TableColumns(Map<String, String> types) {
        this.types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
    }

    public boolean contains(String column) {
        return types.containsKey(column);
    }

    /** The base type (e.g. {@code bigint}, {@code character varying}, {@code jsonb}), or null for no such column. */
    public String type(String column) {
        return types.get(column);
    }

    public List<String> names() {
        return new ArrayList<>(types.keySet());
    }

    /** The given columns, in table order. */
    public List<String> ordered(Set<String> wanted) {
        List<String> out = new ArrayList<>(wanted.size());
        for (String name : types.keySet()) {
            if (wanted.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    public boolean isJson(String column) {
        return ColumnValues.isJsonType(types.get(column));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableColumns && types.equals(((TableColumns) o).types)
                && names().equals(((TableColumns) o).names());
    }

    @Override
    public int hashCode() {
        return types.hashCode();
    }

    @Override
    public String toString() {
        return types.toString();
    }
}
