package io.dataflow.flink.runtime;

/**
 * The manifest's {@code checkpointReset} as a one-shot, the way the original treats it: there the processor clears
 * the stored source checkpoint on start and the controller then clears the flag. A manifest file has no controller
 * to clear the flag, so the source keeps the value it ran with in its own state, beside its positions: restored
 * positions are dropped only when the manifest asks for a reset and the state was not written under a reset already.
 * The next restart with the flag still set finds {@code true} in the state and resumes; setting it to {@code false}
 * never drops anything, and setting it back to {@code true} later asks for a new reset.
 */
final class CheckpointReset {

    private CheckpointReset() {
    }

    /**
     * Whether a restored source drops its positions.
     *
     * @param requested the manifest's {@code checkpointReset}
     * @param restored  the values the state was written with, one per former subtask; none in state written before
     *                  this marker existed
     */
    static boolean dropsRestoredPositions(boolean requested, Iterable<Boolean> restored) {
        if (!requested) {
            return false;
        }
        for (Boolean value : restored) {
            if (Boolean.TRUE.equals(value)) {
                return false;
            }
        }
        return true;
    }
}
