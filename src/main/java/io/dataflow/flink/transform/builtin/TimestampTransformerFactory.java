package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.path.JsonPath;
import io.dataflow.flink.transform.time.GoTimeLayout;

import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.function.Function;

/**
 * {@code timestamp}: sets a field to the current time. {@code format} takes Go layouts as the original did
 * ({@code 2006-01-02 15:04:05}) and also the named formats its docs promised but its code printed literally:
 * Go's layout names ({@code RFC3339}, {@code RFC3339Nano}, {@code RFC1123}, {@code DateTime}, …) and
 * {@code Unix}/{@code UnixMilli}/{@code UnixMicro}/{@code UnixNano}, which write a JSON number. Like the original,
 * layouts use the JVM's time zone (the pod's; UTC in the official Flink images).
 */
public final class TimestampTransformerFactory implements TransformerFactory {

    static final ConfigField<String> FIELD_NAME = ConfigField.string("fieldName").defaultValue("created_at")
            .description("Path of the field to set (dots nest)").build();
    static final ConfigField<String> FORMAT = ConfigField.string("format").defaultValue("RFC3339")
            .description("Go layout (2006-01-02T15:04:05Z07:00), a Go layout name (RFC3339, RFC3339Nano, RFC1123, DateTime, …) "
                    + "or Unix, UnixMilli, UnixMicro, UnixNano (a number)").build();

    private final Clock clock;

    public TimestampTransformerFactory() {
        this(Clock.systemDefaultZone());
    }

    TimestampTransformerFactory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String type() {
        return "timestamp";
    }

    @Override
    public String description() {
        return "Sets a field to the current time";
    }

    @Override
    public List<ConfigField<?>> options() {
        return List.of(FIELD_NAME, FORMAT);
    }

    @Override
    public void validate(ConfigValues config, ValidationErrors errors) {
        Steps.validatePath(config.pathOf(FIELD_NAME), config.get(FIELD_NAME), errors);
        String format = config.get(FORMAT);
        if (epochFormat(format) == null && !GoTimeLayout.of(format).hasTimeElements()) {
            errors.add(config.pathOf(FORMAT), "\"" + format + "\" is neither a Go layout (e.g. 2006-01-02T15:04:05Z07:00) "
                    + "nor a known name (" + String.join(", ", new java.util.TreeSet<>(GoTimeLayout.NAMED.keySet()))
                    + ", Unix, UnixMilli, UnixMicro, UnixNano)");
        }
    }

    private static Function<Instant, JsonNode> epochFormat(String format) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        switch (format) {
            case "Unix":
                return t -> json.numberNode(t.getEpochSecond());
            case "UnixMilli":
                return t -> json.numberNode(t.toEpochMilli());
            case "UnixMicro":
                return t -> json.numberNode(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000);
            case "UnixNano":
                return t -> json.numberNode(t.getEpochSecond() * 1_000_000_000L + t.getNano());
            default:
                return null;
        }
    }

    @Override
    public Transformer create(ConfigValues config) {
        JsonPath field = JsonPath.parse(config.get(FIELD_NAME));
        String format = config.get(FORMAT);
        Function<Instant, JsonNode> epoch = epochFormat(format);
        GoTimeLayout layout = epoch == null ? GoTimeLayout.of(format) : null;
        return message -> {
            ObjectNode root = Steps.objectPayload(message);
            if (root == null) {
                return List.of(message);
            }
            Instant now = clock.instant();
            JsonNode value = epoch != null ? epoch.apply(now)
                    : JsonNodeFactory.instance.textNode(layout.format(ZonedDateTime.ofInstant(now, clock.getZone())));
            if (field.set(root, value)) {
                message.setJson(root);
            }
            return List.of(message);
        };
    }
}
