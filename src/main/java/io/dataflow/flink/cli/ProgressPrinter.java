package io.dataflow.flink.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints a {@link ProgressLine} every interval while a local job runs, from a daemon thread; {@link #close()} stops it
 * (the run calls it when the job ends, however it ends). It looks at the checkpoint id every second so that the age
 * of the last checkpoint is right to the second: Flink's metrics carry its id but not its completion time.
 */
final class ProgressPrinter implements AutoCloseable {

    private static final long TICK_MILLIS = 1000;

    private final ProgressMetrics metrics;
    private final PrintWriter out;
    private final long intervalNanos;
    private final ScheduledExecutorService timer;
    private ProgressSnapshot previous = new ProgressSnapshot(0, 0, 0, new TreeMap<>(), -1, ProgressSnapshot.NOT_REPORTED);
    private long previousAt = System.nanoTime();
    private long checkpointId = -1;
    private long checkpointSeenAt;

    private ProgressPrinter(ProgressMetrics metrics, PrintWriter out, Duration interval) {
        this.metrics = metrics;
        this.out = out;
        this.intervalNanos = interval.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dataflow-progress");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts printing to {@code out} every {@code interval}. */
    static ProgressPrinter start(ProgressMetrics metrics, PrintWriter out, Duration interval) {
        ProgressPrinter printer = new ProgressPrinter(metrics, out, interval);
        printer.timer.scheduleAtFixedRate(printer::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return printer;
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            ProgressSnapshot snapshot = metrics.snapshot();
            if (snapshot.checkpointId() != checkpointId) {
                checkpointId = snapshot.checkpointId();
                checkpointSeenAt = now;
            }
            if (now - previousAt < intervalNanos - TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS / 2)) {
                return;
            }
            Duration age = checkpointId < 0 ? null : Duration.ofNanos(now - checkpointSeenAt);
            out.println(ProgressLine.format(previous, snapshot, Duration.ofNanos(now - previousAt), age));
            out.flush();
            previous = snapshot;
            previousAt = now;
        } catch (RuntimeException e) {
            // a progress line must never take the run down; the next tick tries again
            out.println("progress: unavailable (" + e + ")");
        }
    }

    /** Stops the lines; none is printed after this returns. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.detach();
    }
}
