package io.dataflow.flink.connector;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The fields a batch carries that its target has no column for (schemaEvolution: evolve), each with the non-null
 * values the batch holds for it, in batch order: what a sink types a new column by. Shared by the sinks, which type
 * the values each in their own way (the PostgreSQL sink by the first value, the ClickHouse sink by all of them).
 */
public final class NewFields {

    private NewFields() {
    }

    /**
     * @param fields    names the records carried without a column (a name the target has meanwhile is skipped)
     * @param hasColumn whether the target has a column of that name now
     * @param bodies    the batch's JSON object bodies
     * @return name → its non-null values (empty when the batch holds only nulls for it), sorted by name
     */
    public static Map<String, List<JsonNode>> values(Collection<String> fields, Predicate<String> hasColumn,
                                                     List<JsonNode> bodies) {
        Map<String, List<JsonNode>> values = new TreeMap<>();
        for (String name : fields) {
            if (!hasColumn.test(name)) {
                values.put(name, new ArrayList<>());
            }
        }
        if (values.isEmpty()) {
            return values;
        }
        for (JsonNode body : bodies) {
            for (Map.Entry<String, List<JsonNode>> field : values.entrySet()) {
                JsonNode value = body.get(field.getKey());
                if (value != null && !value.isNull()) {
                    field.getValue().add(value);
                }
            }
        }
        return values;
    }
}
