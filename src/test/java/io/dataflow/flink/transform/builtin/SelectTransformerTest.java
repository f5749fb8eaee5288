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

/** Conformance table for {@code select} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class SelectTransformerTest {

    private final TransformerFactory factory = new SelectTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'fields':['id','name']} | {'id':1,'name':'n','x':2} | {'id':1,'name':'n'}",
            "{'fields':['user.name','$.id']} | {'id':1,'user':{'name':'n','age':3}} | {'name':'n','id':1}",
            "{'fields':['a.id','b.id']} | {'a':{'id':1},'b':{'id':2}} | {'id':2}",
            "{'fields':['missing']} | {'id':1} | SAME",
            "{'fields':['items']} | {'items':[],'x':1} | {'items':[]}",
            "{'fields':['id']} | not json | SAME",
            "{'fields':['nothing','id']} | {'id':null} | {'id':null}",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    @Test
    void atLeastOneField() {
        assertThat(errors(factory, "{'fields':[]}")).containsExactly("transformations[0].config.fields: at least one field is required");
    }
}
