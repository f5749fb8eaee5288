package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.transform.TransformException;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.path.JsonPath;
import io.dataflow.flink.transform.time.GoTimeLayout;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;

/**
 * {@code timezone}: converts time fields to a target zone (Kafka Connect's TimestampConverter-like). Reads RFC 3339
 * strings (with offset; without one, {@code sourceTimezone} applies), {@code yyyy-MM-dd HH:mm:ss[.fff]} strings and
 * epoch numbers or numeric strings (milliseconds when |n| ≥ 1e12, else seconds); writes RFC3339Nano (default),
 * RFC3339 or UnixMilli. Missing and null fields are skipped; a value that does not parse fails the record.
 */
public final class TimezoneTransformerFactory implements TransformerFactory {

    static final ConfigField<String> TIMEZONE = ConfigField.string("timezone").required()
            .description("Target zone: IANA name (Europe/Berlin), UTC, Local (the JVM's zone) or a fixed offset (+03:00)").build();
    static final ConfigField<List<String>> FIELDS = ConfigField.stringList("fields").required()
            .description("Paths of the time fields to convert").build();
    static final ConfigField<String> SOURCE_TIMEZONE = ConfigField.string("sourceTimezone").defaultValue("UTC")
            .description("Zone of time strings that carry no offset").build();
    static final ConfigField<String> FORMAT = ConfigField.enumOf("format", "RFC3339Nano", "RFC3339", "UnixMilli")
            .defaultValue("RFC3339Nano").description("Output: RFC3339Nano, RFC3339 (strings) or UnixMilli (number)").build();

    private static final double EPOCH_MILLIS_THRESHOLD = 1e12;
    /** Go's offset-less layouts: the date and the time joined by {@code T} or by one space, optional fraction. */
    private static final DateTimeFormatter WITHOUT_ZONE_T = withoutZone('T');
    private static final DateTimeFormatter WITHOUT_ZONE_SPACE = withoutZone(' ');

    private static DateTimeFormatter withoutZone(char separator) {
        return new DateTimeFormatterBuilder()
                .appendPattern("yyyy-MM-dd")
                .appendLiteral(separator)
                .appendPattern("HH:mm:ss")
                .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
                .toFormatter();
    }

    @Override
    public String type() {
        return "timezone";
    }

    @Override
    public String description() {
        return "Converts time fields to another time zone and format";
    }

    @Override
    public List<ConfigField<?>> options() {
        return List.of(TIMEZONE, FIELDS, SOURCE_TIMEZONE, FORMAT);
    }

    @Override
    public void validate(ConfigValues config, ValidationErrors errors) {
        checkZone(config, TIMEZONE, errors);
        checkZone(config, SOURCE_TIMEZONE, errors);
        Steps.requirePaths(config, FIELDS, errors);
    }

    private static void checkZone(ConfigValues config, ConfigField<String> option, ValidationErrors errors) {
        if (option == TIMEZONE && config.get(option).isBlank()) {
            errors.add(config.pathOf(option), "must name a time zone");
            return;
        }
        try {
            zone(config.get(option));
        } catch (DateTimeException e) {
            errors.add(config.pathOf(option), "unknown time zone \"" + config.get(option) + "\" (use an IANA name such as "
                    + "Europe/Berlin, UTC, or an offset such as +03:00)");
        }
    }

    /**
     * A zone as the original's loader reads it: blank or UTC → UTC, {@code Local} → the JVM's zone (Go: the pod's),
     * else an IANA name or a fixed offset.
     */
    static ZoneId zone(String name) {
        String n = name.trim();
        if (n.equals("Local")) {
            return ZoneId.systemDefault();
        }
        return n.equalsIgnoreCase("UTC") || n.isEmpty() ? ZoneId.of("UTC") : ZoneId.of(n);
    }

    @Override
    public Transformer create(ConfigValues config) {
        List<JsonPath> fields = Steps.paths(config.get(FIELDS));
        ZoneId target = zone(config.get(TIMEZONE));
        ZoneId source = zone(config.get(SOURCE_TIMEZONE));
        String format = config.get(FORMAT);
        GoTimeLayout layout = format.equalsIgnoreCase("RFC3339") ? GoTimeLayout.RFC3339 : GoTimeLayout.RFC3339_NANO;
        boolean millis = format.equalsIgnoreCase("UnixMilli");
        return message -> {
            ObjectNode root = Steps.objectPayload(message);
            if (root == null) {
                return List.of(message);
            }
            boolean changed = false;
            for (JsonPath field : fields) {
                JsonNode value = field.get(root);
                if (value == null || value.isNull()) {
                    continue;
                }
                Instant instant = parse(field, value, source);
                field.set(root, millis ? JsonNodeFactory.instance.numberNode(instant.toEpochMilli())
                        : JsonNodeFactory.instance.textNode(layout.format(instant.atZone(target))));
                changed = true;
            }
            if (changed) {
                message.setJson(root);
            }
            return List.of(message);
        };
    }

    static Instant parse(JsonPath field, JsonNode value, ZoneId source) throws TransformException {
        if (value.isNumber()) {
            return epoch(field, value.doubleValue());
        }
        if (!value.isTextual()) {
            throw new TransformException("field " + field + ": cannot read a " + value.getNodeType().name().toLowerCase() + " as a time");
        }
        String text = value.textValue().trim();
        if (text.isEmpty()) {
            throw new TransformException("field " + field + ": an empty string is not a time");
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException ignored) {
            // not RFC 3339 with an offset; try the forms without one
        }
        try {
            DateTimeFormatter withoutZone = text.length() > 10 && text.charAt(10) == ' ' ? WITHOUT_ZONE_SPACE : WITHOUT_ZONE_T;
            return LocalDateTime.parse(text, withoutZone).atZone(source).toInstant();
        } catch (DateTimeParseException ignored) {
            // nor without; maybe an epoch number in a string
        }
        try {
            return epoch(field, Double.parseDouble(text));
        } catch (NumberFormatException e) {
            throw new TransformException("field " + field + ": cannot parse the string as a time (RFC 3339, "
                    + "yyyy-MM-dd HH:mm:ss or epoch seconds/milliseconds expected)");
        }
    }

    private static Instant epoch(JsonPath field, double n) throws TransformException {
        if (Double.isNaN(n) || Double.isInfinite(n)) {
            throw new TransformException("field " + field + ": not a finite epoch number");
        }
        if (Math.abs(n) >= EPOCH_MILLIS_THRESHOLD) {
            return Instant.ofEpochMilli((long) n);
        }
        long seconds = (long) n;
        long nanos = Math.round((n - seconds) * 1e9);
        return Instant.ofEpochSecond(seconds, nanos);
    }
}
