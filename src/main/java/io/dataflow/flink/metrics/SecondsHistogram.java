package io.dataflow.flink.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.math.BigDecimal;

/**
 * A Prometheus histogram of durations in seconds, with the original's exponential buckets, made of plain Flink
 * metrics: one counter per bucket ({@code <name>_bucket} in a group {@code le=<bound>}, cumulative, {@code +Inf}
 * included), {@code <name>_sum} and {@code <name>_count}. Flink has no bucketed histogram and the reporter may run in
 * another class loader (a plugin on a cluster) where only Flink's metric interfaces are shared, so the parts travel
 * as counters and a gauge; {@link OriginalSeriesCollector} serves them as one histogram family. Updated on the
 * operator's processing thread only.
 */
public final class SecondsHistogram {

    private final double[] bounds;
    private final Counter[] buckets;
    private final Counter count;
    private volatile double sum;

    /**
     * @param first   the first bucket's upper bound in seconds, as a decimal (e.g. {@code "0.001"})
     * @param buckets how many bounds: {@code first·2^0 … first·2^(buckets-1)}
     */
    public SecondsHistogram(MetricGroup group, String name, String first, int buckets) {
        this.bounds = new double[buckets];
        this.buckets = new Counter[buckets];
        BigDecimal bound = new BigDecimal(first);
        for (int i = 0; i < buckets; i++) {
            bounds[i] = bound.doubleValue();
            this.buckets[i] = group.addGroup("le", bound.stripTrailingZeros().toPlainString()).counter(name + "_bucket");
            bound = bound.multiply(BigDecimal.valueOf(2));
        }
        this.count = group.counter(name + "_count");
        group.addGroup("le", "+Inf").counter(name + "_bucket", count);
        group.gauge(name + "_sum", (Gauge<Double>) () -> sum);
    }

    public void observeNanos(long nanos) {
        double seconds = nanos / 1e9;
        for (int i = bounds.length - 1; i >= 0 && seconds <= bounds[i]; i--) {
            buckets[i].inc();
        }
        count.inc();
        sum += seconds;
    }
}
