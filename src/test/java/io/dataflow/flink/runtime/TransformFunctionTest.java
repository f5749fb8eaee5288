package io.dataflow.flink.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.message.MessageSerializer;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** The transform operator's dispatch: main output, one side output per route (by index), errors side output. */
class TransformFunctionTest {

    private static final String ROUTED = """
            source: {type: values}
            sink: {type: values, config: {collection: main}}
            transformations:
              - {type: failIf, config: {condition: "id == 3"}}
              - type: router
                config:
                  routes:
                    - {condition: "kind == a", sink: {type: values, config: {collection: ra}}}
                    - {condition: "kind == a", sink: {type: values, config: {collection: duplicate}}}
                    - {condition: "kind == b", sink: {type: values, config: {collection: rb}}}
            """;

    private static OneInputStreamOperatorTestHarness<Message, Message> harness(String yaml, boolean errorSink) throws Exception {
        Manifest m = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(
                errorSink ? yaml + "errors: {type: values, config: {collection: errors}}\n" : yaml, "tf-test");
        TransformFunction fn = new TransformFunction(m.transformations(), m.routes(), m.sink().type(), m.errors().isPresent());
        OneInputStreamOperatorTestHarness<Message, Message> h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(fn));
        // Our serializer, not the harness's Kryo fallback: the job never uses Kryo either.
        h.setup(MessageSerializer.INSTANCE);
        h.open();
        return h;
    }

    private static Message message(int id, String kind) {
        return Message.of("{\"id\":" + id + ",\"kind\":\"" + kind + "\"}").putMetadata("topic", "t");
    }

    private static List<Integer> ids(ConcurrentLinkedQueue<StreamRecord<Message>> records) {
        return records == null ? List.of() : records.stream().map(r -> r.getValue().json().get("id").asInt()).toList();
    }

    @Test
    void sendsEachRecordToTheFirstMatchingRouteOrTheMainOutput() throws Exception {
        try (OneInputStreamOperatorTestHarness<Message, Message> h = harness(ROUTED, true)) {
            h.processElement(message(1, "a"), 0);
            h.processElement(message(2, "b"), 0);
            h.processElement(message(4, "c"), 0);
            h.processElement(message(5, "a"), 0);

            assertThat(ids(h.getSideOutput(TransformFunction.routeTag(0)))).containsExactly(1, 5);
            assertThat(h.getSideOutput(TransformFunction.routeTag(1))).as("a repeated condition never matches").isNull();
            assertThat(ids(h.getSideOutput(TransformFunction.routeTag(2)))).containsExactly(2);
            assertThat(h.extractOutputValues()).extracting(m -> m.json().get("id").asInt()).containsExactly(4);
            assertThat(h.getSideOutput(TransformFunction.routeTag(0)).peek().getValue().metadata())
                    .containsEntry("routed_condition", "kind == a");
        }
    }

    @Test
    void aFailedRecordBecomesAnErrorEnvelopeWithTheReason() throws Exception {
        try (OneInputStreamOperatorTestHarness<Message, Message> h = harness(ROUTED, true)) {
            h.processElement(message(3, "a"), 0);

            assertThat(h.getSideOutput(TransformFunction.routeTag(0))).isNull();
            List<Message> errors = h.getSideOutput(TransformFunction.ERRORS).stream().map(StreamRecord::getValue).toList();
            assertThat(errors).hasSize(1);
            JsonNode envelope = errors.get(0).json();
            assertThat(envelope.at("/error/message").asText()).isEqualTo("transformations[0] (failIf): field id: refused by the test");
            assertThat(envelope.at("/error/original_sink").asText()).isEqualTo("values");
            assertThat(envelope.at("/error/metadata/topic").asText()).isEqualTo("t");
            assertThat(envelope.at("/original_message/id").asInt()).isEqualTo(3);
            assertThat(errors.get(0).metadata()).containsEntry("is_error_message", true);
        }
    }

    @Test
    void withoutAnErrorSinkAFailedRecordIsDroppedAndTheRestFlows() throws Exception {
        try (OneInputStreamOperatorTestHarness<Message, Message> h = harness(ROUTED, false)) {
            h.processElement(message(3, "c"), 0);
            h.processElement(message(4, "c"), 0);
            assertThat(h.getSideOutput(TransformFunction.ERRORS)).isNull();
            assertThat(h.extractOutputValues()).extracting(m -> m.json().get("id").asInt()).containsExactly(4);
        }
    }

    @Test
    void nonJsonPayloadsPassThroughToTheMainSink() throws Exception {
        try (OneInputStreamOperatorTestHarness<Message, Message> h = harness(ROUTED, true)) {
            h.processElement(Message.of("not json"), 0);
            assertThat(h.extractOutputValues()).extracting(Message::dataAsString).containsExactly("not json");
            assertThat(Objects.requireNonNullElse(h.getSideOutput(TransformFunction.ERRORS), new ConcurrentLinkedQueue<>())).isEmpty();
        }
    }
}
