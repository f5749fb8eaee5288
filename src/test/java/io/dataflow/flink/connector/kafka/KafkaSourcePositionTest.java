package io.dataflow.flink.connector.kafka;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaSourcePositionTest {

    @Test
    void encodesAsVersionedJsonAndDecodesBack() {
        PartitionOffsets position = new PartitionOffsets("orders", new TreeMap<>(Map.of(0, 1200L, 2, 877L, 10, 5_000_000_000L)));
        byte[] bytes = position.encode();
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"version\":1,\"topic\":\"orders\",\"offsets\":{\"0\":1200,\"2\":877,\"10\":5000000000}}");
        PartitionOffsets decoded = PartitionOffsets.decode(bytes);
        assertThat(decoded).isEqualTo(position);
        assertThat(decoded.offsets()).containsExactly(Map.entry(0, 1200L), Map.entry(2, 877L), Map.entry(10, 5_000_000_000L));
        assertThat(PartitionOffsets.decode(new PartitionOffsets("t", new TreeMap<>()).encode()).offsets()).isEmpty();
    }

    @Test
    void rejectsWhatItCannotRead() {
        assertThatThrownBy(() -> PartitionOffsets.decode("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> PartitionOffsets.decode("{\"version\":2,\"topic\":\"t\",\"offsets\":{}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported Kafka source position");
    }

    @Test
    void partitionsAreSpreadByModulo() {
        List<Integer> partitions = List.of(4, 0, 3, 1, 2);
        assertThat(PartitionOffsets.ownedPartitions(partitions, 0, 2)).containsExactly(0, 2, 4);
        assertThat(PartitionOffsets.ownedPartitions(partitions, 1, 2)).containsExactly(1, 3);
        assertThat(PartitionOffsets.ownedPartitions(List.of(0, 1), 2, 3)).isEmpty();
        assertThat(PartitionOffsets.ownedPartitions(partitions, 0, 1)).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void unionRestoreKeepsOnlyOwnedPartitionsOfTheSameTopic() {
        // Snapshots of a run with parallelism 2; the job restarts with parallelism 3.
        byte[] subtask0 = new PartitionOffsets("orders", new TreeMap<>(Map.of(0, 10L, 2, 20L, 4, 40L))).encode();
        byte[] subtask1 = new PartitionOffsets("orders", new TreeMap<>(Map.of(1, 11L, 3, 31L, 5, 51L))).encode();
        byte[] otherTopic = new PartitionOffsets("payments", new TreeMap<>(Map.of(0, 999L))).encode();
        List<byte[]> union = List.of(subtask0, subtask1, otherTopic);
        List<Integer> partitions = List.of(0, 1, 2, 3, 4, 5, 6);

        assertThat(PartitionOffsets.restoreOwned(union, "orders", PartitionOffsets.ownedPartitions(partitions, 0, 3)))
                .containsExactly(Map.entry(0, 10L), Map.entry(3, 31L)); // partition 6 is new: not in any snapshot
        assertThat(PartitionOffsets.restoreOwned(union, "orders", PartitionOffsets.ownedPartitions(partitions, 1, 3)))
                .containsExactly(Map.entry(1, 11L), Map.entry(4, 40L));
        assertThat(PartitionOffsets.restoreOwned(union, "orders", PartitionOffsets.ownedPartitions(partitions, 2, 3)))
                .containsExactly(Map.entry(2, 20L), Map.entry(5, 51L));
    }

    @Test
    void theStateKnowsATopicOnceAnySnapshotIsOfItEvenWithoutPartitions() {
        byte[] idle = new PartitionOffsets("orders", new TreeMap<>()).encode(); // a subtask that read no partition
        byte[] busy = new PartitionOffsets("orders", new TreeMap<>(Map.of(1, 11L))).encode();
        byte[] otherTopic = new PartitionOffsets("payments", new TreeMap<>(Map.of(0, 999L))).encode();
        assertThat(PartitionOffsets.known(List.of(idle, busy, otherTopic), "orders")).hasValueSatisfying(known ->
                assertThat(known).containsExactly(Map.entry(1, 11L)));
        assertThat(PartitionOffsets.known(List.of(idle), "orders")).hasValueSatisfying(known -> assertThat(known).isEmpty());
        assertThat(PartitionOffsets.known(List.of(otherTopic), "orders")).as("another topic's state knows nothing of this one").isEmpty();
        assertThat(PartitionOffsets.known(List.of(), "orders")).isEmpty();
    }

    @Test
    void restoreOfADuplicatedPartitionTakesTheFurtherOffset() {
        byte[] a = new PartitionOffsets("t", new TreeMap<>(Map.of(0, 5L))).encode();
        byte[] b = new PartitionOffsets("t", new TreeMap<>(Map.of(0, 7L))).encode();
        assertThat(PartitionOffsets.restoreOwned(List.of(a, b), "t", List.of(0))).containsExactly(Map.entry(0, 7L));
    }

    @Test
    void connectorRejectsACorruptSnapshotAtRestore() {
        KafkaSourceConnector source = new KafkaSourceConnector("t", false, null,
                io.dataflow.flink.connector.ConnectorContext.standalone("job", "source"));
        assertThatThrownBy(() -> source.restorePositions(List.of("{}".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IllegalArgumentException.class);
        source.close();
    }
}
