package io.dataflow.flink.compile;

import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.util.MathUtils;

/**
 * Sends every record of one {@link RowKey} to the same downstream subtask, so that the changes of a row reach its
 * sink writer in the order the source read them. A custom partitioner rather than {@code keyBy}: nothing downstream
 * keeps keyed state, and the operators after it stay the plain operators they are at {@code replicas: 1}.
 */
final class RowKeyPartitioner implements Partitioner<String> {

    private static final long serialVersionUID = 1L;

    @Override
    public int partition(String key, int numPartitions) {
        // murmur spreads consecutive ids, whose String hash codes differ only in their last bits
        return MathUtils.murmurHash(key.hashCode()) % numPartitions;
    }
}
