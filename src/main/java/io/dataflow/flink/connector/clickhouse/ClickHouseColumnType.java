package io.dataflow.flink.connector.clickhouse;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * A column type as {@code system.columns} writes it, taken apart for the value conversions of the sink and the
 * source: {@code Nullable(…)} and {@code LowCardinality(…)} are looked through, {@code Array(T)} and
 * {@code Map(K, V)} give their element types, {@code DateTime64(P[, 'zone'])}, {@code DateTime('zone')} and
 * {@code Decimal(P, S)} / {@code DecimalNN(S)} their precision, zone and scale.
 */
final class ClickHouseColumnType {

    private final String name;
    private final List<String> arguments;
    /** An Array's element or a Map's value type, parsed once (rows are converted value by value). */
    private final ClickHouseColumnType nested;
    /** A Decimal's scale, read once: the sink rounds every value of the column to it. */
    private final Integer scale;

    private ClickHouseColumnType(String name, List<String> arguments) {
        this.name = name;
        this.arguments = arguments;
        if (name.equals("Array") && arguments.size() == 1) {
            nested = parse(arguments.get(0));
        } else if (name.equals("Map") && arguments.size() == 2) {
            nested = parse(arguments.get(1));
        } else {
            nested = null;
        }
        scale = decimalScale(name, arguments);
    }

    /** The type without its Nullable/LowCardinality wrappers. */
    static ClickHouseColumnType parse(String type) {
        String t = type.trim();
        int open = t.indexOf('(');
        if (open < 0 || !t.endsWith(")")) {
            return new ClickHouseColumnType(t, List.of());
        }
        String name = t.substring(0, open).trim();
        List<String> arguments = splitArguments(t.substring(open + 1, t.length() - 1));
        if ((name.equals("Nullable") || name.equals("LowCardinality")) && arguments.size() == 1) {
            return parse(arguments.get(0));
        }
        return new ClickHouseColumnType(name, arguments);
    }

    /** Top-level arguments: commas inside parentheses or quotes do not split. */
    private static List<String> splitArguments(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '\'') {
                    quoted = false;
                }
            } else if (c == '\'') {
                quoted = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(text.substring(start, i).trim());
                start = i + 1;
            }
        }
        out.add(text.substring(start).trim());
        return out;
    }

    String name() {
        return name;
    }

    boolean isDateTime64() {
        return name.equals("DateTime64");
    }

    /** DateTime or DateTime64. */
    boolean isDateTime() {
        return name.equals("DateTime") || isDateTime64();
    }

    boolean isDecimal() {
        return name.startsWith("Decimal");
    }

    boolean isArray() {
        return name.equals("Array") && arguments.size() == 1;
    }

    boolean isMap() {
        return name.equals("Map") && arguments.size() == 2;
    }

    /** Whether a Decimal is this type or inside it (an Array's element, a Map's value). */
    boolean containsDecimal() {
        return isDecimal() || (isArray() && element().containsDecimal()) || (isMap() && mapValue().containsDecimal());
    }

    /** Whether a DateTime, DateTime64, Date or Decimal is this type or inside it: the types the source rewrites. */
    boolean needsConversion() {
        return isDateTime() || name.equals("Date") || isDecimal() || (isArray() && element().needsConversion())
                || (isMap() && mapValue().needsConversion());
    }

    ClickHouseColumnType element() {
        return nested;
    }

    ClickHouseColumnType mapValue() {
        return nested;
    }

    /** Digits after the second of a DateTime64 (3 when unreadable, ClickHouse's default); 0 for DateTime. */
    int precision() {
        if (!isDateTime64()) {
            return 0;
        }
        try {
            return arguments.isEmpty() ? 3 : Integer.parseInt(arguments.get(0));
        } catch (NumberFormatException e) {
            return 3;
        }
    }

    /** The zone argument of DateTime('zone') or DateTime64(P, 'zone'); {@code fallback} without one. */
    ZoneId zone(ZoneId fallback) {
        int index = isDateTime64() ? 1 : 0;
        if (!isDateTime() || arguments.size() <= index) {
            return fallback;
        }
        String quoted = arguments.get(index);
        if (quoted.length() < 2 || quoted.charAt(0) != '\'') {
            return fallback;
        }
        try {
            return ZoneId.of(quoted.substring(1, quoted.length() - 1));
        } catch (DateTimeException e) {
            return fallback;
        }
    }

    /** The scale of a Decimal: {@code Decimal(P, S)}, {@code Decimal64(S)}; null when not given. */
    Integer scale() {
        return scale;
    }

    private static Integer decimalScale(String name, List<String> arguments) {
        if (!name.startsWith("Decimal") || arguments.isEmpty()) {
            return null;
        }
        if (name.equals("Decimal") && arguments.size() == 1) {
            return 0; // Decimal(P) has no fraction
        }
        try {
            return Integer.parseInt(arguments.get(arguments.size() - 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return arguments.isEmpty() ? name : name + "(" + String.join(", ", arguments) + ")";
    }
}
