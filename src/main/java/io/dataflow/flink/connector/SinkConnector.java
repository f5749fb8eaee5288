package io.dataflow.flink.connector;

import io.dataflow.flink.message.Message;

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

    /** Releases everything without flushing. Idempotent, safe without connect and after a failed connect. */
    @Override
    void close();
}
