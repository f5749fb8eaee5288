package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.KafkaToSinkJob;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.SchemaEvolutionInput;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * schemaEvolution of the ClickHouse sink on the real Kafka and both ClickHouse servers (18.16, whose ALTER has no
 * {@code IF NOT EXISTS}, and 26.7's engine). Kafka (2 partitions) → ClickHouse at parallelism 2, so that both writer
 * subtasks meet the new field: the table starts as {@code (id Int64, qty Int32, price Float32)}; records 0–99 fit
 * it, 100–199 carry a new field {@code note}, 200–249 a {@code qty} beyond Int32, 250–279 a {@code price} with more
 * digits than Float32 keeps, and 280–289 a {@code qty} beyond Int64, which no widening holds.
 */
@RealServers({Server.KAFKA, Server.CLICKHOUSE, Server.CLICKHOUSE_MODERN})
class ClickHouseSchemaEvolutionITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final int RECORDS = 290;
    private static final long WIDE = SchemaEvolutionInput.WIDE;
    /** Records 0–279 of the input; see the class comment. */
    private static final SchemaEvolutionInput INPUT = new SchemaEvolutionInput(100, 200, 250);
    private static final String BEYOND_INT64 = "9223372036854775808";
    private static final Map<String, String> INITIAL = Map.of("id", "Int64", "qty", "Int32", "price", "Float32");

    /** Databases the Flink runs created, per server: dropped after the class. */
    private static final List<Map.Entry<Target, String>> CREATED = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** The two servers the sink must evolve tables on. */
    enum Target {
        CLICKHOUSE_18_16(Server.CLICKHOUSE),
        CLICKHOUSE_26_7(Server.CLICKHOUSE_MODERN);

        final Server server;

        Target(Server server) {
            this.server = server;
        }

        String url() {
            return "http://127.0.0.1:" + RealServersExtension.port(server);
        }
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        for (Map.Entry<Target, String> created : CREATED) {
            sql(created.getKey(), "DROP DATABASE IF EXISTS " + created.getValue());
        }
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void evolveAddsTheNewColumnAndWidensTheNumbersAtParallelismTwo(Target target) throws Exception {
        Run run = run(target, "evolve");
        assertThat(columnTypes(target, run)).containsEntry("note", "Nullable(String)").containsEntry("qty", "Int64")
                .containsEntry("price", "Float64").hasSize(4);
        assertThat(count(target, "SELECT count() FROM " + run.table)).as("every record that a column can hold").isEqualTo(280);
        assertThat(count(target, "SELECT count() FROM " + run.table + " WHERE note = concat('n', toString(id))"))
                .as("the new field's values").isEqualTo(100);
        assertThat(count(target, "SELECT count() FROM " + run.table + " WHERE isNotNull(note) AND (id < 100 OR id >= 200)"))
                .isZero();
        assertThat(count(target, "SELECT count() FROM " + run.table + " WHERE id BETWEEN 200 AND 249 AND qty = " + WIDE + " + id"))
                .as("the wider integers, whole (not wrapped)").isEqualTo(50);
        // within 1e-12, not equal: 18.16 parses JSON floats up to one ulp off (3.1415926499999998); Float32 keeps 3.1415927
        assertThat(count(target, "SELECT count() FROM " + run.table + " WHERE id BETWEEN 250 AND 279 AND abs(price - 3.14159265) < 1e-12"))
                .as("the longer fractions, all their digits").isEqualTo(30);
        assertThat(run.errors.keySet()).as("only the integers beyond Int64 are refused").hasSize(10)
                .allMatch(id -> id >= 280);
        assertThat(run.errors.values()).allMatch(reason -> reason.startsWith("field qty does not fit column type ")
                && reason.endsWith(" of " + run.table + " and no wider type holds it (schemaEvolution: evolve)"));
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void failSendsTheRecordsThatDoNotFitToTheErrorSinkNamingTheField(Target target) throws Exception {
        Run run = run(target, "fail");
        assertThat(columnTypes(target, run)).as("the table is not changed").isEqualTo(INITIAL);
        assertThat(count(target, "SELECT count() FROM " + run.table)).as("only the records that fit").isEqualTo(100);
        assertThat(count(target, "SELECT count() FROM " + run.table + " WHERE id < 100 AND qty = id")).isEqualTo(100);
        assertThat(run.errors.keySet()).as("one error record per refused record").hasSize(190);
        for (Map.Entry<Long, String> e : run.errors.entrySet()) {
            long id = e.getKey();
            String expected = id < 200 ? "field note is not a column of " + run.table + " (schemaEvolution: fail)"
                    : id < 250 ? "field qty does not fit column type Int32 of " + run.table + ", it needs Int64 (schemaEvolution: fail)"
                    : id < 280 ? "field price does not fit column type Float32 of " + run.table
                    + ", it needs Float64 (schemaEvolution: fail)"
                    : "field qty does not fit column type Int32 of " + run.table + " and no wider type holds it (schemaEvolution: fail)";
            assertThat(e.getValue()).as("record " + id).isEqualTo(expected);
        }
    }

    /** The default, without Flink: the sink as before the option existed. */
    @Test
    void ignoreLeavesTheNewFieldOutAndTheTableAsItIs() throws Exception {
        Target target = Target.CLICKHOUSE_18_16;
        String database = "it_ch_evolve_ignore_" + UUID.randomUUID().toString().substring(0, 8);
        sql(target, "CREATE DATABASE " + database);
        CREATED.add(Map.entry(target, database));
        sql(target, "CREATE TABLE " + database + ".kept (id Int64, qty Int32, price Float32) ENGINE = MergeTree ORDER BY id");
        List<String> refused = new CopyOnWriteArrayList<>();
        try (ClickHouseSinkConnector sink = sink(target, database, "kept", null)) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(reason));
            sink.connect();
            for (int i = 0; i < RECORDS; i++) {
                sink.write(Message.of(record(i)));
            }
            sink.flush();
        }
        assertThat(columnTypes(target, database, "kept")).as("the table is not changed").isEqualTo(INITIAL);
        assertThat(count(target, "SELECT count() FROM " + database + ".kept WHERE id BETWEEN 100 AND 199"))
                .as("records with the new field are written without it").isEqualTo(100);
        assertThat(refused).noneMatch(reason -> reason.contains("schemaEvolution"));
    }

    /**
     * Two writers of one table meet the same new field, and the same too-wide number, in batches they flush at the
     * same moment, five times over: both add the column and widen it without failing (18.16 has no
     * {@code ADD COLUMN IF NOT EXISTS}: the one that loses reads the columns again), and both batches are stored.
     */
    @ParameterizedTest
    @EnumSource(Target.class)
    void twoWritersAddingTheSameColumnAtOnceBothGoOn(Target target) throws Exception {
        String database = "it_ch_evolve_race_" + UUID.randomUUID().toString().substring(0, 8);
        sql(target, "CREATE DATABASE " + database);
        try {
            sql(target, "CREATE TABLE " + database + ".race (id Int64, qty Int32) ENGINE = MergeTree ORDER BY id");
            List<String> refused = new CopyOnWriteArrayList<>();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try (ClickHouseSinkConnector a = sink(target, database, "race", "evolve");
                 ClickHouseSinkConnector b = sink(target, database, "race", "evolve")) {
                for (ClickHouseSinkConnector sink : List.of(a, b)) {
                    sink.setRefusedRecordListener((m, reason) -> refused.add(reason));
                    sink.connect();
                }
                for (int round = 0; round < 5; round++) {
                    CyclicBarrier together = new CyclicBarrier(2);
                    int r = round;
                    Future<?> first = threads.submit(() -> writeAndFlush(a, together, r, 0));
                    Future<?> second = threads.submit(() -> writeAndFlush(b, together, r, 1));
                    first.get();
                    second.get();
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(refused).isEmpty();
            String table = database + ".race";
            assertThat(count(target, "SELECT count() FROM " + table)).isEqualTo(5 * 2 * 20);
            Map<String, String> types = columnTypes(target, database, "race");
            assertThat(types).containsEntry("qty", "Int64");
            for (int round = 0; round < 5; round++) {
                assertThat(types).containsEntry("f" + round, "Nullable(String)");
                assertThat(count(target, "SELECT count() FROM " + table + " WHERE f" + round + " = concat('v', toString(id))"))
                        .isEqualTo(2 * 20);
            }
            assertThat(count(target, "SELECT count() FROM " + table + " WHERE qty = " + WIDE + " + id")).isEqualTo(5 * 2 * 20);
        } finally {
            sql(target, "DROP DATABASE IF EXISTS " + database);
        }
    }

    private static Void writeAndFlush(ClickHouseSinkConnector sink, CyclicBarrier together, int round, int writer)
            throws Exception {
        for (int i = 0; i < 20; i++) {
            long id = round * 1000L + writer * 100L + i;
            sink.write(Message.of("{\"id\":" + id + ",\"qty\":" + (WIDE + id) + ",\"f" + round + "\":\"v" + id + "\"}"));
        }
        together.await();
        sink.flush();
        return null;
    }

    /** A sink without Flink; {@code schemaEvolution} null: the option not given. */
    private static ClickHouseSinkConnector sink(Target target, String database, String table, String schemaEvolution)
            throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree("{\"batchSize\":1000}");
        config.put("connectionString", target.url() + "/" + database).put("table", table);
        if (schemaEvolution != null) {
            config.put("schemaEvolution", schemaEvolution);
        }
        ClickHouseConnectorFactory factory = new ClickHouseConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", config, factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        errors.throwIfAny();
        return new ClickHouseSinkConnector(ClickHouseSinkSettings.from(c), ConnectorContext.standalone("it", "sink"),
                Duration.ofMillis(50));
    }

    private record Run(String database, String tableName, String table, Map<Long, String> errors) {
    }

    private static Run run(Target target, String schemaEvolution) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String database = "it_ch_evolve_" + suffix;
        String tableName = "evolving_" + schemaEvolution;
        sql(target, "CREATE DATABASE " + database);
        CREATED.add(Map.entry(target, database));
        sql(target, "CREATE TABLE " + database + "." + tableName + " (id Int64, qty Int32, price Float32) ENGINE = MergeTree ORDER BY id");
        Map<Long, String> errors = KafkaToSinkJob.refusalsById("ch-schema-evolution-" + schemaEvolution + "-" + suffix, RECORDS,
                i -> "k-" + i, ClickHouseSchemaEvolutionITCase::record, "clickhouse",
                "    connectionString: \"" + target.url() + "/" + database + "\"\n    table: " + tableName + "\n    batchSize: 20\n"
                        + "    schemaEvolution: " + schemaEvolution + "\n", 500);
        return new Run(database, tableName, database + "." + tableName, errors);
    }

    /** Record i of the input; see the class comment. */
    private static String record(int i) {
        return i < 280 ? INPUT.record(i) : "{\"id\":" + i + ",\"qty\":" + BEYOND_INT64 + ",\"price\":1.5}";
    }

    private static Map<String, String> columnTypes(Target target, Run run) throws Exception {
        return columnTypes(target, run.database, run.tableName);
    }

    private static Map<String, String> columnTypes(Target target, String database, String table) throws Exception {
        Map<String, String> types = new TreeMap<>();
        for (String line : sql(target, "SELECT name, type FROM system.columns WHERE database = '" + database
                + "' AND table = '" + table + "' FORMAT TSV").split("\n")) {
            String[] parts = line.split("\t");
            types.put(parts[0], parts[1]);
        }
        return types;
    }

    private static long count(Target target, String select) throws Exception {
        return Long.parseLong(sql(target, select + " FORMAT TSV"));
    }

    /** Runs a statement over HTTP with the JDK's client (not the connector's); fails with the server's message. */
    private static String sql(Target target, String statement) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(target.url() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(statement)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", statement, r.body()).isEqualTo(200);
        return r.body().trim();
    }
}
