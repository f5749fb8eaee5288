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

/** Conformance table for {@code remove} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class RemoveTransformerTest {

    private final TransformerFactory factory = new RemoveTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'fields':['password']} | {'id':1,'password':'x'} | {'id':1}",
            "{'fields':['user.secret','$.debug']} | {'user':{'secret':1,'name':'n'},'debug':true} | {'user':{'name':'n'}}",
            "{'fields':['items.0']} | {'items':[1,2]} | {'items':[2]}",
            "{'fields':['missing','a.b.c']} | {'a':1} | SAME",
            "{'fields':['a']} | {'a':[]} | {}",
            "{'fields':['a']} | plain text | SAME",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    @Test
    void atLeastOneField() {
        assertThat(errors(factory, "{}")).singleElement().asString().contains("transformations[0].config.fields");
    }
}
