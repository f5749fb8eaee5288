package io.dataflow.flink.runtime;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.connector.SourceBatch;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.manifest.ConnectorSpec;
import io.dataflow.flink.manifest.MaintenanceSchedule;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.metrics.JobLabels;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.source.RichParallelSourceFunction;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link SourceConnector} as a Flink source. Thin on purpose: it builds the connector from its spec,
 * keeps the connector's position in operator state, emits each batch and advances the position under the
 * checkpoint lock, and hands open/close to the connector.
 *
 * <p><b>Union list state, so that state follows its splits at any parallelism.</b> Every subtask snapshots one
 * entry (the positions of the splits it reads); on restore every subtask receives the entries of all former
 * subtasks and keeps those of the splits it now owns (the connector's rule, e.g. Kafka partition modulo
 * parallelism). So a restored partition resumes from its snapshotted offset whatever the old and new parallelism,
 * and a connector can tell a split the state knows from a split that appeared since (a new Kafka partition). With
 * plain (split-distributed) list state, entries land round-robin on subtasks that do not own them after a rescale,
 * and a subtask whose entry went elsewhere cannot tell "restored elsewhere" from "new"; that lost records. This is
 * what Flink's own legacy Kafka consumer (FlinkKafkaConsumerBase) did.
 *
 * <p><b>Bounded sources end together.</b> Flink 1.20 aborts every checkpoint of a vertex with union state while
 * some of its subtasks have finished and others not (DefaultCheckpointPlan: PartialFinishingNotSupportedByState,
 * counted as "task closing", not as a failure), so a subtask that finished early would stop all checkpoints until
 * the slowest one is done. A subtask whose connector reports the end therefore stays alive, idle and checkpointing
 * its final position, until every subtask of the source has finished reading ({@link FinishedReaders}); then all
 * return and the job ends with one final checkpoint. Non-parallel sources (polling, CDC, Iceberg) run with
 * parallelism 1: they get back exactly their own entry and never wait.
 *
 * <p>Entries of the plain list state that earlier versions wrote ({@value #LEGACY_POSITIONS}) are read once on
 * restore and handed over together with the union entries, then cleared: an unchanged parallelism resumes exactly.
 * {@code close()} is safe after cancel, after a failed open and twice (the connector's guards make it so).
 *
 * <p>The manifest's {@code checkpointReset} is kept in state too ({@value #CHECKPOINT_RESET}): a restore drops the
 * positions once when it asks for a reset, see {@link CheckpointReset}.
 *
 * <p>During a maintenance window ({@link MaintenancePause}) no batch is polled or emitted: the wrapper waits before
 * polling, and a batch polled as a window began is held back (its position not advanced) until the window ends.
 */
public final class SourceFunctionWrapper extends RichParallelSourceFunction<Message>
        implements CheckpointedFunction, CheckpointListener {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(SourceFunctionWrapper.class);

    private final ConnectorSpec spec;
    private final String jobName;
    private final boolean checkpointReset;
    /** The manifest's maintenance windows, or null. */
    private final MaintenanceSchedule maintenance;

    /** Union list state: every subtask's latest position entry, handed to every subtask on restore. */
    static final String POSITIONS = "source-positions-all";
    /** Plain list state of earlier versions, read on restore only. */
    static final String LEGACY_POSITIONS = "source-positions";
    /** Union list state: the manifest's checkpointReset the positions were written under. */
    static final String CHECKPOINT_RESET = "checkpoint-reset";

    private transient SourceConnector connector;
    private transient ListState<byte[]> positions;
    private transient ListState<Boolean> resetMarker;
    private transient FinishedReaders finishedReaders;
    private transient Counter recordsRead;
    private transient JobLabels labels;
    private transient ConnectorSeries series;
    private transient Counter messagesReceived;
    private transient Counter messagesRead;
    private transient MaintenancePause pause;
    private volatile boolean running = true;
    /** What emitting a batch threw half-way through, if it did: see {@link #snapshotState}. */
    private volatile Throwable batchFailure;

    public SourceFunctionWrapper(ConnectorSpec spec, String jobName) {
        this(spec, jobName, false);
    }

    /** @param checkpointReset the manifest's {@code checkpointReset}: drop restored positions once (see {@link CheckpointReset}) */
    public SourceFunctionWrapper(ConnectorSpec spec, String jobName, boolean checkpointReset) {
        this(spec, jobName, checkpointReset, null);
    }

    /** @param maintenance the manifest's maintenance windows, during which nothing is read; null for none */
    public SourceFunctionWrapper(ConnectorSpec spec, String jobName, boolean checkpointReset, MaintenanceSchedule maintenance) {
        this.spec = spec;
        this.jobName = jobName;
        this.checkpointReset = checkpointReset;
        this.maintenance = maintenance;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        positions = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>(POSITIONS, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        ListState<byte[]> legacy = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>(LEGACY_POSITIONS, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        labels = JobLabels.of(getRuntimeContext().getGlobalJobParameters(), jobName);
        series = new ConnectorSeries(getRuntimeContext().getMetricGroup(), labels, spec.type(), "source");
        connector = ConnectorRegistry.source(spec.type()).createSource(spec.config(), new ConnectorContext(jobName, "source",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                getRuntimeContext().getMetricGroup().addGroup("dataflow"), series.group()));
        resetMarker = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(CHECKPOINT_RESET, Types.BOOLEAN));
        if (context.isRestored() && CheckpointReset.dropsRestoredPositions(checkpointReset, resetMarker.get())) {
            LOG.info("checkpointReset: {} source starts without the positions of the checkpoint it was restored from",
                    spec.type());
            positions.clear();
        } else if (context.isRestored()) {
            List<byte[]> restored = new ArrayList<>();
            positions.get().forEach(restored::add);
            legacy.get().forEach(restored::add);
            connector.restorePositions(restored);
        }
        legacy.clear();
        resetMarker.update(List.of(checkpointReset));
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        UserCodeReleaseHooks.register(getRuntimeContext());
        recordsRead = getRuntimeContext().getMetricGroup().addGroup("dataflow").counter("recordsRead");
        messagesReceived = labels.group(getRuntimeContext().getMetricGroup()).addGroup("source_type", spec.type())
                .counter("dataflow_messages_received_total");
        messagesRead = series.group().counter("dataflow_connector_messages_read_total");
        pause = new MaintenancePause(maintenance, jobName, labels.group(getRuntimeContext().getMetricGroup()));
        StreamingRuntimeContext runtime = (StreamingRuntimeContext) getRuntimeContext();
        finishedReaders = new FinishedReaders(runtime.getGlobalAggregateManager(), runtime.getOperatorUniqueID(),
                runtime.getTaskInfo().getIndexOfThisSubtask(), runtime.getTaskInfo().getAttemptNumber(),
                runtime.getTaskInfo().getNumberOfParallelSubtasks());
        finishedReaders.reading();
        series.connect(connector::connect);
    }

    @Override
    public void run(SourceContext<Message> ctx) throws Exception {
        Object lock = ctx.getCheckpointLock();
        while (pause.awaitOutsideWindow(() -> running)) {
            SourceBatch batch = connector.poll();
            // a window may have begun while poll() waited: hold the batch back until it ends
            if (!batch.isEnd() && !pause.awaitOutsideWindow(() -> running)) {
                return;
            }
            if (batch.isEnd()) {
                finishedReaders.finishedAndAwaitOthers(() -> running);
                return;
            }
            if (batch.messages().isEmpty()) {
                if (batch.changesPosition()) {
                    synchronized (lock) {
                        batch.markEmitted();
                    }
                }
                continue;
            }
            synchronized (lock) {
                try {
                    for (Message m : batch.messages()) {
                        ctx.collectWithTimestamp(m, m.timestamp());
                    }
                } catch (RuntimeException | Error e) {
                    batchFailure = e;
                    throw e;
                }
                batch.markEmitted();
            }
            recordsRead.inc(batch.messages().size());
            messagesReceived.inc(batch.messages().size());
            messagesRead.inc(batch.messages().size());
        }
    }

    @Override
    public void cancel() {
        running = false;
        if (connector != null) {
            connector.wakeup();
        }
    }

    /**
     * Declines every checkpoint once a batch failed half-way through emission (an operator downstream threw): its
     * first records have reached the sinks, but the position still points before them. The task is failing, yet a
     * checkpoint already queued in its mailbox can run before the failure does; taking it would pair those records
     * with the older position, and an exactly-once sink would commit them once more after the restart. The declined
     * checkpoint may become the task's failure cause, so it carries the original failure.
     */
    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        Throwable failure = batchFailure;
        if (failure != null) {
            throw new IllegalStateException("no checkpoint after a record failed downstream: " + failure.getMessage(), failure);
        }
        positions.update(List.of(connector.snapshotPosition(context.getCheckpointId())));
        resetMarker.update(List.of(checkpointReset));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        connector.checkpointComplete(checkpointId);
    }

    @Override
    public void close() throws Exception {
        running = false;
        if (series != null) {
            series.disconnected();
        }
        if (connector != null) {
            connector.close();
        }
    }
}
