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

/** Conformance table for {@code insertField} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class InsertFieldTransformerTest {

    private final TransformerFactory factory = new InsertFieldTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'fields':{'source':'kafka'}} | {'id':1} | {'id':1,'source':'kafka'}",
            "{'fields':{'meta.origin':'x','meta.version':'json:2'}} | {'id':1} | {'id':1,'meta':{'origin':'x','version':2}}",
            "{'fields':{'flags':'json:[true,null,1.5]'}} | {} | {'flags':[true,null,1.5]}",
            "{'fields':{'n':'json: null '}} | {'n':1} | {'n':null}",
            "{'fields':{'topic':'${metadata.missing}'}} | {'id':1} | {'id':1,'topic':''}",
            "{'fields':{'id':'replaced'}} | {'id':1} | {'id':'replaced'}",
            "{'fields':{'a':'x'}} | [1] | SAME",
            "{'fields':{'a':'x'}} | not json | SAME",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    @Test
    void metadataAndNowPlaceholders() throws Exception {
        var fixed = java.time.Clock.fixed(java.time.Instant.parse("2026-11-25T10:15:30.123Z"), java.time.ZoneOffset.UTC);
        var transformer = create(new InsertFieldTransformerFactory(fixed), "{'fields':{'t':'${metadata.topic}','p':'${metadata.partition}','at':'${now}'}}");
        check(transformer, "{'id':1}", "{'id':1,'t':'orders','p':'3','at':'2026-11-25T10:15:30Z'}", Map.of("topic", "orders", "partition", 3));
    }

    @Test
    void fieldsAreAppliedInManifestOrder() throws Exception {
        check(create(factory, "{'fields':{'a':'json:{}','a.b':'1'}}"), "{}", "{'a':{'b':'1'}}", Map.of());
    }

    @Test
    void invalidJsonValuesAreManifestErrors() {
        assertThat(errors(factory, "{'fields':{'a':'json:{oops'}}")).singleElement().asString()
                .startsWith("transformations[0].config.fields.a: json: value is not valid JSON");
        assertThat(errors(factory, "{'fields':{'a':'json:1 2'}}")).as("trailing tokens").singleElement().asString()
                .startsWith("transformations[0].config.fields.a: json: value is not valid JSON");
        assertThat(errors(factory, "{'fields':{'a':'json:{} x'}}")).as("trailing garbage").singleElement().asString()
                .startsWith("transformations[0].config.fields.a: json: value is not valid JSON");
        assertThat(errors(factory, "{'fields':{'a':'json:'}}")).as("nothing").singleElement().asString()
                .startsWith("transformations[0].config.fields.a: json: value is not valid JSON");
        assertThat(errors(factory, "{'fields':{'a':'json: '}}")).as("only space").singleElement().asString()
                .startsWith("transformations[0].config.fields.a: json: value is not valid JSON");
        assertThat(errors(factory, "{'fields':{}}")).containsExactly("transformations[0].config.fields: at least one field is required");
        assertThat(errors(factory, "{'fields':{'a':5}}")).singleElement().asString().contains("must be a string");
    }
}
