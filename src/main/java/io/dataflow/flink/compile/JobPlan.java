package io.dataflow.flink.compile;

import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.manifest.ConnectorSpec;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.RouteSpec;
import io.dataflow.flink.transform.TransformationSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator graph a manifest compiles to. {@link JobCompiler} builds the Flink job from this same plan, so
 * what {@code plan} prints is what runs.
 */
public record JobPlan(String jobName, List<OperatorPlan> operators, List<String> warnings) {

    public static JobPlan of(Manifest manifest) {
        Uids uids = new Uids(manifest.name());
        int parallelism = manifest.settings().parallelism();
        List<OperatorPlan> ops = new ArrayList<>();
        ConnectorSpec source = manifest.source();
        int sourceParallelism = ConnectorRegistry.source(source.type()).isParallelSource(source.config()) ? parallelism : 1;
        ops.add(new OperatorPlan("source: " + source.type(), uids.source(), "source", source.type(), sourceParallelism,
                masked(manifest, source.config().describe())));
        if (!manifest.transformations().isEmpty()) {
            Map<String, Object> steps = new LinkedHashMap<>();
            for (TransformationSpec t : manifest.transformations()) {
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("type", t.type());
                if (t.when() != null) {
                    step.put("when", t.when());
                }
                // A router's route sinks are planned as operators of their own (below), masked like every sink.
                step.put("config", t.type().equals("router") ? routeConditions(manifest) : t.config().describe());
                steps.put(String.valueOf(t.index()), step);
            }
            ops.add(new OperatorPlan("transform: " + manifest.transformations().size() + " step(s)", uids.transform(), "transform",
                    "chain", parallelism, masked(manifest, steps)));
        }
        for (RouteSpec route : manifest.routes()) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("condition", route.condition());
            config.putAll(route.sink().config().describe());
            ops.add(new OperatorPlan("route " + route.index() + " sink: " + route.sink().type(), uids.routeSink(route.index()),
                    "route-sink", route.sink().type(), parallelism, masked(manifest, config)));
            addCommitter(ops, uids, route.sink(), uids.routeSink(route.index()));
        }
        ops.add(new OperatorPlan("sink: " + manifest.sink().type(), uids.sink(), "sink", manifest.sink().type(), parallelism,
                masked(manifest, manifest.sink().config().describe())));
        addCommitter(ops, uids, manifest.sink(), uids.sink());
        manifest.errors().ifPresent(e -> {
            Map<String, Object> config = new LinkedHashMap<>(e.sink().config().describe());
            config.put("ackPolicy", e.ackPolicy().manifestName());
            ops.add(new OperatorPlan("error sink: " + e.sink().type(), uids.errors(), "error-sink", e.sink().type(), parallelism,
                    masked(manifest, config)));
            addCommitter(ops, uids, e.sink(), uids.errors());
        });
        return new JobPlan(manifest.name(), List.copyOf(ops), manifest.warnings());
    }

    /** A sink whose writers hand their files to one committer gets that committer right behind it, at parallelism 1. */
    private static void addCommitter(List<OperatorPlan> ops, Uids uids, ConnectorSpec sink, String sinkUid) {
        if (ConnectorRegistry.sink(sink.type()).hasCommitter(sink.config())) {
            ops.add(new OperatorPlan("commit: " + sink.type(), uids.committer(sinkUid), "committer", sink.type(), 1, Map.of()));
        }
    }

    /** The committer of the sink operator with uid {@code sinkUid}, if that sink has one. */
    public java.util.Optional<OperatorPlan> committerOf(String sinkUid) {
        String uid = new Uids(jobName).committer(sinkUid);
        return operators.stream().filter(o -> o.role().equals("committer") && o.uid().equals(uid)).findFirst();
    }

    private static Map<String, Object> routeConditions(Manifest manifest) {
        Map<String, Object> routes = new LinkedHashMap<>();
        for (RouteSpec route : manifest.routes()) {
            routes.put(String.valueOf(route.index()), Map.of("condition", route.condition(), "sink", route.sink().type()));
        }
        return Map.of("routes", routes);
    }

    /** Masks secrets in every string of a described config (values resolved from env/file/refs, URL passwords). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> masked(Manifest manifest, Map<String, Object> config) {
        Map<String, Object> out = new LinkedHashMap<>();
        config.forEach((k, v) -> out.put(k, maskValue(manifest, v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object maskValue(Manifest manifest, Object v) {
        if (v instanceof String) {
            return manifest.masker().mask((String) v);
        }
        if (v instanceof Map) {
            return masked(manifest, (Map<String, Object>) v);
        }
        if (v instanceof List) {
            return ((List<Object>) v).stream().map(i -> maskValue(manifest, i)).toList();
        }
        return v;
    }

    public OperatorPlan operator(String role) {
        return operators.stream().filter(o -> o.role().equals(role)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no operator with role " + role));
    }
}
