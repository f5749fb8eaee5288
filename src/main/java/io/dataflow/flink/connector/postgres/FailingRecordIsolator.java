package io.dataflow.flink.connector.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the records of a failed batch that the table refuses, writing all the others: the batch is split in
 * halves, each half tried under a savepoint, and a failing half split again until single records remain. With
 * k bad records among n this costs about 2·k·log2(n) statements instead of n. Runs inside the caller's
 * transaction, which the caller commits (or rolls back) afterwards.
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
        List<Rejection> rejected = new ArrayList<>();
        split(rows, rejected);
        return rejected;
    }

    private void split(List<SinkRow> rows, List<Rejection> rejected) throws SQLException {
        if (rows.size() == 1) {
            SQLException failure = attempt(rows);
            if (failure != null) {
                rejected.add(new Rejection(rows.get(0), SqlErrors.describe(failure)));
            }
            return;
        }
        int middle = rows.size() / 2;
        for (List<SinkRow> half : List.of(rows.subList(0, middle), rows.subList(middle, rows.size()))) {
            SQLException failure = attempt(half);
            if (failure != null) {
                if (half.size() == 1) {
                    rejected.add(new Rejection(half.get(0), SqlErrors.describe(failure)));
                } else {
                    split(half, rejected);
                }
            }
        }
    }

    /** Null when the rows were written, else the data error (rolled back to the savepoint). */
    private SQLException attempt(List<SinkRow> rows) throws SQLException {
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
            return e;
        }
    }
}
