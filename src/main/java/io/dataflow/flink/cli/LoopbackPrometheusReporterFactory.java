package io.dataflow.flink.cli;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Properties;

/**
 * Flink's Prometheus reporter, served on 127.0.0.1 only: what {@code run --local} uses. Flink's own
 * {@code PrometheusReporterFactory} binds every interface and has no host option, which is right for a cluster pod
 * but not for a developer's machine. Same metric names and labels (it is Flink's reporter with another HTTP server).
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {

    static final String PORT = "port";

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        int port = Integer.parseInt(properties.getProperty(PORT, "9249"));
        return new LoopbackPrometheusReporter(port);
    }

    private static final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {

        private final HTTPServer server;

        LoopbackPrometheusReporter(int port) {
            try {
                server = new HTTPServer(new InetSocketAddress("127.0.0.1", port), registry(), true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot serve Prometheus metrics on 127.0.0.1:" + port
                        + " (in use? choose another with --metrics-port, or 0 to turn them off)", e);
            }
        }

        /**
         * The reporter keeps its collectors in a registry of its own, a package-private field that Flink's reporter
         * hands to its HTTP server; serving it from here needs the field. Pinned by the provided 1.20 dependency.
         */
        private CollectorRegistry registry() {
            try {
                Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
                field.setAccessible(true);
                return (CollectorRegistry) field.get(this);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("this Flink's Prometheus reporter has no registry field; "
                        + "run with --metrics-port 0", e);
            }
        }

        @Override
        public void close() {
            server.stop();
            super.close();
        }
    }
}
