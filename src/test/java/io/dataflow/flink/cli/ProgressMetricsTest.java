package io.dataflow.flink.cli;

import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the progress figures are taken from the metrics Flink registers: the job's own counters by name and operator
 * (the error sink's writes are the failures), routes by their index, and counters of a restarted task added to the
 * ones before. The groups are what Flink hands a reporter: scope components and variables.
 */
class ProgressMetricsTest {

    private static final String KAFKA = "{brokers: [\"127.0.0.1:9092\"], topic: t}";
    private static final Manifest MANIFEST = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(
            "source: {type: kafka, config: " + KAFKA + "}\n"
                    + "transformations:\n  - type: router\n    config:\n      routes:\n"
                    + "        - {condition: \"kind == b\", sink: {type: kafka, config: " + KAFKA + "}}\n"
                    + "sink: {type: kafka, config: " + KAFKA + "}\n"
                    + "errors: {type: kafka, config: " + KAFKA + "}\n", "progress");

    private final ProgressMetrics metrics = new ProgressMetrics(MANIFEST);

    @Test
    void countsReadWrittenFailedRoutedAndTheCheckpoint() {
        counter("recordsRead", dataflow("source: kafka"), 10);
        counter("recordsWritten", dataflow("sink: kafka"), 4);
        counter("recordsWritten", dataflow("route 0 sink: kafka"), 5);
        counter("recordsWritten", dataflow("error sink: kafka"), 1);
        counter("recordsRouted", dataflow("transform: 1 step(s)", "route", "0"), 5);
        counter("recordsRouted", dataflow("transform: 1 step(s)", "route", "default"), 4);
        counter("numRecordsIn", new Group(new String[]{"host", "taskmanager", "job", "sink: kafka", "0"},
                Map.of("<operator_name>", "sink: kafka")), 99);
        metrics.added((Gauge<Long>) () -> 7L, "lastCompletedCheckpointId",
                new Group(new String[]{"host", "jobmanager", "progress"}, Map.of("<job_name>", "progress")));

        ProgressSnapshot snapshot = metrics.snapshot();

        assertThat(snapshot.read()).isEqualTo(10);
        assertThat(snapshot.written()).as("main sink and route sink").isEqualTo(9);
        assertThat(snapshot.failed()).as("what the error sink wrote").isEqualTo(1);
        assertThat(snapshot.routed()).containsExactly(Map.entry(0, 5L));
        assertThat(snapshot.checkpointId()).isEqualTo(7);
        assertThat(snapshot.lag()).as("no Kafka lag gauge registered").isEqualTo(ProgressSnapshot.NOT_REPORTED);
    }

    @Test
    void aRestartedTaskCountsOnFromWhereTheOldOneStopped() {
        Counter before = counter("recordsRead", dataflow("source: kafka"), 10);
        metrics.removed(before);
        counter("recordsRead", dataflow("source: kafka"), 3);

        assertThat(metrics.snapshot().read()).isEqualTo(13);
    }

    @Test
    void theLagIsKnownOnceEverySubtaskKnowsIt() {
        long[] second = {-1};
        metrics.added((Gauge<Long>) () -> 4L, "pendingRecords", dataflow("source: kafka"));
        metrics.added((Gauge<Long>) () -> second[0], "pendingRecords", dataflow("source: kafka"));

        assertThat(metrics.snapshot().lag()).isEqualTo(ProgressSnapshot.UNKNOWN);
        second[0] = 6;
        assertThat(metrics.snapshot().lag()).isEqualTo(10);
    }

    private Counter counter(String name, MetricGroup group, long count) {
        Counter counter = new SimpleCounter();
        counter.inc(count);
        metrics.added(counter, name, group);
        return counter;
    }

    private static MetricGroup dataflow(String operator, String... keyValue) {
        String[] scope = new String[6 + keyValue.length];
        String[] base = {"host", "taskmanager", "progress", operator, "0", "dataflow"};
        System.arraycopy(base, 0, scope, 0, base.length);
        System.arraycopy(keyValue, 0, scope, base.length, keyValue.length);
        return new Group(scope, keyValue.length == 0 ? Map.of("<operator_name>", operator)
                : Map.of("<operator_name>", operator, "<" + keyValue[0] + ">", keyValue[1]));
    }

    /** A metric group as a reporter sees it: its scope and variables; registering through it is not needed here. */
    private record Group(String[] scope, Map<String, String> variables) implements MetricGroup {

        @Override
        public String[] getScopeComponents() {
            return scope;
        }

        @Override
        public Map<String, String> getAllVariables() {
            return variables;
        }

        @Override
        public String getMetricIdentifier(String metricName) {
            return String.join(".", scope) + "." + metricName;
        }

        @Override
        public String getMetricIdentifier(String metricName, CharacterFilter filter) {
            return filter.filterCharacters(getMetricIdentifier(metricName));
        }

        @Override
        public Counter counter(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <H extends Histogram> H histogram(String name, H histogram) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <M extends Meter> M meter(String name, M meter) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MetricGroup addGroup(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            throw new UnsupportedOperationException();
        }
    }
}
