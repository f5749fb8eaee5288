package io.dataflow.flink.runtime;

import io.dataflow.flink.transform.TransformationSpec;
import io.dataflow.flink.metrics.JobLabels;
import io.dataflow.flink.metrics.SecondsHistogram;
import io.dataflow.flink.transform.TransformChain;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.List;

/**
 * Flink metrics of the transform operator, in group {@code dataflow}: records in/out/filtered/failed, records per
 * route, and per step ({@code step_<i>} with the type as a variable) executions, outputs, skips, failures and
 * durations in microseconds. Beside them the original's series (docs/ORIGINAL.md#metrics): per step
 * {@code dataflow_transformer_executions_total}, {@code dataflow_transformer_errors_total{error_type}} and the
 * histogram {@code dataflow_transformer_duration_seconds} (0.1 ms·2^0..11), labelled {@code transformer_type} and
 * {@code transformer_index}; per record {@code dataflow_processing_duration_seconds} (1 ms·2^0..9), the time one
 * record spends in the chain and its dispatch.
 */
final class TransformMetrics implements TransformChain.Observer {

    final Counter recordsIn;
    final Counter recordsOut;
    final Counter recordsFiltered;
    final Counter recordsFailed;
    final Counter toMainSink;
    final Counter[] routed;

    private final Counter[] executions;
    private final Counter[] outputs;
    private final Counter[] skipped;
    private final Counter[] failed;
    private final Histogram[] durations;
    private final Counter[] originalExecutions;
    private final Counter[] originalErrors;
    private final SecondsHistogram[] originalDurations;
    final SecondsHistogram processingDuration;

    TransformMetrics(MetricGroup operatorGroup, JobLabels labels, List<TransformationSpec> steps, int routes) {
        MetricGroup group = operatorGroup.addGroup("dataflow");
        MetricGroup series = labels.group(operatorGroup);
        processingDuration = new SecondsHistogram(series, "dataflow_processing_duration_seconds", "0.001", 10);
        recordsIn = group.counter("recordsIn");
        recordsOut = group.counter("recordsOut");
        recordsFiltered = group.counter("recordsFiltered");
        recordsFailed = group.addGroup("error_type", ErrorTypes.INVALID_DATA).counter("recordsFailed");
        toMainSink = group.addGroup("route", "default").counter("recordsRouted");
        routed = new Counter[routes];
        for (int r = 0; r < routes; r++) {
            routed[r] = group.addGroup("route", String.valueOf(r)).counter("recordsRouted");
        }
        int n = steps.size();
        executions = new Counter[n];
        outputs = new Counter[n];
        skipped = new Counter[n];
        failed = new Counter[n];
        durations = new Histogram[n];
        originalExecutions = new Counter[n];
        originalErrors = new Counter[n];
        originalDurations = new SecondsHistogram[n];
        for (int i = 0; i < n; i++) {
            MetricGroup step = group.addGroup("step", String.valueOf(steps.get(i).index())).addGroup("type", steps.get(i).type());
            executions[i] = step.counter("executions");
            outputs[i] = step.counter("messagesOut");
            skipped[i] = step.counter("skipped");
            failed[i] = step.counter("errors");
            durations[i] = step.histogram("durationMicros", new DescriptiveStatisticsHistogram(1000));
            MetricGroup transformer = series.addGroup("transformer_type", steps.get(i).type())
                    .addGroup("transformer_index", String.valueOf(steps.get(i).index()));
            originalExecutions[i] = transformer.counter("dataflow_transformer_executions_total");
            originalErrors[i] = transformer.addGroup("error_type", ErrorTypes.INVALID_DATA).counter("dataflow_transformer_errors_total");
            originalDurations[i] = new SecondsHistogram(transformer, "dataflow_transformer_duration_seconds", "0.0001", 12);
        }
    }

    @Override
    public void stepApplied(int index, int outputCount, long nanos) {
        executions[index].inc();
        outputs[index].inc(outputCount);
        durations[index].update(nanos / 1000);
        originalExecutions[index].inc();
        originalDurations[index].observeNanos(nanos);
    }

    @Override
    public void stepSkipped(int index) {
        skipped[index].inc();
    }

    @Override
    public void stepFailed(int index) {
        executions[index].inc();
        failed[index].inc();
        originalExecutions[index].inc();
        originalErrors[index].inc();
    }
}
