package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.Trino;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MERGE upserts into the Iceberg catalog {@code lake} of a real Trino 483 and the keys of a batch: a record without
 * a key can never match a row, so it is refused (not merged with the other keyless records into one), and keys
 * that are equal once cast to the key column's type are one key, whose last record wins.
 */
@RealServers(Server.TRINO)
class TrinoUpsertKeysITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static String lakeSchema;

    @BeforeAll
    static void schema() throws Exception {
        lakeSchema = Trino.createSchema("lake", "it_upsert_keys");
    }

    @AfterAll
    static void dropSchema() throws Exception {
        Trino.execute("DROP SCHEMA IF EXISTS lake." + lakeSchema + " CASCADE");
    }

    private static TrinoSinkConnector upsertSink(String table, String conflictKey) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree("{\"batchSize\":1000,\"upsertMode\":true}");
        config.put("serverURL", Trino.serverUrl()).put("catalog", "lake").put("schema", lakeSchema).put("table", table)
                .put("conflictKey", conflictKey);
        TrinoConnectorFactory factory = new TrinoConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", config, factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        errors.throwIfAny();
        return new TrinoSinkConnector(TrinoSinkSettings.from(c), ConnectorContext.standalone("it", "sink"), Duration.ofMillis(50));
    }

    /** Writes the records as one batch; answers "name: reason" of every refused record. */
    private static List<String> upsert(String table, String conflictKey, String... records) throws Exception {
        List<String> refused = new ArrayList<>();
        try (TrinoSinkConnector sink = upsertSink(table, conflictKey)) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(m.json().path("name").asText() + ": " + reason));
            sink.connect();
            for (String r : records) {
                sink.write(Message.of(r));
            }
            TrinoUpsertCommits.flushAndCommit(sink, 1);
        }
        return refused;
    }

    private static List<List<Object>> rows(String table, String keyAsText) throws Exception {
        return Trino.rows("SELECT " + keyAsText + ", name FROM lake." + lakeSchema + "." + table + " ORDER BY 1, 2");
    }

    @Test
    void recordsWithoutAKeyAreRefusedNamingTheConflictKeyInsteadOfCollapsingIntoOne() throws Exception {
        String table = "null_keys";
        Trino.execute("CREATE TABLE lake." + lakeSchema + "." + table + " (id bigint, name varchar)");
        List<String> refused = upsert(table, "id",
                "{\"id\":1,\"name\":\"one\"}",
                "{\"id\":null,\"name\":\"null key a\"}",
                "{\"name\":\"absent key\"}",
                "{\"id\":2,\"name\":\"two\"}",
                "{\"id\":null,\"name\":\"null key b\"}");
        assertThat(refused).hasSize(3);
        assertThat(refused.get(0)).startsWith("null key a: ").contains("conflictKey id");
        assertThat(refused.get(1)).startsWith("absent key: ").contains("conflictKey id");
        assertThat(refused.get(2)).startsWith("null key b: ").contains("conflictKey id");
        assertThat(rows(table, "id")).containsExactly(List.of(1L, "one"), List.of(2L, "two"));
    }

    @Test
    void keysEqualAfterTheCastAreOneKeyAndTheLastRecordWins() throws Exception {
        Trino.execute("CREATE TABLE lake." + lakeSchema + ".int_keys (k integer, name varchar)");
        assertThat(upsert("int_keys", "k", "{\"k\":1,\"name\":\"a\"}", "{\"k\":1.0,\"name\":\"b\"}",
                "{\"k\":\"1\",\"name\":\"c\"}", "{\"k\":2,\"name\":\"d\"}")).isEmpty();
        assertThat(rows("int_keys", "CAST(k AS varchar)")).containsExactly(List.of("1", "c"), List.of("2", "d"));

        Trino.execute("CREATE TABLE lake." + lakeSchema + ".uuid_keys (u uuid, name varchar)");
        assertThat(upsert("uuid_keys", "u", "{\"u\":\"0AB1C2D3-0000-4000-8000-00000000000F\",\"name\":\"upper\"}",
                "{\"u\":\"0ab1c2d3-0000-4000-8000-00000000000f\",\"name\":\"lower\"}")).isEmpty();
        assertThat(rows("uuid_keys", "CAST(u AS varchar)")).containsExactly(List.of("0ab1c2d3-0000-4000-8000-00000000000f", "lower"));

        Trino.execute("CREATE TABLE lake." + lakeSchema + ".decimal_keys (k decimal(10,2), name varchar)");
        assertThat(upsert("decimal_keys", "k", "{\"k\":1,\"name\":\"a\"}", "{\"k\":\"1.0\",\"name\":\"b\"}",
                "{\"k\":1.004,\"name\":\"c\"}", "{\"k\":2.5,\"name\":\"d\"}")).isEmpty();
        assertThat(rows("decimal_keys", "CAST(k AS varchar)")).containsExactly(List.of("1.00", "c"), List.of("2.50", "d"));

        Trino.execute("CREATE TABLE lake." + lakeSchema + ".double_keys (k double, name varchar)");
        assertThat(upsert("double_keys", "k", "{\"k\":1,\"name\":\"a\"}", "{\"k\":\"1.0\",\"name\":\"b\"}",
                "{\"k\":1e0,\"name\":\"c\"}")).isEmpty();
        assertThat(rows("double_keys", "CAST(k AS varchar)")).hasSize(1).first().satisfies(r -> assertThat(r.get(1)).isEqualTo("c"));

        // Iceberg keeps microseconds: the column is timestamp(6) with time zone, nanoseconds are rounded
        Trino.execute("CREATE TABLE lake." + lakeSchema + ".time_keys (t timestamp(6) with time zone, name varchar)");
        assertThat(upsert("time_keys", "t", "{\"t\":\"2026-01-01T10:00:00.1234564Z\",\"name\":\"a\"}",
                "{\"t\":\"2026-01-01T11:00:00.123456+01:00\",\"name\":\"b\"}")).isEmpty();
        assertThat(rows("time_keys", "CAST(t AS varchar)")).containsExactly(List.of("2026-01-01 10:00:00.123456 UTC", "b"));

        // a second batch updates the rows the first one wrote, whatever the key's spelling
        assertThat(upsert("decimal_keys", "k", "{\"k\":\"1.000\",\"name\":\"e\"}")).isEmpty();
        assertThat(rows("decimal_keys", "CAST(k AS varchar)")).containsExactly(List.of("1.00", "e"), List.of("2.50", "d"));
    }

    @Test
    void anUpsertNeverChangesAColumnTheRecordDoesNotCarry() throws Exception {
        String table = "partial";
        String t = "lake." + lakeSchema + "." + table;
        Trino.execute("CREATE TABLE " + t + " (id bigint, name varchar, note varchar)");
        Trino.execute("INSERT INTO " + t + " VALUES (1, 'a', 'large unchanged text'), (3, 'c', 'kept')");
        assertThat(upsert(table, "id",
                "{\"id\":1,\"name\":\"b\"}",                              // no note: a CDC update with an unchanged TOASTed column
                "{\"id\":2,\"name\":\"x\",\"note\":\"first\"}",
                "{\"id\":2,\"name\":\"y\"}",                              // same key later in the batch, without note
                "{\"id\":3,\"name\":\"c2\",\"note\":null}",              // an explicit null does set NULL
                "{\"id\":4,\"name\":\"new\"}")).isEmpty();
        assertThat(Trino.rows("SELECT id, name, note FROM " + t + " ORDER BY id")).containsExactly(
                List.of(1L, "b", "large unchanged text"),
                List.of(2L, "y", "first"),
                java.util.Arrays.asList(3L, "c2", null),
                java.util.Arrays.asList(4L, "new", null));
    }
}
