package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.dataflow.flink.connector.RecordRefusedException;
import io.dataflow.flink.connector.SchemaEvolution;
import io.dataflow.flink.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a record into one JSONEachRow line for the table as it is, converting values the way ClickHouse 18.16
 * would refuse or misread them (and modern servers accept the converted form too):
 * <ul>
 *   <li>String columns: numbers, booleans, objects and arrays become their JSON text;</li>
 *   <li>DateTime: RFC 3339 strings with a zone become epoch seconds (18.16 parses only {@code YYYY-MM-DD hh:mm:ss});
 *       other values are passed as they are;</li>
 *   <li>DateTime64(P[, zone]) (modern servers): RFC 3339 strings with a zone become the text of epoch seconds with P
 *       fraction digits ({@code "1796378400.123"}: a JSON number would be read as ticks of 10^-P s; a fraction
 *       finer than P is cut, as ClickHouse cuts it; before 1973 the local time in the column's zone, see
 *       {@link #dateTime64Text}); ISO local times keep their fraction and are the column's zone (or the
 *       server's); other values are passed as they are;</li>
 *   <li>Date: RFC 3339 strings become their date part;</li>
 *   <li>integer columns: floats without fraction ({@code 3.0}) become integers;</li>
 *   <li>Decimal(P, S): numbers (and numeric strings) are rounded half-up to S places, like PostgreSQL's numeric
 *       (18.16 refuses extra digits of the whole insert); a table with a Decimal column reads the record's numbers
 *       exactly (not through a double), so no digit is lost;</li>
 *   <li>Array(T) and Map(K, V): each element (each value) is converted for T (for V) as above;</li>
 *   <li>{@code created_at DateTime} (or DateTime64) missing from the record is set to now (18.16 does not apply
 *       DEFAULT expressions to omitted JSONEachRow fields).</li>
 * </ul>
 * Fields without a column are left out, with one info log per name; columns without a field get ClickHouse's
 * default. Under schemaEvolution: evolve such fields, and numbers their column's type cannot hold
 * ({@link ClickHouseColumnWidening}), are noted for the connector, which alters the table and encodes the batch
 * again; under fail the record is refused, the reason naming the field. A body that is not a JSON object is refused. A body {@code {"value": {…}}} (at most
 * {@code value} and {@code _metadata}) is unwrapped, as the original did.
 */
final class ClickHouseRowEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseRowEncoder.class);
    private static final JsonFactory JSON = new ObjectMapper().getFactory();
    /** Reads numbers with a fraction as BigDecimal, every digit kept, for tables with a Decimal column. */
    private static final ObjectReader EXACT = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .readerFor(JsonNode.class);
    private static final int MAX_REPORTED_UNKNOWN = 1000;
    /** The first epoch second with 9 digits: every input format reads such a number as epoch seconds. */
    private static final long MIN_EPOCH_TEXT = 100_000_000L;
    private static final DateTimeFormatter CLICKHOUSE_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
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

    private final ClickHouseTableName table;
    /** Column → its type without Nullable/LowCardinality, worked out once. */
    private final Map<String, ClickHouseColumnType> columns = new java.util.HashMap<>();
    private final boolean raw;
    /** The type of a created_at DateTime/DateTime64 column the encoder fills with now; null when it does not. */
    private final ClickHouseColumnType fillCreatedAt;
    /** Whether numbers are read exactly: some column holds decimals. */
    private final boolean exact;
    private final Set<String> reportedUnknown = new HashSet<>();
    private final ZoneId serverZone;
    /** Column → its type as the table declares it (for the reasons and the widened type). */
    private final Map<String, String> declared;
    private final SchemaEvolution evolution;
    /** evolve: fields without a column and columns to widen (→ type), since the last {@link #takeChanges}. */
    private final Set<String> missingFields = new TreeSet<>();
    private final Map<String, String> widenings = new TreeMap<>();

    /**
     * @param columns    the table's column → type
     * @param serverZone the zone DateTime64 columns without one read times in
     */
    ClickHouseRowEncoder(ClickHouseTableName table, Map<String, String> columns, boolean raw, ZoneId serverZone) {
        this(table, columns, raw, serverZone, SchemaEvolution.IGNORE);
    }

    ClickHouseRowEncoder(ClickHouseTableName table, Map<String, String> columns, boolean raw, ZoneId serverZone,
                         SchemaEvolution evolution) {
        this.table = table;
        this.serverZone = serverZone;
        this.declared = Map.copyOf(columns);
        this.evolution = raw ? SchemaEvolution.IGNORE : evolution;
        columns.forEach((name, type) -> this.columns.put(name, ClickHouseColumnType.parse(type)));
        this.raw = raw;
        ClickHouseColumnType createdAt = this.columns.get(ClickHouseTableDefinitions.CREATED_AT);
        this.fillCreatedAt = createdAt != null && createdAt.isDateTime() ? createdAt : null;
        this.exact = !raw && this.columns.values().stream().anyMatch(ClickHouseColumnType::containsDecimal);
    }

    boolean hasColumn(String name) {
        return columns.containsKey(name);
    }

    /**
     * evolve: the fields encoded since the last call that have no column, and the columns whose type a value did
     * not fit (→ the widened type); both empty under ignore and fail. Clears them.
     */
    Set<String> takeMissingFields() {
        Set<String> taken = Set.copyOf(missingFields);
        missingFields.clear();
        return taken;
    }

    /** See {@link #takeMissingFields()}. */
    Map<String, String> takeWidenings() {
        Map<String, String> taken = Map.copyOf(widenings);
        widenings.clear();
        return taken;
    }

    /** Appends the record's line (JSON object and newline) to {@code out}. */
    void encode(Message message, ClickHouseLines out) throws RecordRefusedException {
        int start = out.size();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (raw) {
                g.writeStringField("data", new String(message.data(), StandardCharsets.UTF_8));
                if (fillCreatedAt != null) {
                    g.writeFieldName(ClickHouseTableDefinitions.CREATED_AT);
                    writeNow(fillCreatedAt, g);
                }
            } else {
                columnar(exact ? exactBody(message) : body(message), g);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RecordRefusedException e) {
            out.truncate(start);
            throw e;
        }
        out.write('\n');
    }

    /** The record's object (unwrapped from {@code {"value": …}}), or why it cannot be a row. */
    static JsonNode body(Message message) throws RecordRefusedException {
        return unwrap(message.json());
    }

    /**
     * As {@link #body(Message)}, with numbers that have a fraction read as BigDecimal from the record's bytes: a
     * double holds about 16 digits, a Decimal(38, S) up to 38.
     */
    static JsonNode exactBody(Message message) throws RecordRefusedException {
        JsonNode tree;
        try {
            tree = EXACT.readTree(message.data());
        } catch (IOException e) {
            tree = null;
        }
        return unwrap(tree);
    }

    private static JsonNode unwrap(JsonNode body) throws RecordRefusedException {
        if (body == null || body.isMissingNode() || !body.isObject()) {
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
        Set<String> unknownHere = null;
        String unfit = null;
        String unfitField = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            ClickHouseColumnType type = columns.get(field.getKey());
            if (type == null) {
                if (evolution == SchemaEvolution.IGNORE) {
                    unknown(field.getKey());
                } else {
                    unknownHere = unknownHere == null ? new TreeSet<>() : unknownHere;
                    unknownHere.add(field.getKey());
                }
                continue;
            }
            JsonNode value = field.getValue();
            if (evolution != SchemaEvolution.IGNORE) {
                String reason = checkWidth(field.getKey(), type, value);
                if (reason != null && (unfitField == null || field.getKey().compareTo(unfitField) < 0)) {
                    unfit = reason; // the alphabetically first such field, as the PostgreSQL sink names it
                    unfitField = field.getKey();
                }
            }
            if (field.getKey().equals(ClickHouseTableDefinitions.CREATED_AT) && fillCreatedAt != null) {
                if (value == null || value.isNull()) {
                    continue; // filled below
                }
                hasCreatedAt = true;
            }
            g.writeFieldName(field.getKey());
            write(value, type, field.getKey(), g);
            wroteAny = true;
        }
        if (fillCreatedAt != null && !hasCreatedAt) {
            g.writeFieldName(ClickHouseTableDefinitions.CREATED_AT);
            writeNow(fillCreatedAt, g);
        }
        if (unknownHere != null) {
            if (evolution == SchemaEvolution.FAIL) {
                throw new RecordRefusedException(SchemaEvolution.FAIL.notAColumn(unknownHere.iterator().next(), table));
            }
            missingFields.addAll(unknownHere); // evolve: the batch is encoded again once the columns are there
        }
        if (unfit != null) {
            throw new RecordRefusedException(unfit);
        }
        if (!wroteAny && unknownHere == null) {
            throw new RecordRefusedException("none of the record's fields is a column of " + table);
        }
    }

    /**
     * evolve / fail: null when the column stores the value as it is or it is widened for it (evolve), else the
     * reason the record is refused, naming the field.
     */
    private String checkWidth(String column, ClickHouseColumnType type, JsonNode value) {
        if (ClickHouseColumnWidening.fits(type.name(), value)) {
            return null; // the common case, without parsing the declared type again
        }
        String declaredType = declared.get(column);
        String needed = ClickHouseColumnWidening.needed(declaredType, value);
        if (needed == null) {
            return null;
        }
        if (evolution == SchemaEvolution.EVOLVE && !needed.equals(ClickHouseColumnWidening.NONE)) {
            widenings.put(column, needed);
            return null;
        }
        return evolution.doesNotFit(column, declaredType, table,
                needed.equals(ClickHouseColumnWidening.NONE) ? null : needed);
    }

    private void write(JsonNode value, ClickHouseColumnType type, String column, JsonGenerator g)
            throws IOException, RecordRefusedException {
        String name = type.name();
        if (value.isNull()) {
            g.writeNull();
        } else if (name.equals("String") || name.startsWith("FixedString") || name.startsWith("Enum")) {
            g.writeString(value.isTextual() ? value.textValue() : value.toString());
        } else if (type.isDateTime64()) {
            writeDateTime64(value, type.precision(), type.zone(serverZone), g);
        } else if (type.isDateTime()) {
            writeDateTime(value, g);
        } else if (name.equals("Date")) {
            String text = value.isTextual() ? value.textValue() : null;
            if (text != null && ClickHouseTypeInference.DATE_TIME.matcher(text).matches()) {
                g.writeString(text.substring(0, 10));
            } else {
                g.writeTree(value);
            }
        } else if (type.isDecimal()) {
            writeDecimal(value, type, column, g);
        } else if ((name.startsWith("Int") || name.startsWith("UInt")) && value.isFloatingPointNumber()) {
            BigDecimal d = value.decimalValue().stripTrailingZeros();
            if (d.scale() <= 0) {
                g.writeNumber(d.toBigIntegerExact());
            } else {
                g.writeTree(value); // ClickHouse refuses it and names the column
            }
        } else if (type.isArray() && value.isArray()) {
            ClickHouseColumnType element = type.element();
            g.writeStartArray();
            for (JsonNode item : value) {
                write(item, element, column, g);
            }
            g.writeEndArray();
        } else if (type.isMap() && value.isObject()) {
            ClickHouseColumnType mapValue = type.mapValue();
            g.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                g.writeFieldName(entry.getKey());
                write(entry.getValue(), mapValue, column, g);
            }
            g.writeEndObject();
        } else {
            g.writeTree(value);
        }
    }

    /** Now, for a created_at column: epoch seconds for DateTime, with the column's fraction for DateTime64. */
    private void writeNow(ClickHouseColumnType type, JsonGenerator g) throws IOException {
        Instant now = Instant.now();
        if (type.isDateTime64()) {
            g.writeString(dateTime64Text(now, type.precision(), type.zone(serverZone)));
        } else {
            g.writeNumber(now.getEpochSecond());
        }
    }

    /**
     * An instant as DateTime64 reads it from text in any {@code date_time_input_format} (servers default to
     * {@code basic}, chDB to {@code best_effort}), a fraction finer than {@code precision} cut as ClickHouse cuts
     * it: epoch seconds with {@code precision} fraction digits ({@code "1796378400.123"}), which no zone setting
     * and no daylight-saving overlap can shift; before 1973-03-03 (fewer than 9 digits, which {@code best_effort}
     * reads as a date or a zone offset) the local time in the column's zone ({@code "1969-12-31 00:00:00.500"}).
     */
    static String dateTime64Text(Instant instant, int precision, ZoneId zone) {
        if (instant.getEpochSecond() < MIN_EPOCH_TEXT) {
            LocalDateTime local = LocalDateTime.ofInstant(instant, zone);
            String text = local.format(CLICKHOUSE_SECONDS);
            if (precision <= 0) {
                return text;
            }
            String nanos = String.format("%09d", local.getNano());
            return text + "." + nanos.substring(0, Math.min(precision, 9));
        }
        return BigDecimal.valueOf(instant.getEpochSecond()).add(BigDecimal.valueOf(instant.getNano(), 9))
                .setScale(precision, RoundingMode.FLOOR).toPlainString();
    }

    private static void writeDateTime64(JsonNode value, int precision, ZoneId zone, JsonGenerator g) throws IOException {
        if (!value.isTextual()) {
            g.writeTree(value); // a number: ClickHouse reads it as ticks of the column's precision
            return;
        }
        String text = value.textValue();
        if (text.length() >= 19 && text.charAt(4) == '-' && (text.charAt(10) == 'T' || text.charAt(10) == ' ')) {
            if (hasZone(text)) {
                try {
                    g.writeString(dateTime64Text(OffsetDateTime.parse(text, ZONED).toInstant(), precision, zone));
                    return;
                } catch (DateTimeParseException e) {
                    // not a valid instant after all (month 13): the server refuses it and says why
                }
            } else if (text.charAt(10) == 'T') {
                // a local time in ISO form, fraction kept: ClickHouse's own form, read in the column's (or server's) zone
                g.writeString(text.substring(0, 10) + " " + text.substring(11));
                return;
            }
        }
        g.writeString(text);
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

    private static void writeDecimal(JsonNode value, ClickHouseColumnType type, String column, JsonGenerator g)
            throws IOException, RecordRefusedException {
        Integer scale = type.scale();
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
        g.writeNumber(d.toPlainString()); // never 1E-10: the plain digits
    }

    private void unknown(String field) {
        if (reportedUnknown.size() < MAX_REPORTED_UNKNOWN && reportedUnknown.add(field)) {
            LOG.info("Field {} has no column in ClickHouse table {}; it is not stored", field, table);
        }
    }
}
