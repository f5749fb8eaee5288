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

/** Conformance table for {@code headersToPayload} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class HeadersToPayloadTransformerTest {

    private final TransformerFactory factory = new HeadersToPayloadTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'mappings':['X-Trace:trace']} | {'id':1} | SAME",
            "{'mappings':['X-Trace:trace']} | not json | SAME",
            "{'mappings':['X-Trace:trace']} | [1] | SAME",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    private static final Map<String, Object> HEADERS = Map.of("headers", Map.of("X-Trace", "abc", "Tenant", "t1"));

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'mappings':['X-Trace:trace']} | {'id':1} | {'id':1,'trace':'abc'}",
            "{'mappings':['X-Trace:meta.trace','Tenant:meta.tenant']} | {'id':1} | {'id':1,'meta':{'trace':'abc','tenant':'t1'}}",
            "{'mappings':['Missing:x','Tenant:$.tenant']} | {'id':1} | {'id':1,'tenant':'t1'}",
            "{'mappings':['Missing:x']} | {'id':1} | SAME",
            "{'mappings':['Tenant:id']} | {'id':1} | {'id':'t1'}",
            "{'mappings':[' Tenant : who ']} | {'id':1} | {'id':1,'who':'t1'}",
    })
    void copiesHeaders(String config, String input, String expected) throws Exception {
        check(create(factory, config), input, expected, HEADERS);
    }

    @Test
    void mappingsMustHaveBothSides() {
        assertThat(errors(factory, "{'mappings':['NoColon',':x','H:',' :x','H: ']}")).containsExactly(
                "transformations[0].config.mappings[0]: must be Header-Name:field.path",
                "transformations[0].config.mappings[1]: must be Header-Name:field.path",
                "transformations[0].config.mappings[2]: must be Header-Name:field.path",
                "transformations[0].config.mappings[3]: must be Header-Name:field.path",
                "transformations[0].config.mappings[4]: must be Header-Name:field.path");
        assertThat(errors(factory, "{'mappings':[]}")).containsExactly("transformations[0].config.mappings: at least one mapping is required");
    }
}
