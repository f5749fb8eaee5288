package io.dataflow.flink.connector.trino;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Alters a columnar table so that it holds what a batch's records need (schemaEvolution: evolve): one
 * {@code ALTER TABLE … ADD COLUMN IF NOT EXISTS} per new field (nullable) and one
 * {@code ALTER TABLE … ALTER COLUMN … SET DATA TYPE} per widened column. Trino runs one change per statement.
 *
 * <p>Several writer subtasks meet the same new field at about the same time. Each reads the columns first and
 * alters only what is still missing; IF NOT EXISTS skips a column another writer added before this statement was
 * planned, and when two changes of one Iceberg table race anyway (the loser's commit is refused) the columns are
 * read again and only what is still missing is tried again, so the writer that lost goes on writing. A change the
 * catalog refuses (the memory connector cannot change a column's type; Iceberg none but integer → bigint, real →
 * double) is answered with its reason, and the records that need it go to the error sink.
 */
final class TrinoTableEvolution {

    private static final Logger LOG = LoggerFactory.getLogger(TrinoTableEvolution.class);

    private static final int MAX_ATTEMPTS = 4;
    /** io.trino.spi.StandardErrorCode.NOT_SUPPORTED: asking again does not help. */
    private static final int NOT_SUPPORTED = 13;

    private final TrinoAccess access;
    private final TrinoTableName table;
    private final TrinoRetries retries;

    TrinoTableEvolution(TrinoAccess access, TrinoTableName table, TrinoRetries retries) {
        this.access = access;
        this.table = table;
        this.retries = retries;
    }

    /**
     * Makes the changes {@code needs} ask for that the table does not hold yet. A batch's records may want one new
     * column with different types: the first type inferred from a non-null value wins (varchar when all are null).
     *
     * @return column → the server's reason, for the changes that could not be made; empty when all were
     */
    Map<String, String> apply(Collection<TrinoSchemaNeed> needs) throws SQLException {
        Map<String, TrinoSchemaNeed> wanted = new LinkedHashMap<>();
        for (TrinoSchemaNeed need : needs) {
            TrinoSchemaNeed earlier = wanted.get(need.column());
            if (earlier == null || (earlier.type() == null && need.type() != null)) {
                wanted.put(need.column(), need);
            }
        }
        Map<String, String> failures = new LinkedHashMap<>();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Map<String, String> columns = columns();
            failures.clear();
            boolean retryable = false;
            for (TrinoSchemaNeed need : wanted.values()) {
                if (isMet(need, columns)) {
                    continue;
                }
                String sql = alter(need);
                try {
                    access.execute(sql);
                    LOG.info("Trino table evolved: table={} {}", table, need.isNewColumn()
                            ? "added column " + need.column() + " " + typeOf(need)
                            : "widened column " + need.column() + " from " + need.currentType() + " to " + need.type());
                } catch (SQLException e) {
                    failures.put(need.column(), TrinoErrors.reason(e));
                    retryable |= e.getErrorCode() != NOT_SUPPORTED;
                    LOG.info("Trino table {}: altering column {} failed ({}); reading the columns again", table,
                            need.column(), TrinoErrors.reason(e));
                }
            }
            if (failures.isEmpty() || !retryable) {
                break;
            }
            pause(attempt);
        }
        if (!failures.isEmpty()) {
            // another writer may have made a change this one failed to make: only what is still missing failed
            Map<String, String> columns = columns();
            failures.keySet().removeIf(column -> isMet(wanted.get(column), columns));
        }
        return failures;
    }

    private Map<String, String> columns() throws SQLException {
        Optional<Map<String, String>> columns = retries.run(() -> access.columns(table));
        return columns.orElseThrow(() -> new SQLException("table " + table + " does not exist"));
    }

    /** Whether the table holds the change already: the column exists, or is no longer of the type to widen. */
    private static boolean isMet(TrinoSchemaNeed need, Map<String, String> columns) {
        String current = null;
        for (Map.Entry<String, String> column : columns.entrySet()) {
            if (column.getKey().equalsIgnoreCase(need.column())) {
                current = column.getValue();
            }
        }
        if (need.isNewColumn()) {
            return current != null;
        }
        return current == null || !current.toLowerCase(Locale.ROOT).equals(need.currentType().toLowerCase(Locale.ROOT));
    }

    private String alter(TrinoSchemaNeed need) {
        String column = TrinoSql.quoteIdentifier(need.column());
        return need.isNewColumn()
                ? "ALTER TABLE " + table.qualified() + " ADD COLUMN IF NOT EXISTS " + column + " " + typeOf(need)
                : "ALTER TABLE " + table.qualified() + " ALTER COLUMN " + column + " SET DATA TYPE " + need.type();
    }

    private static String typeOf(TrinoSchemaNeed need) {
        return need.type() == null ? "varchar" : need.type();
    }

    private static void pause(int attempt) throws SQLException {
        try {
            Thread.sleep(100L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while evolving the table", e);
        }
    }
}
