package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.SourceBatch;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The column types both ClickHouse servers have (Nullable, LowCardinality, Decimal, Array, UUID), through the sink
 * (values read back with SQL) and the polling source (the JSON it emits); one subclass per server. What the test
 * reads back goes through the JDK's HTTP client, not the connector's code.
 */
abstract class ClickHouseTypeCases {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static String database;

    /** The server of the subclass's {@code @RealServers}. */
    static Server server;

    @BeforeAll
    static void database() throws Exception {
        database = "it_types_" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        sql("DROP DATABASE IF EXISTS " + database);
    }

    static String url() {
        return "http://127.0.0.1:" + RealServersExtension.port(server);
    }

    /** Runs a statement (with URL settings such as {@code allow_experimental_low_cardinality_type=1}); fails with the server's message. */
    static String sql(String statement, String... settings) throws IOException, InterruptedException {
        String query = settings.length == 0 ? "/" : "/?" + String.join("&", settings);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + query))
                .POST(HttpRequest.BodyPublishers.ofString(statement, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", statement, r.body()).isEqualTo(200);
        return r.body();
    }

    /** The rows of a SELECT as JSON objects (64-bit integers as numbers, decimals exact). */
    static List<ObjectNode> rows(String select) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/?output_format_json_quote_64bit_integers=0&query="
                + URLEncoder.encode(select + " FORMAT JSONEachRow", StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", select, r.body()).isEqualTo(200);
        List<ObjectNode> rows = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (!line.isBlank()) {
                rows.add((ObjectNode) JSON.readTree(line));
            }
        }
        return rows;
    }

    static Map<String, String> columnTypes(String table) throws Exception {
        Map<String, String> types = new TreeMap<>();
        for (ObjectNode r : rows("SELECT name, type FROM system.columns WHERE database = '" + database + "' AND table = '" + table + "'")) {
            types.put(r.get("name").asText(), r.get("type").asText());
        }
        return types;
    }

    static ClickHouseSinkConnector sink(String table, String extraConfig) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(("{" + extraConfig + "}").replace('\'', '"'));
        config.put("connectionString", url() + "/" + database).put("table", table);
        ClickHouseConnectorFactory factory = new ClickHouseConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", config, factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        errors.throwIfAny();
        return new ClickHouseSinkConnector(ClickHouseSinkSettings.from(c), ConnectorContext.standalone("it", "sink"), Duration.ofMillis(50));
    }

    /** Writes the records (JSON, ' for ") through the sink and flushes; a refused record fails the flush. */
    static void write(String table, String extraConfig, String... records) throws Exception {
        try (ClickHouseSinkConnector sink = sink(table, extraConfig)) {
            sink.connect();
            for (String r : records) {
                sink.write(Message.of(r.replace('\'', '"')));
            }
            sink.flush();
        }
    }

    /** Everything a bounded polling source emits for the table, as the JSON text of each record. */
    static List<String> read(String table, String extraConfig) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(("{'bounded':true,'pollInterval':'50ms','safetyLag':'0s'," + extraConfig + "}")
                .replace('\'', '"'));
        config.put("connectionString", url() + "/" + database).put("table", table);
        ClickHouseConnectorFactory factory = new ClickHouseConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("source.config", config, factory.sourceOptions(), errors);
        factory.validateSource(c, errors);
        errors.throwIfAny();
        List<String> out = new ArrayList<>();
        try (ClickHousePollingSource source = new ClickHousePollingSource(c, ConnectorContext.standalone("it", "source"))) {
            source.connect();
            for (int polls = 0; polls < 10_000; polls++) {
                SourceBatch batch = source.poll();
                if (batch.isEnd()) {
                    return out;
                }
                for (Message m : batch.messages()) {
                    out.add(new String(m.data(), StandardCharsets.UTF_8));
                }
                batch.markEmitted();
            }
        }
        throw new AssertionError("the bounded source did not end; read so far: " + out);
    }

    static JsonNode tree(String json) throws IOException {
        return JSON.readTree(json);
    }

    /** Creates a table; 18.16 needs the experimental switch for LowCardinality (harmless on modern servers, which know it). */
    void createTable(String table, String columns) throws Exception {
        sql("CREATE TABLE IF NOT EXISTS " + database + "." + table + " (" + columns + ") ENGINE = MergeTree ORDER BY id",
                server == Server.CLICKHOUSE ? new String[]{"allow_experimental_low_cardinality_type=1"} : new String[0]);
    }

    static final String COMMON_COLUMNS = "id Int64, lc LowCardinality(String), ns Nullable(String), ni Nullable(Int32), "
            + "dec Decimal(38, 10), money Decimal(18, 2), arr Array(Int32), words Array(String), amounts Array(Decimal(18, 4)), "
            + "u UUID";

    @Test
    void theSinkStoresNullableLowCardinalityDecimalArrayAndUuidExactly() throws Exception {
        String table = "sink_common";
        sql("CREATE DATABASE IF NOT EXISTS " + database);
        createTable(table, COMMON_COLUMNS);
        write(table, "",
                "{'id':1,'lc':'red','ns':null,'ni':null,'dec':12345678901234567890.0123456789,'money':'0.10','arr':[1,2],"
                        + "'words':['a','b c'],'amounts':[1.0001,2.5],'u':'6f1c2a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6'}",
                "{'id':2,'lc':'blue','ns':'text','ni':-7,'dec':-0.0000000001,'money':99999999999999.99,'arr':[],'words':[],"
                        + "'amounts':['3.0625'],'u':'00000000-0000-0000-0000-000000000001'}");

        List<ObjectNode> stored = rows("SELECT id, lc, ns, ni, toString(dec) AS dec, toString(money) AS money, arr, words, "
                + "arrayMap(x -> toString(x), amounts) AS amounts, toString(u) AS u FROM " + database + "." + table + " ORDER BY id");
        assertThat(stored).hasSize(2);
        ObjectNode first = stored.get(0);
        assertThat(first.get("lc").asText()).isEqualTo("red");
        assertThat(first.get("ns").isNull()).isTrue();
        assertThat(first.get("ni").isNull()).isTrue();
        assertThat(new BigDecimal(first.get("dec").asText())).as("no float rounding")
                .isEqualByComparingTo("12345678901234567890.0123456789");
        assertThat(new BigDecimal(first.get("money").asText())).isEqualByComparingTo("0.10");
        assertThat(first.get("arr").toString()).isEqualTo("[1,2]");
        assertThat(first.get("words").toString()).isEqualTo("[\"a\",\"b c\"]");
        assertThat(first.get("amounts").get(0).asText()).satisfies(a -> assertThat(new BigDecimal(a)).isEqualByComparingTo("1.0001"));
        assertThat(new BigDecimal(first.get("amounts").get(1).asText())).isEqualByComparingTo("2.5");
        assertThat(first.get("u").asText()).isEqualTo("6f1c2a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6");
        ObjectNode second = stored.get(1);
        assertThat(second.get("ns").asText()).isEqualTo("text");
        assertThat(second.get("ni").asInt()).isEqualTo(-7);
        assertThat(new BigDecimal(second.get("dec").asText())).isEqualByComparingTo("-0.0000000001");
        assertThat(new BigDecimal(second.get("money").asText())).as("no float rounding").isEqualByComparingTo("99999999999999.99");
        assertThat(second.get("arr").size()).isZero();
        assertThat(new BigDecimal(second.get("amounts").get(0).asText())).isEqualByComparingTo("3.0625");
    }

    @Test
    void theSourceEmitsNullableLowCardinalityDecimalArrayAndUuidExactly() throws Exception {
        String table = "source_common";
        sql("CREATE DATABASE IF NOT EXISTS " + database);
        createTable(table, COMMON_COLUMNS);
        sql("INSERT INTO " + database + "." + table + " (id, lc, ns, ni, dec, money, arr, words, amounts, u) VALUES "
                + "(1, 'red', NULL, NULL, toDecimal128('12345678901234567890.0123456789', 10), toDecimal64('0.10', 2), [1, 2], "
                + "['a', 'b c'], [toDecimal64('1.0001', 4), toDecimal64('2.5', 4)], toUUID('6f1c2a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6')), "
                + "(2, 'blue', 'text', -7, toDecimal128('-0.0000000001', 10), toDecimal64('99999999999999.99', 2), [], [], [], "
                + "toUUID('00000000-0000-0000-0000-000000000001'))");

        List<String> emitted = read(table, "'orderByColumn':'id'");

        assertThat(emitted).hasSize(2);
        // decimals as JSON numbers with every digit and exactly the column's scale, whatever the server's output
        // settings (-1E-10: BigDecimal's form of -0.0000000001 with scale 10)
        assertThat(emitted.get(0)).isEqualTo("{\"id\":1,\"lc\":\"red\",\"ns\":null,\"ni\":null,"
                + "\"dec\":12345678901234567890.0123456789,\"money\":0.10,\"arr\":[1,2],\"words\":[\"a\",\"b c\"],"
                + "\"amounts\":[1.0001,2.5000],\"u\":\"6f1c2a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6\"}");
        assertThat(emitted.get(1)).isEqualTo("{\"id\":2,\"lc\":\"blue\",\"ns\":\"text\",\"ni\":-7,"
                + "\"dec\":-1E-10,\"money\":99999999999999.99,\"arr\":[],\"words\":[],\"amounts\":[],"
                + "\"u\":\"00000000-0000-0000-0000-000000000001\"}");
    }

    @Test
    void aCursorWhoseChangeColumnIsAlsoTheOrderColumnReadsEveryRowOnce() throws Exception {
        String table = "same_cursor_column";
        sql("CREATE DATABASE IF NOT EXISTS " + database);
        createTable(table, "id Int64, v String");
        sql("INSERT INTO " + database + "." + table + " SELECT number + 1, toString(number) FROM system.numbers LIMIT 5");

        // the cursor's two columns are one: its type was looked up once and the second lookup failed at connect
        List<String> emitted = read(table, "'orderByColumn':'id','changeTrackingColumn':'id','readBatchSize':2");

        assertThat(emitted).containsExactly("{\"id\":1,\"v\":\"0\"}", "{\"id\":2,\"v\":\"1\"}", "{\"id\":3,\"v\":\"2\"}",
                "{\"id\":4,\"v\":\"3\"}", "{\"id\":5,\"v\":\"4\"}");
    }
}
