package io.dataflow.flink.runtime;

import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.runtime.taskexecutor.GlobalAggregateManager;

import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.function.BooleanSupplier;

/**
 * Tells the subtasks of one source when all of them have finished reading, so that a bounded source's subtasks end
 * together (see {@link SourceFunctionWrapper} for why). The count lives in the JobMaster as a global aggregate: each
 * subtask reports (index, attempt, finished?) and gets back how many subtasks are finished. A report of a later
 * attempt replaces an earlier one, so a subtask restarted by a failover counts as reading again until it reports
 * finished once more.
 */
final class FinishedReaders {

    /** How often a finished subtask asks again; it only delays the end of a bounded job by at most this. */
    static final long ASK_EVERY_MILLIS = 200;

    private final GlobalAggregateManager aggregates;
    private final String name;
    private final int subtask;
    private final int attempt;
    private final int parallelism;

    FinishedReaders(GlobalAggregateManager aggregates, String sourceId, int subtask, int attempt, int parallelism) {
        this.aggregates = aggregates;
        this.name = "dataflow-finished-readers-" + sourceId;
        this.subtask = subtask;
        this.attempt = attempt;
        this.parallelism = parallelism;
    }

    /** A restarted attempt reads again: withdraw what an earlier attempt of this subtask reported. */
    void reading() throws IOException {
        if (parallelism > 1 && attempt > 0) {
            aggregates.updateGlobalAggregate(name, new Report(subtask, attempt, false).toWire(), new Count());
        }
    }

    /**
     * Reports this subtask finished and returns once every subtask of the source has, or {@code running} turned
     * false (cancellation, stop with savepoint). Checkpoints go on meanwhile: the caller holds no lock here.
     */
    void finishedAndAwaitOthers(BooleanSupplier running) throws IOException, InterruptedException {
        if (parallelism == 1) {
            return;
        }
        int[] report = new Report(subtask, attempt, true).toWire();
        while (running.getAsBoolean()) {
            int finished = aggregates.updateGlobalAggregate(name, report, new Count());
            if (finished >= parallelism) {
                return;
            }
            Thread.sleep(ASK_EVERY_MILLIS);
        }
    }

    /**
     * One subtask's state as its latest attempt reported it. It travels to the JobMaster as an {@code int[]}: RPC
     * arguments and results are deserialized there with Flink's class loader, which does not see classes of the job's
     * jar on a real cluster; only the aggregate function itself is loaded with the job's class loader.
     */
    record Report(int subtask, int attempt, boolean finished) implements Serializable {

        int[] toWire() {
            return new int[] {subtask, attempt, finished ? 1 : 0};
        }

        static Report fromWire(int[] wire) {
            return new Report(wire[0], wire[1], wire[2] == 1);
        }
    }

    /** Keeps the latest report per subtask; the result is the number of finished subtasks. */
    static final class Count implements AggregateFunction<int[], HashMap<Integer, Report>, Integer> {

        private static final long serialVersionUID = 1L;

        @Override
        public HashMap<Integer, Report> createAccumulator() {
            return new HashMap<>();
        }

        @Override
        public HashMap<Integer, Report> add(int[] wire, HashMap<Integer, Report> latest) {
            Report report = Report.fromWire(wire);
            latest.merge(report.subtask(), report, (old, now) -> now.attempt() >= old.attempt() ? now : old);
            return latest;
        }

        @Override
        public Integer getResult(HashMap<Integer, Report> latest) {
            return (int) latest.values().stream().filter(Report::finished).count();
        }

        @Override
        public HashMap<Integer, Report> merge(HashMap<Integer, Report> a, HashMap<Integer, Report> b) {
            b.values().forEach(report -> add(report.toWire(), a));
            return a;
        }
    }
}
