package io.dataflow.flink.deploy;

import io.dataflow.flink.testing.Postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Changes that keep arriving in a PostgreSQL table while a test stops, rescales and resumes a CDC job: a background
 * thread writes {@code batch} changes every {@code pauseMillis}, change i as its own transaction — an upsert of row
 * {@code i mod keys} with {@code seq = i} — so every key changes many times and every change is identified by its seq.
 */
final class SteadyChanges implements ScenarioInput.Arrivals {

    private final String table;
    private final int keys;
    private final int batch;
    private final long pauseMillis;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int next;

    SteadyChanges(String table, int keys, int batch, long pauseMillis, int first) {
        this.table = table;
        this.next = first;
        this.keys = keys;
        this.batch = batch;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(this::write, "steady-changes-" + table);
        thread.setDaemon(true);
        thread.start();
    }

    private void write() {
        try (Connection c = Postgres.connect(); PreparedStatement upsert = c.prepareStatement("INSERT INTO " + table
                + " (id, seq) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq")) {
            c.setAutoCommit(true);
            while (running) {
                for (int n = 0; n < batch; n++) {
                    upsert.setLong(1, next % keys);
                    upsert.setLong(2, next);
                    upsert.executeUpdate();
                    next++;
                }
                Thread.sleep(pauseMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Stops after the current batch; fails if a change could not be written. {@link #end()} then counts them all. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(60_000);
        if (thread.isAlive()) {
            throw new AssertionError("the writer of " + table + " did not stop");
        }
        if (failure.get() != null) {
            throw new AssertionError("could not write the changes into " + table + " (" + next + " written)", failure.get());
        }
    }

    /** The seq of the next change, i.e. the number of changes committed (after {@link #close()}: all of them). */
    @Override
    public int end() {
        return next;
    }
}
