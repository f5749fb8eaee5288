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

/** Conformance table for {@code cast} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class CastTransformerTest {

    private final TransformerFactory factory = new CastTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'spec':{'id':'int64'}} | {'id':'42'} | {'id':42}",
            "{'spec':{'id':'int64'}} | {'id':4.0} | {'id':4}",
            "{'spec':{'id':'int64'}} | {'id':'4.5'} | ERROR: field id: cannot cast a string to int64: not a whole number",
            "{'spec':{'id':'int64'}} | {'id':'abc'} | ERROR: field id: cannot cast a string to int64",
            "{'spec':{'id':'int64'}} | {'id':1e30} | ERROR: out of range",
            "{'spec':{'id':'int64'}} | {'id':1e400} | ERROR: field id: cannot cast a number to int64: out of range",
            "{'spec':{'id':'bool'}} | {'id':1e400} | ERROR: field id: cannot cast a number to bool",
            "{'spec':{'id':'float64'}} | {'id':-1e400} | ERROR: field id: cannot cast a number to float64: out of range",
            "{'spec':{'id':'string'}} | {'id':1e400} | {'id':'+Inf'}",
            "{'spec':{'price':'float64'}} | {'price':'1.25'} | {'price':1.25}",
            "{'spec':{'price':'float64'}} | {'price':true} | ERROR: field price: cannot cast a boolean to float64",
            "{'spec':{'price':'float64'}} | {'price':' 1e2 '} | {'price':100.0}",
            "{'spec':{'price':'float64'}} | {'price':7} | {'price':7.0}",
            "{'spec':{'price':'float64'}} | {'price':'1.5f'} | ERROR: field price: cannot cast a string to float64",
            "{'spec':{'price':'float64'}} | {'price':'0x1p3'} | ERROR: field price: cannot cast a string to float64",
            "{'spec':{'price':'float64'}} | {'price':'NaN'} | ERROR: field price: cannot cast a string to float64",
            "{'spec':{'price':'float64'}} | {'price':'Infinity'} | ERROR: field price: cannot cast a string to float64",
            "{'spec':{'price':'float64'}} | {'price':'1e400'} | ERROR: field price: cannot cast a string to float64: out of range",
            "{'spec':{'n':'string'}} | {'n':12} | {'n':'12'}",
            "{'spec':{'n':'string'}} | {'n':{'a':1}} | ERROR: field n: cannot cast an object to string",
            "{'spec':{'n':'int64'}} | {'n':[1]} | ERROR: field n: cannot cast an array to int64",
            "{'spec':{'n':'string'}} | {'n':null} | ERROR: field n: cannot cast a null to string",
            "{'spec':{'b':'bool'}} | {'b':'TRUE'} | {'b':true}",
            "{'spec':{'b':'bool'}} | {'b':0} | {'b':false}",
            "{'spec':{'b':'bool'}} | {'b':2} | ERROR: field b: cannot cast a number to bool",
            "{'spec':{'x':'null'}} | {'x':[1]} | {'x':null}",
            "{'spec':{'user.age':'int64','missing':'string'}} | {'user':{'age':'7'}} | {'user':{'age':7}}",
            "{'spec':{'a':'int64','b':'int64'}} | {'a':'1','b':'x'} | ERROR: field b",
            "{'spec':{'a':'int64'}} | not json | SAME",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    @Test
    void aFailedCastLeavesTheRecordUnchanged() throws Exception {
        var m = message("{'a':'1','b':'x'}");
        try {
            create(factory, "{'spec':{'a':'int64','b':'int64'}}").apply(m);
        } catch (io.dataflow.flink.transform.TransformException expected) {
            // the error record carries the input as read; the tree must not be half converted either
        }
        assertThat(m.json()).isEqualTo(json("{'a':'1','b':'x'}"));
    }

    @Test
    void unknownTargetTypesAreRejected() {
        assertThat(errors(factory, "{'spec':{'a':'integer'}}"))
                .containsExactly("transformations[0].config.spec.a: unknown target type \"integer\" (known: string, int64, float64, bool, null)");
        assertThat(errors(factory, "{'spec':{}}")).containsExactly("transformations[0].config.spec: at least one field is required");
    }
}
