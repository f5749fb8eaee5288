package io.dataflow.flink.connector;

import java.util.List;

/**
 * Commits what all writers of a sink wrote for one completed checkpoint, in one step (one table snapshot). Runs in a
 * single operator of its own, so commits happen on its task thread, never on the writers'. The runtime keeps the
 * committables in Flink state until they are committed and calls {@link #commit} again with the same commit user and
 * checkpoint after a restore; an implementation must then recognise a commit that already succeeded and do nothing.
 */
public interface SinkCommitter extends AutoCloseable {

    /** Opens clients. */
    void open() throws Exception;

    /**
     * Commits {@code committables} (from {@link SinkConnector#committables}, possibly of several writers) as one
     * commit identified by {@code commitUser} (fresh for every run of the committer) and {@code checkpointId},
     * unless that commit, or a later one of the same user, is already there.
     */
    void commit(String commitUser, long checkpointId, List<byte[]> committables) throws Exception;

    /** Releases everything. Idempotent, safe without open. */
    @Override
    void close();
}
