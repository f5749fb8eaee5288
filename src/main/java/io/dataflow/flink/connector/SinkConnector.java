package io.dataflow.flink.connector;

import io.dataflow.flink.message.Message;

import java.util.List;

/**
 * A batching sink. {@link #write} buffers (and may flush when a batch is full), {@link #flush()} makes everything
 * written so far durable before it returns; the runtime calls it on every checkpoint, on the flush timer and on
 * close, which gives at-least-once delivery.
 *
 * <p>A sink that commits in two phases (exactly-once) also uses the checkpoint hooks, called by the runtime in this
 * order: {@link #restoreState} once before {@link #connect()} (with the restored checkpoint's entries, if any); at each checkpoint
 * {@link #flush()} then {@link #snapshotState} (pre-commit: what it returns is kept in the checkpoint); and
 * {@link #checkpointComplete} once that checkpoint is durable (commit). All on the task thread.
 */
public interface SinkConnector extends AutoCloseable {

    /** Opens clients. Fails with {@link ConnectorClosedException} after {@link #close()}. */
    void connect() throws Exception;

    void write(Message message) throws Exception;

    /** Everything written before this call is durable when it returns. */
    void flush() throws Exception;

    /**
     * Asks the sink to report records the target refuses because of their own content to {@code listener} and to
     * write the rest, instead of failing the flush. Sinks that cannot tell one record's failure from the target's
     * keep the default: they ignore the listener and fail the flush, so no record is ever lost silently.
     */
    default void setRefusedRecordListener(RefusedRecordListener listener) {
    }

    /** How often the runtime should call {@link #flush()} when records trickle in; 0 disables the timer. */
    default long flushIntervalMillis() {
        return 0;
    }

    /**
     * Called at every checkpoint right after {@link #flush()}: pre-commits what was written since the previous
     * checkpoint and returns every pre-committed, not yet committed transaction as bytes the sink can read back in
     * {@link #restoreState}. Sinks that make writes visible at flush keep the default (nothing to keep).
     */
    default List<byte[]> snapshotState(long checkpointId) throws Exception {
        return List.of();
    }

    /**
     * Called once before {@link #connect()}: with the entries of {@link #snapshotState} from the checkpoint the job
     * restarts from (possibly another subtask's after a rescale) and that checkpoint's id, or with no entries and
     * id 0 on a fresh start. A sink commits the entries, whose checkpoint completed, and cleans up what an earlier
     * attempt left open after that checkpoint.
     */
    default void restoreState(long restoredCheckpointId, List<byte[]> entries) throws Exception {
    }

    /**
     * For sinks with a {@link SinkCommitter} ({@link ConnectorFactory#hasCommitter}): called right after
     * {@link #flush()} before every checkpoint barrier and once at the end of the input; returns what was written
     * since the previous call as committables, which the runtime hands to the sink's single committer. The committer
     * keeps them in its own state and commits them when the checkpoint completes, so the writer keeps nothing.
     */
    default List<byte[]> committables(long checkpointId) throws Exception {
        return List.of();
    }

    /** The checkpoint, and every one before it, is durable: commit what was pre-committed for it. */
    default void checkpointComplete(long checkpointId) throws Exception {
    }

    /** Whether this sink only works with checkpointing on (it commits when a checkpoint completes). */
    default boolean requiresCheckpointing() {
        return false;
    }

    /** Releases everything without flushing. Idempotent, safe without connect and after a failed connect. */
    @Override
    void close();
}
