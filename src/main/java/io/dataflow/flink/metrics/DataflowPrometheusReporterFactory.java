package io.dataflow.flink.metrics;

import io.prometheus.client.exporter.HTTPServer;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.NetUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.Properties;

/**
 * The reporter a cluster configures instead of Flink's {@code PrometheusReporterFactory}
 * ({@code metrics.reporter.prom.factory.class: io.dataflow.flink.metrics.DataflowPrometheusReporterFactory}): the same
 * endpoint on every interface, the same {@code port} option (a port or a range such as {@code 9249-9259}, default
 * 9249), Flink's series unchanged and the job's {@code dataflow_*} series under the original's names. Reporters load
 * when a JobManager or TaskManager starts, before any job jar: the image links the jar into Flink's
 * {@code plugins/metrics-prometheus/} beside Flink's reporter, whose classes it extends (see the Dockerfile).
 */
public final class DataflowPrometheusReporterFactory implements MetricReporterFactory {

    static final String PORT = "port";

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        String ports = properties.getProperty(PORT, "9249");
        Iterator<Integer> candidates = NetUtils.getPortRangeFromString(ports);
        IOException last = null;
        while (candidates.hasNext()) {
            int port = candidates.next();
            try {
                return new DataflowPrometheusReporter(registry -> new HTTPServer(new InetSocketAddress(port), registry, true));
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("cannot serve Prometheus metrics on any port of " + ports, last);
    }
}
