package io.dataflow.flink.connector.polling;

import io.dataflow.flink.config.ConfigField;

import java.time.Duration;

/**
 * The {@link ReadHorizon} of a server that cannot say which writes are still in flight (ClickHouse, Trino): a
 * mark — the highest value of the cursor's first column seen at a poll — is released once {@code safetyLag} has
 * passed since it was taken. A row whose value is at or below a released mark but that became visible more than
 * the lag after it (a client that stamps rows long before they are inserted, a slow insert of an old batch) can
 * still be skipped: the lag is a documented bound, not a guarantee.
 */
public final class SafetyLagHorizon {

    public static final Duration DEFAULT_LAG = Duration.ofSeconds(5);

    /** The {@code safetyLag} option of the sources that use this horizon. */
    public static ConfigField<Duration> option() {
        return ConfigField.duration("safetyLag").defaultValue(DEFAULT_LAG)
                .description("Rows are read only once the highest cursor value they lie under was seen at least this "
                        + "long ago, so a row that becomes visible late (an insert stamped before it was sent) is not "
                        + "passed by the cursor; 0 reads up to the newest row at once (the original's behaviour)")
                .build();
    }

    private final ReadHorizon marks = new ReadHorizon();
    private final long lagMillis;

    public SafetyLagHorizon(Duration lag) {
        this.lagMillis = lag.toMillis();
    }

    /** Whether a lag is set at all (0: no horizon, no extra query per poll). */
    public static boolean enabled(Duration lag) {
        return lag != null && !lag.isZero() && !lag.isNegative();
    }

    /** Marks {@code max} as seen now and releases the marks at least the lag old. */
    public ReadHorizon advance(String max, long nowMillis) {
        marks.mark(nowMillis, max);
        marks.releaseBefore(nowMillis - lagMillis + 1);
        return marks;
    }

    /** The highest value of the cursor's first column visible now: a query of the source's own server. */
    @FunctionalInterface
    public interface HighestValue<E extends Exception> {
        String read() throws E;
    }

    /**
     * What one poll may read: nothing yet ({@code readNothing}), or the rows up to {@code bound} (null: no bound);
     * {@code heldBack}: rows beyond the bound may be waiting, so a bounded source is not done.
     */
    public record Limit(boolean readNothing, String bound, boolean heldBack) {

        /** No horizon (a lag of 0): read up to the newest row. */
        public static final Limit NONE = new Limit(false, null, false);
    }

    /** Marks the highest value seen now and tells how far this poll may read. */
    public <E extends Exception> Limit limit(HighestValue<E> highest) throws E {
        ReadHorizon released = advance(highest.read(), System.currentTimeMillis());
        boolean heldBack = released.holdsBack();
        if (!released.hasBound() || released.bound() == null) {
            return new Limit(true, null, heldBack);
        }
        return new Limit(false, released.bound(), heldBack);
    }
}
