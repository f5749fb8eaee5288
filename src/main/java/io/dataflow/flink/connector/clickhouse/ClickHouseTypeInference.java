package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The column types of an auto-created table (docs/ORIGINAL.md#clickhouse), inferred from the records of the first batch:
 * <table>
 *   <tr><th>JSON value</th><th>original</th><th>here</th></tr>
 *   <tr><td>null (only)</td><td>Nullable(String)</td><td>Nullable(String)</td></tr>
 *   <tr><td>boolean</td><td>UInt8</td><td>UInt8</td></tr>
 *   <tr><td>integer, or a float without fraction</td><td>smallest of UInt8…Int64 for the first value</td>
 *       <td>Int64; UInt64 above Int64's range</td></tr>
 *   <tr><td>float with at most 2 decimals</td><td>Decimal(10, 2)</td><td>Decimal(18, 2)</td></tr>
 *   <tr><td>other float</td><td>Float64</td><td>Float64</td></tr>
 *   <tr><td>RFC 3339-looking string</td><td>DateTime</td><td>DateTime</td></tr>
 *   <tr><td>object, array, other string</td><td>String</td><td>String</td></tr>
 * </table>
 * Differences, each to stop silent corruption: the original sized integers by the first record's value, so a
 * {@code 5} made a UInt8 column and a later {@code 300} was stored as {@code 44} (ClickHouse wraps on insert);
 * Decimal(18, 2) takes the same 8 bytes as Decimal(10, 2) and holds amounts up to 10^16. All records of the first
 * batch are looked at, not only the first: a field that is an integer in one record and a float in another gets
 * the float type, mixed kinds get String, and a field that is null in some records is Nullable (except the ORDER
 * BY and version columns, which ClickHouse does not allow to be Nullable).
 *
 * <p>On a modern server (one that has DateTime64, i.e. 20.1 or later; see {@link ClickHouseServerFeatures}) three
 * rules differ, so that nothing the records carry is lost:
 * <ul>
 *   <li>RFC 3339-looking strings get {@code DateTime64(3)} (milliseconds kept; DateTime keeps whole seconds);</li>
 *   <li>a number with a fraction gets {@code Decimal(38, S)}, S being the most fraction digits any value of the
 *       field has in the first batch (trailing zeros not counted; at least 2, at most 18), as long as the integer
 *       digits fit in the other 38 − S; a field with a value of more than 18 fraction digits ({@code 1e-30}) or
 *       too many integer digits gets Float64. Later values with more fraction digits are rounded half-up to S,
 *       as the sink rounds every Decimal column;</li>
 *   <li>booleans get {@code Bool} where the server has it (22.x), else UInt8.</li>
 * </ul>
 * ClickHouse 18.16 keeps the table above (it has neither DateTime64 nor Bool).
 */
public final class ClickHouseTypeInference {

    /** RFC 3339 and the ISO forms close to it: date, T or space, time, optional fraction and zone. */
    static final Pattern DATE_TIME = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|z|[+-]\\d{2}:?\\d{2})?");

    private static final BigDecimal DECIMAL_LIMIT = new BigDecimal("1e16");
    /** Decimal(38, S) of the modern rule: fraction digits allowed, and the precision. */
    static final int MAX_MODERN_SCALE = 18;
    static final int MODERN_PRECISION = 38;
    private static final int MIN_SCALE = 2;
    private static final BigInteger UINT64_MAX = new BigInteger("18446744073709551615");

    enum Kind { BOOL, INT, UINT, DECIMAL, FLOAT, DATETIME, STRING }

    private ClickHouseTypeInference() {
    }

    /**
     * Column → type for the fields of {@code records} (JSON objects), sorted by name.
     *
     * @param notNullable columns that must not be Nullable (ORDER BY key, version column)
     */
    public static Map<String, String> columns(List<JsonNode> records, Set<String> notNullable) {
        return columns(records, notNullable, ClickHouseServerFeatures.NONE);
    }

    /** As {@link #columns(List, Set)}, with the modern rules where {@code server} has DateTime64 (and Bool). */
    static Map<String, String> columns(List<JsonNode> records, Set<String> notNullable, ClickHouseServerFeatures server) {
        boolean modern = server.dateTime64();
        Map<String, Kind> kinds = new TreeMap<>();
        Map<String, Boolean> nulls = new TreeMap<>();
        Map<String, Integer> scales = new TreeMap<>();
        Map<String, Integer> integerDigits = new TreeMap<>();
        for (JsonNode record : records) {
            for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                Kind kind = kindOf(field.getValue(), modern);
                if (kind == null) {
                    nulls.put(field.getKey(), true);
                    kinds.putIfAbsent(field.getKey(), null);
                } else {
                    kinds.merge(field.getKey(), kind, ClickHouseTypeInference::merge);
                    if (kind == Kind.INT || kind == Kind.DECIMAL) {
                        BigDecimal d = exactValue(field.getValue()).stripTrailingZeros();
                        scales.merge(field.getKey(), Math.max(d.scale(), 0), Math::max);
                        integerDigits.merge(field.getKey(), Math.max(d.precision() - d.scale(), 1), Math::max);
                    }
                }
            }
        }
        Map<String, String> types = new TreeMap<>();
        for (Map.Entry<String, Kind> e : kinds.entrySet()) {
            String name = e.getKey();
            if (e.getValue() == null) {
                types.put(name, notNullable.contains(name) ? "String" : "Nullable(String)");
                continue;
            }
            String type = modern ? modernTypeOf(e.getValue(), scales.getOrDefault(name, 0),
                    integerDigits.getOrDefault(name, 1), server.bool()) : typeOf(e.getValue());
            boolean nullable = nulls.getOrDefault(name, false) && !notNullable.contains(name);
            types.put(name, nullable ? "Nullable(" + type + ")" : type);
        }
        return types;
    }

    /** The kind of one value by the 18.16 rule; null for JSON null. */
    static Kind kindOf(JsonNode value) {
        return kindOf(value, false);
    }

    /** The kind of one value; null for JSON null. */
    static Kind kindOf(JsonNode value, boolean modern) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isBoolean()) {
            return Kind.BOOL;
        }
        if (value.isIntegralNumber()) {
            return integerKind(value.bigIntegerValue());
        }
        if (value.isNumber()) {
            if (!value.isBigDecimal() && !Double.isFinite(value.doubleValue())) {
                return Kind.FLOAT;
            }
            BigDecimal stripped = exactValue(value).stripTrailingZeros();
            if (stripped.scale() <= 0) {
                return integerKind(stripped.toBigIntegerExact());
            }
            if (modern) {
                return stripped.scale() <= MAX_MODERN_SCALE ? Kind.DECIMAL : Kind.FLOAT;
            }
            return stripped.scale() <= 2 && stripped.abs().compareTo(DECIMAL_LIMIT) < 0 ? Kind.DECIMAL : Kind.FLOAT;
        }
        if (value.isTextual()) {
            return DATE_TIME.matcher(value.textValue()).matches() ? Kind.DATETIME : Kind.STRING;
        }
        return Kind.STRING; // objects and arrays are stored as their JSON text
    }

    /** A number's value with the digits its JSON had (a double: its shortest decimal form). */
    private static BigDecimal exactValue(JsonNode value) {
        if (value.isIntegralNumber()) {
            return new BigDecimal(value.bigIntegerValue());
        }
        return value.isBigDecimal() ? value.decimalValue() : BigDecimal.valueOf(value.doubleValue());
    }

    private static Kind integerKind(BigInteger v) {
        if (v.bitLength() < 64) {
            return Kind.INT;
        }
        return v.signum() > 0 && v.compareTo(UINT64_MAX) <= 0 ? Kind.UINT : Kind.FLOAT;
    }

    /** The kind that holds both. */
    static Kind merge(Kind a, Kind b) {
        if (a == b) {
            return a;
        }
        if (isNumeric(a) && isNumeric(b)) {
            if (a == Kind.FLOAT || b == Kind.FLOAT) {
                return Kind.FLOAT;
            }
            if (a == Kind.DECIMAL || b == Kind.DECIMAL) {
                // a UInt64 beyond Decimal(18, 2) cannot be a decimal
                return a == Kind.UINT || b == Kind.UINT ? Kind.FLOAT : Kind.DECIMAL;
            }
            return Kind.UINT == a || Kind.UINT == b ? Kind.FLOAT : Kind.INT; // INT with negatives + UINT: no 64-bit type
        }
        return Kind.STRING;
    }

    private static boolean isNumeric(Kind k) {
        return k == Kind.INT || k == Kind.UINT || k == Kind.DECIMAL || k == Kind.FLOAT;
    }

    /** The modern rule's type: DateTime64(3), Decimal(38, S) sized by the values seen, Bool where the server has it. */
    static String modernTypeOf(Kind kind, int scale, int integerDigits, boolean bool) {
        switch (kind) {
            case BOOL:
                return bool ? "Bool" : "UInt8";
            case DECIMAL:
                int s = Math.max(scale, MIN_SCALE);
                return integerDigits <= MODERN_PRECISION - s ? "Decimal(" + MODERN_PRECISION + ", " + s + ")" : "Float64";
            case DATETIME:
                return "DateTime64(3)";
            default:
                return typeOf(kind);
        }
    }

    static String typeOf(Kind kind) {
        switch (kind) {
            case BOOL:
                return "UInt8";
            case INT:
                return "Int64";
            case UINT:
                return "UInt64";
            case DECIMAL:
                return "Decimal(18, 2)";
            case FLOAT:
                return "Float64";
            case DATETIME:
                return "DateTime";
            default:
                return "String";
        }
    }
}
