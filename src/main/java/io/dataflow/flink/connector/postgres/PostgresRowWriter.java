package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.BaseJsonNode;
import io.dataflow.flink.message.JsonBytes;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes polled rows as the JSON bytes Jackson writes for their trees ({@code ObjectMapper.writeValueAsBytes} of
 * {@link PostgresRow#toTree()}), without building the trees: the field names and each value node go through one
 * generator kept for the source's life ({@link JsonBytes}). In {@code scripts/bench.sh postgres-to-kafka} serializing
 * each row's tree was the task thread's largest cost, a third of it the per-call set-up of {@code writeValueAsBytes}
 * (docs/BENCHMARKS.md). Only for rows whose labels are distinct: a tree keeps one field of a repeated label.
 * One writer per thread.
 */
final class PostgresRowWriter {

    /** Default settings, as {@code Message}'s own mapper: the bytes are those {@code Message.data()} writes for a tree. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonBytes bytes = new JsonBytes(JSON, 2048);
    private final SerializerProvider provider = JSON.getSerializerProviderInstance();

    /** The row's JSON bytes. */
    byte[] write(PostgresRow row) {
        String[] labels = row.columns().labels();
        JsonNode[] values = row.values();
        try {
            return bytes.write(g -> {
                // as ObjectNode.serialize writes a tree's fields, under the default settings (nulls and empty arrays kept)
                g.writeStartObject();
                for (int c = 0; c < labels.length; c++) {
                    g.writeFieldName(labels[c]);
                    ((BaseJsonNode) values[c]).serialize(g, provider);
                }
                g.writeEndObject();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the row as JSON", e);
        }
    }
}
