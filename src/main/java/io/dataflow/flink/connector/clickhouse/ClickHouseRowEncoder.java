package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a record into one JSONEachRow line for the table as it is, converting values the way ClickHouse 18.16
 * would refuse or misread them (and modern servers accept the converted form too):
 * <ul>
 *   <li>String columns: numbers, booleans, objects and arrays become their JSON text;</li>
 *   <li>DateTime: RFC 3339 strings with a zone become epoch seconds (18.16 parses only {@code YYYY-MM-DD hh:mm:ss});
 *       other values are passed as they are;</li>
 *   <li>Date: RFC 3339 strings become their date part;</li>
 *   <li>integer columns: floats without fraction ({@code 3.0}) become integers;</li>
 *   <li>Decimal(P, S): numbers (and numeric strings) are rounded half-up to S places, like PostgreSQL's numeric
 *       (18.16 refuses extra digits of the whole insert);</li>
 *   <li>{@code created_at DateTime} missing from the record is set to now (18.16 does not apply DEFAULT
 *       expressions to omitted JSONEachRow fields).</li>
 * </ul>
 * Fields without a column are left out, with one info log per name; columns without a field get ClickHouse's
 * default. A body that is not a JSON object is refused. A body {@code {"value": {…}}} (at most
 * {@code value} and {@code _metadata}) is unwrapped, as the original did.
 */
final class ClickHouseRowEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseRowEncoder.class);
    private static final JsonFactory JSON = new ObjectMapper().getFactory();
    private static final Pattern DECIMAL = Pattern.compile("Decimal(?:\\d+)?\\((?:(\\d+),\\s*)?(\\d+)\\)");
    private static final int MAX_REPORTED_UNKNOWN = 1000;
    /** RFC 3339 with T or space, optional fraction, and a zone Z, +HH:MM or +HHMM. */
    private static final DateTimeFormatter ZONED = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    /** Why a record cannot become a row. */
    static final class RecordRefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        RecordRefusedException(String message) {
            super(message);
        }
    }

    private final ClickHouseTableName table;
    /** Column → its type without Nullable/LowCardinality, worked out once. */
    private final Map<String, String> columns;
    /** Decimal column → its scale. */
    private final Map<String, Integer> scales = new java.util.HashMap<>();
    private final boolean raw;
    private final boolean fillCreatedAt;
    private final Set<String> reportedUnknown = new HashSet<>();

    /** @param columns the table's column → type */
    ClickHouseRowEncoder(ClickHouseTableName table, Map<String, String> columns, boolean raw) {
        this.table = table;
        this.columns = new java.util.HashMap<>();
        columns.forEach((name, type) -> {
            String base = baseType(type);
            this.columns.put(name, base);
            Matcher m = DECIMAL.matcher(base);
            if (m.find()) {
                scales.put(name, Integer.parseInt(m.group(2)));
            }
        });
        this.raw = raw;
        String createdAt = columns.get(ClickHouseTableDefinitions.CREATED_AT);
        this.fillCreatedAt = createdAt != null && baseType(createdAt).startsWith("DateTime");
    }

    /** Appends the record's line (JSON object and newline) to {@code out}. */
    void encode(Message message, ByteArrayOutputStream out) throws RecordRefusedException {
        int start = out.size();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (raw) {
                g.writeStringField("data", new String(message.data(), StandardCharsets.UTF_8));
                if (fillCreatedAt) {
                    g.writeNumberField(ClickHouseTableDefinitions.CREATED_AT, Instant.now().getEpochSecond());
                }
            } else {
                columnar(body(message), g);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RecordRefusedException e) {
            truncate(out, start);
            throw e;
        }
        out.write('\n');
    }

    private static void truncate(ByteArrayOutputStream out, int size) {
        byte[] kept = java.util.Arrays.copyOf(out.toByteArray(), size);
        out.reset();
        out.write(kept, 0, size);
    }

    /** The record's object (unwrapped from {@code {"value": …}}), or why it cannot be a row. */
    static JsonNode body(Message message) throws RecordRefusedException {
        JsonNode body = message.json();
        if (body == null || !body.isObject()) {
            throw new RecordRefusedException(body == null ? "body is not JSON" : "body is not a JSON object");
        }
        JsonNode value = body.get("value");
        if (value != null && value.isObject() && body.size() <= 2 && (body.size() == 1 || body.has("_metadata"))) {
            return value;
        }
        return body;
    }

    private void columnar(JsonNode body, JsonGenerator g) throws IOException, RecordRefusedException {
        boolean wroteAny = false;
        boolean hasCreatedAt = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String type = columns.get(field.getKey());
            if (type == null) {
                unknown(field.getKey());
                continue;
            }
            JsonNode value = field.getValue();
            if (field.getKey().equals(ClickHouseTableDefinitions.CREATED_AT) && fillCreatedAt) {
                if (value == null || value.isNull()) {
                    continue; // filled below
                }
                hasCreatedAt = true;
            }
            g.writeFieldName(field.getKey());
            write(value, type, scales.get(field.getKey()), field.getKey(), g);
            wroteAny = true;
        }
        if (fillCreatedAt && !hasCreatedAt) {
            g.writeNumberField(ClickHouseTableDefinitions.CREATED_AT, Instant.now().getEpochSecond());
        }
        if (!wroteAny) {
            throw new RecordRefusedException("none of the record's fields is a column of " + table);
        }
    }

    private static void write(JsonNode value, String type, Integer scale, String column, JsonGenerator g)
            throws IOException, RecordRefusedException {
        if (value.isNull()) {
            g.writeNull();
        } else if (type.equals("String") || type.startsWith("FixedString") || type.startsWith("Enum")) {
            g.writeString(value.isTextual() ? value.textValue() : value.toString());
        } else if (type.startsWith("DateTime")) {
            writeDateTime(value, g);
        } else if (type.equals("Date")) {
            String text = value.isTextual() ? value.textValue() : null;
            if (text != null && ClickHouseTypeInference.DATE_TIME.matcher(text).matches()) {
                g.writeString(text.substring(0, 10));
            } else {
                g.writeTree(value);
            }
        } else if (type.startsWith("Decimal")) {
            writeDecimal(value, type, scale, column, g);
        } else if ((type.startsWith("Int") || type.startsWith("UInt")) && value.isFloatingPointNumber()) {
            BigDecimal d = value.decimalValue().stripTrailingZeros();
            if (d.scale() <= 0) {
                g.writeNumber(d.toBigIntegerExact());
            } else {
                g.writeTree(value); // ClickHouse refuses it and names the column
            }
        } else {
            g.writeTree(value);
        }
    }

    private static void writeDateTime(JsonNode value, JsonGenerator g) throws IOException {
        if (!value.isTextual()) {
            g.writeTree(value);
            return;
        }
        String text = value.textValue();
        if (text.length() >= 19 && text.charAt(4) == '-' && (text.charAt(10) == 'T' || text.charAt(10) == ' ')) {
            if (hasZone(text)) {
                try {
                    g.writeNumber(OffsetDateTime.parse(text, ZONED).toEpochSecond());
                    return;
                } catch (DateTimeParseException e) {
                    // not a valid instant after all (month 13): the server refuses it and says why
                }
            } else if (text.charAt(10) == 'T') {
                // a local time in ISO form: ClickHouse's own form, read in the server's (or column's) time zone
                g.writeString(text.substring(0, 10) + " " + text.substring(11, 19));
                return;
            }
        }
        g.writeString(text);
    }

    /** {@code …Z}, {@code …+02:00} or {@code …+0200} after the seconds. */
    private static boolean hasZone(String text) {
        int n = text.length();
        char last = text.charAt(n - 1);
        if (last == 'Z' || last == 'z') {
            return n > 19;
        }
        int sign = text.charAt(n - 3) == ':' ? n - 6 : n - 5;
        return sign >= 19 && (text.charAt(sign) == '+' || text.charAt(sign) == '-');
    }

    private static void writeDecimal(JsonNode value, String type, Integer scale, String column, JsonGenerator g)
            throws IOException, RecordRefusedException {
        BigDecimal d;
        if (value.isNumber()) {
            d = value.decimalValue();
        } else if (value.isTextual()) {
            try {
                d = new BigDecimal(value.textValue().trim());
            } catch (NumberFormatException e) {
                throw new RecordRefusedException("field " + column + " is not a number for column type " + type);
            }
        } else {
            g.writeTree(value);
            return;
        }
        if (scale != null) {
            d = d.setScale(scale, RoundingMode.HALF_UP);
        }
        g.writeNumber(d);
    }

    private void unknown(String field) {
        if (reportedUnknown.size() < MAX_REPORTED_UNKNOWN && reportedUnknown.add(field)) {
            LOG.info("Field {} has no column in ClickHouse table {}; it is not stored", field, table);
        }
    }

    /** {@code Nullable(LowCardinality(String))} → {@code String}. */
    static String baseType(String type) {
        String t = type.trim();
        while (t.startsWith("Nullable(") || t.startsWith("LowCardinality(")) {
            t = t.substring(t.indexOf('(') + 1, t.length() - 1).trim();
        }
        return t;
    }
}
