package io.dataflow.flink.deploy;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

/**
 * Prints how long each phase of a cluster scenario took (submission, tasks running, awaiting checkpoints,
 * stop-with-savepoint, failover, awaiting the input read), so a run's log shows where its time goes. Prints only: the
 * tests assert no timing.
 */
final class Phases {

    private Phases() {
    }

    static <T> T timed(String phase, Callable<T> step) throws Exception {
        long start = System.nanoTime();
        LocalTime at = LocalTime.now().truncatedTo(ChronoUnit.SECONDS);
        try {
            return step.call();
        } finally {
            System.out.printf("phase %s %-34s %5.1f s%n", at, phase, (System.nanoTime() - start) / 1e9);
        }
    }

    static void timed(String phase, Step step) throws Exception {
        timed(phase, () -> {
            step.run();
            return null;
        });
    }

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }
}
