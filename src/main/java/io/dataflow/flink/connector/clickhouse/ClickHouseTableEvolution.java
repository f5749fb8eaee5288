package io.dataflow.flink.connector.clickhouse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Applies {@link ClickHouseSchemaChanges} to the table (schemaEvolution: evolve). Several writer subtasks meet the
 * same new field at about the same time: each reads the columns first and alters only what is still missing, and
 * after a failed ALTER it reads them again and retries what is left, so that the writers that lost the race go on
 * writing instead of failing. Modern servers get {@code ADD COLUMN IF NOT EXISTS}; 18.16 answers that form with a
 * syntax error (code 62), after which this sink's ALTERs leave out {@code IF NOT EXISTS} and rely on re-reading.
 */
final class ClickHouseTableEvolution {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseTableEvolution.class);

    static final int MAX_ATTEMPTS = 5;
    private static final int SYNTAX_ERROR = 62;

    private final ClickHouseAccess access;
    private final ClickHouseTableName table;
    /** Whether the server takes {@code ADD COLUMN IF NOT EXISTS}; learnt from the first refusal. */
    private boolean ifNotExists = true;

    ClickHouseTableEvolution(ClickHouseAccess access, ClickHouseTableName table) {
        this.access = access;
        this.table = table;
    }

    /** Alters the table until it holds {@code changes}; answers its columns afterwards. */
    Map<String, String> apply(ClickHouseSchemaChanges changes) throws ClickHouseException {
        for (int attempt = 1; ; attempt++) {
            Map<String, String> current = columns();
            ClickHouseSchemaChanges remaining = changes.remainingFor(current);
            if (remaining.isEmpty()) {
                return current;
            }
            String alter = remaining.alterTable(table, ifNotExists && !remaining.added().isEmpty());
            try {
                access.execute(alter);
                LOG.info("ClickHouse table evolved: table={} added={} widened={}", table, remaining.added(),
                        remaining.widened());
                return columns();
            } catch (ClickHouseException e) {
                if (ifNotExists && e.code() == SYNTAX_ERROR && !remaining.added().isEmpty()) {
                    ifNotExists = false; // 18.16: no IF NOT EXISTS in ALTER; not an attempt of its own
                    attempt--;
                    continue;
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                LOG.info("ClickHouse ALTER of {} failed ({}); another writer may have changed it, reading its columns"
                        + " again", table, e.reason());
                pause(attempt);
            }
        }
    }

    private Map<String, String> columns() throws ClickHouseException {
        return access.columns(table).orElseThrow(() -> new ClickHouseException("ClickHouse sink " + table
                + ": the table does not exist", "table does not exist", 60, false, false, null));
    }

    private static void pause(int attempt) throws ClickHouseException {
        try {
            Thread.sleep(50L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseException("interrupted while evolving the table", "interrupted", 0, false, false, e);
        }
    }
}
