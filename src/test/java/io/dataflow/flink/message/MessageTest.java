package io.dataflow.flink.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A payload a source serialized itself ({@link Message#ofSerialized}): its bytes as given, its tree the source's. */
class MessageTest {

    private static final String BYTES = "{\"n\":123456789012345678901234567890.5}";

    private static ObjectNode sourceTree() {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("n", new BigDecimal("123456789012345678901234567890.5"));
        return tree;
    }

    @Test
    void theTreeIsTheSourcesBuiltOnceOnlyWhenAskedAndTheBytesAreKept() {
        AtomicInteger built = new AtomicInteger();
        Message m = Message.ofSerialized(BYTES.getBytes(StandardCharsets.UTF_8), () -> {
            built.incrementAndGet();
            return sourceTree();
        }, new LinkedHashMap<>(), 7);
        assertThat(m.isParsed()).as("a sink must not stream-parse these bytes in place of the tree").isTrue();
        assertThat(m.dataAsString()).isEqualTo(BYTES);
        assertThat(built).as("writing the bytes builds no tree").hasValue(0);
        JsonNode n = m.json().get("n");
        assertThat(n.isBigDecimal()).as("the source's value, not a parse of the bytes (a double)").isTrue();
        assertThat(n.decimalValue()).isEqualByComparingTo("123456789012345678901234567890.5");
        assertThat(m.json()).isSameAs(m.json());
        assertThat(built).hasValue(1);
        assertThat(m.dataAsString()).isEqualTo(BYTES);
    }

    @Test
    void aCopyHoldsItsOwnCopyOfTheSourcesTree() {
        Message m = Message.ofSerialized(BYTES.getBytes(StandardCharsets.UTF_8), MessageTest::sourceTree, new LinkedHashMap<>(), 7);
        Message copy = m.copy();
        assertThat(copy.json().get("n").isBigDecimal()).isTrue();
        ((ObjectNode) copy.json()).put("n", 1);
        assertThat(m.json().get("n").isBigDecimal()).as("the original's tree is untouched").isTrue();
        assertThat(copy.dataAsString()).isEqualTo(BYTES);
    }

    @Test
    void replacingThePayloadDropsTheSourcesTree() {
        Message bytes = Message.ofSerialized(BYTES.getBytes(StandardCharsets.UTF_8), MessageTest::sourceTree, new LinkedHashMap<>(), 7);
        bytes.setData("{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(bytes.isParsed()).isFalse();
        assertThat(bytes.json().get("n").intValue()).isEqualTo(1);

        Message tree = Message.ofSerialized(BYTES.getBytes(StandardCharsets.UTF_8), MessageTest::sourceTree, new LinkedHashMap<>(), 7);
        tree.setJson(JsonNodeFactory.instance.objectNode().put("m", true));
        assertThat(tree.dataAsString()).isEqualTo("{\"m\":true}");
    }
}
