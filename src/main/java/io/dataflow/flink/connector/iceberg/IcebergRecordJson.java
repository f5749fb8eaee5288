package io.dataflow.flink.connector.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Iceberg rows as JSON, as the original converts them: strings, numbers and booleans as themselves, timestamps as
 * RFC 3339 UTC, binary as UTF-8 text, nested structs, lists and maps recursively, anything else by its string form.
 */
final class IcebergRecordJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private IcebergRecordJson() {
    }

    static ObjectNode toJson(Record record, Types.StructType struct) {
        ObjectNode out = F.objectNode();
        List<Types.NestedField> fields = struct.fields();
        for (int i = 0; i < fields.size(); i++) {
            out.set(fields.get(i).name(), value(record.get(i), fields.get(i).type()));
        }
        return out;
    }

    static JsonNode value(Object value, Type type) {
        if (value == null) {
            return F.nullNode();
        }
        if (value instanceof CharSequence) {
            return F.textNode(value.toString());
        }
        if (value instanceof Boolean) {
            return F.booleanNode((Boolean) value);
        }
        if (value instanceof Integer) {
            return F.numberNode((Integer) value);
        }
        if (value instanceof Long) {
            return F.numberNode((Long) value);
        }
        if (value instanceof Float) {
            return F.numberNode((Float) value);
        }
        if (value instanceof Double) {
            return F.numberNode((Double) value);
        }
        if (value instanceof BigDecimal) {
            return F.numberNode((BigDecimal) value);
        }
        if (value instanceof OffsetDateTime) {
            return F.textNode(((OffsetDateTime) value).withOffsetSameInstant(ZoneOffset.UTC).toString());
        }
        if (value instanceof LocalDateTime) {
            return F.textNode(((LocalDateTime) value).atOffset(ZoneOffset.UTC).toString());
        }
        if (value instanceof ByteBuffer) {
            ByteBuffer b = ((ByteBuffer) value).duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return F.textNode(new String(bytes, StandardCharsets.UTF_8));
        }
        if (value instanceof byte[]) {
            return F.textNode(new String((byte[]) value, StandardCharsets.UTF_8));
        }
        if (value instanceof Record && type.isStructType()) {
            return toJson((Record) value, type.asStructType());
        }
        if (value instanceof List && type.isListType()) {
            ArrayNode array = F.arrayNode();
            for (Object item : (List<?>) value) {
                array.add(value(item, type.asListType().elementType()));
            }
            return array;
        }
        if (value instanceof Map && type.isMapType()) {
            ObjectNode map = F.objectNode();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                map.set(String.valueOf(e.getKey()), value(e.getValue(), type.asMapType().valueType()));
            }
            return map;
        }
        if (value instanceof StructLike) {
            return F.textNode(value.toString());
        }
        return F.textNode(value.toString());
    }
}
