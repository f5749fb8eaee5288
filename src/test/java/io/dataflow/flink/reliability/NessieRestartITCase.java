package io.dataflow.flink.reliability;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.CheckpointDataProbe;
import io.dataflow.flink.testing.FailOnceProbe;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.Server;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.nessie.NessieCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Nessie server stopped and started again (same version store) while a Kafka → Nessie job runs (reference
 * issue 12). A private Nessie on port 19320 with a RocksDB store ({@code NESSIE_STORE=ROCKSDB}, restarted with
 * {@code NESSIE_KEEP_DATA=true}) so that stopping it disturbs nothing else and the branch, table and committed
 * snapshots are there again after the restart, as after a real outage. Data files go to a local warehouse; only the
 * commits (one per completed checkpoint) need Nessie, so the outage makes the commit fail, Flink restarts the job
 * until Nessie answers again, and the restored pending commit is made once.
 */
@RealServers(Server.KAFKA)
class NessieRestartITCase {

    private static final int RECORDS = 10_000;
    private static final String BASE_URL = "http://127.0.0.1:19320";
    private static final Map<String, String> NESSIE = Map.of("NESSIE_PORT", "19320", "NESSIE_DIR",
            RealServersExtension.serversBase() + "/nessie-faults", "NESSIE_STORE", "ROCKSDB");

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @BeforeAll
    static void startPrivateNessie() {
        RealServersExtension.runScript("nessie-start.sh", NESSIE, 600);
    }

    @AfterAll
    static void stopPrivateNessie() {
        RealServersExtension.runScript("nessie-stop.sh", NESSIE, 120);
    }

    private static Map<String, String> keepingData() {
        Map<String, String> env = new HashMap<>(NESSIE);
        env.put("NESSIE_KEEP_DATA", "true");
        return env;
    }

    @Test
    void nessieRestartDuringKafkaToNessieCommitsEveryRecordExactlyOnce() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "nessie-outage-" + suffix;
        String namespace = "nessie_outage_" + suffix;
        String warehouse = Nessie.newWarehouse();
        Kafka.createTopic(topic, 1);
        Kafka.produce(topic, RECORDS, i -> "{\"id\":" + i + ",\"v\":\"value " + i + "\"}");
        CheckpointDataProbe.reset();
        String yaml = "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: " + topic + "\n    bounded: true\n"
                + "sink:\n  type: nessie\n  config:\n    baseURL: \"" + BASE_URL + "\"\n    branch: main\n"
                + "    warehouse: \"" + warehouse + "\"\n    namespace: " + namespace + "\n    table: events\n"
                + "    autoCreateTable: true\n    authenticationType: NONE\n";
        // no injected failure; 1 ms every 2 records (some 5 s) so that the outage falls in the middle. Restarts: Flink
        // tries again every 200 ms while Nessie is away (some 25 s), so the budget is large
        JobClient job = MiniClusterJobs.start(yaml, "nessie-outage-" + suffix,
                JobCompiler.withProbeAfterSource(new CheckpointDataProbe(Long.MAX_VALUE, 2)), 500, 1000);
        TableIdentifier id = Nessie.table(namespace, "events");
        try (NessieCatalog catalog = Nessie.catalog(BASE_URL, "main", warehouse)) {
            await("a part of the input committed", () -> catalog.tableExists(id)
                    && Nessie.rows(catalog.loadTable(id)).size() > RECORDS / 10);
            long committedBefore = Nessie.rows(catalog.loadTable(id)).size();
            assertThat(committedBefore).as("the outage falls in the middle of the job").isLessThan(RECORDS);
        }
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

        RealServersExtension.runScript("nessie-stop.sh", keepingData(), 120);
        long down = System.nanoTime();
        Thread.sleep(3_000);
        RealServersExtension.runScript("nessie-start.sh", keepingData(), 300);
        long outageMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down);
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);

        try (NessieCatalog catalog = Nessie.catalog(BASE_URL, "main", warehouse)) {
            Table table = catalog.loadTable(id);
            List<Record> rows = Nessie.rows(table);
            Set<String> distinct = rows.stream().map(r -> (String) r.getField("data")).collect(Collectors.toSet());
            List<Snapshot> snapshots = Nessie.lineage(table);
            Set<String> commits = snapshots.stream()
                    .map(s -> s.summary().get("dataflow.commit-user") + "/" + s.summary().get("dataflow.checkpoint-id"))
                    .collect(Collectors.toSet());
            Set<Long> checkpoints = snapshots.stream().map(s -> Long.parseLong(s.summary().get("dataflow.checkpoint-id")))
                    .collect(Collectors.toCollection(TreeSet::new));
            System.out.printf("nessie restart: %d ms outage, %d records read (replays included), %d rows, %d distinct, "
                            + "%d snapshots, %d checkpoints completed with data%n", outageMillis, FailOnceProbe.SEEN.get(),
                    rows.size(), distinct.size(), snapshots.size(), CheckpointDataProbe.COMPLETED_WITH_DATA.size());
            assertThat(FailOnceProbe.SEEN.get()).as("the outage restarted the job, which read records again").isGreaterThan(RECORDS);
            assertThat(distinct).as("lost").hasSize(RECORDS);
            assertThat(rows).as("duplicated").hasSize(RECORDS);
            assertThat(snapshots).as("appends only").allMatch(s -> "append".equals(s.operation()));
            assertThat(commits).as("one snapshot per subtask run and checkpoint").hasSize(snapshots.size());
            assertThat(checkpoints).as("snapshots = the completed checkpoints that had data")
                    .isEqualTo(new TreeSet<>(CheckpointDataProbe.COMPLETED_WITH_DATA));
        }
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (Exception notYet) {
                // the table is being created
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
