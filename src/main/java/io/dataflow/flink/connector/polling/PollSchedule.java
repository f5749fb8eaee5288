package io.dataflow.flink.connector.polling;

import java.time.Duration;

/**
 * When a polling source reads next, and when it is done (docs/ORIGINAL.md#shared-connector-behaviour polling loop): pages follow each other
 * at once within a cycle; a cycle ends at a short page, and the next one starts after {@code pollInterval}. With
 * {@code bounded} the source ends after a cycle that found nothing (or after the single cycle of a query without
 * cursor), and cycles follow each other at once. A failed poll backs off {@code pollInterval × 2^(n−1)}, at most
 * 5 minutes; {@link #shouldLogFailure} lets one failure in a minute be logged. A bounded source whose read horizon
 * still holds rows back (see {@link ReadHorizon}) is not done and looks again within a second.
 */
public final class PollSchedule {

    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final long LOG_EVERY_MS = 60_000;
    /** A bounded source waiting for its read horizon looks again this often (at most). */
    static final long HELD_BACK_RETRY_MS = 1_000;

    private final Duration pollInterval;
    private final boolean bounded;

    private long nextPollAt;
    private boolean cycleFoundRows;
    private boolean ended;
    private int failures;
    private long lastFailureLogAt = Long.MIN_VALUE / 2;

    public PollSchedule(Duration pollInterval, boolean bounded) {
        this.pollInterval = pollInterval;
        this.bounded = bounded;
    }

    /** Milliseconds until the next poll is due (0 or less: now). */
    public long millisUntilNextPoll(long now) {
        return nextPollAt - now;
    }

    public boolean isEnded() {
        return ended;
    }

    /**
     * Records a page that was read.
     *
     * @param rows       rows of the page
     * @param cycleEnds  the cycle is complete: a short page of an incremental read, or the end of a cursor-less
     *                   query's result (a slice of it that leaves rows to read continues the cycle at once)
     * @param heldBack   a read horizon holds rows back (a transaction still open, a safety lag not yet passed): a
     *                   bounded source is not done, and looks again soon
     */
    public void pageRead(int rows, boolean incremental, boolean cycleEnds, boolean heldBack, long now) {
        failures = 0;
        if (rows > 0) {
            cycleFoundRows = true;
        }
        if (!cycleEnds) {
            nextPollAt = 0;
            return;
        }
        boolean found = cycleFoundRows;
        cycleFoundRows = false;
        if (bounded && !incremental) {
            ended = true;
        } else if (bounded && !found && !heldBack) {
            ended = true;
        }
        if (!bounded) {
            nextPollAt = now + pollInterval.toMillis();
        } else if (heldBack && !found) {
            nextPollAt = now + Math.min(pollInterval.toMillis(), HELD_BACK_RETRY_MS);
        } else {
            nextPollAt = 0;
        }
    }

    /** Records a failed poll; answers the back-off in milliseconds before the next one. */
    public long pollFailed(long now) {
        failures++;
        long backoff = Math.min(MAX_BACKOFF.toMillis(), pollInterval.toMillis() * (1L << Math.min(20, failures - 1)));
        nextPollAt = now + backoff;
        return backoff;
    }

    /** Failures since the last successful poll. */
    public int failures() {
        return failures;
    }

    /** True at most once a minute, so a long outage does not flood the log. */
    public boolean shouldLogFailure(long now) {
        if (now - lastFailureLogAt > LOG_EVERY_MS) {
            lastFailureLogAt = now;
            return true;
        }
        return false;
    }
}
