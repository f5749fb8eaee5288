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

/** Conformance table for {@code snakeCase} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class SnakeCaseTransformerTest {

    private final TransformerFactory factory = new CaseTransformerFactories.SnakeCase();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{} | {'userId':1,'XMLHttpRequest':2,'UserID':3,'already_snake':4} | {'user_id':1,'xml_http_request':2,'user_id':3,'already_snake':4}",
            "{} | {'firstName':'A','address':{'zipCode':1}} | {'first_name':'A','address':{'zipCode':1}}",
            "{'deep':true} | {'firstName':'A','address':{'zipCode':1},'items':[{'skuId':1}]} | {'first_name':'A','address':{'zip_code':1},'items':[{'sku_id':1}]}",
            "{} | {'a1B':1,'HTTPServer':2,'with space':3} | {'a1_b':1,'http_server':2,'with space':3}",
            "{'deep':true} | [{'aB':1}] | [{'a_b':1}]",
            "{} | {'ªB':1,'xⒶ':2,'ÀÉtéB':3} | {'ªb':1,'xⒶ':2,'à_été_b':3}",
            "{} | [{'aB':1}] | [{'aB':1}]",
            "{} | {} | {}",
            "{'deep':true} | not json | SAME",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }
}
