package io.dataflow.flink.cli;

import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Properties;

/**
 * The metric reporter behind {@code run --local}'s progress line: it hands every metric the MiniCluster registers to
 * the {@link ProgressMetrics} named in its configuration and reads nothing itself. Listed in
 * META-INF/services, which is how Flink finds reporter factories.
 */
public final class ProgressReporterFactory implements MetricReporterFactory {

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new ProgressReporter(properties.getProperty(ProgressMetrics.INSTANCE));
    }

    private static final class ProgressReporter implements MetricReporter {

        private final String instance;

        ProgressReporter(String instance) {
            this.instance = instance;
        }

        @Override
        public void open(MetricConfig config) {
        }

        @Override
        public void close() {
        }

        @Override
        public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
            ProgressMetrics metrics = ProgressMetrics.instance(instance);
            if (metrics != null) {
                metrics.added(metric, metricName, group);
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
            ProgressMetrics metrics = ProgressMetrics.instance(instance);
            if (metrics != null) {
                metrics.removed(metric);
            }
        }
    }
}
