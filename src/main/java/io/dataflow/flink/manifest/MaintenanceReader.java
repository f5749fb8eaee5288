package io.dataflow.flink.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.config.GoDuration;
import io.dataflow.flink.config.ValidationErrors;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/** Validates {@code spec.maintenance} (reference §2.2) into a {@link Maintenance}; every error names its field. */
final class MaintenanceReader {

    static final String FIELD = "maintenance";
    private static final List<String> KNOWN = List.of("startTime", "duration", "repeat", "timezone", "description", "suspended");

    private MaintenanceReader() {
    }

    static Maintenance read(JsonNode node, ValidationErrors errors) {
        if (node == null || node.isNull()) {
            return Maintenance.NONE;
        }
        if (!node.isObject()) {
            errors.add(FIELD, "must be an object {startTime, duration, repeat, timezone, description, suspended}");
            return Maintenance.NONE;
        }
        int before = errors.size();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!KNOWN.contains(field)) {
                errors.add(path(field), "unknown field (known: " + String.join(", ", KNOWN) + ")");
            }
        }
        boolean suspended = false;
        JsonNode s = node.get("suspended");
        if (s != null && !s.isNull()) {
            if (s.isBoolean()) {
                suspended = s.booleanValue();
            } else {
                errors.add(path("suspended"), "must be true or false");
            }
        }
        String description = text(node, "description", errors);
        OffsetDateTime start = startTime(text(node, "startTime", errors), errors);
        Duration duration = duration(text(node, "duration", errors), errors);
        MaintenanceSchedule.Repeat repeat = repeat(text(node, "repeat", errors), errors);
        ZoneId zone = zone(text(node, "timezone", errors), errors);
        boolean startGiven = node.hasNonNull("startTime");
        if (startGiven && !node.hasNonNull("duration")) {
            errors.add(path("duration"), "required together with startTime");
        }
        if (!startGiven) {
            for (String field : List.of("duration", "repeat", "timezone")) {
                if (node.hasNonNull(field)) {
                    errors.add(path("startTime"), "required together with " + field);
                    break;
                }
            }
        }
        MaintenanceSchedule window = null;
        if (errors.size() == before && start != null && duration != null) {
            try {
                window = new MaintenanceSchedule(start.atZoneSameInstant(zone), duration, repeat, description);
            } catch (IllegalArgumentException e) {
                errors.add(path("duration"), e.getMessage() + " for repeat: " + repeat.name().toLowerCase(Locale.ROOT)
                        + ", or the windows would overlap (got " + node.get("duration").asText() + ")");
            }
        }
        return new Maintenance(suspended, window);
    }

    private static String path(String field) {
        return ValidationErrors.child(FIELD, field);
    }

    private static String text(JsonNode node, String field, ValidationErrors errors) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            errors.add(path(field), "must be a string");
            return null;
        }
        return v.asText();
    }

    private static OffsetDateTime startTime(String text, ValidationErrors errors) {
        if (text == null) {
            return null;
        }
        try {
            // RFC 3339 is ISO 8601 with a mandatory offset (Z or ±hh:mm); RFC 3339 allows a lower-case t and z too
            return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException e) {
            errors.add(path("startTime"), "must be an RFC 3339 time with an offset, such as 2026-12-06T02:00:00Z or "
                    + "2026-12-06T02:00:00+01:00 (got \"" + text + "\")");
            return null;
        }
    }

    private static Duration duration(String text, ValidationErrors errors) {
        if (text == null) {
            return null;
        }
        try {
            Duration d = GoDuration.parse(text);
            if (d.isNegative() || d.isZero()) {
                errors.add(path("duration"), "must be positive (got \"" + text + "\")");
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            errors.add(path("duration"), e.getMessage());
            return null;
        }
    }

    private static MaintenanceSchedule.Repeat repeat(String text, ValidationErrors errors) {
        if (text == null || text.isEmpty()) {
            return MaintenanceSchedule.Repeat.NONE;
        }
        switch (text) {
            case "daily":
                return MaintenanceSchedule.Repeat.DAILY;
            case "weekly":
                return MaintenanceSchedule.Repeat.WEEKLY;
            case "monthly":
                return MaintenanceSchedule.Repeat.MONTHLY;
            default:
                errors.add(path("repeat"), "must be daily, weekly or monthly, or left out for a one-off window (got \"" + text + "\")");
                return MaintenanceSchedule.Repeat.NONE;
        }
    }

    private static ZoneId zone(String text, ValidationErrors errors) {
        if (text == null || text.isEmpty()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            errors.add(path("timezone"), "unknown time zone \"" + text + "\" (expected an IANA name such as Europe/Berlin or UTC)");
            return ZoneOffset.UTC;
        }
    }
}
