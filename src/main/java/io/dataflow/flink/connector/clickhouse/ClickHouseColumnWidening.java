package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which numbers a column's type cannot hold, and the type that would (schemaEvolution: evolve / fail). Only the
 * widening ClickHouse does in place with {@code MODIFY COLUMN}, within a family and never narrower: Int8/16/32 →
 * Int64, UInt8/16/32 → UInt64, Float32 → Float64. Without it ClickHouse wraps an integer beyond its column
 * (300 into an Int8 is stored as 44) and rounds a Float32 to about 7 digits, silently. Values that are not numbers,
 * and numbers with a fraction in an integer column, are the column's business (ClickHouse refuses them and names
 * the column), as before.
 */
final class ClickHouseColumnWidening {

    private static final Map<String, String> WIDER = Map.of("Int8", "Int64", "Int16", "Int64", "Int32", "Int64",
            "UInt8", "UInt64", "UInt16", "UInt64", "UInt32", "UInt64", "Float32", "Float64");
    private static final Pattern WIDENABLE = Pattern.compile("\\b(Int8|Int16|Int32|UInt8|UInt16|UInt32|Float32)\\b");

    /** Float32 keeps 6 significant decimal digits for sure (FLT_DIG), as PostgreSQL's real; a value with more loses them. */
    private static final int FLOAT32_DIGITS = 6;
    private static final BigInteger UINT64_MAX = new BigInteger("18446744073709551615");

    private ClickHouseColumnWidening() {
    }

    /** Whether the column of base type {@code baseType} (without Nullable/LowCardinality) stores {@code value} as it is. */
    static boolean fits(String baseType, JsonNode value) {
        if (value == null || !value.isNumber()) {
            return true;
        }
        if (baseType.equals("Float32")) {
            return fitsFloat32(value);
        }
        BigInteger[] range = integerRange(baseType);
        if (range == null) {
            return true;
        }
        BigInteger integer;
        if (value.isIntegralNumber()) {
            integer = value.bigIntegerValue();
        } else {
            if (!value.isBigDecimal() && !Double.isFinite(value.doubleValue())) {
                return true;
            }
            BigDecimal d = value.decimalValue().stripTrailingZeros();
            if (d.scale() > 0) {
                return true; // a fraction: ClickHouse refuses it and names the column
            }
            integer = d.toBigIntegerExact();
        }
        return integer.compareTo(range[0]) >= 0 && integer.compareTo(range[1]) <= 0;
    }

    private static boolean fitsFloat32(JsonNode value) {
        if (!value.isBigDecimal() && !Double.isFinite(value.doubleValue())) {
            return true; // NaN and infinities are Float32's own
        }
        BigDecimal d = value.isIntegralNumber() ? new BigDecimal(value.bigIntegerValue()) : value.decimalValue();
        if (d.signum() == 0) {
            return true;
        }
        BigDecimal magnitude = d.abs();
        boolean outOfRange = magnitude.compareTo(BigDecimal.valueOf(Float.MAX_VALUE)) > 0
                || magnitude.compareTo(BigDecimal.valueOf(Float.MIN_NORMAL)) < 0;
        return !outOfRange && d.stripTrailingZeros().precision() <= FLOAT32_DIGITS;
    }

    /** [min, max] of an integer type; null for other types. */
    private static BigInteger[] integerRange(String baseType) {
        return switch (baseType) {
            case "Int8" -> range(Byte.MIN_VALUE, Byte.MAX_VALUE);
            case "Int16" -> range(Short.MIN_VALUE, Short.MAX_VALUE);
            case "Int32" -> range(Integer.MIN_VALUE, Integer.MAX_VALUE);
            case "Int64" -> range(Long.MIN_VALUE, Long.MAX_VALUE);
            case "UInt8" -> range(0, 255);
            case "UInt16" -> range(0, 65_535);
            case "UInt32" -> range(0, 4_294_967_295L);
            case "UInt64" -> new BigInteger[]{BigInteger.ZERO, UINT64_MAX};
            default -> null;
        };
    }

    private static BigInteger[] range(long min, long max) {
        return new BigInteger[]{BigInteger.valueOf(min), BigInteger.valueOf(max)};
    }

    /**
     * The column's type with its base widened, wrappers kept ({@code Nullable(Int32)} → {@code Nullable(Int64)});
     * null when there is no wider type to go to.
     */
    static String widened(String columnType) {
        String base = ClickHouseColumnType.parse(columnType).name();
        if (!WIDER.containsKey(base)) {
            return null;
        }
        Matcher m = WIDENABLE.matcher(columnType);
        return m.find() ? columnType.substring(0, m.start()) + WIDER.get(base) + columnType.substring(m.end()) : null;
    }

    /**
     * The type a column of {@code columnType} must become to store {@code value}: null when it stores it already,
     * the widened type when that does, {@link #NONE} when no type the sink may widen to does.
     */
    static String needed(String columnType, JsonNode value) {
        if (fits(ClickHouseColumnType.parse(columnType).name(), value)) {
            return null;
        }
        String wider = widened(columnType);
        return wider != null && fits(ClickHouseColumnType.parse(wider).name(), value) ? wider : NONE;
    }

    /** {@link #needed}'s answer when no widening helps. */
    static final String NONE = "";
}
