package io.dataflow.flink.connector.clickhouse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells whether ClickHouse refuses some rows without storing them in the target: an INSERT cannot be taken back,
 * so the tries go into a TEMPORARY table with the target's columns ({@code CREATE TEMPORARY TABLE … AS <target>
 * ENGINE = Memory}, column types, defaults and, on modern servers, constraints copied). ClickHouse parses and
 * converts every value of an INSERT before the engine sees it, so a row the target refuses is refused here with
 * the same code and message. The refused records of a batch are thus found by halving with these tries, and the
 * rest written by ONE insert (one part) ({@link io.dataflow.flink.connector.RefusedRecordFinder#findThenWrite}).
 *
 * <p>Why a temporary table: it lives in an HTTP session of its own and is visible to no one else, needs no
 * CREATE TABLE grant on the user's database, always has the target's current columns (created per search), and
 * disappears with the session (60 s idle by default) even when the task dies before {@link #close}. It works on
 * 18.16 (whose temporary tables are always Memory) and modern servers alike. It holds the accepted tries of one
 * batch in memory until the search ends. What it cannot see: refusals by materialized views on the target or by
 * the engine itself; then the one insert is refused again and the sink falls back to kept writes.
 */
final class ClickHouseRefusalProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseRefusalProbe.class);

    /** Temporary tables live in their session, so one name cannot collide with another sink's. */
    static final String TABLE = "dataflow_refusal_probe";

    /** How modern servers name a temporary table in messages (a CHECK constraint's, for one). */
    private static final Pattern TEMPORARY_NAME = Pattern.compile("_temporary_and_external_tables\\.`?_tmp_[0-9a-f-]+`?(?: \\([0-9a-f-]+\\))?");

    private final ClickHouseAccess access;
    private final ClickHouseTableName target;
    private final String sessionId;

    private ClickHouseRefusalProbe(ClickHouseAccess access, ClickHouseTableName target, String sessionId) {
        this.access = access;
        this.target = target;
        this.sessionId = sessionId;
    }

    /** Creates the temporary table in a new session; fails when the server or user cannot have one. */
    static ClickHouseRefusalProbe open(ClickHouseAccess access, ClickHouseTableName target) throws ClickHouseException {
        String sessionId = "dataflow-refusal-probe-" + UUID.randomUUID();
        access.execute("CREATE TEMPORARY TABLE " + ClickHouseSql.quoteIdentifier(TABLE) + " AS " + target.qualified()
                + " ENGINE = Memory", sessionId);
        return new ClickHouseRefusalProbe(access, target, sessionId);
    }

    /**
     * Inserts the JSONEachRow lines into the temporary table: null when ClickHouse accepts them, else its reason.
     * Fails for anything but a data error (the caller then falls back to kept writes).
     */
    String tryInsert(byte[] body, int length) throws ClickHouseException {
        try {
            access.insertJsonEachRowInSession(TABLE, sessionId, body, length);
            return null;
        } catch (ClickHouseException e) {
            if (e.isDataError()) {
                // the reason the target's own insert would give: its name, not the temporary table's
                return TEMPORARY_NAME.matcher(e.reason()).replaceAll(Matcher.quoteReplacement(target.toString()));
            }
            throw e;
        }
    }

    /** Drops the table now rather than when the session expires; a failure only leaves it to the expiry. */
    @Override
    public void close() {
        try {
            access.execute("DROP TEMPORARY TABLE IF EXISTS " + ClickHouseSql.quoteIdentifier(TABLE), sessionId);
        } catch (ClickHouseException e) {
            LOG.debug("ClickHouse: the probe's temporary table is left to its session's expiry: {}", e.reason());
        }
    }
}
