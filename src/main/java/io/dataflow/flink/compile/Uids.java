package io.dataflow.flink.compile;

import java.util.Locale;

/**
 * Stable operator uids derived from the job name and the operator's role, never from condition text or
 * config values: savepoints stay restorable across manifest edits that do not change the graph's shape.
 */
public final class Uids {

    private final String flow;

    public Uids(String jobName) {
        String id = jobName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        this.flow = id.isEmpty() ? "dataflow" : id;
    }

    public String flow() {
        return flow;
    }

    public String source() {
        return flow + "-source";
    }

    public String transform() {
        return flow + "-transform";
    }

    public String sink() {
        return flow + "-sink";
    }

    public String route(int index) {
        return flow + "-route-" + index;
    }

    public String routeSink(int index) {
        return flow + "-route-" + index + "-sink";
    }

    public String errors() {
        return flow + "-errors";
    }

    /** The committer behind the sink operator with uid {@code sinkUid} (sinks with a committer only). */
    public String committer(String sinkUid) {
        return sinkUid + "-committer";
    }
}
