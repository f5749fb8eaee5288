package io.dataflow.flink.manifest;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * When the maintenance windows of {@code spec.maintenance} are: the first begins at {@code startTime} and lasts
 * {@code duration}; with a {@code repeat} the next ones begin at the same local time of day in {@code timezone}.
 * Pure (no clock): the source asks it about the instant it reads.
 *
 * <p>Local time, not a fixed period: a daily 02:00 Europe/Berlin window begins at 02:00 in summer and in winter
 * (22 or 26 hours after the one before across a DST change). A start that falls into a DST gap moves forward by
 * the gap (02:30 becomes 03:30 on the spring-forward day), one in an overlap keeps the earlier offset, as
 * {@link ZonedDateTime#plusDays} does. Monthly windows count from the first start, so a window on the 31st
 * happens on the last day of shorter months (30 April, 28/29 February) and on the 31st again after them.
 */
public final class MaintenanceSchedule implements Serializable {

    private static final long serialVersionUID = 1L;

    /** {@code repeat}: {@code NONE} is the original's empty value, a one-off window. */
    public enum Repeat {
        NONE(null, Duration.ZERO), DAILY(ChronoUnit.DAYS, Duration.ofHours(23)), WEEKLY(ChronoUnit.WEEKS, Duration.ofDays(7).minusHours(1)),
        MONTHLY(ChronoUnit.MONTHS, Duration.ofDays(28).minusHours(1));

        private final ChronoUnit unit;
        /** The shortest time between two starts (a DST change shortens a day by an hour). */
        private final Duration shortestPeriod;

        Repeat(ChronoUnit unit, Duration shortestPeriod) {
            this.unit = unit;
            this.shortestPeriod = shortestPeriod;
        }

        public Duration shortestPeriod() {
            return shortestPeriod;
        }
    }

    private final ZonedDateTime start;
    private final Duration duration;
    private final Repeat repeat;
    private final String description;

    /**
     * @param start    the first window's start, in the zone later windows follow
     * @param duration positive, and shorter than the repeat's shortest period (else windows would overlap)
     */
    public MaintenanceSchedule(ZonedDateTime start, Duration duration, Repeat repeat, String description) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive");
        }
        if (repeat != Repeat.NONE && duration.compareTo(repeat.shortestPeriod) >= 0) {
            throw new IllegalArgumentException("duration must be shorter than " + repeat.shortestPeriod.toHours() + "h");
        }
        this.start = start;
        this.duration = duration;
        this.repeat = repeat;
        this.description = description == null ? "" : description;
    }

    public ZoneId zone() {
        return start.getZone();
    }

    public String description() {
        return description;
    }

    /** The end of the window that {@code now} lies in, or empty outside every window. */
    public Optional<Instant> activeUntil(Instant now) {
        if (now.isBefore(start.toInstant())) {
            return Optional.empty();
        }
        long latest = latestIndexAtOrBefore(now);
        // Windows are shorter than the period, so only the latest started one can still be open.
        Instant begin = occurrence(latest);
        Instant end = begin.plus(duration);
        return now.isBefore(end) ? Optional.of(end) : Optional.empty();
    }

    /** The start of the first window that begins after {@code now}, or empty when none does (a one-off that began). */
    public Optional<Instant> nextStart(Instant now) {
        if (now.isBefore(start.toInstant())) {
            return Optional.of(start.toInstant());
        }
        if (repeat == Repeat.NONE) {
            return Optional.empty();
        }
        return Optional.of(occurrence(latestIndexAtOrBefore(now) + 1));
    }

    /** The start of window {@code n} (0 is {@code startTime}). */
    Instant occurrence(long n) {
        return repeat == Repeat.NONE ? start.toInstant() : start.plus(n, repeat.unit).toInstant();
    }

    /** The index of the last window that began at or before {@code now} (which is not before the first start). */
    private long latestIndexAtOrBefore(Instant now) {
        if (repeat == Repeat.NONE) {
            return 0;
        }
        // between() counts whole units of local date-time; a DST shift or a clamped month end may make it one off
        long n = Math.max(0, repeat.unit.between(start, now.atZone(start.getZone())));
        while (occurrence(n + 1).compareTo(now) <= 0) {
            n++;
        }
        while (n > 0 && occurrence(n).isAfter(now)) {
            n--;
        }
        return n;
    }

    @Override
    public String toString() {
        return "from " + start + " for " + duration + (repeat == Repeat.NONE ? "" : ", " + repeat.name().toLowerCase(java.util.Locale.ROOT))
                + (description.isEmpty() ? "" : " (" + description + ")");
    }
}
