package io.dataflow.flink.transform.builtin;

import io.dataflow.flink.transform.Transformer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.dataflow.flink.transform.TransformTesting.config;
import static io.dataflow.flink.transform.TransformTesting.create;
import static io.dataflow.flink.transform.TransformTesting.errors;
import static io.dataflow.flink.transform.TransformTesting.message;
import static org.assertj.core.api.Assertions.assertThat;

class FilterTransformerTest {

    private final FilterTransformerFactory factory = new FilterTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} keeps={2}")
    @CsvSource(delimiter = '#', quoteCharacter = '`', value = {
            "status == 'active'                # {'status':'active'}           # true",
            "status == 'active'                # {'status':'inactive'}         # false",
            "status == 'active'                # {'other':1}                   # false",
            "$.user.age != 0                   # {'user':{'age':30}}           # true",
            "items                             # {'items':[]}                  # true",
            "deleted                           # {'deleted':false}             # false",
            "!deleted                          # {'deleted':false}             # true",
            "status                            # not json                      # false",
            "metadata.topic == orders          # not json                      # true",
            "a == 1 && (b == 3 || or)          # {'a':1,'b':2,'or':true}       # true",
    })
    void keepsWhatTheConditionHoldsFor(String condition, String payload, boolean kept) throws Exception {
        Transformer filter = create(factory, config("condition", condition));
        assertThat(filter.apply(message(payload, Map.of("topic", "orders")))).hasSize(kept ? 1 : 0);
    }

    @Test
    void keptMessagesAreTheSameObjectUnchanged() throws Exception {
        Transformer filter = create(factory, "{'condition': 'id'}");
        var in = message("{'id':5}");
        assertThat(filter.apply(in)).containsExactly(in);
        assertThat(in.dataAsString()).isEqualTo("{\"id\":5}");
    }

    @Test
    void aConditionThatDoesNotParseIsAValidationErrorWithItsColumn() {
        assertThat(errors(factory, config("condition", "a == 1 &&")))
                .containsExactly("transformations[0].config.condition: condition does not parse at column 10: "
                        + "expected a field, '(' or '!' but the condition ends");
        assertThat(errors(factory, "{}")).singleElement().asString().contains("transformations[0].config.condition");
    }
}
