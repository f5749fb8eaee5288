package io.dataflow.flink.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Helpers for tests against the ClickHouse started by {@link RealServersExtension}. They talk to the HTTP interface
 * with the JDK's own client, so that what a test reads back does not go through the connector's code.
 */
public final class ClickHouse {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private ClickHouse() {
    }

    public static int port() {
        return RealServersExtension.port(Server.CLICKHOUSE);
    }

    /** The HTTP form of a connection string. */
    public static String url(String database) {
        return "http://127.0.0.1:" + port() + "/" + database;
    }

    /**
     * The original's native DSN form, as a manifest written for clickhouse-go carries it; the test server's HTTP
     * port is not the default 8123, so it is given as {@code http_port}.
     */
    public static String nativeUrl(String database) {
        return "clickhouse://default@127.0.0.1:19000/" + database + "?dial_timeout=10s&max_execution_time=60&http_port=" + port();
    }

    /** Creates a database with a unique name and answers it. */
    public static String createDatabase(String prefix) throws Exception {
        String database = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
        execute("CREATE DATABASE " + database);
        return database;
    }

    /** Runs a statement; fails with the server's message. */
    public static String execute(String sql) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("ClickHouse refused " + sql + ": " + response.body());
        }
        return response.body();
    }

    /** The rows of a SELECT as JSON objects (64-bit integers as numbers). */
    public static List<ObjectNode> rows(String select) throws IOException, InterruptedException {
        String uri = "http://127.0.0.1:" + port() + "/?output_format_json_quote_64bit_integers=0&query="
                + URLEncoder.encode(select + " FORMAT JSONEachRow", StandardCharsets.UTF_8);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("ClickHouse refused " + select + ": " + response.body());
        }
        List<ObjectNode> rows = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank()) {
                rows.add((ObjectNode) JSON.readTree(line));
            }
        }
        return rows;
    }

    public static long count(String select) throws IOException, InterruptedException {
        return Long.parseLong(execute(select).trim());
    }
}
