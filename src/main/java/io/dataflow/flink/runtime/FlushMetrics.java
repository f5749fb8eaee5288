package io.dataflow.flink.runtime;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/** Flush count and the duration of the last flush, per sink subtask. */
final class FlushMetrics {

    private final Counter flushes;
    private volatile long lastFlushMillis;

    FlushMetrics(MetricGroup group) {
        this.flushes = group.counter("flushes");
        group.gauge("lastFlushDurationMs", (Gauge<Long>) () -> lastFlushMillis);
    }

    void record(long nanos) {
        flushes.inc();
        lastFlushMillis = nanos / 1_000_000;
    }
}
