package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trino.jdbc.Row;
import io.trino.jdbc.RowField;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Trino result row as the JSON object a record carries: numbers as numbers (decimals exact), booleans, text,
 * dates and times in Trino's text ({@code 2024-01-01}, {@code 2024-01-01 10:00:00.123456}) as the original's REST
 * client passed them, timestamps with a time zone as RFC 3339 UTC, json columns as JSON, varbinary as base64, and
 * ARRAY/MAP/ROW as JSON arrays and objects (ROW fields by name).
 */
final class TrinoRowJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TRINO_ZONED = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss[.SSSSSSSSS][.SSSSSS][.SSS] VV", Locale.ROOT);

    private final String[] names;
    private final TrinoLiterals.Family[] families;

    TrinoRowJson(ResultSetMetaData meta, String skippedColumn) throws SQLException {
        int n = meta.getColumnCount();
        names = new String[n];
        families = new TrinoLiterals.Family[n];
        for (int i = 0; i < n; i++) {
            String name = meta.getColumnLabel(i + 1);
            names[i] = name.equals(skippedColumn) ? null : name;
            families[i] = TrinoLiterals.family(meta.getColumnTypeName(i + 1).toLowerCase(Locale.ROOT));
        }
    }

    ObjectNode of(ResultSet rs) throws SQLException {
        ObjectNode row = NODES.objectNode();
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                row.set(names[i], value(rs, i + 1, families[i]));
            }
        }
        return row;
    }

    private static JsonNode value(ResultSet rs, int column, TrinoLiterals.Family family) throws SQLException {
        Object raw = rs.getObject(column);
        if (raw == null) {
            return NODES.nullNode();
        }
        return switch (family) {
            case INTEGER -> NODES.numberNode(((Number) raw).longValue());
            case FLOATING -> {
                double d = ((Number) raw).doubleValue();
                yield Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(Double.toString(d));
            }
            case DECIMAL -> NODES.numberNode(rs.getBigDecimal(column));
            case BOOLEAN -> NODES.booleanNode(rs.getBoolean(column));
            case TIMESTAMP_TZ -> NODES.textNode(rfc3339(rs.getString(column)));
            case JSON_TYPE -> parsed(rs.getString(column));
            case VARBINARY -> NODES.textNode(Base64.getEncoder().encodeToString(rs.getBytes(column)));
            case STRUCTURED -> structured(raw);
            default -> NODES.textNode(rs.getString(column));
        };
    }

    /** {@code 2024-01-01 10:00:00.123 Europe/Berlin} → {@code 2024-01-01T09:00:00.123Z}; unparsable text as is. */
    static String rfc3339(String trinoText) {
        try {
            return ZonedDateTime.parse(trinoText, TRINO_ZONED).toInstant().toString();
        } catch (DateTimeParseException e) {
            return trinoText;
        }
    }

    private static JsonNode parsed(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return NODES.textNode(json);
        }
    }

    private static JsonNode structured(Object value) throws SQLException {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Row row) {
            ObjectNode node = NODES.objectNode();
            for (RowField field : row.getFields()) {
                node.set(field.getName().orElse("field" + field.getOrdinal()), structured(field.getValue()));
            }
            return node;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = NODES.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                node.set(String.valueOf(e.getKey()), structured(e.getValue()));
            }
            return node;
        }
        if (value instanceof java.sql.Array array) {
            return structured(array.getArray());
        }
        if (value instanceof Object[] items) {
            return structured(java.util.Arrays.asList(items));
        }
        if (value instanceof List<?> list) {
            ArrayNode node = NODES.arrayNode();
            for (Object item : list) {
                node.add(structured(item));
            }
            return node;
        }
        if (value instanceof BigDecimal d) {
            return NODES.numberNode(d);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof Number n) {
            return Double.isFinite(n.doubleValue()) ? NODES.numberNode(n.doubleValue()) : NODES.textNode(n.toString());
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof byte[] bytes) {
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        return NODES.textNode(String.valueOf(value));
    }
}
