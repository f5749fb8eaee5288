package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.connector.RefusedRecordFinder;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;

/**
 * Finds the records of a failed batch that the table refuses, writing all the others, by
 * {@link RefusedRecordFinder}'s halving: here one try is a write under a savepoint, rolled back to it on a data
 * error. Runs inside the caller's transaction, which the caller commits (or rolls back) afterwards.
 */
final class FailingRecordIsolator {

    /** A refused record and the server's reason. */
    record Rejection(SinkRow row, String reason) {
    }

    private final Connection connection;
    private final SinkBatchWriter writer;

    FailingRecordIsolator(Connection connection, SinkBatchWriter writer) {
        this.connection = connection;
        this.writer = writer;
    }

    /**
     * Writes every acceptable row of {@code rows} (which failed together) and answers the refused ones in batch
     * order. Errors that are not data errors are thrown: they would fail every half alike.
     */
    List<Rejection> isolate(List<SinkRow> rows) throws SQLException {
        return new RefusedRecordFinder<SinkRow, SQLException>(this::attempt).find(rows).stream()
                .map(r -> new Rejection(r.record(), r.reason()))
                .toList();
    }

    /** Null when the rows were written, else the data error's description (rolled back to the savepoint). */
    private String attempt(List<SinkRow> rows) throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            writer.write(rows);
            connection.releaseSavepoint(savepoint);
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
