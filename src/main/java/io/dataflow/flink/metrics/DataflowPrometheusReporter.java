package io.dataflow.flink.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;

import java.io.IOException;
import java.lang.reflect.Field;

/**
 * Flink's Prometheus reporter plus the original's series on the same endpoint: Flink's metrics keep Flink's names
 * ({@code flink_…}), the job's {@code dataflow_*} metrics are served under exactly those names with the original's
 * labels by {@link OriginalSeriesCollector}. Flink's reporter always prefixes {@code flink_} and the logical scope, and
 * its scope options ({@code metrics.scope.*}) change only the identifiers other reporters use, so the names need a
 * collector of their own in the reporter's registry.
 */
public final class DataflowPrometheusReporter extends AbstractPrometheusReporter {

    /** Starts the HTTP server over the reporter's registry. */
    public interface Endpoint {
        HTTPServer serve(CollectorRegistry registry) throws IOException;
    }

    private final OriginalSeriesCollector originals = new OriginalSeriesCollector();
    private final HTTPServer server;

    public DataflowPrometheusReporter(Endpoint endpoint) throws IOException {
        CollectorRegistry registry = registry();
        originals.register(registry);
        server = endpoint.serve(registry);
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        if (OriginalSeriesCollector.isOriginal(metricName)) {
            originals.added(metric, metricName, group);
        } else {
            super.notifyOfAddedMetric(metric, metricName, group);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        if (OriginalSeriesCollector.isOriginal(metricName)) {
            originals.removed(metric, metricName, group);
        } else {
            super.notifyOfRemovedMetric(metric, metricName, group);
        }
    }

    /**
     * Flink's reporter keeps its collectors in a registry of its own, a package-private field that its HTTP server
     * serves; serving the same registry needs the field. Pinned by the provided flink-metrics-prometheus 1.20.
     */
    private CollectorRegistry registry() {
        try {
            Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
            field.setAccessible(true);
            return (CollectorRegistry) field.get(this);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Flink's Prometheus reporter has no registry field (not Flink 1.20?)", e);
        }
    }

    @Override
    public void close() {
        server.stop();
        super.close();
    }
}
