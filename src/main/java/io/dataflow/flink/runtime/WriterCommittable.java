package io.dataflow.flink.runtime;

import java.nio.ByteBuffer;

/**
 * One writer's committable as it travels to the committer: the checkpoint whose barrier it precedes
 * ({@link #END_OF_INPUT} for what a writer wrote after its last barrier) and the sink's bytes. The committer commits
 * it under that checkpoint, so a checkpoint that was aborted after the writer's pre-barrier step still names its own
 * commit, made with the next checkpoint that completes.
 */
record WriterCommittable(long checkpointId, byte[] bytes) {

    static final long END_OF_INPUT = Long.MAX_VALUE;

    byte[] encode() {
        return ByteBuffer.allocate(Long.BYTES + bytes.length).putLong(checkpointId).put(bytes).array();
    }

    static WriterCommittable decode(byte[] encoded) {
        ByteBuffer buffer = ByteBuffer.wrap(encoded);
        long checkpointId = buffer.getLong();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return new WriterCommittable(checkpointId, bytes);
    }
}
