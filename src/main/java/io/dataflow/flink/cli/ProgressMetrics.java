package io.dataflow.flink.cli;

import io.dataflow.flink.compile.JobPlan;
import io.dataflow.flink.compile.OperatorPlan;
import io.dataflow.flink.manifest.Manifest;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The live figures of a local run for its progress line: the job's own counters (group {@code dataflow}: records read
 * by the source, written by the sinks, written by the error sink, routed per route), the Kafka source's
 * {@code pendingRecords} (its consumer lag) and the JobManager's {@code lastCompletedCheckpointId}.
 *
 * <p>They arrive through a metric reporter that the MiniCluster, in this JVM, hands every metric it registers
 * ({@link ProgressReporterFactory}): the counters are read directly, whenever a line is due. Not through the REST API
 * ({@code /jobs/:id/vertices/:vid/subtasks/metrics}): with {@code --web-port 0} its port is random and the local
 * environment does not say which, and its values are cached by the metric fetcher (10 s by default), so a line could
 * lag behind by a whole interval. A reporter needs no port and sees the values as they are.
 *
 * <p>Counts run from the start of this process: when a task restarts, its new counters start at zero, so the last
 * value of each removed counter is kept and added (records read again after a restore count again, as they are
 * processed again).
 */
final class ProgressMetrics {

    /** Reporter property that names the instance to feed: the MiniCluster creates the reporter by class name. */
    static final String INSTANCE = "instance";
    private static final String REPORTER = "dataflowprogress";
    private static final Map<String, ProgressMetrics> INSTANCES = new ConcurrentHashMap<>();

    private enum Kind { READ, WRITTEN, FAILED, ROUTED, LAG, CHECKPOINT }

    private record Tracked(Kind kind, int route) {
    }

    private final String id = UUID.randomUUID().toString();
    private final Set<String> errorSinkOperators;
    private final List<Integer> routes;
    private final Map<Metric, Tracked> live = new ConcurrentHashMap<>();
    private final Map<Tracked, AtomicLong> retired = new ConcurrentHashMap<>();
    private volatile boolean lagReported;

    ProgressMetrics(Manifest manifest) {
        this.errorSinkOperators = JobPlan.of(manifest).operators().stream()
                .filter(o -> o.role().equals("error-sink")).map(OperatorPlan::name).collect(Collectors.toSet());
        this.routes = manifest.routes().stream().map(r -> r.index()).toList();
    }

    /** Adds the reporter that feeds this instance to the MiniCluster's configuration. */
    void attach(Configuration conf) {
        INSTANCES.put(id, this);
        String prefix = "metrics.reporter." + REPORTER + ".";
        conf.setString(prefix + "factory.class", ProgressReporterFactory.class.getName());
        conf.setString(prefix + INSTANCE, id);
        // a configuration file that lists its reporters enables only those: add this one
        conf.getOptional(MetricOptions.REPORTERS_LIST).ifPresent(list -> conf.set(MetricOptions.REPORTERS_LIST, list + "," + REPORTER));
    }

    /** Stops receiving metrics (the run is over). */
    void detach() {
        INSTANCES.remove(id);
    }

    static ProgressMetrics instance(String id) {
        return id == null ? null : INSTANCES.get(id);
    }

    void added(Metric metric, String name, MetricGroup group) {
        Tracked tracked = classify(metric, name, group);
        if (tracked != null) {
            live.put(metric, tracked);
            if (tracked.kind() == Kind.LAG) {
                lagReported = true;
            }
        }
    }

    void removed(Metric metric) {
        Tracked tracked = live.remove(metric);
        if (tracked != null && metric instanceof Counter counter) {
            retired.computeIfAbsent(tracked, t -> new AtomicLong()).addAndGet(counter.getCount());
        }
    }

    private Tracked classify(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Gauge<?> && name.equals("lastCompletedCheckpointId")) {
            return new Tracked(Kind.CHECKPOINT, -1);
        }
        if (!Arrays.asList(group.getScopeComponents()).contains("dataflow")) {
            return null;
        }
        Map<String, String> variables = group.getAllVariables();
        if (metric instanceof Counter) {
            switch (name) {
                case "recordsRead":
                    return new Tracked(Kind.READ, -1);
                case "recordsWritten":
                    return new Tracked(errorSinkOperators.contains(variables.get("<operator_name>")) ? Kind.FAILED : Kind.WRITTEN, -1);
                case "recordsRouted": {
                    // "default" counts what went to the main sink; a route's own counter has its index
                    String route = variables.get("<route>");
                    boolean isRoute = route != null && !route.isEmpty() && route.chars().allMatch(Character::isDigit);
                    return isRoute ? new Tracked(Kind.ROUTED, Integer.parseInt(route)) : null;
                }
                default:
                    return null;
            }
        }
        return metric instanceof Gauge<?> && name.equals("pendingRecords") ? new Tracked(Kind.LAG, -1) : null;
    }

    /** The figures now. */
    ProgressSnapshot snapshot() {
        long read = 0;
        long written = 0;
        long failed = 0;
        SortedMap<Integer, Long> routed = new TreeMap<>();
        routes.forEach(r -> routed.put(r, 0L));
        long checkpoint = -1;
        long lag = 0;
        boolean lagKnown = lagReported;
        List<Map.Entry<Tracked, Long>> counts = new ArrayList<>();
        retired.forEach((t, v) -> counts.add(Map.entry(t, v.get())));
        for (Map.Entry<Metric, Tracked> e : live.entrySet()) {
            Tracked t = e.getValue();
            if (e.getKey() instanceof Counter counter) {
                counts.add(Map.entry(t, counter.getCount()));
            } else if (t.kind() == Kind.CHECKPOINT) {
                checkpoint = Math.max(checkpoint, number(((Gauge<?>) e.getKey()).getValue()));
            } else if (t.kind() == Kind.LAG) {
                long value = number(((Gauge<?>) e.getKey()).getValue());
                lagKnown &= value >= 0;
                lag += Math.max(value, 0);
            }
        }
        for (Map.Entry<Tracked, Long> c : counts) {
            switch (c.getKey().kind()) {
                case READ -> read += c.getValue();
                case WRITTEN -> written += c.getValue();
                case FAILED -> failed += c.getValue();
                case ROUTED -> routed.merge(c.getKey().route(), c.getValue(), Long::sum);
                default -> { }
            }
        }
        return new ProgressSnapshot(read, written, failed, routed, checkpoint,
                lagReported ? (lagKnown ? lag : ProgressSnapshot.UNKNOWN) : ProgressSnapshot.NOT_REPORTED);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : -1;
    }
}
