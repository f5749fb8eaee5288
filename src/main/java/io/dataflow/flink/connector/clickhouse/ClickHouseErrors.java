package io.dataflow.flink.connector.clickhouse;

import com.clickhouse.client.api.ServerException;
import io.dataflow.flink.config.SecretMasker;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what the official client throws: the error code (18.16 sends it only inside the message text, so the
 * client reports 0), whether it is transient or caused by the data, and the server's message without the
 * payload excerpt ClickHouse quotes after {@code before:}.
 */
final class ClickHouseErrors {

    /** Codes caused by the records sent: parse and conversion errors of input values. */
    static final Set<Integer> DATA_ERRORS = Set.of(
            6,   // CANNOT_PARSE_TEXT
            25,  // CANNOT_PARSE_ESCAPE_SEQUENCE
            26,  // CANNOT_PARSE_QUOTED_STRING
            27,  // CANNOT_PARSE_INPUT_ASSERTION_FAILED
            38,  // CANNOT_PARSE_DATE
            41,  // CANNOT_PARSE_DATETIME
            53,  // TYPE_MISMATCH
            69,  // ARGUMENT_OUT_OF_BOUND (a decimal with too many digits)
            70,  // CANNOT_CONVERT_TYPE
            72,  // CANNOT_PARSE_NUMBER
            117, // INCORRECT_DATA
            130, // CANNOT_READ_ARRAY_FROM_TEXT
            131, // TOO_LARGE_STRING_SIZE
            321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
            349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
            407, // DECIMAL_OVERFLOW
            469, // VIOLATED_CONSTRAINT
            1001 // STD_EXCEPTION (out-of-range conversions inside the parser)
    );

    /** Codes worth retrying (docs/ORIGINAL.md#clickhouse): timeouts, network, TOO_MANY_PARTS, memory limit, overload. */
    static final Set<Integer> TRANSIENT = Set.of(
            159, // TIMEOUT_EXCEEDED
            164, // READONLY (replica switching to read-only during failover)
            202, // TOO_MANY_SIMULTANEOUS_QUERIES
            209, // SOCKET_TIMEOUT
            210, // NETWORK_ERROR
            241, // MEMORY_LIMIT_EXCEEDED
            242, // TABLE_IS_READ_ONLY
            252, // TOO_MANY_PARTS
            319, // UNKNOWN_STATUS_OF_INSERT
            425  // SYSTEM_ERROR
    );

    private static final Pattern CODE = Pattern.compile("Code:\\s*(\\d+)");
    private static final Pattern HTTP_STATUS = Pattern.compile("transport error:\\s*(\\d{3})");
    /** 18.16: {@code Code: 27, e.displayText() = DB::Exception: <message>, e.what() = DB::Exception}. */
    private static final Pattern OLD_FORMAT = Pattern.compile("(?s)Code:\\s*\\d+,\\s*e\\.displayText\\(\\)\\s*=\\s*(?:DB::Exception:\\s*)?(.*?)(?:,\\s*e\\.what\\(\\).*)?$");
    /** Newer servers: {@code Code: 27. DB::Exception: <message> (NAME) (version 24.3…)}. */
    private static final Pattern NEW_FORMAT = Pattern.compile("(?s)Code:\\s*\\d+\\.\\s*(?:DB::Exception:\\s*)?(.*?)(?:\\s*\\(version .*\\))?\\s*$");
    /** The excerpt of the input ClickHouse quotes, up to the location notes that follow it. */
    private static final Pattern INPUT_EXCERPT = Pattern.compile("(?s) before: .*?(?=: \\((?:while read|at row)|$)");

    private ClickHouseErrors() {
    }

    /** Wraps any failure of {@code what} ("inserting 500 rows into db.t"). */
    static ClickHouseException wrap(String what, Throwable failure) {
        if (failure instanceof ClickHouseException) {
            return (ClickHouseException) failure;
        }
        Throwable root = failure;
        ServerException server = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ServerException && server == null) {
                server = (ServerException) t;
            }
            root = t;
        }
        if (server != null) {
            String text = String.valueOf(server.getMessage());
            int code = server.getCode() > 0 ? server.getCode() : codeIn(text);
            int status = server.getTransportProtocolCode() > 0 ? server.getTransportProtocolCode() : statusIn(text);
            String reason = "ClickHouse code " + code + ": " + serverMessage(text);
            boolean transientFailure = TRANSIENT.contains(code) || status == 502 || status == 503 || status == 504;
            return new ClickHouseException(SecretMasker.maskEmbeddedPasswords(what + " failed: " + reason), reason, code,
                    transientFailure, DATA_ERRORS.contains(code), null);
        }
        boolean network = isNetwork(failure);
        String reason = SecretMasker.maskEmbeddedPasswords(root.getClass().getSimpleName() + ": " + root.getMessage());
        return new ClickHouseException(SecretMasker.maskEmbeddedPasswords(what + " failed: " + reason), reason, 0, network,
                false, null);
    }

    private static boolean isNetwork(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof SocketTimeoutException || t instanceof NoRouteToHostException
                    || t instanceof SocketException || t instanceof UnknownHostException || t instanceof TimeoutException
                    || t instanceof java.io.InterruptedIOException || t instanceof org.apache.hc.core5.http.NoHttpResponseException
                    || t instanceof org.apache.hc.core5.http.ConnectionClosedException
                    || t instanceof com.clickhouse.client.api.ConnectionInitiationException
                    || t instanceof com.clickhouse.client.api.DataTransferException) {
                return true;
            }
        }
        return false;
    }

    static int codeIn(String text) {
        Matcher m = CODE.matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static int statusIn(String text) {
        Matcher m = HTTP_STATUS.matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** The server's message without the code prefix, the trailer and the quoted input. */
    static String serverMessage(String text) {
        String s = text.trim();
        Matcher old = OLD_FORMAT.matcher(s);
        Matcher modern = NEW_FORMAT.matcher(s);
        if (old.matches()) {
            s = old.group(1);
        } else if (modern.matches()) {
            s = modern.group(1);
        }
        s = INPUT_EXCERPT.matcher(s).replaceAll("");
        s = s.replaceAll("\\s+", " ").trim();
        return SecretMasker.maskEmbeddedPasswords(s.length() > 1000 ? s.substring(0, 1000) + "…" : s);
    }
}
