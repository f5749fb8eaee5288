package io.dataflow.flink.transform.path;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;

/** How the original turns JSON values into text and truth values (gjson's {@code Result.String()} and the condition engine). */
public final class JsonValues {

    private JsonValues() {
    }

    /**
     * gjson's string form: a string's content, integers as written, other numbers in plain decimal without
     * trailing zeros ({@code 1.50} → {@code 1.5}, {@code 1e3} → {@code 1000}), {@code true}/{@code false}, the
     * empty string for null, and compact JSON for objects and arrays.
     */
    public static String asString(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "";
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        if (value.isNumber()) {
            return isNonFinite(value) ? goNonFinite(value.doubleValue()) : decimalText(value.decimalValue());
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "true" : "false";
        }
        return value.toString();
    }

    /** A double beyond range (the JSON number 1e400 parses to Infinity) has no decimal value. */
    public static boolean isNonFinite(JsonNode value) {
        return value.isFloatingPointNumber() && !value.isBigDecimal() && !Double.isFinite(value.doubleValue());
    }

    /** Go's text for the non-finite floats ({@code strconv.FormatFloat}). */
    private static String goNonFinite(double d) {
        return Double.isNaN(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf";
    }

    private static String decimalText(BigDecimal d) {
        if (d.signum() == 0) {
            return "0";
        }
        return d.stripTrailingZeros().toPlainString();
    }

    /**
     * The condition language's truthiness: booleans as they are; strings non-empty and not {@code "false"};
     * numbers other than zero; null and missing false; objects and arrays true.
     */
    public static boolean isTruthy(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return false;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()) {
            String s = value.textValue();
            return !s.isEmpty() && !s.equals("false");
        }
        if (value.isNumber()) {
            return isNonFinite(value) || value.decimalValue().signum() != 0;
        }
        return true;
    }
}
