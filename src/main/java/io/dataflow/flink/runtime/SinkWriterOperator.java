package io.dataflow.flink.runtime;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.manifest.ConnectorSpec;
import io.dataflow.flink.message.ErrorEnvelope;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.message.SourceRejections;
import io.dataflow.flink.metrics.JobLabels;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * Runs a {@link SinkConnector} in the job: writes each record, and flushes before every checkpoint barrier leaves
 * this operator, on the connector's flush timer and at the end of a bounded input. A checkpoint therefore completes
 * only when everything before its barrier is durable (at-least-once; exactly-once with an idempotent sink).
 *
 * <p>Records the target refuses because of their own content (a NOT NULL or CHECK violation, a value it cannot
 * store) are emitted downstream wrapped in the error envelope, for the error sink operator, while the rest of the
 * batch is written. This operator is not a plain {@code SinkFunction} for exactly that reason: a sink function
 * cannot emit, and records emitted from {@code snapshotState} would travel behind the barrier, outside the
 * checkpoint that acknowledged their source position. Flushing in {@link #prepareSnapshotPreBarrier} puts every
 * rejected record in front of the barrier. Without an error sink, a refused record fails the task (Flink's restart
 * strategy applies). Timer callbacks run in the task's mailbox thread, never concurrently with processElement.
 *
 * <p>Two-phase-commit sinks (exactly-once) keep what {@link SinkConnector#snapshotState} returns in operator list
 * state, get it back through {@link SinkConnector#restoreState} before they connect, and commit in
 * {@link SinkConnector#checkpointComplete}. Plain (not union) list state, as in the source wrapper: union state
 * fails the checkpoints of a bounded job once some sink subtasks have finished. Sinks with a committer (Iceberg,
 * Nessie) instead send their {@link SinkConnector#committables} downstream on {@link #COMMITTABLES} before each
 * barrier; their one {@link SinkCommitterOperator} keeps and commits them, off the writers' task threads.
 */
public final class SinkWriterOperator extends AbstractStreamOperator<Message> implements OneInputStreamOperator<Message, Message> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SinkWriterOperator.class);

    /**
     * The side output that carries the sink's {@link SinkConnector#committables} to its {@link SinkCommitterOperator}
     * (sinks with a committer only), sent before each checkpoint barrier and at the end of the input.
     */
    public static final OutputTag<byte[]> COMMITTABLES = new OutputTag<>("committables", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final ConnectorSpec spec;
    private final String jobName;
    private final String role;
    private final boolean reportRefusals;

    private transient SinkConnector connector;
    private transient ScheduledFuture<?> flushTimer;
    private transient Counter recordsWritten;
    private transient Counter sourceRejected;
    private transient Map<String, Counter> refusedByType;
    private transient MetricGroup metrics;
    private transient FlushMetrics flushMetrics;
    private transient ConnectorSeries series;
    private transient Counter messagesSent;
    private transient Counter messagesWritten;
    private transient List<Refusal> refusals;
    private transient ListState<byte[]> sinkState;
    private transient List<byte[]> restoredEntries;
    private transient long restoredCheckpointId;

    /**
     * @param role             {@code sink}, {@code route-<i>-sink} or {@code errors}: names the metrics and logs
     * @param reportRefusals true when an error sink takes this sink's refused records
     */
    public SinkWriterOperator(ConnectorSpec spec, String jobName, String role, boolean reportRefusals) {
        this.spec = spec;
        this.jobName = jobName;
        this.role = role;
        this.reportRefusals = reportRefusals;
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        sinkState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("sink-state", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        restoredEntries = new ArrayList<>();
        restoredCheckpointId = context.getRestoredCheckpointId().orElse(0L);
        if (context.isRestored()) {
            sinkState.get().forEach(restoredEntries::add);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        UserCodeReleaseHooks.register(getRuntimeContext());
        metrics = getMetricGroup().addGroup("dataflow");
        recordsWritten = metrics.counter("recordsWritten");
        sourceRejected = metrics.counter("sourceRecordsDropped");
        refusedByType = new HashMap<>();
        flushMetrics = new FlushMetrics(metrics);
        refusals = new ArrayList<>();
        JobLabels labels = JobLabels.of(getRuntimeContext().getGlobalJobParameters(), jobName);
        series = new ConnectorSeries(getMetricGroup(), labels, spec.type(), role);
        messagesSent = labels.group(getMetricGroup()).addGroup("sink_type", spec.type()).addGroup("route", labels.route(role))
                .counter("dataflow_messages_sent_total");
        messagesWritten = series.group().addGroup("route", labels.route(role)).counter("dataflow_connector_messages_written_total");
        connector = ConnectorRegistry.sink(spec.type()).createSink(spec.config(), new ConnectorContext(jobName, role,
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(), metrics, series.group()));
        if (reportRefusals) {
            connector.setRefusedRecordListener((message, reason) -> refusals.add(new Refusal(message, reason)));
        }
        if (connector.requiresCheckpointing() && !getOperatorConfig().isCheckpointingEnabled()) {
            throw new IllegalStateException(spec.type() + " " + role + ": this sink commits when a checkpoint completes and "
                    + "needs checkpointing enabled (execution.checkpointing.interval)");
        }
        connector.restoreState(restoredCheckpointId, restoredEntries);
        restoredEntries = null;
        series.connect(connector::connect);
        long interval = connector.flushIntervalMillis();
        if (interval > 0) {
            flushTimer = getProcessingTimeService().scheduleWithFixedDelay(time -> flush(), interval, interval);
        }
    }

    @Override
    public void processElement(StreamRecord<Message> element) throws Exception {
        String sourceRejection = SourceRejections.reason(element.getValue());
        if (sourceRejection != null) {
            // No transformation step ran before this sink: route the source's rejected record from here.
            if (reportRefusals) {
                refusals.add(new Refusal(SourceRejections.unmarked(element.getValue()), sourceRejection));
                emitRefusals();
            } else {
                sourceRejected.inc();
                LOG.warn("Dropping a record its source could not read (no error sink configured): {}", sourceRejection);
            }
            return;
        }
        messagesSent.inc();
        connector.write(element.getValue());
        recordsWritten.inc();
        messagesWritten.inc();
        emitRefusals();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        emitCommittables(checkpointId);
    }

    private void emitCommittables(long checkpointId) throws Exception {
        for (byte[] committable : connector.committables(checkpointId)) {
            output.collect(COMMITTABLES, new StreamRecord<>(new WriterCommittable(checkpointId, committable).encode()));
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        sinkState.update(connector.snapshotState(context.getCheckpointId()));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        connector.checkpointComplete(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        // The files since the last barrier; the committer commits them with the final checkpoint.
        emitCommittables(WriterCommittable.END_OF_INPUT);
        super.finish();
    }

    private void flush() throws Exception {
        long start = System.nanoTime();
        connector.flush();
        flushMetrics.record(System.nanoTime() - start);
        emitRefusals();
    }

    private void emitRefusals() {
        if (refusals.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        for (Refusal r : refusals) {
            String errorType = ErrorTypes.ofSinkRefusal(r.reason());
            refusedByType.computeIfAbsent(errorType, type -> metrics.addGroup("error_type", type).counter("recordsRejected")).inc();
            series.error("write", errorType).inc();
            output.collect(new StreamRecord<>(ErrorEnvelope.of(r.message(), r.reason(), spec.type(), now)));
        }
        refusals.clear();
    }

    @Override
    public void close() throws Exception {
        try {
            if (flushTimer != null) {
                flushTimer.cancel(false);
            }
            if (series != null) {
                series.disconnected();
            }
            if (connector != null) {
                connector.close();
            }
        } finally {
            super.close();
        }
    }

    private record Refusal(Message message, String reason) {
    }
}
