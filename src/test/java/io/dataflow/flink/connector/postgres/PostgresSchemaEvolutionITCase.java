package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.testing.KafkaToSinkJob;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.SchemaEvolutionInput;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * schemaEvolution on the real Kafka and PostgreSQL, Kafka (2 partitions) → PostgreSQL at parallelism 2, so that both
 * writer subtasks meet the new field: the table starts as {@code (id bigint, qty integer, price real)}; records
 * 0–99 fit it, 100–199 carry a new field {@code note}, 200–249 a {@code qty} beyond integer and 250–279 a
 * {@code price} with more digits than real keeps.
 */
@RealServers({Server.KAFKA, Server.POSTGRES})
class PostgresSchemaEvolutionITCase {

    private static final int RECORDS = 280;
    private static final long WIDE = SchemaEvolutionInput.WIDE;
    /** The input; see the class comment. */
    private static final SchemaEvolutionInput INPUT = new SchemaEvolutionInput(100, 200, 250);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void evolveAddsTheNewColumnAndWidensTheNumbersWithoutLosingARecord() throws Exception {
        Run run = run("evolve");
        assertThat(run.errors).as("no record refused").isEmpty();
        assertThat(Postgres.count("SELECT count(*) FROM " + run.table)).isEqualTo(RECORDS);
        assertThat(columnTypes(run.table)).containsEntry("note", "text").containsEntry("qty", "bigint")
                .containsEntry("price", "double precision");
        assertThat(Postgres.count("SELECT count(*) FROM " + run.table + " WHERE note = 'n' || id")).as("the new field's values")
                .isEqualTo(100);
        assertThat(Postgres.count("SELECT count(*) FROM " + run.table + " WHERE note IS NOT NULL AND id NOT BETWEEN 100 AND 199"))
                .isZero();
        assertThat(Postgres.count("SELECT count(*) FROM " + run.table + " WHERE id BETWEEN 200 AND 249 AND qty = " + WIDE + " + id"))
                .as("the wider integers, whole").isEqualTo(50);
        assertThat(Postgres.count("SELECT count(*) FROM " + run.table + " WHERE id >= 250 AND price = 3.14159265"))
                .as("the longer fractions, all their digits").isEqualTo(30);
        assertThat(Postgres.count("SELECT count(*) FROM " + run.table + " WHERE id < 250 AND id = qty - CASE WHEN id >= 200 THEN "
                + WIDE + " ELSE 0 END")).isEqualTo(250);
    }

    @Test
    void failSendsTheRecordsThatDoNotFitToTheErrorSinkNamingTheField() throws Exception {
        Run run = run("fail");
        assertThat(Postgres.count("SELECT count(*) FROM " + run.table)).as("only the records that fit").isEqualTo(100);
        assertThat(Postgres.count("SELECT count(*) FROM " + run.table + " WHERE id < 100")).isEqualTo(100);
        assertThat(columnTypes(run.table)).as("the table is not changed").isEqualTo(Map.of("id", "bigint", "qty", "integer",
                "price", "real"));
        assertThat(run.errors.keySet()).as("one error record per refused record").hasSize(180);
        String table = "\"public\".\"" + run.tableName + "\"";
        for (Map.Entry<Long, String> e : run.errors.entrySet()) {
            long id = e.getKey();
            String expected = id < 200 ? "field note is not a column of " + table + " (schemaEvolution: fail)"
                    : id < 250 ? "field qty does not fit column type integer of " + table + ", it needs bigint (schemaEvolution: fail)"
                    : "field price does not fit column type real of " + table + ", it needs double precision (schemaEvolution: fail)";
            assertThat(e.getValue()).as("record " + id).isEqualTo(expected);
        }
    }

    @Test
    void ignoreLeavesTheNewFieldOutAndTheTableAsItIs() throws Exception {
        Run run = run("ignore");
        assertThat(columnTypes(run.table)).as("the table is not changed").isEqualTo(Map.of("id", "bigint", "qty", "integer",
                "price", "real"));
        assertThat(Postgres.count("SELECT count(*) FROM " + run.table + " WHERE id < 200 OR id >= 250"))
                .as("records with the new field are written without it, the long fractions rounded to real").isEqualTo(230);
        assertThat(run.errors.keySet()).as("integers beyond the column are refused by PostgreSQL, as before")
                .hasSize(50).allMatch(id -> id >= 200 && id < 250);
        assertThat(run.errors.values()).allMatch(reason -> reason.contains("SQLSTATE 22003"));
    }

    private record Run(String tableName, String table, Map<Long, String> errors) {
    }

    private static Run run(String schemaEvolution) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tableName = "schema_evolution_" + schemaEvolution + "_" + suffix;
        Postgres.execute("CREATE TABLE public." + tableName + " (id BIGINT PRIMARY KEY, qty INTEGER, price REAL)");
        Map<Long, String> errors = KafkaToSinkJob.refusalsById("schema-evolution-" + schemaEvolution + "-" + suffix, RECORDS,
                i -> "k-" + i, INPUT::record, "postgresql",
                "    connectionString: \"" + Postgres.url() + "\"\n    table: public." + tableName + "\n    batchSize: 20\n"
                        + "    schemaEvolution: " + schemaEvolution + "\n", 500);
        return new Run(tableName, "public." + tableName, errors);
    }

    private static Map<String, String> columnTypes(String table) throws Exception {
        Map<String, String> types = new TreeMap<>();
        try (Connection c = Postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = '" + table
                        + "'::regclass AND attnum > 0 AND NOT attisdropped")) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        }
        return types;
    }
}
