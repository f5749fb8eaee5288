package io.dataflow.flink.transform.time;

import java.io.Serializable;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Formats times with Go's reference-time layouts ({@code 2006-01-02T15:04:05Z07:00}, {@code Jan _2 15:04:05.000},
 * {@code 3:04PM}, …) and Go's named layouts ({@code RFC3339}, {@code RFC3339Nano}, {@code RFC1123}, {@code Kitchen},
 * {@code DateTime}, …), so that manifests written for the original produce the same text. The layout is compiled
 * once into a list of elements; formatting walks the list.
 */
public final class GoTimeLayout implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Go's {@code time} package layout constants, by name. */
    public static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("Layout", "01/02 03:04:05PM '06 -0700"),
            Map.entry("ANSIC", "Mon Jan _2 15:04:05 2006"),
            Map.entry("UnixDate", "Mon Jan _2 15:04:05 MST 2006"),
            Map.entry("RubyDate", "Mon Jan 02 15:04:05 -0700 2006"),
            Map.entry("RFC822", "02 Jan 06 15:04 MST"),
            Map.entry("RFC822Z", "02 Jan 06 15:04 -0700"),
            Map.entry("RFC850", "Monday, 02-Jan-06 15:04:05 MST"),
            Map.entry("RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"),
            Map.entry("RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"),
            Map.entry("RFC3339", "2006-01-02T15:04:05Z07:00"),
            Map.entry("RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"),
            Map.entry("Kitchen", "3:04PM"),
            Map.entry("Stamp", "Jan _2 15:04:05"),
            Map.entry("StampMilli", "Jan _2 15:04:05.000"),
            Map.entry("StampMicro", "Jan _2 15:04:05.000000"),
            Map.entry("StampNano", "Jan _2 15:04:05.000000000"),
            Map.entry("DateTime", "2006-01-02 15:04:05"),
            Map.entry("DateOnly", "2006-01-02"),
            Map.entry("TimeOnly", "15:04:05"));

    public static final GoTimeLayout RFC3339 = of("RFC3339");
    public static final GoTimeLayout RFC3339_NANO = of("RFC3339Nano");

    private final String layout;
    private final List<Element> elements;

    private GoTimeLayout(String layout, List<Element> elements) {
        this.layout = layout;
        this.elements = List.copyOf(elements);
    }

    /** A named layout ({@code RFC3339}) or a reference-time layout ({@code 2006-01-02}). */
    public static GoTimeLayout of(String nameOrLayout) {
        String layout = NAMED.getOrDefault(nameOrLayout, nameOrLayout);
        return new GoTimeLayout(layout, compile(layout));
    }

    /** True when the layout contains at least one time element (a layout of only literals is almost surely a mistake). */
    public boolean hasTimeElements() {
        return elements.stream().anyMatch(e -> !(e instanceof Literal));
    }

    public String layout() {
        return layout;
    }

    public String format(ZonedDateTime t) {
        StringBuilder out = new StringBuilder(32);
        for (Element e : elements) {
            e.append(t, out);
        }
        return out.toString();
    }

    private interface Element extends Serializable {
        void append(ZonedDateTime t, StringBuilder out);
    }

    private record Literal(String text) implements Element {
        public void append(ZonedDateTime t, StringBuilder out) {
            out.append(text);
        }
    }

    private enum Std implements Element {
        LONG_MONTH { public void append(ZonedDateTime t, StringBuilder o) { o.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH)); } },
        MONTH { public void append(ZonedDateTime t, StringBuilder o) { o.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH)); } },
        NUM_MONTH { public void append(ZonedDateTime t, StringBuilder o) { o.append(t.getMonthValue()); } },
        ZERO_MONTH { public void append(ZonedDateTime t, StringBuilder o) { pad(o, t.getMonthValue(), 2, '0'); } },
        LONG_WEEKDAY { public void append(ZonedDateTime t, StringBuilder o) { o.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH)); } },
        WEEKDAY { public void append(ZonedDateTime t, StringBuilder o) { o.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH)); } },
        DAY { public void append(ZonedDateTime t, StringBuilder o) { o.append(t.getDayOfMonth()); } },
        UNDER_DAY { public void append(ZonedDateTime t, StringBuilder o) { pad(o, t.getDayOfMonth(), 2, ' '); } },
        ZERO_DAY { public void append(ZonedDateTime t, StringBuilder o) { pad(o, t.getDayOfMonth(), 2, '0'); } },
        UNDER_YEAR_DAY { public void append(ZonedDateTime t, StringBuilder o) { pad(o, t.getDayOfYear(), 3, ' '); } },
        ZERO_YEAR_DAY { public void append(ZonedDateTime t, StringBuilder o) { pad(o, t.getDayOfYear(), 3, '0'); } },
        HOUR { public void append(ZonedDateTime t, StringBuilder o) { pad(o, t.getHour(), 2, '0'); } },
        HOUR12 { public void append(ZonedDateTime t, StringBuilder o) { o.append(hour12(t)); } },
        ZERO_HOUR12 { public void append(ZonedDateTime t, StringBuilder o) { pad(o, hour12(t), 2, '0'); } },
        MINUTE { public void append(ZonedDateTime t, StringBuilder o) { o.append(t.getMinute()); } },
        ZERO_MINUTE { public void append(ZonedDateTime t, StringBuilder o) { pad(o, t.getMinute(), 2, '0'); } },
        SECOND { public void append(ZonedDateTime t, StringBuilder o) { o.append(t.getSecond()); } },
        ZERO_SECOND { public void append(ZonedDateTime t, StringBuilder o) { pad(o, t.getSecond(), 2, '0'); } },
        LONG_YEAR { public void append(ZonedDateTime t, StringBuilder o) { pad(o, t.getYear(), 4, '0'); } },
        YEAR { public void append(ZonedDateTime t, StringBuilder o) { pad(o, Math.floorMod(t.getYear(), 100), 2, '0'); } },
        PM { public void append(ZonedDateTime t, StringBuilder o) { o.append(t.getHour() >= 12 ? "PM" : "AM"); } },
        LOWER_PM { public void append(ZonedDateTime t, StringBuilder o) { o.append(t.getHour() >= 12 ? "pm" : "am"); } },
        TZ { public void append(ZonedDateTime t, StringBuilder o) { o.append(zoneAbbreviation(t)); } };

        private static int hour12(ZonedDateTime t) {
            int h = t.getHour() % 12;
            return h == 0 ? 12 : h;
        }
    }

    /** {@code -0700}, {@code -07:00}, {@code -07}, {@code -07:00:00}, and the {@code Z…} forms that print Z for UTC. */
    private record Offset(boolean zForUtc, boolean colon, boolean minutes, boolean seconds) implements Element {
        public void append(ZonedDateTime t, StringBuilder o) {
            int total = t.getOffset().getTotalSeconds();
            if (zForUtc && total == 0) {
                o.append('Z');
                return;
            }
            o.append(total < 0 ? '-' : '+');
            total = Math.abs(total);
            pad(o, total / 3600, 2, '0');
            if (minutes) {
                if (colon) {
                    o.append(':');
                }
                pad(o, total / 60 % 60, 2, '0');
            }
            if (seconds) {
                if (colon) {
                    o.append(':');
                }
                pad(o, total % 60, 2, '0');
            }
        }
    }

    /** {@code .000} (fixed digits) or {@code .999} (trailing zeros trimmed, the separator too when all are zero). */
    private record Fraction(char separator, int digits, boolean trim) implements Element {
        public void append(ZonedDateTime t, StringBuilder o) {
            String nanos = String.format("%09d", t.getNano()).substring(0, digits);
            if (trim) {
                int end = nanos.length();
                while (end > 0 && nanos.charAt(end - 1) == '0') {
                    end--;
                }
                if (end == 0) {
                    return;
                }
                nanos = nanos.substring(0, end);
            }
            o.append(separator).append(nanos);
        }
    }

    private static void pad(StringBuilder o, int value, int width, char padding) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            o.append(padding);
        }
        o.append(s);
    }

    private static String zoneAbbreviation(ZonedDateTime t) {
        String name = t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
        if (t.getOffset().getTotalSeconds() == 0 && (name.equals("Z") || name.startsWith("GMT") || name.equals("UTC"))) {
            return "UTC";
        }
        if (name.startsWith("GMT") || name.startsWith("+") || name.startsWith("-")) {
            // Go prints the numeric offset when a zone has no abbreviation.
            String off = t.getOffset().getId();
            return off.replace(":", "").substring(0, off.endsWith(":00") ? 3 : 5);
        }
        return java.time.format.DateTimeFormatter.ofPattern("z", Locale.ENGLISH).format(t);
    }

    /** Splits a layout into elements the way Go's {@code nextStdChunk} does. */
    private static List<Element> compile(String layout) {
        List<Element> out = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < layout.length()) {
            Object[] match = match(layout, i);
            if (match == null) {
                literal.append(layout.charAt(i++));
                continue;
            }
            if (literal.length() > 0) {
                out.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            out.add((Element) match[0]);
            i += (Integer) match[1];
        }
        if (literal.length() > 0) {
            out.add(new Literal(literal.toString()));
        }
        return out;
    }

    private static Object[] match(String l, int i) {
        if (l.startsWith("January", i)) return m(Std.LONG_MONTH, 7);
        if (l.startsWith("Jan", i) && !lowerCaseAt(l, i + 3)) return m(Std.MONTH, 3); // "Janet" is text
        if (l.startsWith("Monday", i)) return m(Std.LONG_WEEKDAY, 6);
        if (l.startsWith("Mon", i) && !lowerCaseAt(l, i + 3)) return m(Std.WEEKDAY, 3); // so is "Month"
        if (l.startsWith("MST", i)) return m(Std.TZ, 3);
        if (l.startsWith("002", i)) return m(Std.ZERO_YEAR_DAY, 3);
        if (l.startsWith("01", i)) return m(Std.ZERO_MONTH, 2);
        if (l.startsWith("02", i)) return m(Std.ZERO_DAY, 2);
        if (l.startsWith("03", i)) return m(Std.ZERO_HOUR12, 2);
        if (l.startsWith("04", i)) return m(Std.ZERO_MINUTE, 2);
        if (l.startsWith("05", i)) return m(Std.ZERO_SECOND, 2);
        if (l.startsWith("06", i)) return m(Std.YEAR, 2);
        if (l.startsWith("15", i)) return m(Std.HOUR, 2);
        if (l.startsWith("1", i)) return m(Std.NUM_MONTH, 1);
        if (l.startsWith("2006", i)) return m(Std.LONG_YEAR, 4);
        if (l.startsWith("2", i)) return m(Std.DAY, 1);
        if (l.startsWith("_2006", i)) return null; // Go: a literal '_' before the year
        if (l.startsWith("__2", i)) return m(Std.UNDER_YEAR_DAY, 3);
        if (l.startsWith("_2", i)) return m(Std.UNDER_DAY, 2);
        if (l.startsWith("3", i)) return m(Std.HOUR12, 1);
        if (l.startsWith("4", i)) return m(Std.MINUTE, 1);
        if (l.startsWith("5", i)) return m(Std.SECOND, 1);
        if (l.startsWith("PM", i)) return m(Std.PM, 2);
        if (l.startsWith("pm", i)) return m(Std.LOWER_PM, 2);
        for (String z : new String[] {"Z07:00:00", "-07:00:00", "Z070000", "-070000", "Z07:00", "-07:00", "Z0700", "-0700", "Z07", "-07"}) {
            if (l.startsWith(z, i)) {
                boolean colon = z.contains(":");
                int digits = z.replace(":", "").length() - 1;
                return m(new Offset(z.charAt(0) == 'Z', colon, digits >= 4, digits >= 6), z.length());
            }
        }
        char c = l.charAt(i);
        if ((c == '.' || c == ',') && i + 1 < l.length() && (l.charAt(i + 1) == '0' || l.charAt(i + 1) == '9')) {
            char digit = l.charAt(i + 1);
            int j = i + 1;
            while (j < l.length() && l.charAt(j) == digit) {
                j++;
            }
            if (j >= l.length() || !Character.isDigit(l.charAt(j))) {
                return m(new Fraction(c, Math.min(9, j - i - 1), digit == '9'), j - i);
            }
        }
        return null;
    }

    private static boolean lowerCaseAt(String l, int i) {
        return i < l.length() && l.charAt(i) >= 'a' && l.charAt(i) <= 'z';
    }

    private static Object[] m(Element e, int length) {
        return new Object[] {e, length};
    }

    @Override
    public String toString() {
        return layout;
    }
}
