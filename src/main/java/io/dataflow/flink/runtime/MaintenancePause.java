package io.dataflow.flink.runtime;

import io.dataflow.flink.manifest.MaintenanceSchedule;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Holds a source's reading thread while a maintenance window ({@code spec.maintenance}) is active. The original
 * scales its processor to zero for a window; a Flink job keeps running instead, its source reading nothing, so that
 * checkpoints go on (the thread waits outside the checkpoint lock) and the job resumes from where it stopped. The
 * gauge {@code dataflow_maintenance_active} is 1 during a window, beside the other labelled {@code dataflow_*} series.
 */
final class MaintenancePause {

    private static final Logger LOG = LoggerFactory.getLogger(MaintenancePause.class);
    /** How often a waiting source looks at the clock and at cancellation. */
    private static final Duration CHECK_EVERY = Duration.ofMillis(200);

    private final MaintenanceSchedule schedule;
    private final String jobName;
    private volatile int active;

    /** @param schedule null: no windows, never waits */
    MaintenancePause(MaintenanceSchedule schedule, String jobName, MetricGroup labelled) {
        this.schedule = schedule;
        this.jobName = jobName;
        labelled.gauge("dataflow_maintenance_active", (Gauge<Integer>) () -> active);
        if (schedule != null) {
            LOG.info("{}: maintenance windows {}; the next begins at {}", jobName, schedule,
                    schedule.nextStart(Instant.now()).map(Instant::toString).orElse("(none: the window has begun)"));
        }
    }

    /**
     * Returns at once outside every window; inside one, waits until it ends (or {@code running} turns false).
     *
     * @return {@code running} as it was when the wait ended
     */
    boolean awaitOutsideWindow(BooleanSupplier running) throws InterruptedException {
        if (schedule == null) {
            return running.getAsBoolean();
        }
        Optional<Instant> until = schedule.activeUntil(Instant.now());
        if (until.isEmpty()) {
            return running.getAsBoolean();
        }
        active = 1;
        LOG.info("{}: maintenance window begins{}: the source reads nothing until {}", jobName,
                schedule.description().isEmpty() ? "" : " (" + schedule.description() + ")", until.get());
        try {
            while (running.getAsBoolean() && until.isPresent()) {
                long left = Duration.between(Instant.now(), until.get()).toMillis();
                Thread.sleep(Math.max(1, Math.min(left, CHECK_EVERY.toMillis())));
                until = schedule.activeUntil(Instant.now());
            }
        } finally {
            active = 0;
        }
        LOG.info("{}: maintenance window ended, the source reads again; the next begins at {}", jobName,
                schedule.nextStart(Instant.now()).map(Instant::toString).orElse("(none)"));
        return running.getAsBoolean();
    }
}
