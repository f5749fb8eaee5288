package io.dataflow.flink.runtime;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.connector.SourceBatch;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.manifest.ConnectorSpec;
import io.dataflow.flink.message.Message;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.source.RichParallelSourceFunction;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link SourceConnector} as a Flink source. Thin on purpose: it builds the connector from its spec,
 * keeps the connector's position in operator list state, emits each batch and advances the position under the
 * checkpoint lock, and hands open/close to the connector.
 *
 * <p>Plain (not union) list state on purpose: Flink refuses checkpoints of a vertex with union state once some of
 * its subtasks have finished, which bounded sources do at different times. With plain list state each subtask gets
 * its own entries back when the parallelism is unchanged, and entries are spread round-robin on rescale. {@code close()} is safe after cancel, after a failed
 * open and twice (the connector's guards make it so).
 */
public final class SourceFunctionWrapper extends RichParallelSourceFunction<Message>
        implements CheckpointedFunction, CheckpointListener {

    private static final long serialVersionUID = 1L;

    private final ConnectorSpec spec;
    private final String jobName;

    private transient SourceConnector connector;
    private transient ListState<byte[]> positions;
    private transient Counter recordsRead;
    private volatile boolean running = true;
    /** What emitting a batch threw half-way through, if it did: see {@link #snapshotState}. */
    private volatile Throwable batchFailure;

    public SourceFunctionWrapper(ConnectorSpec spec, String jobName) {
        this.spec = spec;
        this.jobName = jobName;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        positions = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("source-positions", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        connector = ConnectorRegistry.source(spec.type()).createSource(spec.config(), new ConnectorContext(jobName, "source",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                getRuntimeContext().getMetricGroup().addGroup("dataflow")));
        if (context.isRestored()) {
            List<byte[]> restored = new ArrayList<>();
            positions.get().forEach(restored::add);
            connector.restorePositions(restored);
        }
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        UserCodeReleaseHooks.register(getRuntimeContext());
        recordsRead = getRuntimeContext().getMetricGroup().addGroup("dataflow").counter("recordsRead");
        connector.connect();
    }

    @Override
    public void run(SourceContext<Message> ctx) throws Exception {
        Object lock = ctx.getCheckpointLock();
        while (running) {
            SourceBatch batch = connector.poll();
            if (batch.isEnd()) {
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
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        connector.checkpointComplete(checkpointId);
    }

    @Override
    public void close() throws Exception {
        running = false;
        if (connector != null) {
            connector.close();
        }
    }
}
