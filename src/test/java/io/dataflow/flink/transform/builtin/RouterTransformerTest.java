package io.dataflow.flink.transform.builtin;

import io.dataflow.flink.message.Message;
import io.dataflow.flink.transform.Transformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static io.dataflow.flink.transform.TransformTesting.create;
import static io.dataflow.flink.transform.TransformTesting.errors;
import static io.dataflow.flink.transform.TransformTesting.message;
import static org.assertj.core.api.Assertions.assertThat;

class RouterTransformerTest {

    private static final String ROUTES = "{'routes': ["
            + "{'condition': 'type == order', 'sink': {'type': 'kafka'}},"
            + "{'condition': 'metadata.topic == refunds || amount == 0', 'sink': {'type': 'kafka'}},"
            + "{'condition': 'type == order', 'sink': {'type': 'kafka'}}]}";

    private final RouterTransformerFactory factory = new RouterTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} -> {2}")
    @CsvSource(delimiter = '#', quoteCharacter = '`', value = {
            "{'type':'order','amount':0}    # orders  # type == order",
            "{'type':'refund','amount':5}   # refunds # metadata.topic == refunds || amount == 0",
            "{'type':'refund','amount':0}   # orders  # metadata.topic == refunds || amount == 0",
            "{'type':'refund','amount':5}   # orders  # ",
            "{'amount':1}                   # orders  # ",
            "not json                       # orders  # ",
            "not json                       # refunds # metadata.topic == refunds || amount == 0",
    })
    void tagsTheFirstMatchingRoute(String payload, String topic, String routed) throws Exception {
        Transformer router = create(factory, ROUTES);
        Message in = message(payload, Map.of("topic", topic));
        List<Message> out = router.apply(in);
        assertThat(out).containsExactly(in);
        assertThat(out.get(0).metadata().get("routed_condition")).isEqualTo(routed);
    }

    @Test
    void aStaleTagFromAnEarlierRouterPassIsCleared() throws Exception {
        Transformer router = create(factory, ROUTES);
        Message in = message("{'type':'none'}", Map.of("routed_condition", "type == order"));
        assertThat(router.apply(in).get(0).metadata()).doesNotContainKey("routed_condition");
    }

    @Test
    void thePayloadIsNotChanged() throws Exception {
        Transformer router = create(factory, ROUTES);
        Message in = message("{'type':'order','x':[1,2]}");
        router.apply(in);
        assertThat(in.dataAsString()).isEqualTo("{\"type\":\"order\",\"x\":[1,2]}");
    }

    @Test
    void validationNamesTheRouteWhoseConditionIsBadOrMissing() {
        assertThat(errors(factory, "{'routes': [{'condition': 'a', 'sink': {}}, {'condition': '(a', 'sink': {}}]}"))
                .singleElement().asString().startsWith("transformations[0].config.routes[1].condition: condition does not parse at column 3");
        assertThat(errors(factory, "{'routes': [{'sink': {}}]}")).singleElement().asString()
                .startsWith("transformations[0].config.routes[0].condition");
        assertThat(errors(factory, "{'routes': []}")).containsExactly("transformations[0].config.routes: at least one route is required");
    }
}
