package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.RecordRefusedException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;

/**
 * A JSON value as a SQL literal of a Trino column type (docs/ORIGINAL.md#trino, columnar sink): integers range-checked,
 * floats and decimals exact, booleans from true/false/"true"/0/1, timestamps normalised to UTC from RFC 3339, local
 * date-times, dates or epoch numbers (above 1e10 taken as milliseconds, else seconds), ROW/ARRAY/MAP through
 * {@code CAST(JSON '…' AS type)}, strings quoted and anything else JSON-encoded. A value the column cannot hold is
 * refused here, naming the column, so that one record goes to the error sink instead of failing the batch.
 *
 * <p>Values equal in the column's type get the same literal (integers, decimals rounded to the column's scale and
 * times to the column's precision as Trino's cast rounds, text beyond varchar(n) refused, floats in
 * Java's shortest text, UUIDs in lower case, times in UTC): the upsert's MERGE
 * compares keys by their literals, and two source rows for one key would insert the key twice.
 */
final class TrinoLiterals {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double EPOCH_MILLIS_ABOVE = 1e10;
    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter(Locale.ROOT);
    private static final DateTimeFormatter OUT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 6, 9, true)
            .toFormatter(Locale.ROOT);

    private TrinoLiterals() {
    }

    /** The literal for {@code value} (null or missing: a typed NULL) in a column of {@code type}. */
    static String literal(String column, String type, JsonNode value) throws RecordRefusedException {
        String t = type.toLowerCase(Locale.ROOT).trim();
        if (value == null || value.isNull() || value.isMissingNode()) {
            return nullLiteral(type);
        }
        try {
            return switch (family(t)) {
                case INTEGER -> "CAST(" + integer(value, t) + " AS " + type + ")";
                case FLOATING -> "CAST(" + TrinoSql.quoteString(floating(value, t)) + " AS " + type + ")";
                case DECIMAL -> "CAST(" + TrinoSql.quoteString(decimal(value, t)) + " AS " + type + ")";
                case BOOLEAN -> bool(value);
                case TEXT -> "CAST(" + TrinoSql.quoteString(bounded(text(value), t)) + " AS " + type + ")";
                case DATE -> "DATE " + TrinoSql.quoteString(date(value).toString());
                case TIMESTAMP -> "CAST(TIMESTAMP " + TrinoSql.quoteString(OUT.format(atPrecision(utc(value), t))) + " AS " + type + ")";
                case TIMESTAMP_TZ -> "CAST(TIMESTAMP " + TrinoSql.quoteString(OUT.format(atPrecision(utc(value), t)) + " UTC") + " AS " + type + ")";
                case TIME -> "CAST(" + TrinoSql.quoteString(time(value)) + " AS " + type + ")";
                case JSON_TYPE -> "JSON " + TrinoSql.quoteString(json(value));
                case VARBINARY -> "from_base64(" + TrinoSql.quoteString(base64(value)) + ")";
                case UUID_TYPE -> "UUID " + TrinoSql.quoteString(UUID.fromString(value.asText().trim()).toString());
                case STRUCTURED -> "CAST(JSON " + TrinoSql.quoteString(json(structured(value))) + " AS " + type + ")";
                case OTHER -> "CAST(" + TrinoSql.quoteString(text(value)) + " AS " + type + ")";
            };
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
            throw new RecordRefusedException("column " + column + " (" + type + "): " + describe(value) + " "
                    + (e.getMessage() == null ? "does not fit" : e.getMessage()));
        }
    }

    /** A typed NULL: what an absent or null value becomes. */
    static String nullLiteral(String type) {
        return "CAST(NULL AS " + type + ")";
    }

    enum Family { INTEGER, FLOATING, DECIMAL, BOOLEAN, TEXT, DATE, TIMESTAMP, TIMESTAMP_TZ, TIME, JSON_TYPE, VARBINARY,
        UUID_TYPE, STRUCTURED, OTHER }

    static Family family(String t) {
        if (t.equals("tinyint") || t.equals("smallint") || t.equals("integer") || t.equals("int") || t.equals("bigint")) {
            return Family.INTEGER;
        }
        if (t.equals("double") || t.equals("real")) {
            return Family.FLOATING;
        }
        if (t.startsWith("decimal")) {
            return Family.DECIMAL;
        }
        if (t.equals("boolean")) {
            return Family.BOOLEAN;
        }
        if (t.startsWith("varchar") || t.startsWith("char")) {
            return Family.TEXT;
        }
        if (t.equals("date")) {
            return Family.DATE;
        }
        if (t.startsWith("timestamp")) {
            return t.endsWith("with time zone") ? Family.TIMESTAMP_TZ : Family.TIMESTAMP;
        }
        if (t.startsWith("time")) {
            return Family.TIME;
        }
        if (t.equals("json")) {
            return Family.JSON_TYPE;
        }
        if (t.equals("varbinary")) {
            return Family.VARBINARY;
        }
        if (t.equals("uuid")) {
            return Family.UUID_TYPE;
        }
        if (t.startsWith("array(") || t.startsWith("map(") || t.startsWith("row(")) {
            return Family.STRUCTURED;
        }
        return Family.OTHER;
    }

    private static String integer(JsonNode value, String type) {
        BigInteger n;
        if (value.isIntegralNumber()) {
            n = value.bigIntegerValue();
        } else if (value.isNumber()) {
            n = value.decimalValue().toBigIntegerExact(); // 2.0 is 2; 2.5 throws
        } else if (value.isTextual()) {
            n = new BigDecimal(value.textValue().trim()).toBigIntegerExact();
        } else {
            throw new IllegalArgumentException("is not an integer");
        }
        int bits = switch (type) {
            case "tinyint" -> 8;
            case "smallint" -> 16;
            case "bigint" -> 64;
            default -> 32;
        };
        if (n.bitLength() > bits - 1) {
            throw new IllegalArgumentException("is out of the range of " + type);
        }
        return n.toString();
    }

    /** The shortest text of the value as a double (real: as a float), so that 1, 1.0 and 1e0 are one literal. */
    private static String floating(JsonNode value, String type) {
        String text = value.isNumber() ? value.numberValue().toString() : value.isTextual() ? value.textValue().trim() : null;
        if (text == null) {
            throw new IllegalArgumentException("is not a number");
        }
        // NaN, Infinity and exponents are fine; anything else throws
        return type.equals("real") ? Float.toString(Float.parseFloat(text)) : Double.toString(Double.parseDouble(text));
    }

    /** The value at the column's scale, rounded half up as Trino's cast from text rounds: 1, 1.0 and 1.004 are 1.00 in decimal(10,2). */
    private static String decimal(JsonNode value, String type) {
        BigDecimal d;
        if (value.isNumber()) {
            d = value.decimalValue();
        } else if (value.isTextual()) {
            d = new BigDecimal(value.textValue().trim());
        } else {
            throw new IllegalArgumentException("is not a number");
        }
        return d.setScale(decimalScale(type), java.math.RoundingMode.HALF_UP).toPlainString();
    }

    /** {@code decimal(p, s)} → s; a bare {@code decimal} is decimal(38, 0) in Trino. */
    static int decimalScale(String type) {
        int comma = type.indexOf(',');
        return comma < 0 ? 0 : Integer.parseInt(type.substring(comma + 1, type.indexOf(')', comma)).trim());
    }

    private static String bool(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue() ? "TRUE" : "FALSE";
        }
        if (value.isNumber() && (value.asDouble() == 0 || value.asDouble() == 1)) {
            return value.asDouble() == 1 ? "TRUE" : "FALSE";
        }
        if (value.isTextual()) {
            String t = value.textValue().trim().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("false")) {
                return t.toUpperCase(Locale.ROOT);
            }
        }
        throw new IllegalArgumentException("is not a boolean");
    }

    private static final java.util.regex.Pattern PRECISION = java.util.regex.Pattern.compile("^(?:timestamp|varchar)\\((\\d+)\\)");

    /** The time rounded half up to the fractional digits of timestamp(p) (a bare timestamp is timestamp(3)). */
    static LocalDateTime atPrecision(LocalDateTime time, String type) {
        java.util.regex.Matcher m = PRECISION.matcher(type);
        int digits = m.find() ? Integer.parseInt(m.group(1)) : 3;
        if (digits >= 9) {
            return time;
        }
        long unit = BigInteger.TEN.pow(9 - digits).longValueExact();
        long remainder = time.getNano() % unit;
        LocalDateTime down = time.minusNanos(remainder);
        return remainder * 2 >= unit ? down.plusNanos(unit) : down;
    }

    /**
     * Text for varchar(n): longer text is refused, as Trino's INSERT refuses it ("Cannot truncate non-space
     * characters") — the explicit CAST of the literal would cut it silently; only trailing spaces beyond n are cut.
     */
    private static String bounded(String text, String type) {
        java.util.regex.Matcher m = PRECISION.matcher(type);
        if (!type.startsWith("varchar") || !m.find()) {
            return text;
        }
        int n = Integer.parseInt(m.group(1));
        int length = text.codePointCount(0, text.length());
        if (length <= n) {
            return text;
        }
        String kept = text.substring(0, text.offsetByCodePoints(0, n));
        if (!text.substring(kept.length()).chars().allMatch(c -> c == ' ')) {
            throw new IllegalArgumentException("has " + length + " characters, more than " + type + " holds");
        }
        return kept;
    }

    /** Strings as they are, numbers in their JSON text, objects and arrays JSON-encoded. */
    private static String text(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBigDecimal()) {
            return value.decimalValue().toPlainString();
        }
        return value.isContainerNode() ? json(value) : value.asText();
    }

    /** The value as a UTC date-time: RFC 3339 with an offset is converted, one without is taken as UTC. */
    static LocalDateTime utc(JsonNode value) {
        if (value.isNumber()) {
            double n = value.asDouble();
            BigDecimal seconds = n > EPOCH_MILLIS_ABOVE || n < -EPOCH_MILLIS_ABOVE
                    ? value.decimalValue().movePointLeft(3) : value.decimalValue();
            long whole = seconds.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
            int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
            return LocalDateTime.ofInstant(Instant.ofEpochSecond(whole, nanos), ZoneOffset.UTC);
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("is not a time");
        }
        String text = value.textValue().trim();
        if (text.length() == 10) {
            return LocalDate.parse(text).atStartOfDay();
        }
        // a zone name after the time: "2024-01-01 10:00:00 UTC", "…[Europe/Berlin]" (Trino's and Java's forms)
        String zone = null;
        if (text.endsWith("]") && text.indexOf('[') > 0) {
            zone = text.substring(text.indexOf('[') + 1, text.length() - 1);
            text = text.substring(0, text.indexOf('['));
        } else {
            int space = text.lastIndexOf(' ');
            if (space > 10 && Character.isLetter(text.charAt(space + 1))) {
                zone = text.substring(space + 1);
                text = text.substring(0, space);
            }
        }
        // "2024-01-01 10:00:00 +02:00" → "2024-01-01T10:00:00+02:00"
        String iso = text.replaceFirst(" (?=[+-]\\d)", "").replaceFirst(" ", "T");
        try {
            return OffsetDateTime.parse(iso).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        } catch (DateTimeParseException noOffset) {
            LocalDateTime local = LocalDateTime.parse(text, LOCAL);
            return zone == null ? local : local.atZone(ZoneId.of(zone)).withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
    }

    private static LocalDate date(JsonNode value) {
        return utc(value).toLocalDate();
    }

    private static String time(JsonNode value) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException("is not a time of day");
        }
        String text = value.textValue().trim();
        LocalTime.parse(text.length() > 8 && (text.contains("+") || text.endsWith("Z")) ? text.substring(0, 8) : text);
        return text;
    }

    private static String base64(JsonNode value) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException("is not base64 text");
        }
        Base64.getDecoder().decode(value.textValue().trim());
        return value.textValue().trim();
    }

    /** ROW/ARRAY/MAP values come as JSON objects/arrays, or as text holding one. */
    private static JsonNode structured(JsonNode value) {
        if (value.isContainerNode()) {
            return value;
        }
        if (value.isTextual()) {
            try {
                JsonNode parsed = JSON.readTree(value.textValue());
                if (parsed != null && parsed.isContainerNode()) {
                    return parsed;
                }
            } catch (JsonProcessingException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("is not a JSON object or array");
    }

    static String json(JsonNode value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot be written as JSON");
        }
    }

    private static String describe(JsonNode value) {
        String text = value.isTextual() ? "\"" + value.textValue() + "\"" : value.toString();
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
