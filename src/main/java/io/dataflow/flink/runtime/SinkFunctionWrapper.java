package io.dataflow.flink.runtime;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.manifest.ConnectorSpec;
import io.dataflow.flink.message.Message;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

import java.util.concurrent.ScheduledFuture;

/**
 * Runs a {@link SinkConnector} as a Flink sink: writes each record, flushes on every checkpoint (so a checkpoint
 * completes only when everything before its barrier is durable: at-least-once), on the flush timer and at the
 * end of a bounded input. The timer runs in the task's mailbox thread, never concurrently with {@code invoke}.
 */
public final class SinkFunctionWrapper extends RichSinkFunction<Message> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final ConnectorSpec spec;
    private final String jobName;
    private final String role;

    private transient SinkConnector connector;
    private transient ScheduledFuture<?> flushTimer;
    private transient Counter recordsWritten;
    private transient FlushMetrics flushMetrics;

    public SinkFunctionWrapper(ConnectorSpec spec, String jobName, String role) {
        this.spec = spec;
        this.jobName = jobName;
        this.role = role;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("dataflow");
        recordsWritten = metrics.counter("recordsWritten");
        flushMetrics = new FlushMetrics(metrics);
        connector = ConnectorRegistry.sink(spec.type()).createSink(spec.config(), new ConnectorContext(jobName, role,
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(), metrics));
        connector.connect();
        long interval = connector.flushIntervalMillis();
        if (interval > 0) {
            ProcessingTimeService timers = ((StreamingRuntimeContext) getRuntimeContext()).getProcessingTimeService();
            flushTimer = timers.scheduleWithFixedDelay(time -> flush(), interval, interval);
        }
    }

    @Override
    public void invoke(Message value, Context context) throws Exception {
        connector.write(value);
        recordsWritten.inc();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        // Nothing to restore: everything written is flushed before each checkpoint completes.
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
    }

    private void flush() throws Exception {
        long start = System.nanoTime();
        connector.flush();
        flushMetrics.record(System.nanoTime() - start);
    }

    @Override
    public void close() throws Exception {
        if (flushTimer != null) {
            flushTimer.cancel(false);
        }
        if (connector != null) {
            connector.close();
        }
    }
}
