package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.manifest.ConnectorSpec;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.iceberg.Table;
import org.apache.iceberg.nessie.NessieCatalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Savepoints of the version whose writers committed themselves hold {@link PendingCommit}s in the writers' state:
 * a writer restored from one commits them once when it connects (on real Nessie), and a second restore from the same
 * state adds nothing, so such a savepoint still restores after the committer operator was introduced.
 */
@RealServers({Server.KAFKA, Server.NESSIE})
class LegacyWriterStateITCase {

    @Test
    void pendingCommitsInAnOlderWritersStateAreCommittedOnceWhenItConnects() throws Exception {
        String namespace = "it_legacy_" + UUID.randomUUID().toString().substring(0, 8);
        String warehouse = Nessie.newWarehouse();
        ConnectorSpec sink = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(
                "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: unused\n"
                        + "    consumerGroup: unused\n"
                        + "sink:\n  type: nessie\n  config:\n    baseURL: \"" + Nessie.baseUrl() + "\"\n    branch: main\n"
                        + "    warehouse: \"" + warehouse + "\"\n    namespace: " + namespace + "\n    table: events\n"
                        + "    autoCreateTable: true\n    authenticationType: NONE\n", "it-legacy").sink();

        byte[] legacyEntry;
        try (SinkConnector writer = newWriter(sink)) {
            writer.connect();
            for (int i = 0; i < 30; i++) {
                writer.write(Message.of("{\"id\":" + i + "}"));
            }
            List<byte[]> manifests = writer.committables(7);
            assertThat(manifests).hasSize(1);
            legacyEntry = new PendingCommit("older-run", 7, manifests.get(0)).encode();
        }

        try (NessieCatalog catalog = Nessie.catalog("main", warehouse)) {
            Table table = catalog.loadTable(Nessie.table(namespace, "events"));
            assertThat(Nessie.lineage(table)).isEmpty();
            for (int restore = 1; restore <= 2; restore++) {
                try (SinkConnector restored = newWriter(sink)) {
                    restored.restoreState(7, List.of(legacyEntry));
                    restored.connect();
                }
                assertThat(Nessie.lineage(table)).as("snapshots after restore " + restore).hasSize(1);
                assertThat(Nessie.lineage(table).get(0).summary()).containsEntry("dataflow.commit-user", "older-run")
                        .containsEntry("dataflow.checkpoint-id", "7");
                assertThat(Nessie.rows(table)).hasSize(30);
            }
        }
    }

    private static SinkConnector newWriter(ConnectorSpec sink) {
        return ConnectorRegistry.sink("nessie").createSink(sink.config(),
                new ConnectorContext("it", "sink", 0, 1, new UnregisteredMetricsGroup()));
    }
}
