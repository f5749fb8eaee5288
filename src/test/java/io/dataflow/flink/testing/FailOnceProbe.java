package io.dataflow.flink.testing;

import io.dataflow.flink.message.Message;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Injected after the source by tests: lets records through (slowed down a little so that checkpoints happen
 * mid-stream) and throws once, after a checkpoint has completed and enough records have passed, so that Flink
 * restarts the job from that checkpoint; once enough records have passed it slows each record down until a
 * checkpoint has completed, so that a fast job cannot end first. State is static because the MiniCluster runs in the
 * test JVM.
 */
public final class FailOnceProbe extends RichMapFunction<Message, Message> implements CheckpointListener {

    private static final long serialVersionUID = 1L;
    private static final long WAIT_FOR_CHECKPOINT_MILLIS = 2;

    public static final AtomicBoolean FAILED = new AtomicBoolean();
    public static final AtomicLong SEEN = new AtomicLong();
    private static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();

    private final long failAfterRecords;
    private final long pauseEveryRecords;

    public FailOnceProbe(long failAfterRecords, long pauseEveryRecords) {
        this.failAfterRecords = failAfterRecords;
        this.pauseEveryRecords = pauseEveryRecords;
    }

    public static void reset() {
        FAILED.set(false);
        SEEN.set(0);
        CHECKPOINTED.set(false);
    }

    @Override
    public Message map(Message value) throws Exception {
        long seen = SEEN.incrementAndGet();
        if (pauseEveryRecords > 0 && seen % pauseEveryRecords == 0) {
            Thread.sleep(1);
        }
        if (seen >= failAfterRecords && !FAILED.get()) {
            if (CHECKPOINTED.get()) {
                if (FAILED.compareAndSet(false, true)) {
                    throw new IllegalStateException("injected failure after " + seen + " records");
                }
            } else {
                // Holds the job back until a checkpoint completes: a job that read all its input first would end
                // without the failure this probe is there to inject.
                Thread.sleep(WAIT_FOR_CHECKPOINT_MILLIS);
            }
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        CHECKPOINTED.set(true);
    }
}
