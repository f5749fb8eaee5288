package io.dataflow.flink.connector.postgres;

import java.util.HashSet;
import java.util.Set;

/**
 * When the sink reads its table's columns again: a batch whose records carry fields the known columns lack may mean
 * that a column was added (ALTER TABLE) since the last read. A name not missing at the last read triggers a read at
 * once (the usual order: the column is added first, then producers send the field); names that were already
 * missing then are checked again only after {@link #RECHECK_NANOS}, so that fields the table deliberately lacks
 * cost at most one catalog query per interval, not one per batch.
 */
final class ColumnRefreshPolicy {

    static final long RECHECK_NANOS = 5_000_000_000L;

    /** Bounded, so that bodies with generated field names cannot grow it without end. */
    private static final int MAX_REMEMBERED = 1000;

    private final Set<String> missingAtLastRead = new HashSet<>();
    private long lastReadNanos;
    private boolean everRead;

    /** Whether a batch whose records carried the fields {@code missing} (no column known) should re-read the table. */
    boolean due(Set<String> missing, long nowNanos) {
        if (missing.isEmpty()) {
            return false;
        }
        if (!everRead || nowNanos - lastReadNanos >= RECHECK_NANOS) {
            return true;
        }
        return !missingAtLastRead.containsAll(missing);
    }

    /** Notes a read of the columns, after which the fields {@code stillMissing} still have no column. */
    void read(Set<String> stillMissing, long nowNanos) {
        everRead = true;
        lastReadNanos = nowNanos;
        missingAtLastRead.clear();
        for (String name : stillMissing) {
            if (missingAtLastRead.size() >= MAX_REMEMBERED) {
                break;
            }
            missingAtLastRead.add(name);
        }
    }
}
