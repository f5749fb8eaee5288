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

/** Conformance table for {@code mask} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class MaskTransformerTest {

    private final TransformerFactory factory = new MaskTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'fields':['email']} | {'email':'a@b.c','id':1} | {'email':'***','id':1}",
            "{'fields':['email'],'keepLength':true} | {'email':'a@b.c'} | {'email':'*****'}",
            "{'fields':['card.number'],'maskChar':'#','keepLength':true} | {'card':{'number':'4111'}} | {'card':{'number':'####'}}",
            "{'fields':['$.pin'],'keepLength':true} | {'pin':1234} | {'pin':'****'}",
            "{'fields':['pin']} | {'pin':1234} | {'pin':'***'}",
            "{'fields':['missing','name']} | {'name':'Zoë'} | {'name':'***'}",
            "{'fields':['name'],'keepLength':true} | {'name':'Zoë'} | {'name':'***'}",
            "{'fields':['tags.1']} | {'tags':['a','b']} | {'tags':['a','***']}",
            "{'fields':['missing']} | {'id':1} | SAME",
            "{'fields':['email']} | not json | SAME",
            "{'fields':['a']} | [1,2] | SAME",
            "{'fields':['0.pin']} | [{'pin':1}] | [{'pin':'***'}]",
            "{'fields':['pin'],'maskChar':''} | {'pin':1} | {'pin':'***'}",
            "{'fields':['pin'],'maskChar':'xy','keepLength':true} | {'pin':'abc'} | {'pin':'xyxyxy'}",
            "{'fields':['pin'],'maskChar':'xy'} | {'pin':'abc'} | {'pin':'xyxyxy'}",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    @Test
    void configErrorsNameTheField() {
        assertThat(errors(factory, "{'fields':[]}")).containsExactly("transformations[0].config.fields: at least one field is required");
        assertThat(errors(factory, "{'fields':['a'],'maskChar':'ab'}")).isEmpty();
        assertThat(errors(factory, "{'fields':['a..b']}")).singleElement().asString().startsWith("transformations[0].config.fields[0]: path");
    }
}
