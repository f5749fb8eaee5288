package io.dataflow.flink.testing;

import io.dataflow.flink.message.Message;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Injected after the source: fails the task at {@code count} random points of the input (between 10 % and 90 % of
 * {@code expectedRecords}, drawn from {@code seed}, printed so a run can be repeated). A failure falls once its point
 * is passed and a checkpoint completed since the previous failure, so the job makes progress between failures; while
 * it waits for that checkpoint records pass slowly, and 5 % of the input past its point it falls anyway. Points count
 * every record seen, replays included, and every record is seen at least once, so every run sees all its failures
 * (a slow sink's run used to end before the last one could fall). The pauses stop once the last failure fell: they
 * only make room for checkpoints between failures. State is static: the MiniCluster runs in the test JVM, and the
 * counts must survive the task restarts they cause.
 */
public final class RandomFailures extends RichMapFunction<Message, Message> implements CheckpointListener {

    private static final long serialVersionUID = 1L;

    public static final AtomicInteger FAILURES = new AtomicInteger();
    private static final AtomicLong SEEN = new AtomicLong();
    private static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();

    private static final long DUE_PAUSE_MILLIS = 2;

    private final List<Long> points;
    private final long pauseEvery;
    /** Records past its point after which a failure falls even without a checkpoint since the previous one. */
    private final long overdueAfter;

    public RandomFailures(long seed, int count, long expectedRecords) {
        Random random = new Random(seed);
        List<Long> drawn = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            drawn.add(expectedRecords / 10 + (long) (random.nextDouble() * expectedRecords * 0.8));
        }
        drawn.sort(Long::compare);
        this.points = List.copyOf(drawn);
        // about 4 000 pauses of a millisecond per run, whatever its size, so that even a small, fast run lasts long
        // enough for checkpoints to complete between failures (a Kafka -> Nessie run of 4 000 once ended before the first)
        this.pauseEvery = Math.max(1, expectedRecords / 4_000);
        this.overdueAfter = Math.max(1, expectedRecords / 20);
        System.out.println("RandomFailures seed " + seed + ": fail after records " + points);
    }

    public static void reset() {
        FAILURES.set(0);
        SEEN.set(0);
        CHECKPOINTED.set(false);
    }

    @Override
    public Message map(Message value) throws Exception {
        long seen = SEEN.incrementAndGet();
        int failed = FAILURES.get();
        if (failed < points.size() && seen % pauseEvery == 0) {
            Thread.sleep(1); // checkpoints fall between failures; once the last fell, the rest of the run need not wait
        }
        if (failed < points.size() && seen >= points.get(failed)) {
            boolean checkpointed = CHECKPOINTED.get();
            boolean overdue = seen >= points.get(failed) + overdueAfter;
            if ((checkpointed || overdue) && FAILURES.compareAndSet(failed, failed + 1)) {
                CHECKPOINTED.set(false);
                throw new IllegalStateException("injected failure " + (failed + 1) + " of " + points.size() + " after "
                        + seen + " records" + (checkpointed ? "" : " (no checkpoint completed since the previous failure)"));
            }
            // due, but no checkpoint completed since the previous failure: slow down (without blocking, so barriers
            // still pass between the source's batches) to give one the time. Not more: the source emits a whole poll
            // under the checkpoint lock, so a long pause per record would hold checkpoints back instead.
            Thread.sleep(DUE_PAUSE_MILLIS);
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        CHECKPOINTED.set(true);
    }
}
