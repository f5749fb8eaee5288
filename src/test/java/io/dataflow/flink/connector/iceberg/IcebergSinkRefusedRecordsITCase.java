package io.dataflow.flink.connector.iceberg;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.SinkCommitter;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.Server;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refused records among many in one checkpoint (Iceberg REST catalog): they go to the error sink with the reason,
 * found one by one before anything is written (no halving, no file or snapshot per piece), and the good records of
 * the checkpoint become one snapshot — one commit per checkpoint, whatever the number of refused records. A record
 * without a value for an optional column is stored with NULL there (the documented whole-row rule, ICEBERG.md).
 */
@RealServers(Server.ICEBERG_REST)
class IcebergSinkRefusedRecordsITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> REFUSED = Set.of(13, 400, 401, 1234, 1999);

    private static ConfigValues config(String namespace) throws Exception {
        ObjectNode json = JSON.createObjectNode()
                .put("catalogURI", "http://127.0.0.1:" + RealServersExtension.port(Server.ICEBERG_REST))
                .put("bearerToken", "dataflow-test-token").put("namespace", namespace).put("table", "events")
                .put("batchSize", 300); // rows per data file: several files in the checkpoint
        IcebergRestConnectorFactory factory = new IcebergRestConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        ConfigValues config = ConfigValidator.validate("sink.config", json, factory.sinkOptions(), errors);
        factory.validateSink(config, errors);
        errors.throwIfAny();
        return config;
    }

    @Test
    void aFewRefusedRecordsAmongManyGoToTheErrorSinkAndTheCheckpointIsOneSnapshot() throws Exception {
        String namespace = "it_refused_" + UUID.randomUUID().toString().substring(0, 8);
        ConfigValues config = config(namespace);
        TableIdentifier id = TableIdentifier.of(Namespace.of(namespace), "events");
        try (RESTCatalog catalog = IcebergRestCatalogs.open(IcebergRestSettings.from(config))) {
            catalog.createNamespace(Namespace.of(namespace));
            catalog.createTable(id, new Schema(Types.NestedField.required(1, "id", Types.LongType.get()),
                    Types.NestedField.optional(2, "amount", Types.IntegerType.get())));
        }
        List<String> refused = new ArrayList<>();
        try (IcebergSinkConnector sink = (IcebergSinkConnector) new IcebergRestConnectorFactory()
                .createSink(config, ConnectorContext.standalone("it", "sink"))) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(m.json().get("id").asInt() + " " + reason));
            sink.connect();
            for (int i = 0; i < 2000; i++) {
                String amount = REFUSED.contains(i) ? "\"not a number\"" : String.valueOf(i);
                sink.write(Message.of("{\"id\":" + i + ",\"amount\":" + amount + "}"));
            }
            sink.write(Message.of("{\"id\":2000}"));
            sink.flush();
            List<byte[]> committables = sink.committables(1);
            try (SinkCommitter committer = new IcebergRestConnectorFactory().createCommitter(config, ConnectorContext.standalone("it", "sink-committer"))) {
                committer.open();
                committer.commit("it-run", 1, committables);
            }
        }
        assertThat(refused).hasSize(REFUSED.size());
        assertThat(refused).allSatisfy(r -> assertThat(r).contains("column amount (int)"));
        assertThat(refused.stream().map(r -> Integer.parseInt(r.substring(0, r.indexOf(' '))))).containsExactly(13, 400, 401, 1234, 1999);

        try (RESTCatalog catalog = IcebergRestCatalogs.open(IcebergRestSettings.from(config))) {
            Table table = catalog.loadTable(id);
            List<Snapshot> snapshots = new ArrayList<>();
            table.snapshots().forEach(snapshots::add);
            assertThat(snapshots).as("one snapshot for the checkpoint").hasSize(1);
            assertThat(snapshots.get(0).summary()).containsEntry("dataflow.checkpoint-id", "1")
                    .containsEntry("added-records", "1996").containsEntry("added-data-files", "7");
            Set<Long> ids = new TreeSet<>();
            Set<Long> withoutAmount = new TreeSet<>();
            long sum = 0;
            try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
                for (Record r : rows) {
                    ids.add((Long) r.getField("id"));
                    if (r.getField("amount") == null) {
                        withoutAmount.add((Long) r.getField("id"));
                    } else {
                        sum += (Integer) r.getField("amount");
                    }
                }
            }
            assertThat(ids).hasSize(1996).doesNotContain(13L, 400L, 401L, 1234L, 1999L);
            assertThat(withoutAmount).containsExactly(2000L);
            assertThat(sum).isEqualTo(1999L * 2000 / 2 - 13 - 400 - 401 - 1234 - 1999);
        }
    }
}
