package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.connector.polling.PollingQuery;
import io.dataflow.flink.connector.polling.ReadHorizon;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The {@link ReadHorizon} of the PostgreSQL polling source: before each page it marks the highest value of the
 * cursor's first column together with {@code clock_timestamp()} (read while the statement runs, so after its
 * snapshot was taken), then releases every mark older than the start of the oldest transaction still open in the
 * database ({@code pg_stat_activity.xact_start}).
 *
 * <p>Why that is sound: a value at or below a mark was visible in the mark's snapshot or was taken before it by a
 * transaction that had started before the mark. A change column set by {@code now()} (the transaction's start),
 * {@code clock_timestamp()} or a trigger, and a key from a sequence, only get values after their transaction
 * started. Once every transaction that started before the mark has ended, every row at or below its value is
 * committed (or never will be), and reading up to it skips nothing. Walsenders and autovacuum write no table rows
 * and are not waited for. The source's role must see other roles' sessions ({@code pg_read_all_stats}, or a
 * superuser); without it a warning says so. Values a client computes itself, sequences
 * with {@code CACHE} above 1, and transactions on a standby are outside this rule (see docs/POSTGRESQL.md).
 *
 * <p>A transaction that stays open (an idle session in a transaction, a long batch) holds the horizon back: rows
 * then wait, and a warning names the session once a minute.
 */
final class PostgresCommitHorizon {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresCommitHorizon.class);
    private static final long WARN_AFTER_MICROS = 60_000_000L;
    private static final long WARN_EVERY_MS = 60_000;

    /** Open transactions of other sessions of this database; autovacuum writes no user rows. */
    private static final String OLDEST_OPEN = "SELECT (extract(epoch FROM xact_start) * 1000000)::int8, pid, application_name, "
            + "(extract(epoch FROM clock_timestamp()) * 1000000)::int8 FROM pg_stat_activity "
            + "WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL "
            + "AND backend_type NOT IN ('autovacuum worker', 'walsender') ORDER BY xact_start LIMIT 1";
    /** Without it, pg_stat_activity hides the transactions of other roles (their xact_start reads as NULL). */
    private static final String SEES_ALL_SESSIONS = "SELECT pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')";

    private static final String MAX_ALIAS = "__dataflow_max";

    private final ReadHorizon marks = new ReadHorizon();
    private final String markSql;
    private final String label;
    private long lastWarning;
    private boolean visibilityChecked;

    PostgresCommitHorizon(PollingQuery query, String label) {
        String column = query.boundExpr();
        // The alias keeps ORDER BY on the column itself: "(id)::text" would be named "id", and ORDER BY "id" would
        // then sort the text ('9' after '25').
        this.markSql = "SELECT (SELECT (" + column + ")::text AS " + PostgresIdentifiers.quote(MAX_ALIAS) + " FROM " + query.from()
                + " WHERE " + column + " IS NOT NULL ORDER BY " + column + " DESC LIMIT 1), "
                + "(extract(epoch FROM clock_timestamp()) * 1000000)::int8";
        this.label = label;
    }

    /** Takes a mark and releases what the open transactions allow. */
    ReadHorizon advance(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (!visibilityChecked) {
                warnWhenOtherRolesAreHidden(s);
                visibilityChecked = true;
            }
            try (ResultSet rs = s.executeQuery(markSql)) {
                rs.next();
                marks.mark(rs.getLong(2), rs.getString(1));
            }
            try (ResultSet rs = s.executeQuery(OLDEST_OPEN)) {
                if (!rs.next()) {
                    marks.releaseBefore(Long.MAX_VALUE);
                } else {
                    long oldestStart = rs.getLong(1);
                    marks.releaseBefore(oldestStart);
                    warnWhenHeldBackLong(oldestStart, rs.getInt(2), rs.getString(3), rs.getLong(4));
                }
            }
        }
        return marks;
    }

    private void warnWhenOtherRolesAreHidden(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery(SEES_ALL_SESSIONS)) {
            if (rs.next() && !rs.getBoolean(1)) {
                LOG.warn("PostgreSQL source {}: the source's role cannot see other roles' transactions in pg_stat_activity, "
                        + "so rows written late by them can still be skipped: GRANT pg_read_all_stats TO <source role>", label);
            }
        }
    }

    private void warnWhenHeldBackLong(long oldestStart, int pid, String application, long nowMicros) {
        long pendingSince = marks.oldestPendingAt();
        if (pendingSince < 0 || nowMicros - oldestStart < WARN_AFTER_MICROS) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now - lastWarning >= WARN_EVERY_MS) {
            lastWarning = now;
            LOG.warn("PostgreSQL source {}: new rows wait for a transaction open for {} s (pid {}, application_name '{}'): "
                            + "rows it may still commit would land behind the cursor otherwise (waitForOpenTransactions)",
                    label, (nowMicros - oldestStart) / 1_000_000, pid, application);
        }
    }
}
