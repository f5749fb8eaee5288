package io.dataflow.flink.connector;

import io.dataflow.flink.message.Message;

import java.util.List;

/**
 * A batching sink. {@link #write} buffers (and may flush when a batch is full), {@link #flush()} makes everything
 * written so far durable before it returns; the runtime calls it on every checkpoint, on the flush timer and on
 * close, which gives at-least-once delivery.
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
    default void setRejectedRecordListener(RejectedRecordListener listener) {
    }

    /** How often the runtime should call {@link #flush()} when records trickle in; 0 disables the timer. */
    default long flushIntervalMillis() {
        return 0;
    }

    // ---- two-phase sinks (optional): data made durable by flush() becomes visible only when the checkpoint completes ----

    /**
     * What must survive a restart until checkpoint {@code checkpointId} completes: the work that {@link #flush()}
     * made durable but not yet visible (Iceberg data files not yet committed), plus earlier such work whose
     * commit is still outstanding. Called after the pre-barrier flush; the runtime keeps the bytes in operator
     * state. Plain sinks make everything visible in {@code flush()} and keep the default (nothing pending).
     */
    default List<byte[]> snapshotPendingCommits(long checkpointId) throws Exception {
        return List.of();
    }

    /**
     * The pending commits from the checkpoint the job restarts from, before {@link #connect()}. That checkpoint
     * completed, so the sink commits them during {@code connect()} — unless the target shows they were committed
     * already (the notification of completion may have been lost), which is what keeps a restart from committing
     * twice.
     */
    default void restorePendingCommits(List<byte[]> pending) throws Exception {
    }

    /** Checkpoint {@code checkpointId} is durable: make every pending commit up to it visible in the target. */
    default void checkpointComplete(long checkpointId) throws Exception {
    }

    /** Releases everything without flushing. Idempotent, safe without connect and after a failed connect. */
    @Override
    void close();
}
