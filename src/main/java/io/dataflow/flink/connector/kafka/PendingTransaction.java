package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * A pre-committed Kafka transaction of the exactly-once sink, kept in the checkpoint it belongs to until committed:
 * {@code {"version":1,"transactionalId":"…","producerId":4001,"epoch":0,"checkpointId":17}} — JSON so that a
 * checkpoint can be inspected, as the source's {@link PartitionOffsets}.
 */
record PendingTransaction(String transactionalId, long producerId, short epoch, long checkpointId) {

    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    byte[] encode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("transactionalId", transactionalId);
        root.put("producerId", producerId);
        root.put("epoch", epoch);
        root.put("checkpointId", checkpointId);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a pending Kafka transaction", e);
        }
    }

    /** @throws IllegalArgumentException for bytes that are not a pending transaction this version can read */
    static PendingTransaction decode(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("pending Kafka transaction in the checkpoint is not JSON", e);
        }
        if (root == null || root.path("version").asInt(-1) != VERSION || !root.path("transactionalId").isTextual()
                || !root.path("producerId").canConvertToLong() || !root.path("epoch").canConvertToInt()
                || !root.path("checkpointId").canConvertToLong()) {
            throw new IllegalArgumentException("unsupported pending Kafka transaction in the checkpoint (expected version "
                    + VERSION + " with transactionalId, producerId, epoch and checkpointId)");
        }
        return new PendingTransaction(root.path("transactionalId").asText(), root.path("producerId").asLong(),
                (short) root.path("epoch").asInt(), root.path("checkpointId").asLong());
    }
}
