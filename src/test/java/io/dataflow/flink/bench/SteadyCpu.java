package io.dataflow.flink.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of the CPU spent while records flow ({@link FlowWindow}) over a contender's rounds, and their part of
 * the {@code RESULT} line: {@code steady_cpu_ratio} (the dataflow's CPU per record over the limit's) and each
 * contender's CPU microseconds per record, {@code <contender>_steady_us}.
 */
final class SteadyCpu {

    private SteadyCpu() {
    }

    /**
     * The median, as the bench takes it for every figure (the middle of the sorted values, the upper one of two),
     * over the rounds whose window was observed; NaN when none was.
     */
    static double median(List<Double> values) {
        double[] finite = values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).sorted().toArray();
        return finite.length == 0 ? Double.NaN : finite[finite.length / 2];
    }

    /** The median CPU microseconds per record over the rounds of one contender. */
    static double microsPerRecord(List<FlowWindow.Flow> rounds) {
        return median(rounds.stream().map(FlowWindow.Flow::microsPerRecord).toList());
    }

    /**
     * {@code steady_cpu_ratio=… dataflow_steady_us=… peer_steady_us=… limit_steady_us=…} from the contenders' median
     * microseconds per record ({@code na} for a contender not run or never observed).
     */
    static String resultFields(Map<String, Double> microsPerRecord) {
        return "steady_cpu_ratio=" + formatRatio(ratio(microsPerRecord))
                + " dataflow_steady_us=" + micros(microsPerRecord.getOrDefault("dataflow", Double.NaN))
                + " peer_steady_us=" + micros(microsPerRecord.getOrDefault("peer", Double.NaN))
                + " limit_steady_us=" + micros(microsPerRecord.getOrDefault("limit", Double.NaN));
    }

    /** The dataflow's CPU microseconds per record over the limit's; NaN without both. */
    static double ratio(Map<String, Double> microsPerRecord) {
        return microsPerRecord.getOrDefault("dataflow", Double.NaN) / microsPerRecord.getOrDefault("limit", Double.NaN);
    }

    static String formatRatio(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "na";
    }

    /** Microseconds with one decimal, {@code na} for a missing figure (NaN or null). */
    static String micros(Double v) {
        return v == null ? "na" : micros(v.doubleValue());
    }

    static String micros(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "na";
    }
}
