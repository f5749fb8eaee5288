package io.dataflow.flink.connector.postgres.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Turns a value in PostgreSQL's text output form (what pgoutput streams) into the same JSON the polling source and
 * the CDC snapshot produce from JDBC (see {@code PostgresRowJson}): integers and numerics as numbers (exact, not float64 as
 * the original), booleans, timestamps as RFC 3339 UTC, dates as midnight UTC, json/jsonb as JSON, bytea as base64,
 * arrays of those as JSON arrays, anything else as its text. A value that does not parse as its type (infinity,
 * NaN, BC dates) stays text rather than failing the stream.
 */
final class PgTextValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    // pg_type OIDs, stable since PostgreSQL 8
    static final int BOOL = 16;
    static final int BYTEA = 17;
    static final int INT8 = 20;
    static final int INT2 = 21;
    static final int INT4 = 23;
    static final int OID = 26;
    static final int JSON_TYPE = 114;
    static final int FLOAT4 = 700;
    static final int FLOAT8 = 701;
    static final int DATE = 1082;
    static final int TIMESTAMP = 1114;
    static final int TIMESTAMPTZ = 1184;
    static final int NUMERIC = 1700;
    static final int JSONB = 3802;
    static final int TEXT = 25;

    /** Array type → element type, for the element types above (other arrays stay text). */
    private static final Map<Integer, Integer> ARRAY_ELEMENTS = Map.ofEntries(
            Map.entry(1000, BOOL), Map.entry(1005, INT2), Map.entry(1007, INT4), Map.entry(1016, INT8),
            Map.entry(1028, OID), Map.entry(1021, FLOAT4), Map.entry(1022, FLOAT8), Map.entry(1231, NUMERIC),
            Map.entry(1009, TEXT), Map.entry(1015, TEXT), Map.entry(1014, TEXT), Map.entry(2951, TEXT),
            Map.entry(1115, TIMESTAMP), Map.entry(1185, TIMESTAMPTZ), Map.entry(1182, DATE));

    /** {@code 2024-01-02 03:04:05[.ffffff]}, the ISO DateStyle output. */
    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();
    /** The same with the offset PostgreSQL prints: {@code +00}, {@code +05:30} or {@code -03:15:12}. */
    private static final DateTimeFormatter ZONED = new DateTimeFormatterBuilder()
            .append(LOCAL)
            .appendOffset("+HH:mm:ss", "+00")
            .toFormatter();

    private PgTextValues() {
    }

    static JsonNode toJson(int typeOid, String text) {
        if (text == null) {
            return NODES.nullNode();
        }
        Integer element = ARRAY_ELEMENTS.get(typeOid);
        if (element != null) {
            JsonNode array = array(element, text);
            return array != null ? array : NODES.textNode(text);
        }
        return scalar(typeOid, text);
    }

    private static JsonNode scalar(int typeOid, String text) {
        try {
            switch (typeOid) {
                case BOOL:
                    return NODES.booleanNode("t".equals(text) || "true".equals(text));
                case INT2:
                case INT4:
                case INT8:
                case OID:
                    return NODES.numberNode(Long.parseLong(text));
                case NUMERIC:
                    return NODES.numberNode(new BigDecimal(text));
                case FLOAT4:
                case FLOAT8: {
                    double d = Double.parseDouble(text);
                    return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(text);
                }
                case TIMESTAMP:
                    return NODES.textNode(LocalDateTime.parse(text, LOCAL).toInstant(ZoneOffset.UTC).toString());
                case TIMESTAMPTZ:
                    return NODES.textNode(OffsetDateTime.parse(text, ZONED).toInstant().toString());
                case DATE:
                    return NODES.textNode(LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC).toString());
                case BYTEA:
                    return NODES.textNode(Base64.getEncoder().encodeToString(bytea(text)));
                case JSON_TYPE:
                case JSONB:
                    return JSON.readTree(text);
                default:
                    return NODES.textNode(text);
            }
        } catch (NumberFormatException | DateTimeParseException | IOException e) {
            return NODES.textNode(text);
        }
    }

    /** bytea's hex output ({@code \x0aff}); the escape format of old servers is decoded as bytes of the text. */
    private static byte[] bytea(String text) {
        if (text.startsWith("\\x")) {
            return HexFormat.of().parseHex(text, 2, text.length());
        }
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A one-dimensional array literal ({@code {1,2,NULL}}, {@code {"a b","c\"d"}}); null when it is not one. */
    private static JsonNode array(int elementType, String text) {
        if (text.length() < 2 || text.charAt(0) != '{' || text.charAt(text.length() - 1) != '}') {
            return null;
        }
        ArrayNode out = NODES.arrayNode();
        String body = text.substring(1, text.length() - 1);
        if (body.isEmpty()) {
            return out;
        }
        int i = 0;
        while (i <= body.length()) {
            if (i < body.length() && body.charAt(i) == '{') {
                return null; // multi-dimensional: keep the text
            }
            StringBuilder item = new StringBuilder();
            boolean quoted = i < body.length() && body.charAt(i) == '"';
            if (quoted) {
                i++;
                while (i < body.length() && body.charAt(i) != '"') {
                    if (body.charAt(i) == '\\' && i + 1 < body.length()) {
                        i++;
                    }
                    item.append(body.charAt(i++));
                }
                i++; // closing quote
            } else {
                while (i < body.length() && body.charAt(i) != ',') {
                    item.append(body.charAt(i++));
                }
            }
            String value = item.toString();
            out.add(!quoted && "NULL".equals(value) ? NODES.nullNode() : arrayElement(elementType, value));
            i++; // the comma
        }
        return out;
    }

    /** Elements as JDBC's getArray gives them to PostgresRowJson: numbers and booleans typed, everything else its text. */
    private static JsonNode arrayElement(int elementType, String value) {
        switch (elementType) {
            case BOOL:
            case INT2:
            case INT4:
            case INT8:
            case OID:
            case NUMERIC:
            case FLOAT4:
            case FLOAT8:
                return scalar(elementType, value);
            default:
                return NODES.textNode(value);
        }
    }
}
