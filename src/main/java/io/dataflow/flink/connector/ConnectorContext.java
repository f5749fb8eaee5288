package io.dataflow.flink.connector;

import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/**
 * What a connector learns about where it runs: the job, its role in the job ({@code source}, {@code sink},
 * {@code route-0-sink}, {@code errors}), its subtask and the metric groups to report to: {@code metrics} for Flink's
 * {@code dataflow} group, {@code series} for the original's {@code dataflow_*} series, already labelled with the
 * manifest's namespace and name, the connector type and its role ({@code connector_name}).
 */
public record ConnectorContext(String jobName, String role, int subtaskIndex, int parallelism, MetricGroup metrics,
                               MetricGroup series) {

    /** A connector whose original series go nowhere (operator tests that only look at Flink's group). */
    public ConnectorContext(String jobName, String role, int subtaskIndex, int parallelism, MetricGroup metrics) {
        this(jobName, role, subtaskIndex, parallelism, metrics, new UnregisteredMetricsGroup());
    }

    /** For tests and tools that run a connector outside a Flink job. */
    public static ConnectorContext standalone(String jobName, String role) {
        return new ConnectorContext(jobName, role, 0, 1, new UnregisteredMetricsGroup());
    }
}
