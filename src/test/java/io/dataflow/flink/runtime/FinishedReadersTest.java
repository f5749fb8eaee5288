package io.dataflow.flink.runtime;

import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.runtime.taskexecutor.GlobalAggregateManager;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class FinishedReadersTest {

    /** Keeps one accumulator per aggregate name, as the JobMaster does (JobMaster#updateGlobalAggregate). */
    private static final class JobMasterAggregates implements GlobalAggregateManager {
        private final Map<String, Object> accumulators = new HashMap<>();

        @Override
        @SuppressWarnings("unchecked")
        public synchronized <IN, ACC, OUT> OUT updateGlobalAggregate(String name, Object aggregand, AggregateFunction<IN, ACC, OUT> function) {
            ACC acc = (ACC) accumulators.computeIfAbsent(name, n -> function.createAccumulator());
            acc = function.add((IN) aggregand, acc);
            accumulators.put(name, acc);
            return function.getResult(acc);
        }
    }

    private static int add(FinishedReaders.Count count, HashMap<Integer, FinishedReaders.Report> acc, int subtask, int attempt,
                           boolean finished) {
        return count.getResult(count.add(new FinishedReaders.Report(subtask, attempt, finished).toWire(), acc));
    }

    @Test
    void countsFinishedSubtasksOnceAndALaterAttemptReadingAgainWithdrawsItsEarlierReport() {
        FinishedReaders.Count count = new FinishedReaders.Count();
        HashMap<Integer, FinishedReaders.Report> acc = count.createAccumulator();
        assertThat(add(count, acc, 0, 0, true)).isEqualTo(1);
        assertThat(add(count, acc, 0, 0, true)).as("asking again does not count twice").isEqualTo(1);
        assertThat(add(count, acc, 1, 0, true)).isEqualTo(2);
        assertThat(add(count, acc, 1, 1, false)).as("subtask 1 restarted and reads again").isEqualTo(1);
        assertThat(add(count, acc, 1, 0, true)).as("a late report of the earlier attempt changes nothing").isEqualTo(1);
        assertThat(add(count, acc, 1, 1, true)).isEqualTo(2);
    }

    @Test
    void aFinishedSubtaskWaitsUntilEveryOtherSubtaskFinished() throws Exception {
        JobMasterAggregates jobMaster = new JobMasterAggregates();
        FinishedReaders first = new FinishedReaders(jobMaster, "op", 0, 0, 2);
        FinishedReaders second = new FinishedReaders(jobMaster, "op", 1, 0, 2);
        AtomicBoolean firstReturned = new AtomicBoolean();
        Thread waiting = new Thread(() -> {
            try {
                first.finishedAndAwaitOthers(() -> true);
                firstReturned.set(true);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        waiting.start();
        waiting.join(3 * FinishedReaders.ASK_EVERY_MILLIS);
        assertThat(firstReturned).as("subtask 1 still reads").isFalse();
        second.finishedAndAwaitOthers(() -> true);
        waiting.join();
        assertThat(firstReturned).isTrue();
    }

    @Test
    void cancellationEndsTheWaitAndASingleSubtaskNeverWaits() throws Exception {
        JobMasterAggregates jobMaster = new JobMasterAggregates();
        new FinishedReaders(jobMaster, "op", 0, 0, 2).finishedAndAwaitOthers(() -> false);
        new FinishedReaders(jobMaster, "single", 0, 0, 1).finishedAndAwaitOthers(() -> true);
    }
}
