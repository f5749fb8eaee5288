package io.dataflow.flink.manifest;

import io.dataflow.flink.config.ValidationErrors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ConnectorFactory;

/**
 * A {@code kind: DataFlowCron} runs once and ends when its source is exhausted (docs/ORIGINAL.md#dataflowcron), so its source is
 * read as if the manifest said {@code bounded: true}: this sets that option in the source's config before it is
 * validated, so the job takes exactly the path an explicit {@code bounded: true} takes and {@code plan} shows it.
 * A source without a {@code bounded} option (the CDC stream has no end to stop at) is refused, as is an explicit
 * {@code bounded: false}, which would contradict the kind.
 */
final class CronSourceBounding {

    static final String BOUNDED = "bounded";

    private CronSourceBounding() {
    }

    /** The config node to validate for a DataFlowCron's source at {@code path}: the given one with {@code bounded: true}. */
    static JsonNode bound(String path, String type, ConnectorFactory factory, JsonNode config, ValidationErrors errors) {
        boolean hasOption = factory.sourceOptions().stream().anyMatch(o -> o.name().equals(BOUNDED));
        if (!hasOption) {
            errors.add(ValidationErrors.child(path, "type"), "a DataFlowCron runs once and ends when its source is exhausted; the "
                    + type + " source has no end to stop at (use a polling source such as postgresql, or kind: DataFlow)");
            return config;
        }
        if (config != null && !config.isNull() && !config.isObject()) {
            return config; // reported by the option check
        }
        ObjectNode copy = config == null || config.isNull() ? JsonNodeFactory.instance.objectNode() : ((ObjectNode) config).deepCopy();
        JsonNode given = copy.get(BOUNDED);
        if (given != null && !given.isNull() && !(given.isBoolean() && given.booleanValue())) {
            errors.add(ValidationErrors.child(ValidationErrors.child(path, "config"), BOUNDED),
                    "a DataFlowCron's source is always bounded (it runs once); remove bounded or use kind: DataFlow (got " + given + ")");
            return config;
        }
        copy.put(BOUNDED, true);
        return copy;
    }
}
