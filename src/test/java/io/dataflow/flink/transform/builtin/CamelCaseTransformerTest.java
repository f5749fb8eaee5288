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

/** Conformance table for {@code camelCase} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class CamelCaseTransformerTest {

    private final TransformerFactory factory = new CaseTransformerFactories.CamelCase();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{} | {'user_id':1,'id':2,'UserName':3} | {'UserId':1,'Id':2,'UserName':3}",
            "{} | {'first_name':'A','address':{'zip_code':1}} | {'FirstName':'A','Address':{'zip_code':1}}",
            "{'deep':true} | {'address':{'zip_code':1},'items':[{'sku_id':1}]} | {'Address':{'ZipCode':1},'Items':[{'SkuId':1}]}",
            "{} | {'__private':1,'a__b':2} | {'Private':1,'AB':2}",
            "{} | {'_':1,'__':2,'':3} | {'_':1,'__':2,'':3}",
            "{} | {'ümlaut_key':1} | {'ÜmlautKey':1}",
            "{} | 'scalar' | SAME",
            "{} | not json | SAME",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }
}
