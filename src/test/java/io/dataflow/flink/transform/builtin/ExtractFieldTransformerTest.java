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

/** Conformance table for {@code extractField} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class ExtractFieldTransformerTest {

    private final TransformerFactory factory = new ExtractFieldTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'field':'after'} | {'before':null,'after':{'id':1}} | {'id':1}",
            "{'field':'$.payload.row'} | {'payload':{'row':{'a':[1]}}} | {'a':[1]}",
            "{'field':'items'} | {'items':[1,2]} | [1,2]",
            "{'field':'name'} | {'name':'text'} | 'text'",
            "{'field':'missing'} | {'id':1} | SAME",
            "{'field':'id'} | not json | SAME",
            "{'field':'nothing'} | {'nothing':null} | null",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    @Test
    void theFieldMustBeAPath() {
        assertThat(errors(factory, "{'field':'$'}")).containsExactly("transformations[0].config.field: must name a field, not the whole payload");
    }
}
