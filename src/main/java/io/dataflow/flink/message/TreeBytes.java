package io.dataflow.flink.message;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Serializes JSON trees to bytes with one generator per thread over a reused buffer. {@code writeValueAsBytes} sets up
 * a generator, a segmented byte builder and its recycling on every call, and joins the segments at the end; for
 * records of about 1 KB that set-up was about a third of the serialization's CPU (docs/BENCHMARKS.md, issue 21 eighth
 * round). The bytes are the same: the same mapper creates the generator, and no separator is written between the
 * root values it writes one after another.
 */
final class TreeBytes {

    /** A buffer that grew past this for one large record is dropped, so that a thread does not keep it for its life. */
    private static final int KEPT_BUFFER_BYTES = 1 << 20;
    private static final ThreadLocal<TreeBytes> PER_THREAD = new ThreadLocal<>();

    private final ObjectMapper mapper;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);
    private final JsonGenerator generator;

    private TreeBytes(ObjectMapper mapper) throws IOException {
        this.mapper = mapper;
        this.generator = mapper.createGenerator(buffer, JsonEncoding.UTF8);
        generator.setRootValueSeparator(null);
    }

    /** The tree's JSON as {@code mapper.writeValueAsBytes(tree)} writes it. */
    static byte[] of(ObjectMapper mapper, JsonNode tree) throws IOException {
        TreeBytes writer = PER_THREAD.get();
        if (writer == null || writer.mapper != mapper) {
            writer = new TreeBytes(mapper);
            PER_THREAD.set(writer);
        }
        writer.buffer.reset();
        try {
            mapper.writeTree(writer.generator, tree);
            writer.generator.flush();
        } catch (IOException | RuntimeException e) {
            PER_THREAD.remove(); // the generator stopped inside the tree: the next call starts a new one
            throw e;
        }
        byte[] bytes = writer.buffer.toByteArray();
        if (bytes.length > KEPT_BUFFER_BYTES) {
            PER_THREAD.remove();
        }
        return bytes;
    }
}
