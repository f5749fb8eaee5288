package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The columnar row of a payload no one has parsed yet, read with Jackson's streaming parser: a scalar becomes a
 * single node, only an object, array or fractional number of a column is read as a (small) tree, and a field
 * without a column is skipped unread. So a record no longer costs a tree of the whole body that lives until its batch
 * is written (the JFR profile of {@code scripts/bench.sh kafka-to-postgres} showed the body's tree as a third of the
 * sink thread's samples; docs/BENCHMARKS.md).
 *
 * <p>It gives what {@link SinkRowBuilder}'s tree path gives for the same bytes: the same nodes go into
 * {@link ColumnValues#forColumn}. Whatever the tree path answers with a refusal (not JSON, not an object, empty,
 * no field that is a column) makes it return null, and the caller takes the tree path, which words the refusal.
 */
final class StreamingColumnarRow {

    /** Default settings, as {@code Message}'s own mapper: the nodes are those {@code Message.json()} would hold. */
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectReader TREE = JSON.readerFor(JsonNode.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StreamingColumnarRow() {
    }

    /**
     * Column → text form of the body's fields that are columns, in the body's order (a repeated field: its last
     * value, at its first place, as in the tree); fields without a column are added to {@code missing}. Null when the
     * payload is not a JSON object with at least one column field.
     */
    static Map<String, String> read(byte[] payload, TableColumns columns, Set<String> missing) {
        try (JsonParser p = JSON.getFactory().createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                JsonToken token = p.nextToken();
                if (columns.contains(name)) {
                    values.put(name, ColumnValues.forColumn(node(p, token), columns.type(name)));
                } else {
                    missing.add(name);
                    p.skipChildren();
                }
            }
            return p.currentToken() == JsonToken.END_OBJECT && !values.isEmpty() ? values : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The node the tree deserializer makes of the current value (scalars directly, the rest through it). */
    private static JsonNode node(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return NODES.numberNode(p.getIntValue());
                    case LONG:
                        return NODES.numberNode(p.getLongValue());
                    default:
                        return NODES.numberNode(p.getBigIntegerValue());
                }
            default:
                return TREE.readValue(p);
        }
    }
}
