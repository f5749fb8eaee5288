package io.dataflow.flink.runtime;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** Flush count, the duration of the last flush and a histogram of recent flush durations, per sink subtask. */
final class FlushMetrics {

    private final Counter flushes;
    private final Histogram durations;
    private volatile long lastFlushMillis;

    FlushMetrics(MetricGroup group) {
        this.flushes = group.counter("flushes");
        this.durations = group.histogram("flushDurationMs", new DescriptiveStatisticsHistogram(1000));
        group.gauge("lastFlushDurationMs", (Gauge<Long>) () -> lastFlushMillis);
    }

    void record(long nanos) {
        flushes.inc();
        lastFlushMillis = nanos / 1_000_000;
        durations.update(lastFlushMillis);
    }
}
