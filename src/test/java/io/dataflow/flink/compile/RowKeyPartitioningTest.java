package io.dataflow.flink.compile;

import io.dataflow.flink.message.Message;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RowKeyPartitioningTest {

    private static Message row(String table, Object id) {
        Message m = Message.of("{}");
        m.putMetadata("table", table);
        if (id != null) {
            m.putMetadata("id", id);
        }
        return m;
    }

    @Test
    void theKeyIsTheTableAndTheRowIdAndATableAloneWithoutAnId() {
        RowKey key = new RowKey();
        assertThat(key.getKey(row("public.orders", 42L))).isEqualTo(key.getKey(row("public.orders", 42L)));
        assertThat(key.getKey(row("public.orders", 42L))).isNotEqualTo(key.getKey(row("public.customers", 42L)));
        assertThat(key.getKey(row("public.orders", 42L))).isNotEqualTo(key.getKey(row("public.orders", 43L)));
        assertThat(key.getKey(row("public.orders", null))).isEqualTo("public.orders");
        assertThat(key.getKey(Message.of("{}"))).isEmpty();
    }

    /** Every key always lands on the same subtask, and consecutive ids spread over all of them. */
    @Test
    void oneRowAlwaysGoesToOneSubtaskAndConsecutiveIdsUseEverySubtask() {
        RowKey key = new RowKey();
        RowKeyPartitioner partitioner = new RowKeyPartitioner();
        Set<Integer> used = new HashSet<>();
        for (long id = 0; id < 30; id++) {
            int subtask = partitioner.partition(key.getKey(row("public.orders", id)), 3);
            assertThat(subtask).isBetween(0, 2);
            assertThat(partitioner.partition(key.getKey(row("public.orders", id)), 3)).isEqualTo(subtask);
            used.add(subtask);
        }
        assertThat(used).containsExactlyInAnyOrder(0, 1, 2);
    }
}
