package io.dataflow.flink.connector.postgres;

import java.util.Collection;
import java.util.Set;

/**
 * The columns that take part in a unique index or the primary key of the target table, and whether one of those
 * indexes is on an expression (whose columns the catalog does not list).
 */
record UniqueKeys(Set<String> columns, boolean onExpressions) {

    static final UniqueKeys NONE = new UniqueKeys(Set.of(), false);

    UniqueKeys {
        columns = Set.copyOf(columns);
    }

    /** Whether rows that write these columns can collide with stored rows on a unique key. */
    boolean constrain(Collection<String> written) {
        if (onExpressions) {
            return true;
        }
        for (String column : written) {
            if (columns.contains(column)) {
                return true;
            }
        }
        return false;
    }
}
