package io.dataflow.flink.connector.iceberg;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.testing.KafkaToSinkJob;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.SchemaEvolutionInput;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.Closeable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * schemaEvolution of the Iceberg sinks on the real Kafka, Nessie and Iceberg REST catalog: Kafka (2 partitions) →
 * {@code nessie} / {@code iceberg} at {@code replicas: 2}, so that both writer subtasks meet the new field and the
 * wider numbers and change the same schema at about the same time. The table starts as
 * {@code (id long, qty int, price float)}; records 0–99 fit it, 100–199 carry a new field {@code note}, 200–249 a
 * {@code qty} beyond int and 250–279 a {@code price} with more digits than float keeps.
 */
@RealServers({Server.KAFKA, Server.NESSIE, Server.ICEBERG_REST})
class IcebergSchemaEvolutionITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 280;
    private static final long WIDE = SchemaEvolutionInput.WIDE;
    /** The input; see the class comment. */
    private static final SchemaEvolutionInput INPUT = new SchemaEvolutionInput(100, 200, 250);
    private static final Schema INITIAL = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "qty", Types.IntegerType.get()),
            Types.NestedField.optional(3, "price", Types.FloatType.get()));

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void evolveOnNessieAddsTheColumnAndPromotesTheNumbersFromBothWriters() throws Exception {
        Run run = run(nessie(), "evolve");
        assertEvolved(run);
    }

    @Test
    void evolveOnTheIcebergRestCatalog() throws Exception {
        Run run = run(icebergRest(), "evolve");
        assertEvolved(run);
    }

    @Test
    void failOnNessieSendsTheRecordsThatDoNotFitToTheErrorSinkNamingTheField() throws Exception {
        Target target = nessie();
        Run run = run(target, "fail");
        assertThat(run.table.schema().sameSchema(INITIAL)).as("the schema is not changed: " + run.table.schema()).isTrue();
        assertThat(run.rows).as("only the records that fit").hasSize(100)
                .allSatisfy(r -> assertThat((Long) r.getField("id")).isLessThan(100));
        assertThat(run.errors.keySet()).as("one error record per refused record").hasSize(180);
        for (Map.Entry<Long, String> e : run.errors.entrySet()) {
            long id = e.getKey();
            String expected = id < 200 ? "field note is not a column of " + run.address + " (schemaEvolution: fail)"
                    : id < 250 ? "field qty does not fit column type int of " + run.address + ", it needs long (schemaEvolution: fail)"
                    : "field price does not fit column type float of " + run.address + ", it needs double (schemaEvolution: fail)";
            assertThat(e.getValue()).as("record " + id).isEqualTo(expected);
        }
    }

    private static void assertEvolved(Run run) {
        assertThat(run.errors).as("no record refused").isEmpty();
        Schema schema = run.table.schema();
        assertThat(schema.findField("note")).as("the new column: " + schema).isNotNull();
        assertThat(schema.findField("note").isOptional()).isTrue();
        assertThat(schema.findType("note")).isEqualTo(Types.StringType.get());
        assertThat(schema.findType("qty")).isEqualTo(Types.LongType.get());
        assertThat(schema.findType("price")).isEqualTo(Types.DoubleType.get());
        assertThat(schema.columns()).as("each column once, whichever writer added it").hasSize(4);
        assertThat(run.table.schemas()).as("each change made once: the first schema, + note, qty long, price double")
                .hasSize(4);

        Map<Long, Record> byId = new TreeMap<>();
        for (Record r : run.rows) {
            assertThat(byId.put((Long) r.getField("id"), r)).as("id " + r.getField("id") + " once").isNull();
        }
        assertThat(byId).hasSize(RECORDS);
        for (Record r : byId.values()) {
            long id = (Long) r.getField("id");
            assertThat(r.getField("note")).as("note of " + id).isEqualTo(id >= 100 && id < 200 ? "n" + id : null);
            assertThat(r.getField("qty")).as("qty of " + id).isEqualTo(id >= 200 && id < 250 ? WIDE + id : id);
            assertThat((Double) r.getField("price")).as("price of " + id).isEqualTo(id >= 250 ? 3.14159265 : 1.5);
        }
    }

    /** A catalog the sink writes to, its manifest lines and how the test opens it. */
    private record Target(String type, String sinkConfig, CatalogOpener open) {
    }

    private interface CatalogOpener {
        Catalog open() throws Exception;
    }

    private record Run(Table table, TableAddress address, List<Record> rows, Map<Long, String> errors) {
    }

    private static Target nessie() throws Exception {
        String warehouse = Nessie.newWarehouse();
        return new Target("nessie", "    baseURL: \"" + Nessie.baseUrl() + "\"\n    branch: main\n    warehouse: \""
                + warehouse + "\"\n    authenticationType: NONE\n", () -> Nessie.catalog("main", warehouse));
    }

    private static Target icebergRest() throws Exception {
        String uri = "http://127.0.0.1:" + RealServersExtension.port(Server.ICEBERG_REST);
        ValidationErrors errors = new ValidationErrors();
        ConfigValues config = ConfigValidator.validate("sink.config", JSON.readTree("{\"catalogURI\":\"" + uri
                + "\",\"bearerToken\":\"dataflow-test-token\",\"namespace\":\"n\",\"table\":\"t\"}"), IcebergRestOptions.SINK, errors);
        errors.throwIfAny();
        return new Target("iceberg", "    catalogURI: \"" + uri + "\"\n    bearerToken: dataflow-test-token\n",
                () -> IcebergRestCatalogs.open(IcebergRestSettings.from(config)));
    }

    private static Run run(Target target, String schemaEvolution) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String namespace = "it_evolution_" + suffix;
        TableIdentifier id = TableIdentifier.of(Namespace.of(namespace), "orders");
        Catalog catalog = target.open.open();
        try {
            ((SupportsNamespaces) catalog).createNamespace(Namespace.of(namespace));
            catalog.createTable(id, INITIAL);
        } finally {
            ((Closeable) catalog).close();
        }
        Map<Long, String> errors = KafkaToSinkJob.refusalsById("iceberg-evolution-" + target.type + "-" + schemaEvolution
                        + "-" + suffix, RECORDS, i -> "k-" + i, INPUT::record, target.type,
                target.sinkConfig + "    namespace: " + namespace + "\n    table: orders\n    schemaEvolution: " + schemaEvolution
                        + "\n", 500);
        catalog = target.open.open();
        try {
            Table table = catalog.loadTable(id);
            return new Run(table, new TableAddress(namespace, "orders"), Nessie.rows(table), errors);
        } finally {
            ((Closeable) catalog).close();
        }
    }

}
