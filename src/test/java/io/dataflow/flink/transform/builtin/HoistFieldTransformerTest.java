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

/** Conformance table for {@code hoistField} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class HoistFieldTransformerTest {

    private final TransformerFactory factory = new HoistFieldTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'field':'data'} | {'id':1} | {'data':{'id':1}}",
            "{'field':'data'} | [1,2] | {'data':[1,2]}",
            "{'field':'value'} | 42 | {'value':42}",
            "{'field':'data'} | {} | {'data':{}}",
            "{'field':'data'} | not json | SAME",
            "{'field':' data '} | {'id':1} | {'data':{'id':1}}",
            "{'field':'data'} | null | {'data':null}",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    @Test
    void theFieldIsAPlainKey() {
        assertThat(errors(factory, "{'field':'a.b'}")).containsExactly("transformations[0].config.field: must be a plain key without dots");
        assertThat(errors(factory, "{'field':''}")).containsExactly("transformations[0].config.field: must not be empty");
    }
}
