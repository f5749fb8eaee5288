package io.dataflow.flink.message;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Writes JSON values to bytes with one generator over a reused buffer. {@code ObjectMapper.writeValueAsBytes} sets up
 * a generator, a segmented byte builder and its recycling on every call and joins the segments at the end; for
 * records of about 1 KB that set-up was about a third of the serialization's CPU (docs/BENCHMARKS.md, issue 21 third
 * and eighth rounds). The bytes are those {@code writeValueAsBytes} writes: the mapper creates the generator, and no
 * separator is written between the root values it writes one after another. Not thread-safe: one per thread.
 */
public final class JsonBytes {

    /** What to write: one root value through the generator. */
    @FunctionalInterface
    public interface Content {
        void writeTo(JsonGenerator generator) throws IOException;
    }

    private final ObjectMapper mapper;
    private final ByteArrayOutputStream buffer;
    private JsonGenerator generator;

    public JsonBytes(ObjectMapper mapper, int initialBufferBytes) {
        this.mapper = mapper;
        this.buffer = new ByteArrayOutputStream(initialBufferBytes);
    }

    /** The bytes {@code content} writes. */
    public byte[] write(Content content) throws IOException {
        buffer.reset();
        try {
            if (generator == null) {
                generator = mapper.createGenerator(buffer, JsonEncoding.UTF8);
                generator.setRootValueSeparator(null);
            }
            content.writeTo(generator);
            generator.flush();
        } catch (IOException | RuntimeException e) {
            generator = null; // it stopped inside the value: the next write starts a new one
            throw e;
        }
        return buffer.toByteArray();
    }
}
