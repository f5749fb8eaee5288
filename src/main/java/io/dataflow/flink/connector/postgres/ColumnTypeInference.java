package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The column types an auto-created table gets, inferred from the first record the way the original does:
 * null→TEXT, boolean→BOOLEAN, integer→BIGINT, other numbers→NUMERIC, string→TEXT, object/array→JSONB.
 */
public final class ColumnTypeInference {

    private ColumnTypeInference() {
    }

    /** Type of a body field. Integers too large for BIGINT become NUMERIC so that they still fit. */
    public static String forJson(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "TEXT";
        }
        if (value.isBoolean()) {
            return "BOOLEAN";
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? "BIGINT" : "NUMERIC";
        }
        if (value.isNumber()) {
            return "NUMERIC";
        }
        if (value.isContainerNode()) {
            return "JSONB";
        }
        return "TEXT";
    }

    /**
     * Type of a flattened metadata column (docs/ORIGINAL.md#shared-connector-behaviour: bool, int32, int64, double, else string). Instants
     * (Kafka {@code timestamp}) become TIMESTAMPTZ and maps/lists (Kafka {@code headers}) JSONB, which the docs
     * describe and which keeps them queryable; plain text would lose both.
     */
    public static String forMetadata(Object value) {
        if (value instanceof Boolean) {
            return "BOOLEAN";
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return "INTEGER";
        }
        if (value instanceof Long) {
            return "BIGINT";
        }
        if (value instanceof Double || value instanceof Float) {
            return "DOUBLE PRECISION";
        }
        if (value instanceof Instant) {
            return "TIMESTAMPTZ";
        }
        if (value instanceof Map || value instanceof List) {
            return "JSONB";
        }
        if (value instanceof JsonNode) {
            JsonNode node = (JsonNode) value;
            if (node.isBoolean()) {
                return "BOOLEAN";
            }
            if (node.isIntegralNumber()) {
                // a pre-wrapped body's _metadata is JSON: a small offset today may be a large one tomorrow
                return node.canConvertToLong() ? "BIGINT" : "NUMERIC";
            }
            if (node.isNumber()) {
                return "DOUBLE PRECISION";
            }
            return node.isContainerNode() ? "JSONB" : "TEXT";
        }
        return "TEXT";
    }
}
