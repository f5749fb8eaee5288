package io.dataflow.flink.manifest;

import java.time.Duration;

/**
 * What the original's top-level {@code spec} fields mean for a Flink job.
 *
 * @param parallelism        from {@code replicas} (default 1); every operator runs this wide, and so does a Kafka source
 *                           (polling and CDC sources read at 1, and the job keys their records by row)
 * @param checkpointInterval from {@code checkpointSaveInterval}, or null to use the cluster's / CLI's setting
 * @param checkpointReset    drop the source positions of a restored job once (runtime.CheckpointReset)
 * @param strictIdempotency  polling sources need idempotent sinks
 * @param maintenance        {@code maintenance}: suspended, and the windows in which the source pauses
 */
public record JobSettings(int parallelism, Duration checkpointInterval, boolean checkpointReset, boolean strictIdempotency,
                          Maintenance maintenance) {

    /** Settings without maintenance. */
    public JobSettings(int parallelism, Duration checkpointInterval, boolean checkpointReset, boolean strictIdempotency) {
        this(parallelism, checkpointInterval, checkpointReset, strictIdempotency, Maintenance.NONE);
    }

    public static JobSettings defaults() {
        return new JobSettings(1, null, false, false);
    }
}
