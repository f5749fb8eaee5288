package io.dataflow.flink.bench;

/**
 * The part of a contender's run in which its records flow into the target: from the first observation of the
 * target that shows any record to the first that shows all of them, with the contender's CPU seconds sampled just
 * before each observation. The records of the window are those that became visible in it (all of them minus those
 * already visible when it opened): rows a batch commit or an Iceberg commit made visible at once before the window
 * count for the time before it. Fed by {@link FlowWatch}; pure arithmetic.
 */
final class FlowWindow {

    /**
     * CPU seconds and wall seconds between the window's two observations, the records that arrived in it, and the CPU
     * seconds the contender had spent before it opened (start-up and the records not yet visible then).
     */
    record Flow(double cpuSeconds, long records, double seconds, double cpuBeforeSeconds) {

        /** A run whose window was never observed (it ended before the target showed every record, or was not watched). */
        static final Flow UNOBSERVED = new Flow(Double.NaN, 0, Double.NaN, Double.NaN);

        /** CPU microseconds per record that arrived in the window; NaN without such a record. */
        double microsPerRecord() {
            return records == 0 ? Double.NaN : cpuSeconds * 1_000_000 / records;
        }
    }

    private final long expected;
    private boolean open;
    private double openCpuSeconds;
    private long openNanos;
    private long openVisible;
    private Flow flow;

    FlowWindow(long expected) {
        this.expected = expected;
    }

    /**
     * One observation: the contender's CPU seconds, then the records the target shows. Returns true once the target
     * has shown every record (later observations change nothing).
     */
    boolean observe(double cpuSeconds, long nanos, long visible) {
        if (flow != null) {
            return true;
        }
        if (!open && visible > 0) {
            open = true;
            openCpuSeconds = cpuSeconds;
            openNanos = nanos;
            openVisible = visible;
        }
        if (open && visible >= expected) {
            flow = new Flow(cpuSeconds - openCpuSeconds, Math.max(0, expected - openVisible), (nanos - openNanos) / 1e9, openCpuSeconds);
            return true;
        }
        return false;
    }

    /**
     * The contender exited before an observation showed every record: its last CPU sample, taken at most one sampling
     * interval before it exited, closes the window if the target shows every record now (the last ones arrived
     * between the last observation and the exit). That sample holds the little CPU between the last record and the
     * exit too, which for a contender that exits so soon after its last record is its shut-down. Without records
     * seen before, the window holds no record.
     */
    void exited(double lastCpuSeconds, long lastNanos, long visible) {
        if (flow != null || visible < expected) {
            return;
        }
        flow = open ? new Flow(lastCpuSeconds - openCpuSeconds, Math.max(0, expected - openVisible), (lastNanos - openNanos) / 1e9,
                openCpuSeconds) : new Flow(0, 0, 0, lastCpuSeconds);
    }

    Flow flow() {
        return flow == null ? Flow.UNOBSERVED : flow;
    }
}
