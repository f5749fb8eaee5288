package io.dataflow.flink.connector;

import io.dataflow.flink.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The batching that the PostgreSQL, ClickHouse and Trino sinks share: records are buffered on the task thread, a
 * full batch is written by {@link BackgroundBatch} while the task reads on, and a flush writes the rest and waits,
 * so that everything added before a flush is stored when it returns (every checkpoint flushes). Records the target
 * refused reach {@code refused} on the task thread; a failed write is thrown there, by the next add or flush.
 */
public final class BufferedBatchWriter<R> implements AutoCloseable {

    /** Writes one batch; runs on the background thread, so it never touches the buffer or a listener. */
    @FunctionalInterface
    public interface BatchWrite<R> {
        /** Answers the records the target refused (empty when all were stored). */
        List<R> write(List<Message> batch) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(BufferedBatchWriter.class);

    private final String target;
    private final int batchSize;
    private final BatchWrite<R> write;
    private final Consumer<R> refused;
    private final BackgroundBatch<R> background;
    private final List<Message> buffer = new ArrayList<>();

    /**
     * @param threadName the background thread's name
     * @param target     what the batches go to, for the log (a table name, never a connection string)
     */
    public BufferedBatchWriter(String threadName, String target, int batchSize, BatchWrite<R> write, Consumer<R> refused) {
        this.target = target;
        this.batchSize = batchSize;
        this.write = write;
        this.refused = refused;
        this.background = new BackgroundBatch<>(threadName);
    }

    /** Buffers; a full batch is written in the background while the caller goes on. */
    public void add(Message message) throws Exception {
        buffer.add(message);
        if (buffer.size() >= batchSize) {
            background.submit(takeBatch(), refused);
        }
    }

    /** Writes what is buffered and waits for the batch in flight: everything added before is stored. */
    public void flush() throws Exception {
        if (!buffer.isEmpty()) {
            background.submit(takeBatch(), refused);
        }
        background.await(refused);
    }

    /** Records added and not yet handed to the background thread. */
    public int buffered() {
        return buffer.size();
    }

    /**
     * The buffer is cleared even when the write fails: the runtime then fails the task and replays the records from
     * the last checkpoint, so keeping them would only duplicate them.
     */
    private BackgroundBatch.Work<R> takeBatch() {
        List<Message> batch = new ArrayList<>(buffer);
        buffer.clear();
        return () -> {
            long started = System.nanoTime();
            List<R> refused = write.write(batch);
            LOG.debug("Batch flushed: target={} batchSize={} refused={} duration_ms={}", target, batch.size(),
                    refused.size(), (System.nanoTime() - started) / 1_000_000);
            return refused;
        };
    }

    /** Stops the background thread (a batch in flight is abandoned) and drops what is buffered, without writing it. */
    @Override
    public void close() {
        background.close();
        buffer.clear();
    }
}
