package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.config.SecretMasker;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;

/** Reads PostgreSQL errors: which ones are about a record's data, and how to describe them without payloads. */
public final class SqlErrors {

    private SqlErrors() {
    }

    /** The SQLSTATE of the error or of the first chained error that has one (batches chain the real cause). */
    public static String sqlState(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null) {
                return x.getSQLState();
            }
        }
        return null;
    }

    /**
     * Errors caused by the values of particular records, which the sink refuses record by record: class 22 (data
     * exception: bad input syntax, value too long, out of range), class 23 (integrity constraint violation: not
     * null, unique, check, foreign key) and 54000 (program limit exceeded: an index row, a row, a jsonb value or
     * an array larger than the server's limits — a value too large for the table as it is indexed). Every other
     * class (08 connection, 42 schema, 53 resources, 57 operator intervention, …) is about the target and fails
     * the flush; replaying the record cannot help there either, but another record would fail the same way.
     */
    static boolean isDataError(SQLException e) {
        String state = sqlState(e);
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.equals(PROGRAM_LIMIT_EXCEEDED));
    }

    private static final String PROGRAM_LIMIT_EXCEEDED = "54000";

    /**
     * Failures worth retrying on a fresh connection: class 08 (connection exception), 40001 (serialization
     * failure), 40P01 (deadlock), 53300 (too many connections), 57P01–57P03 (server shutting down or restarting).
     */
    static boolean isTransient(String state) {
        return state != null && (state.startsWith("08") || state.equals("40001") || state.equals("40P01")
                || state.equals("53300") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
    }

    /**
     * {@code SQLSTATE 23502: null value in column "x" …}. Only the server's primary message is used: its DETAIL and
     * WHERE parts may quote the failing row or the COPY line.
     */
    public static String describe(SQLException e) {
        SQLException first = e;
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null) {
                first = x;
                break;
            }
        }
        String text = first.getMessage();
        if (first instanceof PSQLException) {
            ServerErrorMessage server = ((PSQLException) first).getServerErrorMessage();
            if (server != null && server.getMessage() != null) {
                text = server.getMessage();
            }
        }
        String state = first.getSQLState();
        return SecretMasker.maskEmbeddedPasswords((state == null ? "" : "SQLSTATE " + state + ": ") + text);
    }
}
