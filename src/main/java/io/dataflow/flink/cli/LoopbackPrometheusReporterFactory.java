package io.dataflow.flink.cli;

import io.dataflow.flink.metrics.DataflowPrometheusReporter;
import io.prometheus.client.exporter.HTTPServer;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Properties;

/**
 * The cluster's Prometheus reporter ({@link DataflowPrometheusReporter}: Flink's series and the original's
 * {@code dataflow_*} series), served on 127.0.0.1 only: what {@code run --local} uses. Flink's own
 * {@code PrometheusReporterFactory} binds every interface and has no host option, which is right for a cluster pod
 * but not for a developer's machine. Same metric names and labels as on a cluster.
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {

    static final String PORT = "port";

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        int port = Integer.parseInt(properties.getProperty(PORT, "9249"));
        try {
            return new DataflowPrometheusReporter(registry -> new HTTPServer(new InetSocketAddress("127.0.0.1", port), registry, true));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve Prometheus metrics on 127.0.0.1:" + port
                    + " (in use? choose another with --metrics-port, or 0 to turn them off)", e);
        }
    }
}
