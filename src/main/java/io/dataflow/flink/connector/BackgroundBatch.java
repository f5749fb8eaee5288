package io.dataflow.flink.connector;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Writes one full batch at a time on a background thread, so the task thread goes on reading and buffering the
 * next batch while the current one is parsed, encoded and written (the PostgreSQL benchmark's task threads
 * otherwise sat idle waiting for COPY; the ClickHouse sink overlaps its JSON encoding the same way). At most one
 * batch is in flight: submitting the next one, or {@link #await}ing (every flush, so every checkpoint), first waits for it. Its refused records are handed to the
 * caller's consumer on the caller's thread, and its failure is rethrown there, so listeners and Flink only ever
 * see the task thread.
 */
public final class BackgroundBatch<R> implements AutoCloseable {

    /** The background work: writes a batch, answers the records it refused. */
    @FunctionalInterface
    public interface Work<R> {
        List<R> run() throws Exception;
    }

    private final ExecutorService thread;
    private Future<List<R>> inFlight;

    public BackgroundBatch(String threadName) {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Waits for the batch in flight, then starts {@code work} in the background. */
    public void submit(Work<R> work, Consumer<R> refused) throws Exception {
        await(refused);
        inFlight = thread.submit(work::run);
    }

    /** Waits for the batch in flight (if any): its refused records go to {@code refused}, its failure is thrown. */
    public void await(Consumer<R> refused) throws Exception {
        Future<List<R>> f = inFlight;
        if (f == null) {
            return;
        }
        inFlight = null;
        List<R> refusedRecords;
        try {
            refusedRecords = f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
        refusedRecords.forEach(refused);
    }

    /** Stops the thread; a batch still in flight is abandoned (its transaction is never committed). */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
