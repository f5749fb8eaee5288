package io.dataflow.flink.connector.trino;

import io.dataflow.flink.testing.KafkaToSinkJob;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.SchemaEvolutionInput;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.Trino;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * schemaEvolution of the Trino sink on the real Kafka and Trino 483 (Iceberg catalog {@code lake}, memory catalog
 * {@code memory}), Kafka (2 partitions) → Trino at parallelism 2, so that both writer subtasks meet the new field at
 * about the same time: the table starts as {@code (id bigint, qty integer, price real)}; records 0–39 fit it,
 * 40–89 carry a new field {@code note}, 90–114 a {@code qty} beyond integer and 115–139 a {@code price} with more
 * digits than real keeps. The jobs run with no restart allowed: a writer failing on the other's ALTER fails the test.
 */
@RealServers({Server.TRINO, Server.KAFKA})
class TrinoSchemaEvolutionITCase {

    private static final int RECORDS = 140;
    private static final long WIDE = SchemaEvolutionInput.WIDE;
    /** The input; see the class comment. */
    private static final SchemaEvolutionInput INPUT = new SchemaEvolutionInput(40, 90, 115);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static String lakeSchema;
    private static String memorySchema;

    @BeforeAll
    static void schemas() throws Exception {
        lakeSchema = Trino.createSchema("lake", "it_schema_evolution");
        memorySchema = Trino.createSchema("memory", "it_schema_evolution");
    }

    @AfterAll
    static void dropSchemas() throws Exception {
        Trino.execute("DROP SCHEMA IF EXISTS lake." + lakeSchema + " CASCADE");
        Trino.execute("DROP SCHEMA IF EXISTS memory." + memorySchema + " CASCADE");
    }

    @Test
    void evolveAppendsAddTheNewColumnOnceAndWidenTheNumbersWithoutLosingARecord() throws Exception {
        Run run = run("lake", lakeSchema, "evolve", "", RECORDS, i -> "k-" + i, INPUT::record);
        String t = run.table;
        assertThat(run.errors).as("no record refused").isEmpty();
        assertThat(Trino.count("SELECT count(*) FROM " + t)).isEqualTo(RECORDS);
        assertThat(columnTypes("lake", lakeSchema, run.tableName)).isEqualTo(Map.of("id", "bigint", "qty", "bigint",
                "price", "double", "note", "varchar"));
        assertThat(Trino.count("SELECT count(*) FROM " + t + " WHERE note = 'n' || CAST(id AS varchar)")).as("the new field's values")
                .isEqualTo(50);
        assertThat(Trino.count("SELECT count(*) FROM " + t + " WHERE note IS NOT NULL AND id NOT BETWEEN 40 AND 89")).isZero();
        assertThat(Trino.count("SELECT count(*) FROM " + t + " WHERE id BETWEEN 90 AND 114 AND qty = " + WIDE + " + id"))
                .as("the wider integers, whole").isEqualTo(25);
        assertThat(Trino.count("SELECT count(*) FROM " + t + " WHERE id >= 115 AND price = DOUBLE '3.14159265'"))
                .as("the longer fractions, all their digits").isEqualTo(25);
        assertThat(Trino.count("SELECT count(*) FROM " + t + " WHERE id < 115 AND id = qty - CASE WHEN id >= 90 THEN "
                + WIDE + " ELSE 0 END AND price = 1.5")).isEqualTo(115);
    }

    /**
     * Upserts through the MERGE committer: keys 0–59 first as {@code (id, qty, price)}, then again with the new
     * field {@code note} (keys below 20 also with a qty beyond integer), then keys 0–9 a third time without note:
     * a MERGE of such a row keeps the note the key has.
     */
    @Test
    void evolveUpsertsMergeTheNewColumnAndTheWiderNumbers() throws Exception {
        int keys = 60;
        IntFunction<String> value = i -> {
            int id = i % keys;
            if (i < keys) {
                return "{\"id\":" + id + ",\"qty\":1,\"price\":1.5}";
            }
            if (i < 2 * keys) {
                return "{\"id\":" + id + ",\"qty\":" + (id < 20 ? WIDE + id : 2) + ",\"price\":2.5,\"note\":\"n" + id + "\"}";
            }
            return "{\"id\":" + id + ",\"price\":3.5}";
        };
        Run run = run("lake", lakeSchema, "evolve", "    upsertMode: true\n    conflictKey: id\n", 2 * keys + 10,
                i -> "k-" + (i % keys), value);
        String t = run.table;
        assertThat(run.errors).as("no record refused").isEmpty();
        assertThat(columnTypes("lake", lakeSchema, run.tableName)).isEqualTo(Map.of("id", "bigint", "qty", "bigint",
                "price", "real", "note", "varchar"));
        assertThat(Trino.count("SELECT count(*) FROM " + t)).as("one row per key").isEqualTo(keys);
        assertThat(Trino.count("SELECT count(*) FROM " + t + " WHERE note = 'n' || CAST(id AS varchar)"))
                .as("every key has its note, also those whose last record had none").isEqualTo(keys);
        assertThat(Trino.count("SELECT count(*) FROM " + t + " WHERE qty = CASE WHEN id < 20 THEN " + WIDE + " + id ELSE 2 END"))
                .isEqualTo(keys);
        assertThat(Trino.count("SELECT count(*) FROM " + t + " WHERE price = CASE WHEN id < 10 THEN 3.5 ELSE 2.5 END"))
                .isEqualTo(keys);
    }

    @Test
    void failSendsTheRecordsThatDoNotFitToTheErrorSinkNamingTheField() throws Exception {
        Run run = run("lake", lakeSchema, "fail", "", RECORDS, i -> "k-" + i, INPUT::record);
        assertThat(Trino.count("SELECT count(*) FROM " + run.table)).as("only the records that fit").isEqualTo(40);
        assertThat(Trino.count("SELECT count(*) FROM " + run.table + " WHERE id < 40")).isEqualTo(40);
        assertThat(columnTypes("lake", lakeSchema, run.tableName)).as("the table is not changed")
                .isEqualTo(Map.of("id", "bigint", "qty", "integer", "price", "real"));
        assertThat(run.errors.keySet()).as("one error record per refused record").hasSize(100);
        String table = "lake." + lakeSchema + "." + run.tableName;
        for (Map.Entry<Long, String> e : run.errors.entrySet()) {
            long id = e.getKey();
            String expected = id < 90 ? "field note is not a column of " + table + " (schemaEvolution: fail)"
                    : id < 115 ? "field qty does not fit column type integer of " + table + ", it needs bigint (schemaEvolution: fail)"
                    : "field price does not fit column type real of " + table + ", it needs double (schemaEvolution: fail)";
            assertThat(e.getValue()).as("record " + id).isEqualTo(expected);
        }
    }

    /**
     * A catalog that cannot widen (Trino's memory connector has no SET DATA TYPE): the records whose number needs a
     * wider column go to the error sink, the reason naming the field and the server's; the others are written.
     * (The memory connector of Trino 483 also cannot read a column added to a table holding rows, so the input here
     * has no new field: records 0–39 and 90–139.)
     */
    @Test
    void evolveWhereTheCatalogCannotWidenSendsThoseRecordsToTheErrorSink() throws Exception {
        Run run = run("memory", memorySchema, "evolve", "", 90, i -> "k-" + i, i -> INPUT.record(i < 40 ? i : i + 50));
        assertThat(columnTypes("memory", memorySchema, run.tableName)).as("the table is not changed")
                .isEqualTo(Map.of("id", "bigint", "qty", "integer", "price", "real"));
        assertThat(run.errors.keySet()).as("the records needing a wider column").hasSize(50).allMatch(id -> id >= 90);
        String table = "memory." + memorySchema + "." + run.tableName;
        assertThat(run.errors.get(90L)).isEqualTo("field qty does not fit column type integer of " + table
                + ", it needs bigint; widening it failed: This connector does not support setting column types"
                + " (schemaEvolution: evolve)");
        assertThat(run.errors.get(115L)).isEqualTo("field price does not fit column type real of " + table
                + ", it needs double; widening it failed: This connector does not support setting column types"
                + " (schemaEvolution: evolve)");
        assertThat(Trino.count("SELECT count(*) FROM " + run.table)).isEqualTo(40);
    }

    private record Run(String tableName, String table, Map<Long, String> errors) {
    }

    private static Run run(String catalog, String schema, String schemaEvolution, String moreSinkConfig, int records,
                           IntFunction<String> key, IntFunction<String> value) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tableName = "evolution_" + schemaEvolution + "_" + suffix;
        String table = catalog + "." + schema + "." + tableName;
        Trino.execute("CREATE TABLE " + table + " (id bigint, qty integer, price real)");
        Map<Long, String> errors = KafkaToSinkJob.refusalsById("trino-schema-evolution-" + schemaEvolution + "-" + suffix,
                records, key, value, "trino", "    serverURL: " + Trino.serverUrl() + "\n    catalog: " + catalog + "\n"
                        + "    schema: " + schema + "\n    table: " + tableName + "\n    batchSize: 25\n"
                        + "    schemaEvolution: " + schemaEvolution + "\n" + moreSinkConfig, 1000);
        return new Run(tableName, table, errors);
    }

    private static Map<String, String> columnTypes(String catalog, String schema, String table) throws Exception {
        Map<String, String> types = new TreeMap<>();
        for (List<Object> row : Trino.rows("SELECT column_name, data_type FROM " + catalog + ".information_schema.columns"
                + " WHERE table_schema = '" + schema + "' AND table_name = '" + table + "'")) {
            types.put((String) row.get(0), (String) row.get(1));
        }
        return types;
    }
}
