package io.dataflow.flink.bench;

import java.util.OptionalDouble;

/**
 * Watches one running contender on a thread of its own: every {@link #POLL_MILLIS} it samples the contender's CPU
 * ({@link ProcessTreeCpu}), then asks the target how many records it shows, into a {@link FlowWindow}, until the
 * target shows them all or the contender exits; in between it samples the CPU every {@link #SAMPLE_MILLIS}, so that
 * a contender that exits right after its last record still has a sample from just before. Every contender is
 * watched the same way, on the same target, so the CPU each spends while its records flow is measured alike.
 */
final class FlowWatch implements AutoCloseable {

    /** Between observations of the target: a record count is a query, which the bench's servers pay for. */
    static final long POLL_MILLIS = 200;
    /** Between CPU samples: the last one before the contender exits may have to close the window. */
    static final long SAMPLE_MILLIS = 20;

    /** The records a target shows now (rows counted, end offsets, an Iceberg snapshot's total-records). */
    interface Target extends AutoCloseable {
        long visible() throws Exception;
    }

    private final ProcessTreeCpu cpu;
    private final Target target;
    private final FlowWindow window;
    private final Thread thread;
    private volatile Exception failure;

    FlowWatch(ProcessTreeCpu cpu, Target target, long expected, String name) {
        this.cpu = cpu;
        this.target = target;
        this.window = new FlowWindow(expected);
        this.thread = new Thread(this::watch, "flow-watch-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        try {
            double lastSeconds = Double.NaN;
            long lastNanos = 0;
            long nextObservation = System.nanoTime();
            while (true) {
                long nanos = System.nanoTime();
                boolean observe = nanos - nextObservation >= 0;
                if (observe) {
                    cpu.refresh();
                }
                OptionalDouble seconds = cpu.seconds();
                if (seconds.isEmpty()) {
                    if (!Double.isNaN(lastSeconds)) {
                        window.exited(lastSeconds, lastNanos, target.visible());
                    }
                    return;
                }
                lastSeconds = seconds.getAsDouble();
                lastNanos = nanos;
                if (observe) {
                    if (window.observe(lastSeconds, nanos, target.visible())) {
                        return;
                    }
                    nextObservation = nanos + POLL_MILLIS * 1_000_000;
                }
                Thread.sleep(SAMPLE_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
        }
    }

    /** The window once the contender has exited; a failed observation of the target fails the run. */
    FlowWindow.Flow flow() throws InterruptedException {
        thread.join();
        if (failure != null) {
            throw new IllegalStateException("watching the target failed: " + failure, failure);
        }
        return window.flow();
    }

    @Override
    public void close() throws Exception {
        thread.interrupt();
        thread.join();
        target.close();
    }
}
