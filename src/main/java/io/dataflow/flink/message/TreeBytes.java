package io.dataflow.flink.message;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;

/** {@link Message#data()}'s serialization of a tree: one {@link JsonBytes} per thread, with {@link Message}'s mapper. */
final class TreeBytes {

    /** A buffer that grew past this for one large record is dropped, so that a thread does not keep it for its life. */
    private static final int KEPT_BUFFER_BYTES = 1 << 20;
    private static final ThreadLocal<JsonBytes> PER_THREAD = new ThreadLocal<>();

    private TreeBytes() {
    }

    /** The tree's JSON as {@code Message.JSON.writeValueAsBytes(tree)} writes it. */
    static byte[] of(JsonNode tree) throws IOException {
        JsonBytes writer = PER_THREAD.get();
        if (writer == null) {
            writer = new JsonBytes(Message.JSON, 4096);
            PER_THREAD.set(writer);
        }
        byte[] bytes = writer.write(generator -> Message.JSON.writeTree(generator, tree));
        if (bytes.length > KEPT_BUFFER_BYTES) {
            PER_THREAD.remove();
        }
        return bytes;
    }
}
