package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.ClickHouse;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sink against the real ClickHouse 18.16, driven directly (no Flink). Every test writes its own tables. */
@RealServers(Server.CLICKHOUSE)
class ClickHouseSinkITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static String database;

    @BeforeAll
    static void database() throws Exception {
        database = ClickHouse.createDatabase("it_sink");
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        ClickHouse.execute("DROP DATABASE IF EXISTS " + database);
    }

    private static ClickHouseSinkConnector sink(String table, String extraConfig) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(("{" + extraConfig + "}").replace('\'', '"'));
        if (!config.has("connectionString")) {
            config.put("connectionString", ClickHouse.url(database));
        }
        config.put("table", table);
        ClickHouseConnectorFactory factory = new ClickHouseConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", config, factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        errors.throwIfAny();
        return new ClickHouseSinkConnector(ClickHouseSinkSettings.from(c), ConnectorContext.standalone("it", "sink"),
                java.time.Duration.ofMillis(50));
    }

    private static Message json(String body) {
        return Message.of(body.replace('\'', '"'));
    }

    private static Map<String, String> columnTypes(String table) throws Exception {
        Map<String, String> types = new TreeMap<>();
        for (ObjectNode r : ClickHouse.rows("SELECT name, type FROM system.columns WHERE database = '" + database
                + "' AND table = '" + table + "'")) {
            types.put(r.get("name").asText(), r.get("type").asText());
        }
        return types;
    }

    @Test
    void aRecordClickHouseRefusesIsReportedWithTheServersMessageAndTheRestOfItsBatchIsWritten() throws Exception {
        String table = "refused";
        ClickHouse.execute("CREATE TABLE " + database + "." + table + " (id Int64, n Int32, s String) ENGINE = MergeTree ORDER BY id");
        List<String> refused = new ArrayList<>();
        try (ClickHouseSinkConnector sink = sink(table, "'batchSize':1000")) {
            sink.setRefusedRecordListener((m, reason) -> refused.add((m.json() == null ? m.dataAsString() : m.json().get("id")) + " " + reason));
            sink.connect();
            for (int i = 0; i < 100; i++) {
                String n = i == 37 || i == 80 ? "'not a number " + i + "'" : String.valueOf(i);
                sink.write(json("{'id':" + i + ",'n':" + n + ",'s':'row " + i + "'}"));
            }
            sink.write(Message.of("not json at all"));
            sink.flush();
        }
        assertThat(refused).hasSize(3);
        assertThat(refused.get(0)).startsWith("37 ClickHouse code 27: Cannot parse input").contains("key n")
                .doesNotContain("not a number").doesNotContain("row 37");
        assertThat(refused.get(1)).startsWith("80 ClickHouse code 27");
        assertThat(refused.get(2)).isEqualTo("not json at all body is not JSON");
        assertThat(ClickHouse.count("SELECT count() FROM " + database + "." + table)).isEqualTo(98);
        assertThat(ClickHouse.count("SELECT countIf(id IN (37, 80)) FROM " + database + "." + table)).isZero();
        assertThat(ClickHouse.count("SELECT sum(n) FROM " + database + "." + table)).isEqualTo(99 * 100 / 2 - 37 - 80);
    }

    @Test
    void refusedRecordsAreFoundWithoutWritingAndTheRestOfTheBatchIsOneInsert() throws Exception {
        String table = "one_insert";
        ClickHouse.execute("CREATE TABLE " + database + "." + table + " (id Int64, n Int32, d Date) ENGINE = MergeTree ORDER BY id");
        List<String> refused = new ArrayList<>();
        try (ClickHouseSinkConnector sink = sink(table, "'batchSize':1000")) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(m.json().get("id") + " " + reason));
            sink.connect();
            for (int i = 0; i < 500; i++) {
                String n = i == 3 || i == 250 ? "'not a number'" : String.valueOf(i);
                String d = i == 499 ? "'not a date'" : "'2026-01-01'";
                sink.write(json("{'id':" + i + ",'n':" + n + ",'d':" + d + "}"));
            }
            sink.flush();
        }
        assertThat(refused).hasSize(3);
        assertThat(refused.get(0)).startsWith("3 ClickHouse code 27");
        assertThat(refused.get(1)).startsWith("250 ClickHouse code 27");
        assertThat(refused.get(2)).startsWith("499 ClickHouse code");
        assertThat(ClickHouse.count("SELECT count() FROM " + database + "." + table)).isEqualTo(497);
        // every INSERT takes the next block number, and a merge keeps the range it merged: the highest is the
        // number of inserts the table ever took
        assertThat(ClickHouse.count("SELECT max(max_block_number) FROM system.parts WHERE database = '" + database
                + "' AND table = '" + table + "' AND active"))
                .as("the good records of the batch land as one INSERT (one part), not one per accepted piece").isEqualTo(1);
        assertThat(ClickHouse.count("SELECT count() FROM system.tables WHERE database = '" + database + "' AND name != '" + table
                + "' AND name LIKE '%" + table + "%'")).as("the probe leaves no table behind").isZero();
    }

    @Test
    void withoutAnErrorSinkARefusedRecordFailsTheFlushAndNothingOfTheBatchIsWritten() throws Exception {
        String table = "refused_no_listener";
        ClickHouse.execute("CREATE TABLE " + database + "." + table + " (id Int64, n Int32) ENGINE = MergeTree ORDER BY id");
        try (ClickHouseSinkConnector sink = sink(table, "")) {
            sink.connect();
            sink.write(json("{'id':1,'n':1}"));
            sink.write(json("{'id':2,'n':'x'}"));
            assertThatThrownBy(sink::flush).isInstanceOf(ClickHouseException.class)
                    .hasMessageContaining("was refused and no error sink receives it").hasMessageContaining("ClickHouse code 27");
        }
        assertThat(ClickHouse.count("SELECT count() FROM " + database + "." + table)).isZero();
    }

    @Test
    void autoCreatedTableGetsTheInferredTypesAndValuesAreConvertedForTheColumns() throws Exception {
        String table = "inferred";
        try (ClickHouseSinkConnector sink = sink(table, "'autoCreateTable':true,'conflictKey':'id'")) {
            sink.connect();
            sink.write(Message.of("{\"id\":1,\"name\":\"a'b \\\"c\\\" é🚀\",\"price\":12.25,\"ratio\":0.125,\"ok\":true,"
                    + "\"tags\":[\"x\",1],\"attrs\":{\"k\":1},\"at\":\"2024-05-01T10:00:00Z\",\"note\":null,\"count\":3.0}"));
            sink.write(json("{'id':2,'name':'second','price':7,'ratio':2,'ok':false,'tags':[],'attrs':{},"
                    + "'at':'2024-05-01T12:30:00+02:00','note':'n','count':4}"));
            sink.flush();
            // a later batch: a float without fraction into Int64, a decimal with 3 places, an ISO time into DateTime
            sink.write(json("{'id':3,'name':5,'price':1.005,'ratio':1,'ok':1,'at':'2024-05-02 00:00:01','count':5.0,'extra':'dropped'}"));
            sink.flush();
        }
        assertThat(columnTypes(table)).containsEntry("id", "Int64").containsEntry("name", "String")
                .containsEntry("price", "Decimal(18, 2)").containsEntry("ratio", "Float64").containsEntry("ok", "UInt8")
                .containsEntry("tags", "String").containsEntry("attrs", "String").containsEntry("at", "DateTime")
                .containsEntry("note", "Nullable(String)").containsEntry("count", "Int64").containsEntry("created_at", "DateTime")
                .doesNotContainKey("extra");
        assertThat(ClickHouse.execute("SELECT engine_full FROM system.tables WHERE database = '" + database + "' AND name = '"
                + table + "'")).contains("MergeTree ORDER BY id");
        List<ObjectNode> rows = ClickHouse.rows("SELECT * FROM " + database + "." + table + " ORDER BY id");
        assertThat(rows).hasSize(3);
        ObjectNode first = rows.get(0);
        assertThat(first.get("name").asText()).isEqualTo("a'b \"c\" é🚀");
        assertThat(first.get("price").decimalValue()).isEqualByComparingTo("12.25");
        assertThat(first.get("ratio").doubleValue()).isEqualTo(0.125);
        assertThat(first.get("ok").asInt()).isEqualTo(1);
        assertThat(first.get("tags").asText()).isEqualTo("[\"x\",1]");
        assertThat(first.get("attrs").asText()).isEqualTo("{\"k\":1}");
        assertThat(first.get("at").asText()).isEqualTo("2024-05-01 10:00:00");
        assertThat(first.get("note").isNull()).isTrue();
        assertThat(first.get("count").asLong()).isEqualTo(3);
        assertThat(Instant.parse(first.get("created_at").asText().replace(' ', 'T') + "Z"))
                .isAfter(Instant.now().minusSeconds(120));
        assertThat(rows.get(1).get("at").asText()).as("offset converted to the instant").isEqualTo("2024-05-01 10:30:00");
        ObjectNode third = rows.get(2);
        assertThat(third.get("name").asText()).isEqualTo("5");
        assertThat(third.get("price").decimalValue()).as("rounded half-up to the scale").isEqualByComparingTo("1.01");
        assertThat(third.get("at").asText()).isEqualTo("2024-05-02 00:00:01");
        assertThat(third.get("count").asLong()).isEqualTo(5);
    }

    @Test
    void rawModeStoresEachBodyAsIsWithItsArrivalTime() throws Exception {
        String table = "raw";
        try (ClickHouseSinkConnector sink = sink(table, "'autoCreateTable':true,'rawMode':true")) {
            sink.connect();
            assertThat(columnTypes(table)).containsOnlyKeys("data", "created_at");
            sink.write(json("{'a':1}"));
            sink.write(Message.of("plain text, not JSON \\ ' \""));
            sink.flush();
        }
        List<ObjectNode> rows = ClickHouse.rows("SELECT data, created_at FROM " + database + "." + table + " ORDER BY data");
        assertThat(rows).extracting(r -> r.get("data").asText()).containsExactly("plain text, not JSON \\ ' \"", "{\"a\":1}");
        assertThat(rows.get(0).get("created_at").asText()).doesNotStartWith("0000");
    }

    @Test
    void aFirstBatchWithoutAnyObjectIsRefusedAndTheNextOneCreatesTheTable() throws Exception {
        String table = "late_create";
        List<String> refused = new ArrayList<>();
        try (ClickHouseSinkConnector sink = sink(table, "'autoCreateTable':true")) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(m.dataAsString() + " -> " + reason));
            sink.connect();
            sink.write(Message.of("[1,2]"));
            sink.write(Message.of("{}"));
            sink.flush();
            sink.write(json("{'id':1,'v':'x'}"));
            sink.flush();
        }
        assertThat(refused).containsExactly("[1,2] -> body is not a JSON object",
                "{} -> an empty object cannot define the columns of the new table");
        assertThat(ClickHouse.count("SELECT count() FROM " + database + "." + table)).isEqualTo(1);
    }

    @Test
    void aMissingTableWithoutAutoCreateFailsTheFlushNamingTheTable() throws Exception {
        try (ClickHouseSinkConnector sink = sink("missing_table", "")) {
            sink.connect();
            sink.write(json("{'id':1}"));
            assertThatThrownBy(sink::flush).hasMessageContaining(database + ".missing_table").hasMessageContaining("autoCreateTable");
        }
    }

    @Test
    void anUnreachableServerIsATransientFailureAndThePasswordNeverShows() throws Exception {
        try (ClickHouseSinkConnector sink = sink("t", "'connectionString':'clickhouse://writer:s3cret-pw@127.0.0.1:1/db?dial_timeout=2s'")) {
            assertThatThrownBy(sink::connect).isInstanceOfSatisfying(ClickHouseException.class, e -> {
                assertThat(e.isTransient()).isTrue();
                assertThat(e.getMessage()).contains("http://127.0.0.1:1/db").doesNotContain("s3cret-pw");
            });
        }
    }

    @Test
    void theOriginalsNativeDsnReachesTheHttpInterface() throws Exception {
        String table = "native_dsn";
        Map<String, Object> none = new LinkedHashMap<>();
        try (ClickHouseSinkConnector sink = sink(table, "'connectionString':'" + ClickHouse.nativeUrl(database) + "','autoCreateTable':true")) {
            sink.connect();
            sink.write(new Message("{\"id\":7}".getBytes(java.nio.charset.StandardCharsets.UTF_8), none, 0L));
            sink.flush();
        }
        assertThat(ClickHouse.count("SELECT sum(id) FROM " + database + "." + table)).isEqualTo(7);
    }
}
