package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.connector.RefusedRecordFinder;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;

/**
 * Finds the records of a failed batch that the table refuses, by {@link RefusedRecordFinder}'s halving: one try is
 * a write under a savepoint, rolled back to it on a data error; the accepted tries stay in the transaction while
 * the search goes on (so that of two records with one key the later is refused), then the whole transaction is
 * rolled back. The good records are then written by one write, in the caller's transaction, which the caller
 * commits (or rolls back) afterwards.
 */
final class FailingRecordIsolator {

    /** A refused record and the server's reason. */
    record Refusal(SinkRow row, String reason) {
    }

    /** What {@link #writeAllButRefused} did: the refused records in batch order, and the duplicates skipped. */
    record Outcome(List<Refusal> refused, int skippedDuplicates) {
    }

    private final Connection connection;
    private final SinkBatchWriter writer;
    private int skippedDuplicates;

    FailingRecordIsolator(Connection connection, SinkBatchWriter writer) {
        this.connection = connection;
        this.writer = writer;
    }

    /**
     * Finds the refused rows of {@code rows} (which failed together) and writes every other one with one write.
     * Errors that are not data errors are thrown: they would fail every half alike.
     */
    Outcome writeAllButRefused(List<SinkRow> rows) throws SQLException {
        List<Refusal> refused = RefusedRecordFinder.findThenWrite(rows, new Tries(), this::underSavepoint).stream()
                .map(r -> new Refusal(r.record(), r.reason()))
                .toList();
        return new Outcome(refused, skippedDuplicates);
    }

    /** Finds the refused rows of {@code rows} without writing anything (the transaction is rolled back). */
    List<Refusal> find(List<SinkRow> rows) throws SQLException {
        Tries tries = new Tries();
        try {
            return new RefusedRecordFinder<SinkRow, SQLException>(tries::tryWrite).find(rows).stream()
                    .map(r -> new Refusal(r.record(), r.reason()))
                    .toList();
        } finally {
            tries.undoTries();
        }
    }

    /** The search's tries: kept in the transaction while the search goes on, all rolled back at its end. */
    private final class Tries implements RefusedRecordFinder.Probe<SinkRow, SQLException> {
        @Override
        public String tryWrite(List<SinkRow> rows) throws SQLException {
            return underSavepoint(rows);
        }

        /** Rolls the tries back, and with them the duplicates they skipped. */
        @Override
        public void undoTries() throws SQLException {
            connection.rollback();
            skippedDuplicates = 0;
        }
    }

    /** Null when the rows were written, else the data error's description (rolled back to the savepoint). */
    private String underSavepoint(List<SinkRow> rows) throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            int skipped = writer.write(rows);
            connection.releaseSavepoint(savepoint);
            skippedDuplicates += skipped;
            return null;
        } catch (SQLException e) {
            if (!SqlErrors.isDataError(e)) {
                throw e;
            }
            connection.rollback(savepoint);
            return SqlErrors.describe(e);
        }
    }
}
