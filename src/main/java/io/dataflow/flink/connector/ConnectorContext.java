package io.dataflow.flink.connector;

import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/**
 * What a connector learns about where it runs: the job, its role in the job ({@code source}, {@code sink},
 * {@code route-0-sink}, {@code errors}), its subtask and the metric group to report to.
 */
public record ConnectorContext(String jobName, String role, int subtaskIndex, int parallelism, MetricGroup metrics) {

    /** For tests and tools that run a connector outside a Flink job. */
    public static ConnectorContext standalone(String jobName, String role) {
        return new ConnectorContext(jobName, role, 0, 1, new UnregisteredMetricsGroup());
    }
}
