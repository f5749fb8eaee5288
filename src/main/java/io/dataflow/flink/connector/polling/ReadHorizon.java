package io.dataflow.flink.connector.polling;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * How far a polling source may read its first cursor column (the change column, or the key without one) so that
 * a row committed later can never land behind the cursor (issue 19). A row stamped {@code now()} at the start of
 * a long transaction, or a sequence value taken by it, becomes visible only at its commit, after rows with higher
 * values were read: a cursor that followed the highest visible value would pass it for ever.
 *
 * <p>Each poll takes a <em>mark</em>: the highest value visible in a snapshot and the time it was seen. A mark is
 * released once no row at or below its value can still appear: on PostgreSQL when every transaction that was
 * open at the mark's time has ended (values are taken inside transactions, after they start), elsewhere when a
 * safety lag has passed. Rows are read up to the value of the newest released mark. Marks live in memory only: after
 * a restore the first poll takes a new one.
 */
public final class ReadHorizon {

    /** Marks kept while a long transaction holds them back; dropping the oldest only slows progress meanwhile. */
    static final int MAX_PENDING = 100;

    private record Mark(long at, String max) {
    }

    private final Deque<Mark> pending = new ArrayDeque<>();
    private boolean released;
    private String bound;

    /** A mark: {@code max} (text form, null when no row has a value) was the highest value visible at {@code at}. */
    public void mark(long at, String max) {
        pending.addLast(new Mark(at, max));
        while (pending.size() > MAX_PENDING) {
            pending.removeFirst();
        }
    }

    /** Releases the marks taken strictly before {@code time}; the newest of them becomes the bound. */
    public void releaseBefore(long time) {
        while (!pending.isEmpty() && pending.peekFirst().at() < time) {
            bound = pending.removeFirst().max();
            released = true;
        }
    }

    /** Whether a mark was released: until then nothing may be read. */
    public boolean hasBound() {
        return released;
    }

    /** The highest value that may be read; null when no row had a value at the released mark (nothing to read). */
    public String bound() {
        return bound;
    }

    /** Whether a pending mark saw values other than the bound: rows beyond the horizon may be waiting. */
    public boolean holdsBack() {
        for (Mark m : pending) {
            if (!released || !Objects.equals(m.max(), bound)) {
                return true;
            }
        }
        return false;
    }

    /** When the oldest pending mark was taken (for the log of a horizon held back long), or -1. */
    public long oldestPendingAt() {
        return pending.isEmpty() ? -1 : pending.peekFirst().at();
    }
}
