package io.dataflow.flink.metrics;

import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.RouteSpec;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.Map;

/**
 * The labels every {@code dataflow_*} series carries: the manifest's {@code namespace} and {@code name} (reference
 * docs/ORIGINAL.md#metrics), and the {@code route} label of each sink. The compiler puts them into the job's global parameters
 * ({@link #parameters}); every operator reads them back from its runtime context ({@link #of}), so that no operator
 * needs the whole manifest.
 */
public record JobLabels(String namespace, String name, Map<Integer, String> routeConditions) {

    private static final String PREFIX = "dataflow.metrics.";
    private static final String NAMESPACE = PREFIX + "namespace";
    private static final String NAME = PREFIX + "name";
    private static final String ROUTE = PREFIX + "route.";

    /** The global job parameters that carry a manifest's labels. */
    public static Map<String, String> parameters(Manifest manifest) {
        Map<String, String> parameters = new HashMap<>();
        parameters.put(NAMESPACE, manifest.namespace());
        parameters.put(NAME, manifest.name());
        for (RouteSpec route : manifest.routes()) {
            parameters.put(ROUTE + route.index(), route.condition());
        }
        return parameters;
    }

    /**
     * The labels from a job's global parameters; a job built without them (an operator test harness) is labelled
     * with its job name in the default namespace.
     */
    public static JobLabels of(Map<String, String> globalParameters, String jobName) {
        Map<Integer, String> routes = new HashMap<>();
        globalParameters.forEach((key, value) -> {
            if (key.startsWith(ROUTE)) {
                routes.put(Integer.parseInt(key.substring(ROUTE.length())), value);
            }
        });
        return new JobLabels(globalParameters.getOrDefault(NAMESPACE, "default"), globalParameters.getOrDefault(NAME, jobName),
                Map.copyOf(routes));
    }

    /** The group under an operator's metric group whose series are labelled with namespace and name. */
    public MetricGroup group(MetricGroup operatorGroup) {
        return operatorGroup.addGroup("namespace", namespace).addGroup("name", name);
    }

    /**
     * The original's {@code route} label of a sink role: {@code default} for the main sink, the route's condition
     * for {@code route-<i>-sink}, {@code error} for the error sink.
     */
    public String route(String role) {
        if (role.equals("errors")) {
            return "error";
        }
        if (role.startsWith("route-") && role.endsWith("-sink")) {
            String index = role.substring("route-".length(), role.length() - "-sink".length());
            return routeConditions.getOrDefault(Integer.parseInt(index), index);
        }
        return "default";
    }
}
