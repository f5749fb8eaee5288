package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.connector.SchemaEvolution;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One thing a record needs of a columnar table that the table lacks (schemaEvolution): a column for a field it
 * carries ({@code currentType} null), or a wider column for a number its column cannot hold. Widening stays within a
 * family and only goes up, as Iceberg allows it through Trino: tinyint/smallint/integer → bigint, real → double;
 * other changes (a string in a number column, an integer beyond bigint) are left to the column, which refuses the
 * record as before ({@link TrinoLiterals}).
 *
 * @param field       the record's key as it carries it
 * @param column      the column's name: the table's for a widening, the field's in lower case for a new one (Trino
 *                    folds names to lower case)
 * @param type        the type the column needs: inferred from the value for a new column (null for a null value),
 *                    the wider type for a widening
 * @param currentType the column's type now, null for a new column
 */
record TrinoSchemaNeed(String field, String column, String type, String currentType) {

    /** real keeps 6 significant decimal digits (FLT_DIG); a value with more loses them there. */
    private static final int REAL_DIGITS = 6;
    /** The precision Trino's decimal holds at most. */
    private static final int DECIMAL_DIGITS = 38;

    boolean isNewColumn() {
        return currentType == null;
    }

    /** The record's needs in the order of its fields; empty when it fits the table ({@code columns}: name → type). */
    static List<TrinoSchemaNeed> of(JsonNode record, Map<String, String> columns) {
        if (record == null || !record.isObject()) {
            return List.of(); // refused by the encoder as before
        }
        Map<String, String> byLowerCase = new HashMap<>();
        columns.forEach((name, type) -> byLowerCase.putIfAbsent(name.toLowerCase(Locale.ROOT), name));
        List<TrinoSchemaNeed> needs = new ArrayList<>(0);
        List<String> added = new ArrayList<>(0);
        for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String lower = field.getKey().toLowerCase(Locale.ROOT);
            String column = byLowerCase.get(lower);
            if (column == null) {
                if (!added.contains(lower)) { // "a" and "A" would be one column
                    added.add(lower);
                    needs.add(new TrinoSchemaNeed(field.getKey(), lower, inferredType(field.getValue()), null));
                }
                continue;
            }
            String type = columns.get(column);
            String wider = widerType(type, field.getValue());
            if (wider != null) {
                needs.add(new TrinoSchemaNeed(field.getKey(), column, wider, type));
            }
        }
        return needs;
    }

    /**
     * The type of a new column for a value, as PostgreSQL's autoCreateTable infers one and as Iceberg can hold it:
     * boolean, bigint (decimal(38,0) beyond it), double for other numbers, varchar for text and for objects and
     * arrays (their JSON text, as the raw layout stores records); null for a null value (the caller decides).
     */
    static String inferredType(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        if (value.isIntegralNumber()) {
            if (value.canConvertToLong()) {
                return "bigint";
            }
            return value.bigIntegerValue().abs().toString().length() <= DECIMAL_DIGITS ? "decimal(38,0)" : "varchar";
        }
        if (value.isNumber()) {
            return "double";
        }
        return "varchar";
    }

    /** The type a column of {@code type} must be widened to so that it holds {@code value}, or null. */
    static String widerType(String type, JsonNode value) {
        if (type == null || value == null || value.isNull() || !(value.isNumber() || value.isTextual())) {
            return null;
        }
        switch (type.toLowerCase(Locale.ROOT).trim()) {
            case "tinyint":
            case "smallint":
            case "integer":
            case "int":
                BigInteger n = integer(value);
                if (n == null || n.bitLength() >= 64) {
                    return null; // not an integer, or beyond bigint too: the column refuses it, naming itself
                }
                return fits(n, type) ? null : "bigint";
            case "real":
                BigDecimal d = decimal(value);
                if (d == null || d.signum() == 0) {
                    return null;
                }
                BigDecimal magnitude = d.abs();
                boolean outOfRange = magnitude.compareTo(BigDecimal.valueOf(Float.MAX_VALUE)) > 0
                        || magnitude.compareTo(BigDecimal.valueOf(Float.MIN_NORMAL)) < 0;
                return outOfRange || d.stripTrailingZeros().precision() > REAL_DIGITS ? "double" : null;
            default:
                return null;
        }
    }

    private static boolean fits(BigInteger n, String type) {
        int bits = switch (type.toLowerCase(Locale.ROOT).trim()) {
            case "tinyint" -> 8;
            case "smallint" -> 16;
            default -> 32;
        };
        return n.bitLength() < bits;
    }

    /** As {@link TrinoLiterals} reads an integer: a JSON integer, a number without a fraction, or such text. */
    private static BigInteger integer(JsonNode value) {
        BigDecimal d = decimal(value);
        if (d == null) {
            return null;
        }
        try {
            return d.toBigIntegerExact();
        } catch (ArithmeticException fraction) {
            return null;
        }
    }

    private static BigDecimal decimal(JsonNode value) {
        if (value.isNumber()) {
            return value.isIntegralNumber() ? new BigDecimal(value.bigIntegerValue()) : value.decimalValue();
        }
        try {
            return new BigDecimal(value.textValue().trim());
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    /**
     * Why a record with this need is refused, in the words the other sinks use ({@link SchemaEvolution}); names the
     * field, never holds the value. {@code evolveFailure}: why ALTER TABLE failed (schemaEvolution: evolve), null
     * under schemaEvolution: fail.
     */
    String reason(TrinoTableName table, String evolveFailure) {
        if (evolveFailure != null) {
            return SchemaEvolution.EVOLVE.addingOrWideningFailed(field, currentType, table, type, evolveFailure);
        }
        return isNewColumn() ? SchemaEvolution.FAIL.notAColumn(field, table)
                : SchemaEvolution.FAIL.doesNotFit(field, currentType, table, type);
    }
}
