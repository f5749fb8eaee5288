package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * An Avro datum (as {@code GenericDatumReader} reads it) as the JSON the original writes after decoding with
 * hamba/avro into Go values and {@code encoding/json} (docs/ORIGINAL.md#kafka):
 * <ul>
 *   <li>records and maps are objects, arrays are arrays, enums their symbol, bytes and fixed base64 strings;</li>
 *   <li>a union value is {@code null} or an object {@code {"<branch>": value}} named by the branch type (the full
 *       name of a named type), except that the original's normalisation turns {@code {"array": [...]}} into the
 *       plain array;</li>
 *   <li>timestamp-millis/micros and date become RFC 3339 UTC times (Go's time.Time in JSON), decimal a decimal
 *       string; NaN and infinite floats cannot be JSON and fail the record.</li>
 * </ul>
 */
final class AvroJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter RFC3339_NANO = DateTimeFormatter.ISO_INSTANT;

    private AvroJson() {
    }

    static JsonNode toJson(Object datum, Schema schema) {
        return normalizeArrayWrapper(convert(datum, schema));
    }

    private static JsonNode convert(Object datum, Schema schema) {
        if (datum == null) {
            return NODES.nullNode();
        }
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD: {
                GenericRecord record = (GenericRecord) datum;
                ObjectNode out = NODES.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    out.set(field.name(), toJson(record.get(field.pos()), field.schema()));
                }
                return out;
            }
            case MAP: {
                ObjectNode out = NODES.objectNode();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) datum).entrySet()) {
                    out.set(e.getKey().toString(), toJson(e.getValue(), schema.getValueType()));
                }
                return out;
            }
            case ARRAY: {
                ArrayNode out = NODES.arrayNode();
                for (Object element : (List<?>) datum) {
                    out.add(toJson(element, schema.getElementType()));
                }
                return out;
            }
            case UNION: {
                int branch = GenericData.get().resolveUnion(schema, datum);
                Schema type = schema.getTypes().get(branch);
                if (type.getType() == Schema.Type.NULL) {
                    return NODES.nullNode();
                }
                ObjectNode out = NODES.objectNode();
                out.set(branchName(type), toJson(datum, type));
                return out;
            }
            case ENUM:
                return NODES.textNode(((GenericEnumSymbol<?>) datum).toString());
            case FIXED:
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return NODES.textNode(new BigDecimal(new BigInteger(((GenericFixed) datum).bytes()), decimal.getScale()).toPlainString());
                }
                return NODES.textNode(Base64.getEncoder().encodeToString(((GenericFixed) datum).bytes()));
            case BYTES: {
                ByteBuffer buffer = ((ByteBuffer) datum).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return NODES.textNode(new BigDecimal(new BigInteger(bytes), decimal.getScale()).toPlainString());
                }
                return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case STRING:
                return NODES.textNode(datum.toString());
            case INT:
                if (logical instanceof LogicalTypes.Date) {
                    return NODES.textNode(LocalDate.ofEpochDay((Integer) datum).atStartOfDay(ZoneOffset.UTC).toInstant().toString());
                }
                return NODES.numberNode((Integer) datum);
            case LONG:
                if (logical instanceof LogicalTypes.TimestampMillis) {
                    return NODES.textNode(RFC3339_NANO.format(Instant.ofEpochMilli((Long) datum)));
                }
                if (logical instanceof LogicalTypes.TimestampMicros) {
                    long micros = (Long) datum;
                    return NODES.textNode(RFC3339_NANO.format(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                            Math.floorMod(micros, 1_000_000L) * 1000L)));
                }
                return NODES.numberNode((Long) datum);
            case FLOAT:
                return NODES.numberNode(finite((Float) datum));
            case DOUBLE:
                return NODES.numberNode(finite((Double) datum));
            case BOOLEAN:
                return NODES.booleanNode((Boolean) datum);
            case NULL:
                return NODES.nullNode();
            default:
                throw new IllegalArgumentException("unsupported Avro type " + schema.getType());
        }
    }

    /** hamba/avro names a union branch by its full name for named types, else by its type name. */
    private static String branchName(Schema type) {
        return switch (type.getType()) {
            case RECORD, ENUM, FIXED -> type.getFullName();
            default -> type.getType().getName();
        };
    }

    /** The original's normalisation: {@code {"array": [...]}} → {@code [...]}, also nested. */
    private static JsonNode normalizeArrayWrapper(JsonNode node) {
        if (node.isObject() && node.size() == 1 && node.has("array") && node.get("array").isArray()) {
            return node.get("array");
        }
        return node;
    }

    private static float finite(float f) {
        if (!Float.isFinite(f)) {
            throw new IllegalArgumentException("Avro float " + f + " cannot be written as JSON");
        }
        return f;
    }

    private static double finite(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("Avro double " + d + " cannot be written as JSON");
        }
        return d;
    }
}
