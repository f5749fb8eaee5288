package io.dataflow.flink.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The plan of the failures {@link FaultInjectingSinkFactory}'s sinks inject: which fault falls after how many
 * records written (drawn from a seed between 10 % and 40 % of the input, printed so a run can be repeated), one after
 * the other in the given order. Early, because each fault waits for a checkpoint after the previous one's restart
 * while the other subtasks go on writing, and a commit fault must fall while there is still something to commit (one
 * that fell at the final checkpoint would leave the next with nothing to wait for). A fault falls at its first chance
 * (a flush, or a completed checkpoint's notification) once its point is passed and a checkpoint completed since the
 * previous fault, so the job makes progress in between; 5 % of the input past its point it no longer waits for that
 * checkpoint. Points count every record written, replays included. Static: the MiniCluster runs in the test JVM and
 * the plan must survive the restarts it causes.
 */
public final class SinkFaults {

    /** Where a sink fails the task. */
    public enum Fault {
        /** In flush, after part of the buffered records reached the target, before the checkpoint completes. */
        IN_FLUSH,
        /** In the completed checkpoint's notification, before the sink commits that checkpoint's writes. */
        BEFORE_COMMIT,
        /** In the completed checkpoint's notification, after the sink committed that checkpoint's writes. */
        AFTER_COMMIT
    }

    private record Planned(Fault fault, long point) {
    }

    public static final AtomicInteger FALLEN = new AtomicInteger();
    /** What fell, in order, with the record count it fell at: for the test's messages and figures. */
    public static final List<String> FELL = new CopyOnWriteArrayList<>();

    private static final AtomicLong WRITTEN = new AtomicLong();
    private static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
    private static volatile List<Planned> plan = List.of();
    private static volatile long pauseEvery = 1;
    private static volatile long overdueAfter = 1;

    private SinkFaults() {
    }

    /** A new plan: {@code faults} in this order, at seeded random points of {@code expectedRecords}. */
    public static void plan(long seed, long expectedRecords, Fault... faults) {
        Random random = new Random(seed);
        List<Long> points = new ArrayList<>();
        for (int i = 0; i < faults.length; i++) {
            points.add(expectedRecords / 10 + (long) (random.nextDouble() * expectedRecords * 0.3));
        }
        points.sort(Long::compare);
        List<Planned> planned = new ArrayList<>();
        for (int i = 0; i < faults.length; i++) {
            planned.add(new Planned(faults[i], points.get(i)));
        }
        plan = List.copyOf(planned);
        // about 4 000 pauses of a millisecond per run, as RandomFailures: checkpoints complete between faults
        pauseEvery = Math.max(1, expectedRecords / 4_000);
        overdueAfter = Math.max(1, expectedRecords / 20);
        FALLEN.set(0);
        FELL.clear();
        WRITTEN.set(0);
        CHECKPOINTED.set(false);
        System.out.println("SinkFaults seed " + seed + ": " + plan);
    }

    /** No faults: the wrapped sinks just pass everything on. */
    public static void none() {
        plan = List.of();
        FALLEN.set(0);
        FELL.clear();
    }

    /** How many of each fault fell. */
    public static long fallen(Fault fault) {
        return FELL.stream().filter(f -> f.startsWith(fault.name() + " ")).count();
    }

    /**
     * Called for every record a wrapped sink is given; slows the stream so that checkpoints fall between faults, until
     * the last fault fell.
     */
    static void written() throws InterruptedException {
        long written = WRITTEN.incrementAndGet();
        int next = FALLEN.get();
        if (next < plan.size() && written % pauseEvery == 0) {
            Thread.sleep(1); // only while a fault is still to fall: the rest of the run need not wait
        }
        if (next < plan.size() && written >= plan.get(next).point() && !CHECKPOINTED.get()) {
            // due, waiting for a checkpoint since the previous fault: give one the time
            Thread.sleep(2);
        }
    }

    static void checkpointCompleted() {
        CHECKPOINTED.set(true);
    }

    /** Whether {@code fault} falls now (then it is counted as fallen, and the caller throws). */
    static boolean falls(Fault fault) {
        List<Planned> current = plan;
        int next = FALLEN.get();
        if (next >= current.size() || current.get(next).fault() != fault) {
            return false;
        }
        long written = WRITTEN.get();
        long point = current.get(next).point();
        if (written < point || (!CHECKPOINTED.get() && written < point + overdueAfter)) {
            return false;
        }
        if (!FALLEN.compareAndSet(next, next + 1)) {
            return false;
        }
        CHECKPOINTED.set(false);
        FELL.add(fault.name() + " after " + written + " records written");
        return true;
    }
}
