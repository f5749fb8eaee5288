package io.dataflow.flink.connector.polling;

import io.dataflow.flink.connector.ReadWriteLifecycleGuard;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.SourceBatch;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.message.Message;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * The loop every SQL polling source shares (docs/ORIGINAL.md#shared-connector-behaviour): wait for the {@link PollSchedule}, read one page
 * after the {@link PollCursor}, hand the records over with the cursor they reach (it becomes the position only when
 * Flink has taken them, see {@link SourceBatch#of}), back off on a failed poll and log it at most once a minute, and
 * report the {@code pollHealthy} gauge. A subclass says how to read a page from its database and which failures are
 * poll failures (retried) rather than bugs (they fail the task).
 */
public abstract class PollingSource extends ReadWriteLifecycleGuard implements SourceConnector {

    private static final Logger LOG = LoggerFactory.getLogger(PollingSource.class);
    private static final long SLEEP_SLICE_MS = 200;

    /**
     * One page: its records, and the cursor after the last of them.
     *
     * @param resultContinues a cursor-less query's result has more rows: the next poll reads on at once
     * @param heldBack        the read horizon holds rows back (see {@link ReadHorizon}): a bounded source is not done
     */
    public record Page(List<Message> messages, PollCursor reached, boolean resultContinues, boolean heldBack) {

        public Page(List<Message> messages, PollCursor reached) {
            this(messages, reached, false, false);
        }
    }

    private final String kind;
    /** The table as the manifest wrote it, or "query". */
    protected final String label;
    private final PollSchedule schedule;
    private PollCursor cursor = PollCursor.START;
    private volatile int healthy = 1;
    private final Counter pollErrors;

    /**
     * @param kind  how logs name the source, e.g. "PostgreSQL source"
     * @param label the table (or "query") the logs and metadata name
     */
    protected PollingSource(String kind, String label, Duration pollInterval, boolean bounded, ConnectorContext context) {
        this.kind = kind;
        this.label = label;
        this.schedule = new PollSchedule(pollInterval, bounded);
        if (context.metrics() != null) {
            context.metrics().gauge("pollHealthy", (Gauge<Integer>) () -> healthy);
        }
        context.series().gauge("dataflow_connector_source_poll_healthy", (Gauge<Integer>) () -> healthy);
        pollErrors = context.series().addGroup("operation", "read").addGroup("error_type", "poll")
                .counter("dataflow_connector_errors_total", new ThreadSafeSimpleCounter());
    }

    /** The query being polled; set by {@link #connect()}. */
    protected abstract PollingQuery query();

    /** Reads the page after {@code from}. Runs under the read lock, only while the source is open. */
    protected abstract Page readPage(PollCursor from) throws Exception;

    /** Whether {@code e} is a failed poll to back off from and retry (the database's errors), not a bug. */
    protected abstract boolean isPollFailure(Exception e);

    /** The failure as the log shows it (no secrets). */
    protected abstract String describe(Exception e);

    /**
     * Called after a failed poll: roll back, and drop a connection that no longer works so that the next poll opens
     * a new one (a server restart or {@code pg_terminate_backend} must not leave the source failing for ever).
     */
    protected void afterPollFailure(Exception e) {
    }

    /**
     * Cancels the statement a poll is waiting for, from the thread that cancels the job, so that cancelling does
     * not wait for a long query to finish. The interrupted poll then fails and returns.
     */
    protected void cancelRunningRead() {
    }

    @Override
    public final void wakeup() {
        cancelRunningRead();
    }

    @Override
    public final void restorePositions(List<byte[]> positions) throws Exception {
        if (!positions.isEmpty()) {
            cursor = PollCursor.fromBytes(positions.get(0));
            LOG.info("{} restored its cursor: table={} change={} key={}", kind, label, cursor.change(), cursor.key());
        }
    }

    @Override
    public final SourceBatch poll() throws Exception {
        if (isClosed()) {
            return SourceBatch.end();
        }
        long wait = schedule.millisUntilNextPoll(System.currentTimeMillis());
        if (wait > 0) {
            Thread.sleep(Math.min(SLEEP_SLICE_MS, wait));
            return SourceBatch.empty();
        }
        readLock();
        try {
            if (isClosed() || schedule.isEnded()) {
                return SourceBatch.end();
            }
            Page page = readPage(cursor);
            healthy = 1;
            boolean incremental = query().isIncremental();
            boolean cycleEnds = incremental ? page.messages().size() < query().page() : !page.resultContinues();
            schedule.pageRead(page.messages().size(), incremental, cycleEnds, page.heldBack(), System.currentTimeMillis());
            if (page.messages().isEmpty()) {
                return schedule.isEnded() ? SourceBatch.end() : SourceBatch.empty();
            }
            PollCursor reached = page.reached();
            LOG.debug("{} poll page: table={} rows={} to change={} key={}", kind, label, page.messages().size(),
                    reached.change(), reached.key());
            return SourceBatch.of(page.messages(), () -> cursor = reached);
        } catch (Exception e) {
            if (!isPollFailure(e)) {
                throw e;
            }
            onPollFailure(e);
            return SourceBatch.empty();
        } finally {
            readUnlock();
        }
    }

    private void onPollFailure(Exception e) {
        healthy = 0;
        pollErrors.inc();
        long now = System.currentTimeMillis();
        long backoff = schedule.pollFailed(now);
        if (schedule.shouldLogFailure(now)) {
            LOG.warn("{} poll failed ({} in a row), retrying in {} ms: table={} error={}", kind, schedule.failures(), backoff,
                    label, describe(e));
        }
        afterPollFailure(e);
    }

    @Override
    public final byte[] snapshotPosition(long checkpointId) {
        return cursor.toBytes();
    }
}
