package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.ValuesConnectorFactory;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The polling source writes each row's JSON bytes straight from its values ({@link PostgresRowWriter}) and builds the
 * tree only when asked: on the real PostgreSQL, for every column type {@link PostgresRowJson} reads and their edge
 * values, the bytes must be exactly those of the tree the source built before (serialized as {@code Message.data()}
 * serializes a tree), and the tree the same tree.
 */
@RealServers({Server.POSTGRES})
class PostgresRowWriterITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String COLUMNS = "id bigint PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, n numeric, n2 numeric(12, 2), "
            + "r real, d double precision, b boolean, t text, vc varchar(40), ch char(3), ts timestamp, tstz timestamptz, "
            + "dt date, tm time, iv interval, u uuid, by bytea, j json, jb jsonb, ai int[], at text[], an numeric[], "
            + "ab boolean[], ip inet, created_at timestamp, updated_at timestamp";

    private static final String[] ROWS = {
        "1, 1, 2, 3, 1.10, 12.30, 1.5, 2.25, true, 'plain', 'vc', 'ab', '2026-01-02 03:04:05.123456', "
                + "'2026-01-02 03:04:05+02', '2026-01-02', '03:04:05', '1 day 2 hours', "
                + "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff10', '{\"a\": [1, 2.5, \"x\"], \"b\": null}', "
                + "'{\"z\": 1, \"a\": {\"n\": true}}', '{1, NULL, 3}', '{\"x\", NULL, \"y z\"}', '{1.5, 2}', "
                + "'{true, false}', '192.168.0.1/24', '2026-01-01 00:00:00', '2026-01-02 00:00:00'",
        "2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                + "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2026-01-01 00:00:00', NULL",
        "3, -32768, -2147483648, -9223372036854775808, 123456789012345678901234567890.123456789012, -0.01, "
                + "'NaN', 'Infinity', false, E'quote \" backslash \\\\ tab \\t nl \\n ctl \\u0001 é ü 😀 </script>', "
                + "'', '   ', '1970-01-01 00:00:00', '1969-12-31 23:59:59.999999+00', '0001-01-01', '00:00:00', "
                + "'-3 years 1 second', '00000000-0000-0000-0000-000000000000', '\\x', '\"just a string\"', 'null', "
                + "'{}', '{}', '{}', '{}', '::1', '2026-01-02 00:00:00', '2026-01-01 00:00:00'",
        "4, 32767, 2147483647, 9223372036854775807, 1000, 0, '-Infinity', -0.0, true, 'x', 'y', 'z', "
                + "'2262-04-11 23:47:16.854775', '2026-06-30 12:00:00.5-07', '9999-12-31', '23:59:59.999999', '0', "
                + "'ffffffff-ffff-ffff-ffff-ffffffffffff', '\\x7b7d', '{\"a\": 1, \"a\": 2}', '[1, \"two\", [3]]', "
                + "'{-1, 0}', '{\"\"}', '{-0.000001, 1e20}', '{NULL}', '10.0.0.0/8', NULL, '2026-01-01 00:00:00'",
        "5, 0, 0, 0, 0.000000000000000000000001, 99999.99, 3.4028235e38, 1.7976931348623157e308, false, "
                + "E'\\u2028\\u2029 line separators', 'unicode ✓', 'ü', '2000-02-29 12:00:00', '2000-02-29 12:00:00+14', "
                + "'2000-02-29', '12:00:00', '1 mon', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', '\\xdeadbeef', "
                + "'  {\"spaced\" :  1e400 }  ', '{\"big\": 123456789012345678901234567890, \"f\": 1.000}', "
                + "'{2147483647}', '{\"a,b\", \"{}\"}', '{1.10}', '{true}', '::ffff:1.2.3.4', '2026-01-01 00:00:00', NULL",
    };

    private String table;
    // created_at/updated_at: the source's cursor is COALESCE(updated_at, created_at), so every row has one of them

    @BeforeEach
    void createTable() throws Exception {
        table = "public.row_writer_" + UUID.randomUUID().toString().substring(0, 8);
        Postgres.execute("CREATE TABLE " + table + " (" + COLUMNS + ")");
        for (String row : ROWS) {
            Postgres.execute("INSERT INTO " + table + " VALUES (" + row + ")");
        }
        ValuesConnectorFactory.COLLECTIONS.clear();
    }

    /** Row id → the bytes and the tree the source handed over before: the row's tree, serialized as a message's. */
    private Map<Long, ObjectNode> treesBefore(String sql) throws Exception {
        Map<Long, ObjectNode> out = new LinkedHashMap<>();
        try (Connection c = Postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            PostgresRowJson.Columns columns = PostgresRowJson.Columns.of(rs.getMetaData(), "");
            while (rs.next()) {
                out.put(rs.getLong("id"), treeAsBefore(rs, columns));
            }
        }
        return out;
    }

    /** The current row's tree as the source built it before it wrote bytes: each column's node set into one object. */
    private static ObjectNode treeAsBefore(ResultSet rs, PostgresRowJson.Columns columns) throws Exception {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        for (int c = 0; c < columns.indexes().length; c++) {
            row.set(columns.labels()[c], PostgresRowJson.value(rs, columns.indexes()[c], columns.types()[c], columns.typeNames()[c]));
        }
        return row;
    }

    /** The message's bytes are the old tree's serialization and its tree equals the old tree. */
    private static void assertAsBefore(Message m, ObjectNode tree, Object row) throws Exception {
        assertThat(m.dataAsString()).as("row %s", row).isEqualTo(new String(JSON.writeValueAsBytes(tree), StandardCharsets.UTF_8));
        assertThat(m.json()).as("row %s", row).isEqualTo(tree);
    }

    @Test
    void everyColumnTypeIsWrittenAsTheBytesOfItsTree() throws Exception {
        String sql = "SELECT * FROM " + table + " ORDER BY id";
        Map<Long, ObjectNode> before = treesBefore(sql);
        PostgresRowWriter writer = new PostgresRowWriter();
        int rows = 0;
        try (Connection c = Postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            PostgresRowJson.Columns columns = PostgresRowJson.Columns.of(rs.getMetaData(), "");
            assertThat(columns.uniqueLabels()).isTrue();
            while (rs.next()) {
                PostgresRow row = PostgresRow.read(rs, columns);
                ObjectNode tree = before.get(rs.getLong("id"));
                // one writer for all rows, as in the source: nothing of one row may leak into the next
                assertThat(new String(writer.write(row), StandardCharsets.UTF_8)).as("row %s", rs.getLong("id"))
                        .isEqualTo(new String(JSON.writeValueAsBytes(tree), StandardCharsets.UTF_8));
                assertThat(row.toTree()).as("row %s", rs.getLong("id")).isEqualTo(tree);
                rows++;
            }
        }
        assertThat(rows).isEqualTo(ROWS.length);
    }

    @Test
    void theSourceHandsOverTheRowsBytesAndItsOwnTree() throws Exception {
        Map<Long, ObjectNode> before = treesBefore("SELECT * FROM " + table + " ORDER BY id");
        String yaml = "source:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + table + "\n    orderByColumn: id\n    readBatchSize: 2\n    bounded: true\n"
                + "sink: {type: values, config: {collection: typed}}\n";
        MiniClusterJobs.run(yaml, "it-pg-row-writer", JobCompiler.create(), 1000, 0);

        List<Message> out = new ArrayList<>(ValuesConnectorFactory.collection("typed"));
        assertThat(out).hasSize(ROWS.length);
        for (Message m : out) {
            long id = ((Number) m.metadata("id")).longValue();
            assertAsBefore(m, before.get(id), id);
            assertThat(m.metadata("operation")).isEqualTo(id == 1 ? "update" : "insert");
        }
        JsonNode wide = out.stream().filter(m -> m.metadata("id").equals(3L)).findFirst().orElseThrow().json().get("n");
        assertThat(wide.isBigDecimal()).as("the numeric keeps its digits: the source's tree, not a parse of the bytes").isTrue();
        assertThat(wide.decimalValue().toPlainString()).isEqualTo("123456789012345678901234567890.123456789012");
    }

    @Test
    void aQueryWithARepeatedLabelKeepsTheTreesOneField() throws Exception {
        String query = "SELECT id, i4 AS x, t AS x, n FROM " + table + " ORDER BY id";
        Map<Long, ObjectNode> before = treesBefore(query);
        assertThat(before.get(1L).size()).as("the tree keeps one x").isEqualTo(3);
        String yaml = "source:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    query: \"" + query + "\"\n    bounded: true\n"
                + "sink: {type: values, config: {collection: repeated}}\n";
        MiniClusterJobs.run(yaml, "it-pg-row-writer-repeated", JobCompiler.create(), 1000, 0);

        List<Message> out = new ArrayList<>(ValuesConnectorFactory.collection("repeated"));
        assertThat(out).hasSize(ROWS.length);
        for (Message m : out) {
            long id = m.json().get("id").asLong();
            assertAsBefore(m, before.get(id), id);
        }
    }
}
