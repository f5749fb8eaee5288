package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.ClickHouse;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A retried INSERT is stored once: on a modern ClickHouse (26.7) the sink sends {@code insert_deduplication_token}
 * and creates its tables with {@code non_replicated_deduplication_window}; on 18.16, which knows neither and refuses
 * unknown settings, it sends neither and keeps working. The retry is real: a pass-through HTTP proxy in front of the
 * server forwards the first INSERT and then drops the connection instead of answering, as a load balancer or a
 * network failure does after the server stored the rows.
 */
@RealServers({Server.CLICKHOUSE, Server.CLICKHOUSE_MODERN})
class ClickHouseDeduplicationITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String DATABASE = "it_dedup_" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void databases() throws Exception {
        sql(modernUrl(), "CREATE DATABASE " + DATABASE);
        ClickHouse.execute("CREATE DATABASE " + DATABASE);
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        sql(modernUrl(), "DROP DATABASE IF EXISTS " + DATABASE);
        ClickHouse.execute("DROP DATABASE IF EXISTS " + DATABASE);
    }

    private static String modernUrl() {
        return "http://127.0.0.1:" + RealServersExtension.port(Server.CLICKHOUSE_MODERN);
    }

    private static String legacyUrl() {
        return "http://127.0.0.1:" + ClickHouse.port();
    }

    /** Runs a statement over plain HTTP (not through the connector) and answers the body. */
    private static String sql(String server, String statement) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(statement)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", statement, r.body()).isEqualTo(200);
        return r.body().trim();
    }

    private static ClickHouseSinkConnector sink(String server, String table) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree("{\"batchSize\":10000,\"autoCreateTable\":true}");
        config.put("connectionString", server + "/" + DATABASE).put("table", table);
        ClickHouseConnectorFactory factory = new ClickHouseConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", config, factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        errors.throwIfAny();
        return new ClickHouseSinkConnector(ClickHouseSinkSettings.from(c), ConnectorContext.standalone("it", "sink"),
                Duration.ofMillis(50));
    }

    private static void writeBatch(String server, String table, int from, int to) throws Exception {
        try (ClickHouseSinkConnector sink = sink(server, table)) {
            sink.connect();
            for (int i = from; i < to; i++) {
                sink.write(Message.of("{\"id\":" + i + ",\"name\":\"record " + i + "\"}"));
            }
            sink.flush();
        }
    }

    @Test
    void onAModernServerAnInsertWhoseAnswerWasLostIsRetriedAndStoredOnce() throws Exception {
        String table = "retried";
        try (AnswerDroppingProxy proxy = new AnswerDroppingProxy(modernUrl())) {
            writeBatch(proxy.url(), table, 0, 500);
            assertThat(proxy.droppedInserts.get()).as("the first INSERT reached the server, its answer was dropped").isEqualTo(1);
            assertThat(proxy.inserts.get()).as("the sink retried it").isEqualTo(2);
        }
        String t = DATABASE + "." + table;
        assertThat(sql(modernUrl(), "SELECT count(), uniqExact(id) FROM " + t)).isEqualTo("500\t500");
        assertThat(sql(modernUrl(), "SHOW CREATE TABLE " + t)).contains("non_replicated_deduplication_window = 100");

        // a replay after a restart that forms the same batch is stored once too; other records are written
        writeBatch(modernUrl(), table, 0, 500);
        writeBatch(modernUrl(), table, 500, 600);
        assertThat(sql(modernUrl(), "SELECT count(), uniqExact(id) FROM " + t)).isEqualTo("600\t600");
    }

    @Test
    void on18_16TheSinkSendsNoSettingTheServerDoesNotKnowAndKeepsWriting() throws Exception {
        String table = "legacy";
        assertThat(sql(legacyUrl(), "SELECT version()")).startsWith("18.16");
        try (AnswerDroppingProxy proxy = new AnswerDroppingProxy(legacyUrl())) {
            writeBatch(proxy.url(), table, 0, 500);
            assertThat(proxy.inserts.get()).isEqualTo(2);
        }
        String t = DATABASE + "." + table;
        assertThat(sql(legacyUrl(), "SHOW CREATE TABLE " + t)).doesNotContain("deduplication");
        // 18.16 has no insert deduplication for plain MergeTree: the retried INSERT is stored twice (documented)
        assertThat(sql(legacyUrl(), "SELECT count(), uniqExact(id) FROM " + t)).isEqualTo("1000\t500");
    }

    /** Forwards every request to the server; the first INSERT is forwarded and then its connection is dropped unanswered. */
    private static final class AnswerDroppingProxy implements AutoCloseable {

        final AtomicInteger inserts = new AtomicInteger();
        final AtomicInteger droppedInserts = new AtomicInteger();
        private final String target;
        private final HttpServer server;

        AnswerDroppingProxy(String target) throws IOException {
            this.target = target;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::forward);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void forward(HttpExchange exchange) throws IOException {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String query = exchange.getRequestURI().getRawQuery();
            boolean insert = query != null && URLDecoder.decode(query, StandardCharsets.UTF_8).contains("INSERT INTO")
                    || new String(body, 0, Math.min(body.length, 20), StandardCharsets.UTF_8).startsWith("INSERT INTO");
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (name.toLowerCase().startsWith("x-clickhouse") || name.equalsIgnoreCase("content-type")
                        || name.equalsIgnoreCase("authorization")) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (insert && inserts.incrementAndGet() == 1) {
                droppedInserts.incrementAndGet();
                throw new IOException("the answer of the first INSERT is dropped"); // the server closes the connection
            }
            response.headers().map().forEach((name, values) -> {
                if (name.toLowerCase().startsWith("x-clickhouse") || name.equalsIgnoreCase("content-type")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
