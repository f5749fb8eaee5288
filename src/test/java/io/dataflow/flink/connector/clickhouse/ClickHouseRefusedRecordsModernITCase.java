package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a modern ClickHouse (26.7) the refused records of a batch are found in a temporary table too, including those
 * a CHECK constraint refuses (the temporary table gets the target's constraints), and the rest of the batch is one
 * INSERT. The 18.16 case is in {@link ClickHouseSinkITCase}.
 */
@RealServers(Server.CLICKHOUSE_MODERN)
class ClickHouseRefusedRecordsModernITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String DATABASE = "it_refused_" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void database() throws Exception {
        sql("CREATE DATABASE " + DATABASE);
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        sql("DROP DATABASE IF EXISTS " + DATABASE);
    }

    private static String url() {
        return "http://127.0.0.1:" + RealServersExtension.port(Server.CLICKHOUSE_MODERN);
    }

    private static String sql(String statement) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(statement)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", statement, r.body()).isEqualTo(200);
        return r.body().trim();
    }

    private static ClickHouseSinkConnector sink(String table) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree("{\"batchSize\":1000}");
        config.put("connectionString", url() + "/" + DATABASE).put("table", table);
        ClickHouseConnectorFactory factory = new ClickHouseConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", config, factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        errors.throwIfAny();
        return new ClickHouseSinkConnector(ClickHouseSinkSettings.from(c), ConnectorContext.standalone("it", "sink"),
                Duration.ofMillis(50));
    }

    @Test
    void recordsRefusedByParsingOrByACheckConstraintAreFoundAndTheRestIsOneInsert() throws Exception {
        String table = "checked";
        sql("CREATE TABLE " + DATABASE + "." + table + " (id Int64, n Int32, CONSTRAINT non_negative CHECK n >= 0)"
                + " ENGINE = MergeTree ORDER BY id");
        List<String> refused = new ArrayList<>();
        try (ClickHouseSinkConnector sink = sink(table)) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(m.json().get("id") + " " + reason));
            sink.connect();
            for (int i = 0; i < 300; i++) {
                String n = i == 10 ? "\"not a number\"" : i == 200 ? "-1" : String.valueOf(i);
                sink.write(Message.of("{\"id\":" + i + ",\"n\":" + n + "}"));
            }
            sink.flush();
        }
        assertThat(refused).hasSize(2);
        assertThat(refused.get(0)).startsWith("10 ClickHouse code 27");
        assertThat(refused.get(1)).startsWith("200 ClickHouse code 469").contains("non_negative")
                .as("the reason names the target, not the temporary table").contains(DATABASE + "." + table)
                .doesNotContain("_tmp_");
        assertThat(sql("SELECT count() FROM " + DATABASE + "." + table)).isEqualTo("298");
        assertThat(sql("SELECT max(max_block_number) FROM system.parts WHERE database = '" + DATABASE + "' AND table = '"
                + table + "' AND active")).as("one INSERT").isEqualTo("1");
    }
}
