package io.dataflow.flink.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.TreeMap;

/**
 * How far a job has read a topic, as its Kafka source reports it: the source commits the offsets of every completed
 * checkpoint to its consumer group (docs/KAFKA.md), so when the group's committed offsets equal the topic's end
 * offsets, a checkpoint that covers every record has completed — the moment to stop a job and count its output,
 * without guessing how long it needs.
 */
public final class ConsumerGroupProgress {

    private ConsumerGroupProgress() {
    }

    /** The group's committed offset per partition of the topic (partitions it never committed are absent). */
    public static Map<Integer, Long> committed(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrap()))) {
            Map<Integer, Long> offsets = new TreeMap<>();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get().entrySet()) {
                if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                    offsets.put(e.getKey().partition(), e.getValue().offset());
                }
            }
            return offsets;
        }
    }

    /** The end offset per partition (records written without transactions: the input of a test). */
    public static Map<Integer, Long> end(String topic) {
        Map<Integer, Long> offsets = new TreeMap<>();
        Kafka.endOffsets(topic, "read_uncommitted").forEach((tp, offset) -> offsets.put(tp.partition(), offset));
        return offsets;
    }

    /** Waits until the group has committed the end offset of every partition of the topic. */
    public static void awaitAtEnd(String group, String topic) throws Exception {
        Map<Integer, Long> end = end(topic);
        SessionCluster.await("group " + group + " committed the end offsets " + end + " of " + topic,
                () -> committed(group, topic).equals(end), 180);
    }
}
