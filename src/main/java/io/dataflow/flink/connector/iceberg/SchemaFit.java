package io.dataflow.flink.connector.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.connector.SchemaEvolution;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How one columnar record fits a table's Iceberg schema (schemaEvolution: evolve and fail): the body's fields the
 * schema has no column for (matched case-insensitively, as {@link SinkRecords} matches them), the columns to add for
 * them (optional, typed as the sink types a new table's columns: {@link SinkRecords#inferType}; a field that is
 * null adds nothing, its type is unknown), and the numeric columns too narrow for a value with the type that holds
 * it — only promotions Iceberg allows ({@link TypeUtil#isPromotionAllowed}): int → long, float → double, decimal
 * precision up at the same scale. A value no promotion helps (an integer beyond long, a decimal with more places than
 * its column's scale) is left to the column, which refuses the record naming it.
 */
record SchemaFit(Set<String> missing, Map<String, Type> added, Map<String, Type.PrimitiveType> widened) {

    static final SchemaFit FITS = new SchemaFit(Set.of(), Map.of(), Map.of());

    /** float keeps 6 significant decimal digits (FLT_DIG); a value with more loses them there. */
    private static final int FLOAT_DIGITS = 6;
    private static final int MAX_DECIMAL_PRECISION = 38;
    private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    SchemaFit {
        missing = Set.copyOf(missing);
        added = Map.copyOf(added);
        widened = Map.copyOf(widened);
    }

    /** How the JSON object {@code body} fits {@code schema}; anything but an object fits (the layout refuses it). */
    static SchemaFit of(Schema schema, JsonNode body) {
        if (body == null || !body.isObject()) {
            return FITS;
        }
        Set<String> missing = null;
        Map<String, Type> added = null;
        Map<String, Type.PrimitiveType> widened = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            Types.NestedField column = schema.caseInsensitiveFindField(field.getKey());
            if (column == null) {
                if (missing == null) {
                    missing = new TreeSet<>();
                    added = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                }
                missing.add(field.getKey());
                if (value != null && !value.isNull()) {
                    added.putIfAbsent(field.getKey(), SinkRecords.inferType(value));
                }
                continue;
            }
            Type.PrimitiveType wider = widerType(column.type(), value);
            if (wider != null) {
                if (widened == null) {
                    widened = new TreeMap<>();
                }
                widened.put(column.name(), wider);
            }
        }
        if (missing == null && widened == null) {
            return FITS;
        }
        return new SchemaFit(missing == null ? Set.of() : missing, added == null ? Map.of() : added,
                widened == null ? Map.of() : widened);
    }

    /** Whether evolving the table would change it (missing fields that are null add nothing). */
    boolean needsEvolution() {
        return !added.isEmpty() || !widened.isEmpty();
    }

    /**
     * schemaEvolution: fail — why the record is refused, naming the (alphabetically first) field, never its value;
     * null when it fits.
     */
    String refusal(Schema schema, TableAddress table) {
        if (!missing.isEmpty()) {
            return SchemaEvolution.FAIL.notAColumn(new TreeSet<>(missing).first(), table);
        }
        if (!widened.isEmpty()) {
            Map.Entry<String, Type.PrimitiveType> first = new TreeMap<>(widened).firstEntry();
            return SchemaEvolution.FAIL.doesNotFit(first.getKey(), String.valueOf(schema.findType(first.getKey())), table,
                    String.valueOf(first.getValue()));
        }
        return null;
    }

    /**
     * What is still to change in the table as it is now: another writer may have added or widened a column
     * meanwhile (to this type or a wider one; a column someone changed to another type is not ours to change).
     */
    SchemaFit remainingFor(Schema current) {
        Map<String, Type> add = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        add.putAll(added);
        add.keySet().removeIf(name -> current.caseInsensitiveFindField(name) != null);
        Map<String, Type.PrimitiveType> widen = new TreeMap<>(widened);
        widen.entrySet().removeIf(e -> {
            Type now = current.findType(e.getKey());
            return now == null || now.equals(e.getValue()) || !TypeUtil.isPromotionAllowed(now, e.getValue());
        });
        return new SchemaFit(Set.of(), add, widen);
    }

    /**
     * The type a column of {@code type} must be promoted to so that it holds {@code value} without loss, or null
     * when it holds it already, or when no promotion Iceberg allows would help.
     */
    static Type.PrimitiveType widerType(Type type, JsonNode value) {
        if (value == null || value.isNull() || !(value.isNumber() || value.isTextual())) {
            return null;
        }
        Type.PrimitiveType wider = switch (type.typeId()) {
            case INTEGER -> widerInteger(value);
            case FLOAT -> widerFloat(value);
            case DECIMAL -> widerDecimal((Types.DecimalType) type, value);
            default -> null;
        };
        return wider != null && TypeUtil.isPromotionAllowed(type, wider) ? wider : null;
    }

    private static Type.PrimitiveType widerInteger(JsonNode value) {
        if (value.isInt()) {
            return null; // the common case, without parsing
        }
        BigInteger integer;
        try {
            integer = number(value).toBigIntegerExact();
        } catch (NumberFormatException | ArithmeticException notAnInteger) {
            return null;
        }
        boolean fitsInt = integer.compareTo(INT_MIN) >= 0 && integer.compareTo(INT_MAX) <= 0;
        boolean fitsLong = integer.compareTo(LONG_MIN) >= 0 && integer.compareTo(LONG_MAX) <= 0;
        return !fitsInt && fitsLong ? Types.LongType.get() : null;
    }

    private static Type.PrimitiveType widerFloat(JsonNode value) {
        BigDecimal number;
        try {
            number = number(value);
        } catch (NumberFormatException notANumber) {
            return null; // NaN, Infinity and non-numbers are the column's business
        }
        if (number.signum() == 0) {
            return null;
        }
        BigDecimal magnitude = number.abs();
        boolean outOfRange = magnitude.compareTo(BigDecimal.valueOf(Float.MAX_VALUE)) > 0
                || magnitude.compareTo(BigDecimal.valueOf(Float.MIN_NORMAL)) < 0;
        return outOfRange || number.stripTrailingZeros().precision() > FLOAT_DIGITS ? Types.DoubleType.get() : null;
    }

    /** More integer digits than precision − scale allows: more precision at the same scale (Iceberg keeps scales). */
    private static Type.PrimitiveType widerDecimal(Types.DecimalType type, JsonNode value) {
        BigDecimal number;
        try {
            number = number(value);
        } catch (NumberFormatException notANumber) {
            return null;
        }
        BigDecimal stripped = number.stripTrailingZeros();
        if (stripped.scale() > type.scale()) {
            return null; // more places than the scale: no promotion keeps them
        }
        int precision = stripped.setScale(type.scale()).precision();
        return precision > type.precision() && precision <= MAX_DECIMAL_PRECISION
                ? Types.DecimalType.of(precision, type.scale()) : null;
    }

    private static BigDecimal number(JsonNode value) {
        if (value.isNumber()) {
            return value.decimalValue();
        }
        return new BigDecimal(value.asText().trim());
    }
}
