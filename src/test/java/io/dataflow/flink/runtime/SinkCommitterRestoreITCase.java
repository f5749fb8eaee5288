package io.dataflow.flink.runtime;

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
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.nessie.NessieCatalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Nessie sink's committer on a real Nessie server, driven through Flink's operator test harness: committables
 * that were in its state when the job failed (checkpoint complete, notification lost) are committed once on restore,
 * as one snapshot with both writers' files, and a second restore from the same checkpoint commits nothing again.
 */
@RealServers({Server.KAFKA, Server.NESSIE})
class SinkCommitterRestoreITCase {

    @Test
    void pendingCommittablesAreCommittedOnceOnRestore() throws Exception {
        String namespace = "it_commit_" + UUID.randomUUID().toString().substring(0, 8);
        String warehouse = Nessie.newWarehouse();
        ConnectorSpec sink = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(
                "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: unused\n"
                        + "    consumerGroup: unused\n"
                        + "sink:\n  type: nessie\n  config:\n    baseURL: \"" + Nessie.baseUrl() + "\"\n    branch: main\n"
                        + "    warehouse: \"" + warehouse + "\"\n    namespace: " + namespace + "\n    table: events\n"
                        + "    autoCreateTable: true\n    authenticationType: NONE\n", "it-committer").sink();

        List<byte[]> committables = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            try (SinkConnector writer = ConnectorRegistry.sink("nessie").createSink(sink.config(),
                    new ConnectorContext("it", "sink", subtask, 2, new UnregisteredMetricsGroup()))) {
                writer.connect();
                for (int i = 0; i < 50; i++) {
                    writer.write(Message.of("{\"id\":\"" + subtask + "-" + i + "\"}"));
                }
                writer.flush();
                for (byte[] bytes : writer.committables(1)) {
                    committables.add(new WriterCommittable(1, bytes).encode());
                }
            }
        }
        assertThat(committables).as("one committable per writer").hasSize(2);

        OperatorSubtaskState checkpoint1;
        try (OneInputStreamOperatorTestHarness<byte[], Message> committer = harness(sink)) {
            committer.open();
            for (byte[] committable : committables) {
                committer.processElement(committable, 0L);
            }
            checkpoint1 = committer.snapshot(1, 1L);
            // the job fails here: checkpoint 1 completed, but its notification never reached the committer
        }
        try (NessieCatalog catalog = Nessie.catalog("main", warehouse)) {
            Table table = catalog.loadTable(Nessie.table(namespace, "events"));
            assertThat(Nessie.lineage(table)).as("nothing committed before the restore").isEmpty();

            try (OneInputStreamOperatorTestHarness<byte[], Message> restored = harness(sink)) {
                restored.initializeState(checkpoint1);
                restored.open();
            }
            List<Snapshot> snapshots = Nessie.lineage(table);
            assertThat(snapshots).as("both writers' files in one snapshot").hasSize(1);
            assertThat(snapshots.get(0).summary()).containsEntry("dataflow.checkpoint-id", "1");
            assertThat(Nessie.rows(table)).hasSize(100);

            try (OneInputStreamOperatorTestHarness<byte[], Message> restoredAgain = harness(sink)) {
                restoredAgain.initializeState(checkpoint1);
                restoredAgain.open();
            }
            assertThat(Nessie.lineage(table)).as("a second restore from the same checkpoint commits nothing").hasSize(1);
            assertThat(Nessie.rows(table)).hasSize(100);
        }
    }

    private static OneInputStreamOperatorTestHarness<byte[], Message> harness(ConnectorSpec sinkSpec) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new SinkCommitterOperator(sinkSpec, "it-committer", "sink"));
    }
}
