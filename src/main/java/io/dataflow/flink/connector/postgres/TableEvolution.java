package io.dataflow.flink.connector.postgres;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * Applies {@link SchemaChanges} to the table (schemaEvolution: evolve). Several writer subtasks meet the same new
 * field at about the same time: each reads the catalog first and alters only what is still missing, and an error
 * that means "another session changed this table concurrently" makes it read the catalog again and retry, so that
 * the writers that lost the race go on writing instead of failing.
 */
final class TableEvolution {

    private static final Logger LOG = LoggerFactory.getLogger(TableEvolution.class);

    private static final int MAX_ATTEMPTS = 5;

    /**
     * 42701 duplicate column and 23505 unique violation (of pg_attribute's or pg_type's index: two sessions adding
     * the same name), XX000 "tuple concurrently updated" (two ALTERs of one catalog row), 40P01 deadlock, 40001
     * serialization failure and 55P03 lock not available.
     */
    private static final Set<String> CONCURRENT_DDL = Set.of("42701", "23505", "XX000", "40P01", "40001", "55P03");

    private TableEvolution() {
    }

    /** Alters the table until it holds {@code changes}; commits. */
    static void apply(Connection c, PostgresTableName table, SchemaChanges changes) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            TableColumns current = TableCatalog.columns(c, table)
                    .orElseThrow(() -> new SQLException("table " + table + " does not exist", "42P01"));
            c.commit();
            SchemaChanges remaining = changes.remainingFor(current);
            if (remaining.isEmpty()) {
                return;
            }
            try (Statement s = c.createStatement()) {
                s.execute(remaining.alterTable(table));
                c.commit();
                LOG.info("PostgreSQL table evolved: table={} added={} widened={}", table, remaining.added(),
                        remaining.widened());
                return;
            } catch (SQLException e) {
                c.rollback();
                if (attempt >= MAX_ATTEMPTS || !CONCURRENT_DDL.contains(SqlErrors.sqlState(e))) {
                    throw e;
                }
                LOG.info("PostgreSQL table {} changed concurrently while evolving it ({}); reading it again",
                        table, SqlErrors.describe(e));
                pause(attempt);
            }
        }
    }

    private static void pause(int attempt) throws SQLException {
        try {
            Thread.sleep(50L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while evolving the table", "57014", e);
        }
    }
}
