package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A row read as JSONEachRow, typed like the original's (clickhouse-go scan → encoding/json): DateTime and Date
 * values become RFC 3339 UTC strings (ClickHouse writes them in the column's or the server's time zone), ClickHouse's
 * zero dates ({@code 0000-00-00}) become null; numbers, strings and everything else stay as ClickHouse wrote them.
 */
final class ClickHouseRowJson {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Pattern ZONE_ARGUMENT = Pattern.compile("DateTime\\('([^']+)'\\)");

    private final Map<String, String> types;
    private final ZoneId serverZone;

    /** @param types column → type of the rows read */
    ClickHouseRowJson(Map<String, String> types, ZoneId serverZone) {
        this.types = types;
        this.serverZone = serverZone;
    }

    void convert(ObjectNode row) {
        for (Map.Entry<String, String> column : types.entrySet()) {
            JsonNode value = row.get(column.getKey());
            if (value == null || !value.isTextual()) {
                continue;
            }
            String type = ClickHouseRowEncoder.baseType(column.getValue());
            if (type.startsWith("DateTime")) {
                row.put(column.getKey(), dateTime(value.textValue(), zone(type)));
            } else if (type.equals("Date")) {
                row.put(column.getKey(), date(value.textValue()));
            }
        }
    }

    private ZoneId zone(String type) {
        Matcher m = ZONE_ARGUMENT.matcher(type);
        if (m.find()) {
            try {
                return ZoneId.of(m.group(1));
            } catch (DateTimeException e) {
                return serverZone;
            }
        }
        return serverZone;
    }

    static String dateTime(String text, ZoneId zone) {
        if (text.startsWith("0000-00-00")) {
            return null;
        }
        try {
            return LocalDateTime.parse(text, DATE_TIME).atZone(zone).toInstant().toString();
        } catch (DateTimeException e) {
            return text;
        }
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
