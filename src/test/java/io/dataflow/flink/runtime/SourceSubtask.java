package io.dataflow.flink.runtime;

import io.dataflow.flink.manifest.ConnectorSpec;
import io.dataflow.flink.message.Message;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.streaming.api.operators.StreamSource;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One subtask of a {@link SourceFunctionWrapper} in Flink's operator test harness: state initialized empty or from a
 * (repartitioned) snapshot, {@code run} on a thread of its own as the legacy source thread does, snapshots and
 * checkpoint notifications under the harness's checkpoint lock as the task thread does.
 */
final class SourceSubtask implements AutoCloseable {

    static final int MAX_PARALLELISM = 128;

    private final SourceFunctionWrapper function;
    private final AbstractStreamOperatorTestHarness<Message> harness;
    private final List<Message> emitted = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile Throwable failure;

    private SourceSubtask(ConnectorSpec spec, int parallelism, int index, OperatorSubtaskState state) throws Exception {
        function = new SourceFunctionWrapper(spec, "source-subtask-test");
        harness = new AbstractStreamOperatorTestHarness<>(new StreamSource<>(function), MAX_PARALLELISM, parallelism, index);
        harness.setup();
        if (state == null) {
            harness.initializeEmptyState();
        } else {
            harness.initializeState(state);
        }
        harness.open();
        Object lock = harness.getCheckpointLock();
        thread = new Thread(() -> {
            try {
                function.run(new Collecting(lock, emitted));
            } catch (Throwable t) {
                failure = t;
            }
        }, "source-subtask-" + index + "-of-" + parallelism);
        thread.start();
    }

    /** A subtask of a fresh job. */
    static SourceSubtask fresh(ConnectorSpec spec, int parallelism, int index) throws Exception {
        return new SourceSubtask(spec, parallelism, index, null);
    }

    /** Subtask {@code index} of {@code parallelism}, restored from the snapshots of all subtasks of a former run. */
    static SourceSubtask restored(ConnectorSpec spec, List<OperatorSubtaskState> former, int parallelism, int index) throws Exception {
        OperatorSubtaskState packed = AbstractStreamOperatorTestHarness.repackageState(former.toArray(new OperatorSubtaskState[0]));
        OperatorSubtaskState mine = AbstractStreamOperatorTestHarness.repartitionOperatorState(packed, MAX_PARALLELISM,
                former.size(), parallelism, index);
        return new SourceSubtask(spec, parallelism, index, mine);
    }

    OperatorSubtaskState snapshot(long checkpointId) throws Exception {
        synchronized (harness.getCheckpointLock()) {
            return harness.snapshot(checkpointId, checkpointId);
        }
    }

    void checkpointComplete(long checkpointId) throws Exception {
        synchronized (harness.getCheckpointLock()) {
            harness.notifyOfCompletedCheckpoint(checkpointId);
        }
    }

    List<Message> emitted() {
        synchronized (emitted) {
            return List.copyOf(emitted);
        }
    }

    /** Whether {@code run} has returned (a bounded source that finished). */
    boolean returned() {
        return !thread.isAlive();
    }

    Throwable failure() {
        return failure;
    }

    void awaitReturn(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
    }

    @Override
    public void close() throws Exception {
        function.cancel();
        thread.join(Duration.ofSeconds(30).toMillis());
        harness.close();
        if (failure != null) {
            throw new AssertionError("the source failed", failure);
        }
    }

    private record Collecting(Object lock, List<Message> into) implements SourceFunction.SourceContext<Message> {

        @Override
        public void collect(Message element) {
            into.add(element);
        }

        @Override
        public void collectWithTimestamp(Message element, long timestamp) {
            into.add(element);
        }

        @Override
        public void emitWatermark(Watermark mark) {
        }

        @Override
        public void markAsTemporarilyIdle() {
        }

        @Override
        public Object getCheckpointLock() {
            return lock;
        }

        @Override
        public void close() {
        }
    }
}
