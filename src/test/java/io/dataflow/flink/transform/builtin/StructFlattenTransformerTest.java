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

/** Conformance table for {@code structFlatten} (reference §5.2): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class StructFlattenTransformerTest {

    private final TransformerFactory factory = new StructFlattenTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{} | {'a':{'b':1,'c':{'d':2}},'e':3} | {'a.b':1,'a.c.d':2,'e':3}",
            "{'delimiter':'_'} | {'user':{'name':'n'}} | {'user_name':'n'}",
            "{} | {'a':{'list':[{'x':1}]}} | {'a.list':[{'x':1}]}",
            "{} | {'a':{},'b':1} | {'b':1}",
            "{} | {'a':null} | {'a':null}",
            "{} | [{'a':{'b':1}}] | SAME",
            "{} | not json | SAME",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    @Test
    void deeperThan64LevelsFails() throws Exception {
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 70; i++) {
            deep.append("{'k':");
        }
        deep.append("1").append("}".repeat(70));
        check(factory, "{}", deep.toString(), "ERROR: nested deeper than 64 levels");
    }

    @Test
    void anEmptyDelimiterIsRejected() {
        assertThat(errors(factory, "{'delimiter':''}")).containsExactly("transformations[0].config.delimiter: must not be empty");
    }
}
