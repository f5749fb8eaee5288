package io.dataflow.flink.runtime;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.connector.SinkCommitter;
import io.dataflow.flink.manifest.ConnectorSpec;
import io.dataflow.flink.message.Message;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The single committer of a sink whose writers hand over committables ({@link SinkWriterOperator#COMMITTABLES}),
 * run at parallelism 1 behind all writers. Writers send a checkpoint's committables before its barrier, tagged with
 * that checkpoint ({@link WriterCommittable}); at its snapshot of checkpoint N this operator keeps what arrived in
 * operator state, grouped by checkpoint (what a writer sent at the end of its input counts as N), and commits each
 * group in one step once N completes, on this task's thread. A group of a checkpoint that was aborted is committed
 * under its own id with the next completed one; ids stay increasing, as barriers keep the order. After a restore, the committables in the state belong to
 * the checkpoint restored from, which completed: they are committed in {@link #open()} under the commit user they
 * were kept with, which the sink's committer uses to skip a commit that succeeded before the failure. Emits nothing.
 */
public final class SinkCommitterOperator extends AbstractStreamOperator<Message> implements OneInputStreamOperator<byte[], Message> {

    private static final long serialVersionUID = 1L;

    private final ConnectorSpec spec;
    private final String jobName;
    private final String role;

    /** Fresh per run, as the table's history must not mistake an older run's commits (a restored savepoint) for ours. */
    private transient String commitUser;
    private transient SinkCommitter committer;
    private transient ListState<byte[]> committerState;
    private transient List<WriterCommittable> received;
    private transient TreeMap<Long, CheckpointCommittables> pending;
    private transient List<CheckpointCommittables> restored;

    /** @param role the role of the sink this commits for ({@code sink}, {@code route-<i>-sink}, {@code errors}) */
    public SinkCommitterOperator(ConnectorSpec spec, String jobName, String role) {
        this.spec = spec;
        this.jobName = jobName;
        this.role = role;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        committerState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("committer-state", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        commitUser = UUID.randomUUID().toString();
        received = new ArrayList<>();
        pending = new TreeMap<>();
        restored = new ArrayList<>();
        if (context.isRestored()) {
            committerState.get().forEach(bytes -> restored.add(CheckpointCommittables.decode(bytes)));
            restored.sort(java.util.Comparator.comparingLong(CheckpointCommittables::checkpointId));
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        UserCodeReleaseHooks.register(getRuntimeContext());
        committer = ConnectorRegistry.sink(spec.type()).createCommitter(spec.config(), new ConnectorContext(jobName,
                role + "-committer", getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(), getMetricGroup().addGroup("dataflow")));
        committer.open();
        for (CheckpointCommittables batch : restored) {
            committer.commit(batch.commitUser(), batch.checkpointId(), batch.committables());
        }
        restored = null;
    }

    @Override
    public void processElement(StreamRecord<byte[]> element) {
        received.add(WriterCommittable.decode(element.getValue()));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        for (WriterCommittable committable : received) {
            long checkpointId = Math.min(committable.checkpointId(), context.getCheckpointId());
            pending.computeIfAbsent(checkpointId, id -> new CheckpointCommittables(commitUser, id, new ArrayList<>()))
                    .committables().add(committable.bytes());
        }
        received.clear();
        List<byte[]> entries = new ArrayList<>(pending.size());
        for (CheckpointCommittables batch : pending.values()) {
            entries.add(batch.encode());
        }
        committerState.update(entries);
    }

    /** Commits every pending checkpoint up to this one (a notification may be skipped when checkpoints overlap). */
    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        Map<Long, CheckpointCommittables> due = pending.headMap(checkpointId, true);
        for (CheckpointCommittables batch : new ArrayList<>(due.values())) {
            committer.commit(batch.commitUser(), batch.checkpointId(), batch.committables());
            pending.remove(batch.checkpointId());
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (committer != null) {
                committer.close();
            }
        } finally {
            super.close();
        }
    }
}
