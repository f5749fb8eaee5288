package io.dataflow.flink.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One progress line of a local run, for people and for grep: {@code progress: read=N written=N failed=N
 * [routed=0:N,1:N] rate=R/s checkpoint=#ID (S s ago)|none [lag=N|?]}. The fields keep their order; routed appears
 * when the manifest has routes, lag once the source reports one (Kafka). The rate is records read per second since
 * the previous line.
 */
final class ProgressLine {

    private ProgressLine() {
    }

    /**
     * @param previous       the figures of the previous line (or of the start: all zero)
     * @param elapsed        time since then
     * @param checkpointAge  time since the current checkpoint id was first seen, null before the first
     */
    static String format(ProgressSnapshot previous, ProgressSnapshot now, Duration elapsed, Duration checkpointAge) {
        StringBuilder line = new StringBuilder("progress:")
                .append(" read=").append(now.read())
                .append(" written=").append(now.written())
                .append(" failed=").append(now.failed());
        if (!now.routed().isEmpty()) {
            line.append(" routed=").append(now.routed().entrySet().stream()
                    .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(",")));
        }
        double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
        // counts never fall, but a line must not show a negative rate if they ever did
        double rate = Math.max(now.read() - previous.read(), 0) / seconds;
        line.append(" rate=").append(String.format(Locale.ROOT, "%.1f", rate)).append("/s");
        line.append(" checkpoint=");
        if (now.checkpointId() < 0 || checkpointAge == null) {
            line.append("none");
        } else {
            line.append('#').append(now.checkpointId()).append(" (").append(checkpointAge.toSeconds()).append(" s ago)");
        }
        if (now.lag() == ProgressSnapshot.UNKNOWN) {
            line.append(" lag=?");
        } else if (now.lag() >= 0) {
            line.append(" lag=").append(now.lag());
        }
        return line.toString();
    }
}
