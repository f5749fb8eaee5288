package io.dataflow.flink.runtime;

import io.dataflow.flink.metrics.JobLabels;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.Map;

/**
 * The original's connector series of one source or sink subtask (docs/ORIGINAL.md#metrics), labelled {@code namespace},
 * {@code name}, {@code connector_type} and {@code connector_name} (the role: {@code source}, {@code sink},
 * {@code route-<i>-sink}, {@code errors}): its connection status and its errors by operation and type. The connector
 * itself adds its own series to {@link #group()} (poll health, Kafka lag).
 */
final class ConnectorSeries {

    private final MetricGroup group;
    private final Map<String, Counter> errors = new HashMap<>();
    private volatile int connected;

    ConnectorSeries(MetricGroup operatorGroup, JobLabels labels, String connectorType, String role) {
        this.group = labels.group(operatorGroup).addGroup("connector_type", connectorType).addGroup("connector_name", role);
        group.gauge("dataflow_connector_connection_status", (Gauge<Integer>) () -> connected);
    }

    MetricGroup group() {
        return group;
    }

    /** Connects through {@code connect}: the status is 1 once it returned; a failure counts as a connect error. */
    void connect(Connect connect) throws Exception {
        try {
            connect.run();
        } catch (Exception e) {
            error("connect", "connection").inc();
            throw e;
        }
        connected = 1;
    }

    void disconnected() {
        connected = 0;
    }

    /** {@code dataflow_connector_errors_total{operation, error_type}}; one counter per pair (Flink refuses a second). */
    Counter error(String operation, String errorType) {
        return errors.computeIfAbsent(operation + "\u0000" + errorType, key -> group.addGroup("operation", operation)
                .addGroup("error_type", errorType).counter("dataflow_connector_errors_total"));
    }

    interface Connect {
        void run() throws Exception;
    }
}
