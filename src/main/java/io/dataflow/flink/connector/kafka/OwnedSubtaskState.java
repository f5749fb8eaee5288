package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One list state entry of the exactly-once Kafka sink: a former subtask number whose transactional ids the subtask
 * holding this entry owns, the number of such subtask numbers in the whole job ({@code subtasks}), and the
 * pre-committed transactions waiting for their checkpoint to complete:
 * {@code {"version":2,"subtask":0,"subtasks":2,"pending":[{"transactionalId":"…","producerId":4001,"epoch":3,"checkpointId":17}]}}.
 *
 * <p>Every subtask writes one entry per subtask number it owns, so that Flink's redistribution of list state on a
 * rescale hands each number, with its transactions, to exactly one subtask ({@link TransactionOwnership}).
 */
record OwnedSubtaskState(int subtask, int subtasks, List<PendingTransaction> pending) {

    static final int VERSION = 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    OwnedSubtaskState {
        pending = List.copyOf(pending);
    }

    byte[] encode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("subtask", subtask);
        root.put("subtasks", subtasks);
        var array = root.putArray("pending");
        pending.forEach(p -> p.writeTo(array.addObject()));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the Kafka sink's state", e);
        }
    }

    /** Whether {@code bytes} is an entry of this form (else it is a {@link PendingTransaction} of the earlier form). */
    static boolean isOwnedSubtaskState(byte[] bytes) {
        return parse(bytes).path("version").asInt(-1) == VERSION;
    }

    /** @throws IllegalArgumentException for bytes that are not such an entry */
    static OwnedSubtaskState decode(byte[] bytes) {
        JsonNode root = parse(bytes);
        if (root.path("version").asInt(-1) != VERSION || !root.path("subtask").canConvertToInt()
                || !root.path("subtasks").canConvertToInt() || !root.path("pending").isArray()) {
            throw new IllegalArgumentException("unsupported Kafka sink state in the checkpoint (expected version " + VERSION
                    + " with subtask, subtasks and pending)");
        }
        int subtask = root.path("subtask").asInt();
        int subtasks = root.path("subtasks").asInt();
        if (subtask < 0 || subtasks <= subtask) {
            throw new IllegalArgumentException("Kafka sink state in the checkpoint names subtask " + subtask + " of " + subtasks);
        }
        List<PendingTransaction> pending = new ArrayList<>();
        root.path("pending").forEach(node -> pending.add(PendingTransaction.readFrom(node)));
        return new OwnedSubtaskState(subtask, subtasks, pending);
    }

    static JsonNode parse(byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("Kafka sink state in the checkpoint is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new IllegalArgumentException("Kafka sink state in the checkpoint is not JSON", e);
        }
    }
}
