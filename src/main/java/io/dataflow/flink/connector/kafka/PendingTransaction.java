package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * A pre-committed Kafka transaction of the exactly-once sink, kept in the checkpoint it belongs to until committed:
 * {@code {"transactionalId":"…","producerId":4001,"epoch":0,"checkpointId":17}} — JSON so that a checkpoint can be
 * inspected, as the source's {@link PartitionOffsets}. It travels inside an {@link OwnedSubtaskState}; earlier
 * versions kept each one as a list state entry of its own, with {@code "version":1}, which {@link #decode} still reads.
 */
record PendingTransaction(String transactionalId, long producerId, short epoch, long checkpointId) {

    /** The version of a list state entry that is one pending transaction (the format before the transaction pool). */
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    void writeTo(ObjectNode node) {
        node.put("transactionalId", transactionalId);
        node.put("producerId", producerId);
        node.put("epoch", epoch);
        node.put("checkpointId", checkpointId);
    }

    /** @throws IllegalArgumentException when {@code node} lacks a field */
    static PendingTransaction readFrom(JsonNode node) {
        if (!node.path("transactionalId").isTextual() || !node.path("producerId").canConvertToLong()
                || !node.path("epoch").canConvertToInt() || !node.path("checkpointId").canConvertToLong()) {
            throw new IllegalArgumentException("pending Kafka transaction in the checkpoint lacks transactionalId, producerId, "
                    + "epoch or checkpointId");
        }
        return new PendingTransaction(node.path("transactionalId").asText(), node.path("producerId").asLong(),
                (short) node.path("epoch").asInt(), node.path("checkpointId").asLong());
    }

    /** The list state entry of the format before the transaction pool (tests write such checkpoints with it). */
    byte[] encode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        writeTo(root);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a pending Kafka transaction", e);
        }
    }

    /** @throws IllegalArgumentException for bytes that are not a version 1 pending transaction */
    static PendingTransaction decode(byte[] bytes) {
        JsonNode root = OwnedSubtaskState.parse(bytes);
        if (root.path("version").asInt(-1) != VERSION) {
            throw new IllegalArgumentException("unsupported pending Kafka transaction in the checkpoint (expected version " + VERSION + ")");
        }
        return readFrom(root);
    }
}
