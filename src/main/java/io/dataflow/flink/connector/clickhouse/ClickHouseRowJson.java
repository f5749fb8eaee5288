package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A row read as JSONEachRow, typed like the original's (clickhouse-go scan → encoding/json), the same JSON from
 * every server version:
 * <ul>
 *   <li>DateTime and Date values become RFC 3339 UTC strings (ClickHouse writes them in the column's or the
 *       server's time zone); DateTime64(P) ones keep exactly P fraction digits ({@code 2026-12-04T10:00:00.120Z});
 *       ClickHouse's zero dates ({@code 0000-00-00}) become null;</li>
 *   <li>Decimal(P, S) values are JSON numbers with every digit and exactly S fraction digits (modern servers drop
 *       trailing zeros, 18.16 keeps them), written as Java's BigDecimal writes them: below 10^-6 in exponent form
 *       ({@code -1E-10} for -0.0000000001 of a Decimal(38, 10)), which is the same number with the same scale;</li>
 *   <li>the same inside Array(T), Map(K, V) and Nullable(T); everything else stays as ClickHouse wrote it.</li>
 * </ul>
 */
final class ClickHouseRowJson {

    private static final DateTimeFormatter CLICKHOUSE_TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();

    /** Column → type, for the columns whose values are rewritten. */
    private final Map<String, ClickHouseColumnType> types = new LinkedHashMap<>();
    private final ZoneId serverZone;

    /** @param types column → type of the rows read */
    ClickHouseRowJson(Map<String, String> types, ZoneId serverZone) {
        types.forEach((name, type) -> {
            ClickHouseColumnType parsed = ClickHouseColumnType.parse(type);
            if (parsed.needsConversion()) {
                this.types.put(name, parsed);
            }
        });
        this.serverZone = serverZone;
    }

    void convert(ObjectNode row) {
        for (Map.Entry<String, ClickHouseColumnType> column : types.entrySet()) {
            JsonNode value = row.get(column.getKey());
            if (value != null && !value.isNull()) {
                row.set(column.getKey(), convert(value, column.getValue()));
            }
        }
    }

    private JsonNode convert(JsonNode value, ClickHouseColumnType type) {
        if (value.isNull()) {
            return value;
        }
        if (value.isTextual() && type.isDateTime()) {
            String text = dateTime(value.textValue(), type.zone(serverZone), type.precision());
            return text == null ? NullNode.getInstance() : TextNode.valueOf(text);
        }
        if (value.isTextual() && type.name().equals("Date")) {
            String text = date(value.textValue());
            return text == null ? NullNode.getInstance() : TextNode.valueOf(text);
        }
        if (value.isNumber() && type.isDecimal() && type.scale() != null) {
            // DecimalNode.valueOf keeps the scale (the mapper's nodes drop trailing zeros)
            return DecimalNode.valueOf(value.decimalValue().setScale(type.scale(), RoundingMode.HALF_UP));
        }
        if (value.isArray() && type.isArray()) {
            ClickHouseColumnType element = type.element();
            ArrayNode out = JsonNodeFactory.instance.arrayNode(value.size());
            for (JsonNode item : value) {
                out.add(convert(item, element));
            }
            return out;
        }
        if (value.isObject() && type.isMap()) {
            ClickHouseColumnType mapValue = type.mapValue();
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                out.set(entry.getKey(), convert(entry.getValue(), mapValue));
            }
            return out;
        }
        return value;
    }

    /** ClickHouse's {@code YYYY-MM-DD hh:mm:ss[.f]} in {@code zone} → RFC 3339 UTC with {@code precision} fraction digits. */
    static String dateTime(String text, ZoneId zone, int precision) {
        if (text.startsWith("0000-00-00")) {
            return null;
        }
        try {
            return UTC[Math.max(0, Math.min(9, precision))].format(LocalDateTime.parse(text, CLICKHOUSE_TIME).atZone(zone).toInstant());
        } catch (DateTimeException e) {
            return text;
        }
    }

    /** RFC 3339 UTC writers by DateTime64 precision (0: DateTime's whole seconds). */
    private static final DateTimeFormatter[] UTC = new DateTimeFormatter[10];

    static {
        for (int p = 0; p < UTC.length; p++) {
            UTC[p] = utc(p);
        }
    }

    private static DateTimeFormatter utc(int precision) {
        DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().appendPattern("yyyy-MM-dd'T'HH:mm:ss");
        if (precision > 0) {
            b.appendFraction(ChronoField.NANO_OF_SECOND, precision, precision, true);
        }
        return b.appendLiteral('Z').toFormatter().withZone(ZoneOffset.UTC);
    }

    static String date(String text) {
        if (text.startsWith("0000-00-00")) {
            return null;
        }
        try {
            return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC).toString();
        } catch (DateTimeException e) {
            return text;
        }
    }
}
