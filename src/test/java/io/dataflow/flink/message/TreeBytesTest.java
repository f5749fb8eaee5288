package io.dataflow.flink.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link TreeBytes} writes what {@code writeValueAsBytes} writes, call after call on one thread, after failures too. */
class TreeBytesTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void writesEveryKindOfTreeAsWriteValueAsBytesDoesCallAfterCall() throws Exception {
        for (int round = 0; round < 3; round++) {
            for (JsonNode tree : trees()) {
                assertThat(TreeBytes.of(tree)).as("%s", tree).isEqualTo(Message.JSON.writeValueAsBytes(tree));
            }
        }
    }

    @Test
    void aTreeThatCannotBeWrittenLeavesTheNextOneWhole() throws Exception {
        ObjectNode broken = NODES.objectNode().put("a", 1);
        broken.putPOJO("b", new Object()); // no serializer for a bare Object: fails inside the object
        JsonNode next = NODES.objectNode().put("c", "d");

        assertThatThrownBy(() -> TreeBytes.of(broken)).isInstanceOf(java.io.IOException.class);
        assertThat(TreeBytes.of(next)).isEqualTo(Message.JSON.writeValueAsBytes(next));
    }

    @Test
    void aRecordLargerThanTheKeptBufferIsWrittenWholeAndSoIsTheNext() throws Exception {
        JsonNode large = NODES.objectNode().put("payload", "x".repeat(3 << 20));
        JsonNode small = NODES.arrayNode().add(1).add("two");

        assertThat(TreeBytes.of(large)).isEqualTo(Message.JSON.writeValueAsBytes(large));
        assertThat(TreeBytes.of(small)).isEqualTo(Message.JSON.writeValueAsBytes(small));
    }

    @Test
    void messageDataWritesTheTreeATransformationSet() {
        Message m = Message.of("{\"a\":1}");
        ObjectNode changed = ((ObjectNode) m.json()).put("b", "ü\u0001\uD83D\uDE00");
        m.setJson(changed);

        // Jackson escapes the control character and writes the emoji as its escaped surrogate pair, as before
        assertThat(m.dataAsString()).isEqualTo("{\"a\":1,\"b\":\"ü\\u0001\\uD83D\\uDE00\"}");
    }

    private static List<JsonNode> trees() {
        List<JsonNode> trees = new ArrayList<>();
        ObjectNode event = NODES.objectNode();
        event.put("id", 42L).put("user_id", -7).put("status", "paid").put("amount", new BigDecimal("12345678901234567890.123456789"))
                .put("ratio", 0.1).put("big", new BigInteger("123456789012345678901234567890")).put("f", 1.5f)
                .put("max", Long.MAX_VALUE).put("nan", Double.NaN).put("inf", Double.POSITIVE_INFINITY).put("yes", true)
                .putNull("none").put("text", "quote \" backslash \\ tab \t newline \n ctrl \u0001 é 中 \uD83D\uDE00")
                .put("bytes", new byte[]{0, 1, 2, (byte) 255});
        event.putArray("list").add(1).add("two").addNull().add(NODES.objectNode().put("deep", NODES.arrayNode().size()));
        event.putObject("empty");
        event.putArray("none_in_it");
        event.putPOJO("pojo", java.util.Map.of("k", "v"));
        trees.add(event);
        trees.add(NODES.objectNode());
        trees.add(NODES.arrayNode());
        trees.add(NODES.textNode("a root string"));
        trees.add(NODES.numberNode(3));
        trees.add(NODES.numberNode(new BigDecimal("1E+400")));
        trees.add(NODES.booleanNode(false));
        trees.add(NODES.nullNode());
        trees.add(NODES.objectNode().put("payload", "x".repeat(100_000)));
        return trees;
    }
}
