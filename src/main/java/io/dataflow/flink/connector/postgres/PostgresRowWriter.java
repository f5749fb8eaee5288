package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.BaseJsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Writes polled rows as the JSON bytes Jackson writes for their trees ({@code ObjectMapper.writeValueAsBytes} of
 * {@link PostgresRow#toTree()}), without building the trees: the field names and each value node go through one
 * generator kept for the source's life. In {@code scripts/bench.sh postgres-to-kafka} serializing each row's tree was
 * the task thread's largest cost, a third of it the per-call set-up of {@code writeValueAsBytes}
 * (docs/BENCHMARKS.md). Only for rows whose labels are distinct: a tree keeps one field of a repeated label.
 * One writer per thread.
 */
final class PostgresRowWriter {

    /** Default settings, as {@code Message}'s own mapper: the bytes are those {@code Message.data()} writes for a tree. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Buffer buffer = new Buffer();
    private final SerializerProvider provider = JSON.getSerializerProviderInstance();
    private JsonGenerator generator;

    /** The row's JSON bytes. */
    byte[] write(PostgresRow row) {
        String[] labels = row.columns().labels();
        JsonNode[] values = row.values();
        buffer.reset();
        try {
            JsonGenerator g = generator();
            // as ObjectNode.serialize writes a tree's fields, under the default settings (nulls and empty arrays kept)
            g.writeStartObject();
            for (int c = 0; c < labels.length; c++) {
                g.writeFieldName(labels[c]);
                ((BaseJsonNode) values[c]).serialize(g, provider);
            }
            g.writeEndObject();
            g.flush();
        } catch (IOException | RuntimeException e) {
            generator = null; // its state is unknown; the next row starts a new one
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot write the row as JSON", io);
            }
            throw (RuntimeException) e;
        }
        return buffer.bytes();
    }

    private JsonGenerator generator() throws IOException {
        if (generator == null) {
            generator = JSON.getFactory().createGenerator(buffer);
            // one generator writes every row as its own root value: no separator between them
            generator.setRootValueSeparator(null);
        }
        return generator;
    }

    /** A byte buffer reused from row to row. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(2048);
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, count);
        }
    }
}
