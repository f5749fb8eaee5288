package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.message.MetadataValues;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Every value the sink writes is sent as its PostgreSQL text form and converted by the server's own input
 * function for the target column type — the same path for COPY and for bound parameters
 * ({@code CAST(? AS type)}). So ISO strings land in timestamp columns, "12" in bigint columns, JSON in jsonb
 * columns, and a value the column cannot hold is a data error of that record, not a silent coercion here.
 */
public final class ColumnValues {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ColumnValues() {
    }

    /**
     * The text to store for a JSON body value in a column of the given type, or null for SQL NULL. For json and
     * jsonb columns the value is written as JSON (a string becomes {@code "text"}); elsewhere strings are stored
     * as they are and objects/arrays as their JSON text.
     */
    public static String forColumn(JsonNode value, String columnType) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (isJsonType(columnType)) {
            return toJson(value);
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isContainerNode()) {
            return toJson(value);
        }
        if (value.isNumber() && isIntegerType(columnType) && !value.isIntegralNumber()) {
            return integralText(value);
        }
        if (value.isBigDecimal()) {
            return value.decimalValue().toPlainString();
        }
        return value.asText();
    }

    private static boolean isIntegerType(String columnType) {
        return "bigint".equals(columnType) || "integer".equals(columnType) || "smallint".equals(columnType);
    }

    /**
     * A JSON number with an integral value written as a decimal ({@code 1.0}, {@code 1e3}) as the integer column's
     * text ({@code 1}, {@code 1000}): JSON does not distinguish them, and PostgreSQL's integer input refuses the
     * decimal spelling. A fractional value stays as it is, so that the column refuses it instead of rounding it.
     */
    private static String integralText(JsonNode value) {
        if (value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
            return value.asText();
        }
        BigDecimal decimal = value.decimalValue();
        try {
            return decimal.toBigIntegerExact().toString();
        } catch (ArithmeticException fractional) {
            return decimal.toPlainString();
        }
    }

    /** The text to store for a metadata value: instants as RFC 3339 UTC, maps and lists as JSON. */
    public static String forMetadata(Object value, String columnType) {
        if (value == null) {
            return null;
        }
        if (value instanceof JsonNode) {
            return forColumn((JsonNode) value, columnType);
        }
        if (value instanceof Map || value instanceof List || isJsonType(columnType)) {
            return toJson(MetadataValues.valueToJson(value));
        }
        if (value instanceof Instant) {
            return value.toString();
        }
        return String.valueOf(value);
    }

    public static boolean isJsonType(String columnType) {
        return "jsonb".equalsIgnoreCase(columnType) || "json".equalsIgnoreCase(columnType);
    }

    public static String toJson(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }
}
