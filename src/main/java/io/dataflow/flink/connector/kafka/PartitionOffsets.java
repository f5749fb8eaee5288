package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Kafka source position: for one topic, the next offset to read per partition. Stored in Flink state as
 * {@code {"version":1,"topic":"orders","offsets":{"0":1200,"2":877}}} — JSON so that a checkpoint can be inspected
 * and so that the layout can evolve behind the version field.
 */
public record PartitionOffsets(String topic, SortedMap<Integer, Long> offsets) {

    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    public PartitionOffsets {
        offsets = new TreeMap<>(offsets);
    }

    public byte[] encode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("topic", topic);
        ObjectNode byPartition = root.putObject("offsets");
        offsets.forEach((partition, offset) -> byPartition.put(String.valueOf(partition), offset));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode Kafka source position", e);
        }
    }

    /** @throws IllegalArgumentException for bytes that are not a position this version can read */
    public static PartitionOffsets decode(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("Kafka source position is not JSON", e);
        }
        if (root == null || root.path("version").asInt(-1) != VERSION || !root.path("topic").isTextual() || !root.path("offsets").isObject()) {
            throw new IllegalArgumentException("unsupported Kafka source position (expected version " + VERSION + " with topic and offsets)");
        }
        SortedMap<Integer, Long> offsets = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("offsets").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            offsets.put(Integer.parseInt(e.getKey()), e.getValue().asLong());
        }
        return new PartitionOffsets(root.path("topic").asText(), offsets);
    }

    /**
     * The offsets of {@code topic} found in the snapshots of all subtasks, restricted to the partitions this subtask
     * owns. Positions of another topic (the manifest changed) are ignored; if two snapshots name the same partition,
     * the further one wins.
     */
    public static SortedMap<Integer, Long> restoreOwned(Collection<byte[]> snapshots, String topic, Collection<Integer> owned) {
        SortedMap<Integer, Long> out = new TreeMap<>();
        known(snapshots, topic).ifPresent(all -> all.forEach((partition, offset) -> {
            if (owned.contains(partition)) {
                out.put(partition, offset);
            }
        }));
        return out;
    }

    /**
     * Every partition of {@code topic} that the snapshots of all subtasks hold, with its offset (the further one if
     * two name it), or empty when no snapshot is of this topic: the state then knows nothing of it (a fresh job, or
     * the manifest changed topic). Every subtask snapshots all partitions it reads, also one that reads none, so when
     * the state knows the topic, a partition missing here appeared after the snapshot.
     */
    public static Optional<SortedMap<Integer, Long>> known(Collection<byte[]> snapshots, String topic) {
        SortedMap<Integer, Long> out = new TreeMap<>();
        boolean topicKnown = false;
        for (byte[] bytes : snapshots) {
            PartitionOffsets position = decode(bytes);
            if (position.topic().equals(topic)) {
                topicKnown = true;
                position.offsets().forEach((partition, offset) -> out.merge(partition, offset, Math::max));
            }
        }
        return topicKnown ? Optional.of(out) : Optional.empty();
    }

    /** The partitions a subtask reads: those whose number modulo the parallelism is its index. */
    public static List<Integer> ownedPartitions(Collection<Integer> partitions, int subtaskIndex, int parallelism) {
        return partitions.stream().sorted().filter(p -> p % parallelism == subtaskIndex).toList();
    }
}
