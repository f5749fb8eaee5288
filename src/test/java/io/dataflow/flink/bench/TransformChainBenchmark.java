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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * JMH: a 5-step chain (filter, mask, snakeCase deep, remove, insertField) on a 1 KB JSON event, against the floor
 * every chain pays (parse the bytes once, serialize the tree once). Run with {@code scripts/jmh.sh}; not a test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class TransformChainBenchmark {

    static final String STEPS = """
              - {type: filter, config: {condition: "status == 'active' && metadata.topic == events"}}
              - {type: mask, config: {fields: [customer.email, customer.phone, card.number], keepLength: true}}
              - {type: snakeCase, config: {deep: true}}
              - {type: remove, config: {fields: [debug, internal_notes]}}
              - {type: insertField, config: {fields: {pipeline: orders, source_topic: "${metadata.topic}"}}}
            """;

    private byte[] event;
    private TransformChain chain;
    private Sink sink;

    @Setup
    public void setUp() {
        event = oneKilobyteEvent().getBytes(StandardCharsets.UTF_8);
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(
                "source: {type: values}\nsink: {type: values, config: {collection: c}}\ntransformations:\n" + STEPS, "jmh");
        chain = TransformChain.create(manifest.transformations(), TransformChain.Observer.NONE);
    }

    static String oneKilobyteEvent() {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            items.append(i == 0 ? "" : ",").append("{\"sku\":\"SKU-").append(1000 + i)
                    .append("\",\"unitPrice\":").append(19.99 + i).append(",\"quantity\":").append(i + 1).append("}");
        }
        String json = "{\"eventId\":\"6f1c2a9e-8d4b-4f7a-9c3e-2b5d8e1f0a7c\",\"status\":\"active\",\"createdAt\":\"2026-11-25T10:15:30.123Z\","
                + "\"customer\":{\"customerId\":918273,\"fullName\":\"Ada Lovelace\",\"email\":\"ada.lovelace@example.com\","
                + "\"phone\":\"+44 20 7946 0958\",\"address\":{\"streetLine\":\"12 Analytical Engine Road\",\"city\":\"London\","
                + "\"postCode\":\"N1 9GU\",\"countryCode\":\"GB\"}},\"card\":{\"number\":\"4111111111111111\",\"expiryMonth\":12,"
                + "\"expiryYear\":2029},\"lineItems\":[" + items + "],\"totalAmount\":106.96,\"currencyCode\":\"GBP\","
                + "\"salesChannel\":\"web\",\"debug\":{\"traceId\":\"a1b2c3d4e5f6\",\"spanId\":\"0102030405\"},"
                + "\"internalNotes\":\"none\",\"tags\":[\"priority\",\"gift\",\"newsletter\"],\"loyaltyPoints\":1069,"
                + "\"padding\":\"";
        StringBuilder out = new StringBuilder(json);
        while (out.length() < 1022) {
            out.append('x');
        }
        return out.append("\"}").toString();
    }

    private Message fresh() {
        Message m = Message.of(event);
        m.putMetadata("topic", "events");
        return m;
    }

    /** The floor: parse the payload once and serialize the tree once, as any chain must. */
    @Benchmark
    public void parseAndSerialize(Blackhole bh) {
        Message m = fresh();
        m.setJson(m.json());
        bh.consume(m.data());
    }

    @Benchmark
    public void fiveStepChain(Blackhole bh) {
        sink.bh = bh;
        chain.process(fresh(), sink);
    }

    @Setup
    public void sink(Blackhole bh) {
        sink = new Sink();
    }

    private static final class Sink implements TransformChain.Output {
        Blackhole bh;

        @Override
        public void emit(Message message) {
            bh.consume(message.data());
        }

        @Override
        public void failed(Message input, int index, String reason) {
            throw new IllegalStateException(reason);
        }
    }
}
