package io.dataflow.flink.testing;

import io.dataflow.flink.message.Message;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link FailOnceProbe} that also records which checkpoints completed with records in them: records passing
 * between two barriers belong to the later checkpoint; a checkpoint counts as completed when its notification
 * arrives or when the job restarts from it (a completed checkpoint whose notification the failure swallowed).
 * With parallelism 1 and the sink chained behind, these are exactly the checkpoints a two-phase sink commits.
 */
public final class CheckpointDataProbe extends RichMapFunction<Message, Message> implements CheckpointedFunction, CheckpointListener {

    private static final long serialVersionUID = 1L;

    public static final Set<Long> COMPLETED_WITH_DATA = ConcurrentHashMap.newKeySet();
    private static final Set<Long> SNAPSHOTTED_WITH_DATA = ConcurrentHashMap.newKeySet();

    private final FailOnceProbe failOnce;
    private transient long recordsSinceBarrier;

    public CheckpointDataProbe(long failAfterRecords, long pauseEveryRecords) {
        this.failOnce = new FailOnceProbe(failAfterRecords, pauseEveryRecords);
    }

    public static void reset() {
        FailOnceProbe.reset();
        COMPLETED_WITH_DATA.clear();
        SNAPSHOTTED_WITH_DATA.clear();
    }

    @Override
    public Message map(Message value) throws Exception {
        recordsSinceBarrier++;
        return failOnce.map(value);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        if (recordsSinceBarrier > 0) {
            SNAPSHOTTED_WITH_DATA.add(context.getCheckpointId());
        }
        recordsSinceBarrier = 0;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        context.getRestoredCheckpointId().ifPresent(id -> {
            if (SNAPSHOTTED_WITH_DATA.contains(id)) {
                COMPLETED_WITH_DATA.add(id);
            }
        });
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        failOnce.notifyCheckpointComplete(checkpointId);
        if (SNAPSHOTTED_WITH_DATA.contains(checkpointId)) {
            COMPLETED_WITH_DATA.add(checkpointId);
        }
    }
}
