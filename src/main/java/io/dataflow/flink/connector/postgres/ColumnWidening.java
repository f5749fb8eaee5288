package io.dataflow.flink.connector.postgres;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/**
 * Which numeric columns a value is too wide for, and the type that holds it (schemaEvolution: evolve). Only
 * widening within a family: smallint/integer → bigint → numeric for integers, real → double precision for
 * fractions; a column is never made narrower, and other type changes (a string in a number column) are left to
 * the column, which refuses the record as before. Values are the text forms the sink sends ({@link ColumnValues}).
 */
final class ColumnWidening {

    /** From narrow to wide; a type later in its list holds every value of one before it. */
    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint", "numeric");
    private static final List<String> FRACTIONS = List.of("real", "double precision");

    /** real keeps 6 significant decimal digits (FLT_DIG); a value with more loses them there. */
    private static final int REAL_DIGITS = 6;

    private static final BigInteger SMALLINT_MAX = BigInteger.valueOf(Short.MAX_VALUE);
    private static final BigInteger SMALLINT_MIN = BigInteger.valueOf(Short.MIN_VALUE);
    private static final BigInteger INTEGER_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger INTEGER_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger BIGINT_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger BIGINT_MIN = BigInteger.valueOf(Long.MIN_VALUE);

    private ColumnWidening() {
    }

    /**
     * The type a column of {@code columnType} must be widened to so that it holds {@code text} without loss, or
     * null when it holds it already (or no widening can help).
     */
    static String widerType(String columnType, String text) {
        if (columnType == null || text == null) {
            return null;
        }
        switch (columnType) {
            case "smallint":
            case "integer":
            case "bigint":
                return widerInteger(columnType, text);
            case "real":
                return widerFraction(text);
            default:
                return null;
        }
    }

    private static String widerInteger(String columnType, String text) {
        int safeDigits = switch (columnType) {
            case "smallint" -> 4;
            case "integer" -> 9;
            default -> 18;
        };
        if (text.length() <= safeDigits) {
            return null; // the common case, without parsing: no number this short is out of the column's range
        }
        BigInteger value;
        try {
            value = new BigInteger(text.trim());
        } catch (NumberFormatException notAnInteger) {
            return null;
        }
        boolean fits = switch (columnType) {
            case "smallint" -> within(value, SMALLINT_MIN, SMALLINT_MAX);
            case "integer" -> within(value, INTEGER_MIN, INTEGER_MAX);
            default -> within(value, BIGINT_MIN, BIGINT_MAX);
        };
        if (fits) {
            return null;
        }
        // as autoCreateTable infers an integer column: bigint, numeric when bigint is too small
        return within(value, BIGINT_MIN, BIGINT_MAX) ? "bigint" : "numeric";
    }

    private static String widerFraction(String text) {
        BigDecimal value;
        try {
            value = new BigDecimal(text.trim());
        } catch (NumberFormatException notANumber) {
            return null; // NaN, Infinity and non-numbers are real's own business
        }
        if (value.signum() == 0) {
            return null;
        }
        BigDecimal magnitude = value.abs();
        boolean outOfRange = magnitude.compareTo(BigDecimal.valueOf(Float.MAX_VALUE)) > 0
                || magnitude.compareTo(BigDecimal.valueOf(Float.MIN_NORMAL)) < 0;
        return outOfRange || value.stripTrailingZeros().precision() > REAL_DIGITS ? "double precision" : null;
    }

    private static boolean within(BigInteger value, BigInteger min, BigInteger max) {
        return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
    }

    /** Whether a column of {@code current} type already holds every value of {@code wanted} (no ALTER needed). */
    static boolean covers(String current, String wanted) {
        if (current == null || current.equals(wanted)) {
            return current != null;
        }
        for (List<String> family : List.of(INTEGERS, FRACTIONS)) {
            int have = family.indexOf(current);
            int need = family.indexOf(wanted);
            if (have >= 0 && need >= 0) {
                return have >= need;
            }
        }
        // another family (someone changed the column meanwhile): not ours to change
        return true;
    }

    /** The wider of two types wanted for one column. */
    static String wider(String a, String b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return covers(a, b) ? a : b;
    }
}
