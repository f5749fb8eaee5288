package io.dataflow.flink.testing;

import io.dataflow.flink.message.Message;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Like {@link FailOnceProbe}, but throws {@code failures} times in one run: each time after a checkpoint has
 * completed since the previous failure and {@code recordsBetween} more records have passed, so that every restart
 * resumes from a newer checkpoint with work done after it. State is static because the MiniCluster runs in the
 * test JVM.
 */
public final class RepeatedFailureProbe extends RichMapFunction<Message, Message> implements CheckpointListener {

    private static final long serialVersionUID = 1L;

    public static final AtomicInteger FAILURES = new AtomicInteger();
    public static final AtomicLong SEEN = new AtomicLong();
    private static final AtomicLong NEXT_FAILURE_AT = new AtomicLong();
    private static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();

    private final int failures;
    private final long recordsBetween;

    public RepeatedFailureProbe(int failures, long recordsBetween) {
        this.failures = failures;
        this.recordsBetween = recordsBetween;
    }

    public static void reset(long recordsBetween) {
        FAILURES.set(0);
        SEEN.set(0);
        NEXT_FAILURE_AT.set(recordsBetween);
        CHECKPOINTED.set(false);
    }

    @Override
    public Message map(Message value) throws Exception {
        long seen = SEEN.incrementAndGet();
        if (seen % 10 == 0) {
            Thread.sleep(1); // slow enough that checkpoints complete mid-stream
        }
        long at = NEXT_FAILURE_AT.get();
        if (FAILURES.get() < failures && seen >= at && CHECKPOINTED.get() && NEXT_FAILURE_AT.compareAndSet(at, seen + recordsBetween)) {
            CHECKPOINTED.set(false);
            int n = FAILURES.incrementAndGet();
            throw new IllegalStateException("injected failure " + n + " after " + seen + " records");
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        CHECKPOINTED.set(true);
    }
}
