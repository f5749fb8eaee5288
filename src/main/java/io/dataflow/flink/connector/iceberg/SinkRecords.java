package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.connector.RecordRefusedException;
import io.dataflow.flink.message.MetadataValues;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.message.Message;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Turns messages into Iceberg records of one table's schema, following its {@link TableLayout}. A value a column
 * cannot hold (columnar layout only) throws {@link RecordRefusedException}: the record goes to the error sink.
 */
final class SinkRecords {


    private final Schema schema;
    private final TableLayout layout;
    private final String prefix;
    /** A record of the schema, copied for each message: cheaper than building the field-name index every time. */
    private final GenericRecord template;
    /** Top-level columns in schema order, and their positions by lower-case name (columnar layout; names that
     *  differ only in case share the field). */
    private final java.util.List<Types.NestedField> columns;
    private final Map<String, int[]> positionsByLowerName = new java.util.HashMap<>();

    SinkRecords(Schema schema, TableLayout layout, String prefix) {
        this.schema = schema;
        this.layout = layout;
        this.prefix = prefix == null ? "" : prefix;
        this.template = GenericRecord.create(schema);
        this.columns = schema.columns();
        for (int i = 0; i < columns.size(); i++) {
            int position = i;
            positionsByLowerName.merge(columns.get(i).name().toLowerCase(java.util.Locale.ROOT), new int[] {i},
                    (a, b) -> java.util.stream.IntStream.concat(java.util.Arrays.stream(a), java.util.stream.IntStream.of(position)).toArray());
        }
    }

    TableLayout layout() {
        return layout;
    }

    Schema schema() {
        return schema;
    }

    /** The schema a new table gets; for FLATTENED the first record's metadata keys decide the columns. */
    static Schema newTableSchema(TableLayout layout, String prefix, Message first) {
        int id = 1;
        Types.NestedField data = Types.NestedField.optional(id++, TableLayout.DATA_COLUMN, Types.StringType.get());
        switch (layout) {
            case RAW:
                return new Schema(data, Types.NestedField.optional(id, TableLayout.METADATA_COLUMN, Types.StringType.get()));
            case FLATTENED:
                java.util.List<Types.NestedField> fields = new java.util.ArrayList<>();
                fields.add(data);
                for (Map.Entry<String, Object> e : metadataOf(first, wrappedMetadata(first)).entrySet()) {
                    String name = (prefix == null ? "" : prefix) + e.getKey();
                    if (!name.equalsIgnoreCase(TableLayout.DATA_COLUMN) && fields.stream().noneMatch(f -> f.name().equalsIgnoreCase(name))) {
                        fields.add(Types.NestedField.optional(id++, name, inferType(e.getValue())));
                    }
                }
                return new Schema(fields);
            default:
                return new Schema(data);
        }
    }

    /**
     * bool, int, long, double, else string, as the original maps metadata values; also the type of a column that
     * schemaEvolution: evolve adds for a new field ({@link SchemaFit}).
     */
    static Type inferType(Object value) {
        if (value instanceof JsonNode) {
            JsonNode n = (JsonNode) value;
            return n.isBoolean() ? Types.BooleanType.get() : n.isInt() ? Types.IntegerType.get() : n.isIntegralNumber()
                    ? Types.LongType.get() : n.isNumber() ? Types.DoubleType.get() : Types.StringType.get();
        }
        if (value instanceof Boolean) {
            return Types.BooleanType.get();
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return Types.IntegerType.get();
        }
        if (value instanceof Long) {
            return Types.LongType.get();
        }
        if (value instanceof Double || value instanceof Float) {
            return Types.DoubleType.get();
        }
        return Types.StringType.get();
    }

    Record toRecord(Message message) throws RecordRefusedException {
        GenericRecord record = template.copy();
        switch (layout) {
            case DATA:
                record.setField(TableLayout.DATA_COLUMN, message.dataAsString());
                return record;
            case RAW:
            case FLATTENED:
                return raw(message, record);
            default:
                return columnar(message, record);
        }
    }

    /** A body {@code {"value": …, "_metadata"?: …}} (at most two keys) is already wrapped, as the original decides. */
    private Record raw(Message message, GenericRecord record) {
        JsonNode wrapped = wrappedMetadata(message);
        JsonNode body = message.json();
        boolean isWrapped = isWrapped(body);
        String data = isWrapped ? text(body.get("value")) : message.dataAsString();
        record.setField(TableLayout.DATA_COLUMN, data);
        if (layout == TableLayout.RAW) {
            JsonNode metadata = isWrapped && body.has("_metadata") ? body.get("_metadata") : MetadataValues.toJson(message.metadata());
            record.setField(TableLayout.METADATA_COLUMN, metadata == null || metadata.isNull() ? null : metadata.toString());
            return record;
        }
        for (Map.Entry<String, Object> e : metadataOf(message, wrapped).entrySet()) {
            Types.NestedField column = schema.caseInsensitiveFindField(prefix + e.getKey());
            if (column == null || column.name().equalsIgnoreCase(TableLayout.DATA_COLUMN)) {
                continue; // keys unknown to the table's columns are skipped, as in the original
            }
            try {
                record.setField(column.name(), convert(asJson(e.getValue()), column.type()));
            } catch (IllegalArgumentException ex) {
                record.setField(column.name(), null);
            }
        }
        return record;
    }

    private Record columnar(Message message, GenericRecord record) throws RecordRefusedException {
        JsonNode body = message.json();
        if (body == null || !body.isObject()) {
            throw new RecordRefusedException("body is not a JSON object; the table has columns "
                    + schema.columns().stream().map(Types.NestedField::name).toList());
        }
        // Each column takes the first field whose name matches it case-insensitively. Matched by position, without a
        // map per record: this runs for every record (toLowerCase returns the same string when it is lower case already).
        JsonNode[] values = new JsonNode[columns.size()];
        for (java.util.Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            int[] positions = positionsByLowerName.get(field.getKey().toLowerCase(java.util.Locale.ROOT));
            if (positions != null) {
                for (int position : positions) {
                    if (values[position] == null) {
                        values[position] = field.getValue();
                    }
                }
            }
        }
        for (int i = 0; i < values.length; i++) {
            Types.NestedField column = columns.get(i);
            JsonNode value = values[i];
            if (value == null || value.isNull()) {
                if (column.isRequired()) {
                    throw new RecordRefusedException("column " + column.name() + " is required but the body has no value for it");
                }
                continue;
            }
            try {
                record.set(i, convert(value, column.type()));
            } catch (IllegalArgumentException e) {
                throw new RecordRefusedException("column " + column.name() + " (" + column.type() + "): " + e.getMessage());
            }
        }
        return record;
    }

    static boolean isWrapped(JsonNode body) {
        return body != null && body.isObject() && body.hasNonNull("value") && body.size() <= 2
                && (body.size() == 1 || body.has("_metadata"));
    }

    private static JsonNode wrappedMetadata(Message message) {
        JsonNode body = message.json();
        return isWrapped(body) ? body.get("_metadata") : null;
    }

    private static Map<String, Object> metadataOf(Message message, JsonNode wrapped) {
        if (wrapped != null && wrapped.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            wrapped.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
            return out;
        }
        return message.metadata();
    }

    private static JsonNode asJson(Object value) {
        return value instanceof JsonNode ? (JsonNode) value : MetadataValues.toJson(Map.of("v", value == null ? "" : value)).get("v");
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : node.toString();
    }

    /** One JSON value as the column's Java type; throws IllegalArgumentException saying why it does not fit. */
    static Object convert(JsonNode value, Type type) {
        if (value == null || value.isNull()) {
            return null;
        }
        switch (type.typeId()) {
            case STRING:
                return text(value);
            case BOOLEAN:
                if (value.isBoolean()) {
                    return value.booleanValue();
                }
                if (value.isTextual() && ("true".equalsIgnoreCase(value.asText()) || "false".equalsIgnoreCase(value.asText()))) {
                    return Boolean.parseBoolean(value.asText());
                }
                throw new IllegalArgumentException("not a boolean: " + abbreviate(value));
            case INTEGER:
                long integer = integral(value);
                if (integer < Integer.MIN_VALUE || integer > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("out of the range of int: " + abbreviate(value));
                }
                return (int) integer;
            case LONG:
                return integral(value);
            case FLOAT:
                return (float) decimal(value).doubleValue();
            case DOUBLE:
                return decimal(value).doubleValue();
            case DECIMAL:
                return decimalOf(value, (Types.DecimalType) type);
            case DATE:
                return date(value);
            case TIMESTAMP:
                OffsetDateTime ts = instant(value).atOffset(ZoneOffset.UTC);
                return ((Types.TimestampType) type).shouldAdjustToUTC() ? ts : ts.toLocalDateTime();
            case UUID:
                return UUID.fromString(value.asText());
            case BINARY:
                return java.nio.ByteBuffer.wrap(text(value).getBytes(StandardCharsets.UTF_8));
            default:
                throw new IllegalArgumentException("column type " + type + " is not supported by the columnar layout");
        }
    }

    /** Exactly, or not at all: a value with more places than the scale or more digits than the precision is refused. */
    private static BigDecimal decimalOf(JsonNode value, Types.DecimalType type) {
        BigDecimal scaled;
        try {
            scaled = decimal(value).setScale(type.scale(), java.math.RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("more than " + type.scale() + " decimal places: " + abbreviate(value));
        }
        if (scaled.precision() > type.precision()) {
            throw new IllegalArgumentException("more than " + type.precision() + " digits: " + abbreviate(value));
        }
        return scaled;
    }

    private static long integral(JsonNode value) {
        try {
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                return value.longValue();
            }
            if (value.isNumber()) {
                return value.decimalValue().longValueExact();
            }
            if (value.isTextual()) {
                return Long.parseLong(value.asText().trim());
            }
        } catch (ArithmeticException | NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("not an integer: " + abbreviate(value));
    }

    private static BigDecimal decimal(JsonNode value) {
        try {
            if (value.isNumber()) {
                return value.decimalValue();
            }
            if (value.isTextual()) {
                return new BigDecimal(value.asText().trim());
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("not a number: " + abbreviate(value));
    }

    /**
     * An ISO-8601 date that Iceberg can store: its writers keep days since 1970-01-01 in an int and would silently
     * truncate a date beyond that (java.time parses years up to ±999 999 999).
     */
    private static LocalDate date(JsonNode value) {
        LocalDate date;
        try {
            date = LocalDate.parse(value.isTextual() ? value.textValue() : value.toString());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 date (yyyy-mm-dd): " + abbreviate(value));
        }
        long days = date.toEpochDay();
        if (days < Integer.MIN_VALUE || days > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("outside the dates Iceberg stores: " + abbreviate(value));
        }
        return date;
    }

    /**
     * An RFC 3339 timestamp or epoch milliseconds that Iceberg can store: its writers keep microseconds since 1970 in
     * a long, and a later instant would fail the writer (an ArithmeticException, not a refusal) instead of the record.
     */
    private static Instant instant(JsonNode value) {
        Instant instant = parseInstant(value);
        try {
            Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("outside the timestamps Iceberg stores: " + abbreviate(value));
        }
        return instant;
    }

    private static Instant parseInstant(JsonNode value) {
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                throw new IllegalArgumentException("outside the timestamps Iceberg stores: " + abbreviate(value));
            }
            return Instant.ofEpochMilli(value.longValue());
        }
        try {
            return OffsetDateTime.parse(value.asText()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value.asText());
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException("not an RFC 3339 timestamp or epoch milliseconds: " + abbreviate(value));
            }
        }
    }

    private static String abbreviate(JsonNode value) {
        String s = value.toString();
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
