package io.dataflow.flink.transform.builtin;

import io.dataflow.flink.transform.TransformerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static io.dataflow.flink.transform.TransformTesting.check;
import static io.dataflow.flink.transform.TransformTesting.create;
import static io.dataflow.flink.transform.TransformTesting.errors;
import static io.dataflow.flink.transform.TransformTesting.json;
import static io.dataflow.flink.transform.TransformTesting.message;
import static org.assertj.core.api.Assertions.assertThat;

/** Conformance table for {@code flatten} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class FlattenTransformerTest {

    private final TransformerFactory factory = new FlattenTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'field':'items'} | {'order':1,'items':[{'sku':'a'},{'sku':'b','order':9}]} | {'order':1,'sku':'a'} ++ {'order':9,'sku':'b'}",
            "{'field':'$.tags'} | {'id':1,'tags':['x','y']} | {'id':1,'tags':'x'} ++ {'id':1,'tags':'y'}",
            "{'field':'a.tags'} | {'a':{'tags':[1]}} | {'a':{'tags':[1]},'a.tags':1}",
            "{'field':'tags'} | {'id':1,'tags':['x']} | {'id':1,'tags':'x'}",
            "{'field':'items'} | {'id':1,'items':[]} | {'id':1}",
            "{'field':'items'} | {'id':1} | SAME",
            "{'field':'items'} | {'id':1,'items':'notarray'} | SAME",
            "{'field':'items'} | {'id':1,'items':{'array':[{'a':1},{'a':2}]}} | {'id':1,'a':1} ++ {'id':1,'a':2}",
            "{'field':'order.items'} | {'order':{'items':[{'a':1}]},'id':1} | {'order':{'items':[{'a':1}]},'id':1,'a':1}",
            "{'field':'items'} | not json | SAME",
            "{'field':'0'} | [[1,2]] | SAME",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    @Test
    void everyOutputHasItsOwnMetadataCopy() throws Exception {
        var out = create(factory, "{'field':'items'}").apply(message("{'items':[1,2]}", Map.of("topic", "t")));
        assertThat(out).hasSize(2);
        out.get(0).putMetadata("x", 1);
        assertThat(out.get(1).metadata()).containsOnlyKeys("topic");
    }
}
