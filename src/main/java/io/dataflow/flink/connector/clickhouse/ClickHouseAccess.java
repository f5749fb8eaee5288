package io.dataflow.flink.connector.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.command.CommandResponse;
import com.clickhouse.client.api.command.CommandSettings;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The only class that talks to ClickHouse, through the official {@code client-v2} over HTTP, using just what
 * works on ClickHouse 18.16 and on modern servers alike (see {@code shared/reference/clickhouse-client.md}):
 * <ul>
 *   <li>response compression off unless {@code compression: true} (18.16 answers compressed requests with an
 *       empty body, so every SELECT would silently return nothing: {@link #open} refuses such a server);</li>
 *   <li>inserts as JSONEachRow streams, unknown fields skipped ({@code input_format_skip_unknown_fields=1});</li>
 *   <li>reads with {@code FORMAT JSONEachRow} written into the SQL (18.16 ignores the format header) and
 *       {@code output_format_json_quote_64bit_integers=0}, so 64-bit integers arrive as JSON numbers;</li>
 *   <li>the database as the {@code database} URL parameter (18.16 ignores the database header);</li>
 *   <li>no server-side query parameters, binary readers or {@code queryAll} (none of them exists in 18.16):
 *       literals are escaped by {@link ClickHouseSql}.</li>
 * </ul>
 * Every failure is a {@link ClickHouseException} that says what was attempted, classified for retries and
 * record attribution by {@link ClickHouseErrors}.
 */
public final class ClickHouseAccess implements AutoCloseable {

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** One request end to end, as the original's flush context (5 minutes). */
    static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofMinutes(5);

    private static final ObjectMapper JSON = new ObjectMapper()
            // Decimal(18, 2) values keep every digit; Float64 values are exact decimals of their text too.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

    private final Client client;
    private final ClickHouseConnectionString target;
    private final long timeoutMillis;

    private ClickHouseAccess(Client client, ClickHouseConnectionString target, long timeoutMillis) {
        this.client = client;
        this.target = target;
        this.timeoutMillis = timeoutMillis;
    }

    /** Builds the client and checks that the server answers a query (a ping alone passes even when reads would not). */
    public static ClickHouseAccess open(ClickHouseConnectionString target, boolean compression) throws ClickHouseException {
        Duration connect = target.connectTimeout() != null ? target.connectTimeout() : DEFAULT_CONNECT_TIMEOUT;
        Duration socket = target.socketTimeout() != null ? target.socketTimeout() : DEFAULT_SOCKET_TIMEOUT;
        Client.Builder builder = new Client.Builder()
                .addEndpoint(target.endpoint())
                .setUsername(target.user())
                .setPassword(target.password())
                .setDefaultDatabase(target.database())
                .compressServerResponse(compression)
                .compressClientRequest(compression)
                .setConnectTimeout(connect.toMillis(), ChronoUnit.MILLIS)
                .setSocketTimeout(socket.toMillis(), ChronoUnit.MILLIS)
                // retries are the connectors' own (transient errors only, with back-off)
                .setMaxRetries(0)
                .setClientName("dataflow-flink")
                .serverSetting("output_format_json_quote_64bit_integers", "0")
                // 18.16 ignores the client's X-ClickHouse-Database header; the URL parameter works on every version
                .serverSetting("database", target.database());
        target.serverSettings().forEach(builder::serverSetting);
        Client client;
        try {
            client = builder.build();
        } catch (RuntimeException e) {
            throw ClickHouseErrors.wrap("connecting to ClickHouse " + target, e);
        }
        ClickHouseAccess access = new ClickHouseAccess(client, target, socket.toMillis() + connect.toMillis());
        List<ObjectNode> answer;
        try {
            answer = access.query("SELECT 1 AS ok");
        } catch (ClickHouseException e) {
            access.close();
            throw ClickHouseErrors.wrap("connecting to ClickHouse " + target, e.getCause() != null ? e.getCause() : e);
        }
        if (answer.isEmpty()) {
            access.close();
            // ClickHouse before 19.x answers compress=1 with HTTP 200 and no body: every read would find nothing
            String hint = compression ? "; this server cannot compress its answers: set compression: false" : "";
            throw new ClickHouseException("connecting to ClickHouse " + target + ": SELECT 1 came back empty" + hint,
                    "empty answer" + hint, 0, false, false, null);
        }
        return access;
    }

    public ClickHouseConnectionString target() {
        return target;
    }

    /** Runs a statement that returns nothing (DDL, OPTIMIZE). */
    public void execute(String sql) throws ClickHouseException {
        execute(sql, null);
    }

    /**
     * Runs a statement that returns nothing within the HTTP session {@code sessionId} (null: none). A session keeps
     * the temporary tables created in it ({@link ClickHouseRefusalProbe}) until it is idle for the server's
     * {@code session_timeout} (60 s by default).
     */
    void execute(String sql, String sessionId) throws ClickHouseException {
        CommandSettings settings = new CommandSettings();
        if (sessionId != null) {
            settings.setSessionId(sessionId);
        }
        try (CommandResponse ignored = client.execute(sql, settings).get(timeoutMillis, TimeUnit.MILLISECONDS)) {
            // the response only has to be consumed
        } catch (Exception e) {
            throw failure("running " + firstWords(sql), e);
        }
    }

    /**
     * Inserts newline-delimited JSON objects (JSONEachRow); fields without a column are skipped. A non-null
     * {@code deduplicationToken} goes with the INSERT as {@code insert_deduplication_token} (only for servers that
     * know it: see {@link ClickHouseServerFeatures}).
     */
    public void insertJsonEachRow(ClickHouseTableName table, byte[] rows, int length, String deduplicationToken) throws ClickHouseException {
        InsertSettings settings = new InsertSettings();
        if (deduplicationToken != null) {
            settings.serverSetting("insert_deduplication_token", deduplicationToken);
        }
        insertJsonEachRow(table.qualified(), String.valueOf(table), rows, length, settings);
    }

    /**
     * Inserts as {@link #insertJsonEachRow(ClickHouseTableName, byte[], int, String)} does, into the temporary
     * table {@code temporaryTable} of the HTTP session {@code sessionId}.
     */
    void insertJsonEachRowInSession(String temporaryTable, String sessionId, byte[] rows, int length) throws ClickHouseException {
        insertJsonEachRow(ClickHouseSql.quoteIdentifier(temporaryTable), "temporary table " + temporaryTable, rows, length,
                new InsertSettings().setSessionId(sessionId));
    }

    private void insertJsonEachRow(String target, String description, byte[] rows, int length, InsertSettings settings)
            throws ClickHouseException {
        settings.serverSetting("input_format_skip_unknown_fields", "1");
        try (InputStream in = new ByteArrayInputStream(rows, 0, length);
             InsertResponse ignored = client.insert(target, in, ClickHouseFormat.JSONEachRow, settings)
                     .get(timeoutMillis, TimeUnit.MILLISECONDS)) {
            // InsertResponse.getWrittenRows() is -1 on 18.16 (no summary header): success is the only answer
        } catch (Exception e) {
            throw failure("inserting into " + description, e);
        }
    }

    /** The rows of a SELECT (written without FORMAT) as JSON objects. */
    public List<ObjectNode> query(String select) throws ClickHouseException {
        List<ObjectNode> rows = new ArrayList<>();
        try (QueryResponse response = client.query(select + "\nFORMAT JSONEachRow").get(timeoutMillis, TimeUnit.MILLISECONDS);
             MappingIterator<ObjectNode> it = JSON.readerFor(ObjectNode.class).readValues(response.getInputStream())) {
            while (it.hasNextValue()) {
                rows.add(it.nextValue());
            }
        } catch (Exception e) {
            throw failure("querying " + firstWords(select), e);
        }
        return rows;
    }

    /**
     * A SELECT whose rows are read as they arrive (a cursor-less poll query larger than memory); the caller closes
     * the stream. It runs under a query id of its own, so that another thread can stop it with {@link #kill}.
     */
    public ClickHouseRowStream stream(String select) throws ClickHouseException {
        String queryId = "dataflow-" + UUID.randomUUID();
        QueryResponse response = null;
        try {
            response = client.query(select + "\nFORMAT JSONEachRow", new QuerySettings().setQueryId(queryId))
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
            MappingIterator<ObjectNode> rows = JSON.readerFor(ObjectNode.class).readValues(response.getInputStream());
            return new ClickHouseRowStream(queryId, response, rows, e -> failure("reading " + firstWords(select), e));
        } catch (Exception e) {
            if (response != null) {
                ClickHouseRowStream.closeQuietly(response);
            }
            throw failure("querying " + firstWords(select), e);
        }
    }

    /**
     * Asks the server to stop the query {@code queryId} without waiting for it (KILL QUERY … ASYNC): its response
     * then ends, and the thread reading it returns. Closing the response instead would make the HTTP client read
     * the rest of it first, for as long as the query runs. False when the server runs no such query (it has
     * ended, or a front in between did not pass the query id on).
     */
    public boolean kill(String queryId) throws ClickHouseException {
        return !query("KILL QUERY WHERE query_id = " + ClickHouseSql.quoteString(queryId) + " ASYNC").isEmpty();
    }

    /** Column name → type of a SELECT's result, read from {@code FORMAT JSON} metadata of an empty result. */
    public Map<String, String> resultTypes(String select) throws ClickHouseException {
        Map<String, String> types = new LinkedHashMap<>();
        try (QueryResponse response = client.query("SELECT * FROM (" + select + ") LIMIT 0\nFORMAT JSON")
                .get(timeoutMillis, TimeUnit.MILLISECONDS)) {
            JsonNode meta = JSON.readTree(response.getInputStream()).path("meta");
            for (JsonNode column : meta) {
                types.put(column.path("name").asText(), column.path("type").asText());
            }
        } catch (Exception e) {
            throw failure("describing " + firstWords(select), e);
        }
        return types;
    }

    /** The server's time zone, which reads and writes DateTime columns without a zone of their own (UTC if unknown). */
    public ZoneId serverZone() throws ClickHouseException {
        List<ObjectNode> rows = query("SELECT timezone() AS tz");
        try {
            return rows.isEmpty() ? ZoneOffset.UTC : ZoneId.of(rows.get(0).path("tz").asText("UTC"));
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    /** Column name → type of a table, in table order; empty when the table does not exist. */
    public Optional<Map<String, String>> columns(ClickHouseTableName table) throws ClickHouseException {
        List<ObjectNode> rows = query("SELECT name, type FROM system.columns WHERE database = "
                + ClickHouseSql.quoteString(table.database()) + " AND table = " + ClickHouseSql.quoteString(table.table()));
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> columns = new LinkedHashMap<>();
        for (ObjectNode row : rows) {
            columns.put(row.path("name").asText(), row.path("type").asText());
        }
        return Optional.of(columns);
    }

    private ClickHouseException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        return ClickHouseErrors.wrap(what + " (" + target + ")", cause);
    }

    private static String firstWords(String sql) {
        String s = sql.trim().replaceAll("\\s+", " ");
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (RuntimeException ignored) {
            // closing anyway
        }
    }
}
