package io.dataflow.flink.manifest;

import java.io.Serializable;
import java.util.Optional;

/**
 * The original's {@code spec.maintenance}: a manual stop ({@code suspended}) and maintenance windows. The original
 * scales its processor to zero for either; here a suspended manifest is not started ({@code run} refuses it, the
 * {@code k8s} command writes {@code job.state: suspended}), and during a window the source stops reading and
 * resumes when the window ends (runtime.MaintenancePause), so the job and its state stay in place.
 *
 * @param window null without {@code startTime}
 */
public record Maintenance(boolean suspended, MaintenanceSchedule window) implements Serializable {

    public static final Maintenance NONE = new Maintenance(false, null);

    public Optional<MaintenanceSchedule> schedule() {
        return Optional.ofNullable(window);
    }
}
