package io.dataflow.flink.bench;

import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.transform.TransformChain;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * JMH: each step of {@link TransformChainBenchmark}'s chain alone, on the same 1 KB event, in nanoseconds per
 * message including the parse and, when the step changes the tree, the serialization; compare with
 * {@code TransformChainBenchmark.parseAndSerialize}
 * for the step's own cost. Run with {@code scripts/jmh.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class TransformStepBenchmark {

    private static final Map<String, String> STEPS = Map.of(
            "filter", "  - {type: filter, config: {condition: \"status == 'active' && metadata.topic == events\"}}\n",
            "mask", "  - {type: mask, config: {fields: [customer.email, customer.phone, card.number], keepLength: true}}\n",
            "snakeCase", "  - {type: snakeCase, config: {deep: true}}\n",
            "remove", "  - {type: remove, config: {fields: [debug, internalNotes]}}\n",
            "insertField", "  - {type: insertField, config: {fields: {pipeline: orders, source_topic: \"${metadata.topic}\"}}}\n");

    @Param({"filter", "mask", "snakeCase", "remove", "insertField"})
    public String step;

    private byte[] event;
    private TransformChain chain;
    private Blackhole blackhole;

    @Setup
    public void setUp(Blackhole bh) {
        blackhole = bh;
        event = TransformChainBenchmark.oneKilobyteEvent().getBytes(StandardCharsets.UTF_8);
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(
                "source: {type: values}\nsink: {type: values, config: {collection: c}}\ntransformations:\n" + STEPS.get(step), "jmh-step");
        chain = TransformChain.create(manifest.transformations(), TransformChain.Observer.NONE);
    }

    @Benchmark
    public void oneStep() {
        Message m = Message.of(event);
        m.putMetadata("topic", "events");
        chain.process(m, new TransformChain.Output() {
            @Override
            public void emit(Message message) {
                blackhole.consume(message.data());
            }

            @Override
            public void failed(Message input, int index, String reason) {
                throw new IllegalStateException(reason);
            }
        });
    }
}
