package io.dataflow.flink.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The runner's side of the kafka-to-clickhouse scenario: plain HTTP statements against the ClickHouse server
 * (18.16 here: no compression, FORMAT in the SQL), used to create, count and drop each contender's table.
 */
final class BenchClickHouse {

    /** Same columns as {@link BenchEvents#COLUMNS}; Decimal(18, 2) takes the events' two-decimal amounts as they are. */
    static final String CREATE_TABLE = "CREATE TABLE %s (id Int64, user_id Int64, status String, amount Decimal(18, 2), "
            + "email String, country String, payload String) ENGINE = MergeTree ORDER BY id";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;

    BenchClickHouse(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    }

    void execute(String sql) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("ClickHouse answered HTTP " + response.statusCode() + " to " + sql + ": " + response.body());
        }
    }

    long count(String table) throws IOException, InterruptedException {
        String query = URLEncoder.encode("SELECT count() FROM " + table, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "?query=" + query)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("ClickHouse answered HTTP " + response.statusCode() + " to a count of " + table + ": " + response.body());
        }
        return Long.parseLong(response.body().trim());
    }
}
