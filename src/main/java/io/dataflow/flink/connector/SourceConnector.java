package io.dataflow.flink.connector;

import java.util.List;

/**
 * A source of messages with a resumable position. The Flink runtime (see {@code runtime.SourceFunctionWrapper})
 * drives it: {@link #restorePositions} (on recovery), {@link #connect()}, then {@link #poll()} in a loop on the
 * source thread, {@link #snapshotPosition} under the checkpoint lock, {@link #checkpointComplete} when a
 * checkpoint is durable, and {@link #close()} on any thread, possibly twice.
 */
public interface SourceConnector extends AutoCloseable {

    /** Opens clients. Fails with {@link ConnectorClosedException} after {@link #close()}. */
    void connect() throws Exception;

    /**
     * Reads the next messages, blocking at most about a second so that cancellation is noticed. Returns
     * {@link SourceBatch#end()} when a bounded source is exhausted.
     */
    SourceBatch poll() throws Exception;

    /**
     * The position reached by the messages emitted so far, as bytes the connector itself can read back. Called
     * under the checkpoint lock, never concurrently with emission.
     */
    byte[] snapshotPosition(long checkpointId) throws Exception;

    /**
     * Positions from the checkpoint the job restarts from, before {@link #connect()}: the entries that every subtask
     * of the source snapshotted, whatever the parallelism then and now (union state). A source keeps those of the
     * partitions or splits it owns by its own rule and can tell a split the state knows from one that appeared
     * since. A non-parallel source receives exactly its own entry.
     */
    void restorePositions(List<byte[]> positions) throws Exception;

    /** The checkpoint is durable: a source may now acknowledge upstream (Kafka group offsets, replication slot). */
    default void checkpointComplete(long checkpointId) throws Exception {
    }

    /** Asks a blocked {@link #poll()} to return soon; called from another thread on cancellation. */
    default void wakeup() {
    }

    /** Releases everything. Idempotent, safe without connect, after a failed connect and concurrently with poll. */
    @Override
    void close();
}
