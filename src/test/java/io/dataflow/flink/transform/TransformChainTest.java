package io.dataflow.flink.transform;

import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.message.Message;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TransformChainTest {

    private final List<Message> emitted = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<Message> failedInputs = new ArrayList<>();

    private final TransformChain.Output output = new TransformChain.Output() {
        @Override
        public void emit(Message message) {
            emitted.add(message);
        }

        @Override
        public void failed(Message input, int index, String reason) {
            failedInputs.add(input);
            failures.add(index + " " + reason);
        }
    };

    private static TransformChain chain(String stepsYaml) {
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(
                "source: {type: values}\nsink: {type: values, config: {collection: c}}\ntransformations:\n" + stepsYaml, "chain-test");
        return TransformChain.create(manifest.transformations(), TransformChain.Observer.NONE);
    }

    private static Message message(String json) {
        Message m = Message.of(json.replace('\'', '"'));
        m.putMetadata("topic", "orders");
        return m;
    }

    @Test
    void anEmptyChainPassesTheMessageThroughUntouched() {
        Message in = message("{'id':1}");
        TransformChain.create(List.of(), TransformChain.Observer.NONE).process(in, output);
        assertThat(emitted).containsExactly(in);
    }

    @Test
    void whenFalseSkipsTheStepAndWhenTrueAppliesIt() {
        TransformChain chain = chain("  - {type: failIf, when: \"kind == 'bad'\", config: {condition: id}}\n");
        chain.process(message("{'id':1,'kind':'good'}"), output);
        chain.process(message("{'id':2,'kind':'bad'}"), output);
        assertThat(emitted).hasSize(1);
        assertThat(emitted.get(0).json().get("id").asInt()).isEqualTo(1);
        assertThat(failures).containsExactly("0 transformations[0] (failIf): field id: refused by the test");
    }

    @Test
    void aFilteredMessageProducesNothingAndNoFailure() {
        TransformChain chain = chain("  - {type: filter, config: {condition: \"id != 1\"}}\n");
        chain.process(message("{'id':1}"), output);
        chain.process(message("{'id':2}"), output);
        assertThat(emitted).extracting(m -> m.json().get("id").asInt()).containsExactly(2);
        assertThat(failures).isEmpty();
    }

    @Test
    void everyBranchOfAFanOutRunsTheRestOfTheChainAndOneFailingBranchDoesNotStopTheOther() {
        TransformChain chain = chain("  - {type: duplicate}\n  - {type: failIf, config: {condition: copy}}\n");
        chain.process(message("{'id':7}"), output);
        assertThat(emitted).hasSize(1);
        assertThat(emitted.get(0).json().has("copy")).isFalse();
        assertThat(failures).containsExactly("1 transformations[1] (failIf): field id: refused by the test");
    }

    @Test
    void theFailureCarriesTheMessageAsItEnteredTheChain() {
        TransformChain chain = chain("  - {type: duplicate}\n  - {type: router, config: {routes: [{condition: id, sink: {type: values, config: {collection: r}}}]}}\n"
                + "  - {type: failIf, config: {condition: copy}}\n");
        chain.process(message("{'id':7}"), output);
        assertThat(failedInputs).hasSize(1);
        assertThat(failedInputs.get(0).dataAsString()).isEqualTo("{\"id\":7}");
        assertThat(failedInputs.get(0).metadata()).containsOnlyKeys("topic");
        assertThat(emitted.get(0).metadata()).containsEntry("routed_condition", "id");
    }

    @Test
    void anUnexpectedExceptionInAStepFailsOnlyThatRecord() {
        TransformChain chain = chain("  - {type: failIf, config: {condition: \"id == 1\", crash: true}}\n");
        chain.process(message("{'id':1}"), output);
        chain.process(message("{'id':2}"), output);
        assertThat(failures).containsExactly("0 transformations[0] (failIf): unexpected IllegalStateException: boom");
        assertThat(emitted).hasSize(1);
    }

    @Test
    void observerSeesAppliedSkippedAndFailedSteps() {
        List<String> seen = new ArrayList<>();
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(
                "source: {type: values}\nsink: {type: values, config: {collection: c}}\ntransformations:\n"
                        + "  - {type: filter, when: \"metadata.topic == other\", config: {condition: nothing}}\n"
                        + "  - {type: failIf, config: {condition: \"id == 2\"}}\n", "observer");
        TransformChain chain = TransformChain.create(manifest.transformations(), new TransformChain.Observer() {
            @Override
            public void stepApplied(int index, int outputs, long nanos) {
                seen.add("applied " + index + " -> " + outputs);
            }

            @Override
            public void stepSkipped(int index) {
                seen.add("skipped " + index);
            }

            @Override
            public void stepFailed(int index) {
                seen.add("failed " + index);
            }
        });
        chain.process(message("{'id':1}"), output);
        chain.process(message("{'id':2}"), output);
        assertThat(seen).containsExactly("skipped 0", "applied 1 -> 1", "skipped 0", "failed 1");
    }
}
