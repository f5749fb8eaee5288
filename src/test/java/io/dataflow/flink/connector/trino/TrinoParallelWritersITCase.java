package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.Trino;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several writers into one Iceberg table through a real Trino 483: Kafka → Trino upserts at parallelism 3
 * with many versions of every key. The writers hand their rows to the sink's one committer, which MERGEs once per
 * completed checkpoint, so no two MERGEs race for the table (Iceberg refuses the loser of such a race: "Failed to
 * commit", conflicting files). Appends (INSERT mode) from three writers, which each writer makes itself, do not
 * conflict. The jobs run with no restart allowed: any failure fails the test.
 */
@RealServers({Server.TRINO, Server.KAFKA})
class TrinoParallelWritersITCase {

    private static final int KEYS = 300;
    private static final int VERSIONS = 40;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static String lakeSchema;

    @BeforeAll
    static void schema() throws Exception {
        lakeSchema = Trino.createSchema("lake", "it_parallel_merge");
    }

    @AfterAll
    static void dropSchema() throws Exception {
        Trino.execute("DROP SCHEMA IF EXISTS lake." + lakeSchema + " CASCADE");
    }

    /** Record i: key i % KEYS, version i / KEYS; a key's records share a Kafka key, so one partition keeps their order. */
    private static String record(int i) {
        int key = i % KEYS;
        int version = i / KEYS;
        return "{\"id\":" + key + ",\"version\":" + version + ",\"name\":\"v" + version + " of " + key + "\"}";
    }

    @Test
    void threeWritersUpsertWithoutMergeConflictsAndTheLastVersionOfEachKeyWins() throws Exception {
        String table = "scores";
        String t = "lake." + lakeSchema + "." + table;
        Trino.execute("CREATE TABLE " + t + " (id bigint, version integer, name varchar)");
        long snapshotsBefore = Trino.count("SELECT count(*) FROM lake." + lakeSchema + ".\"" + table + "$snapshots\"");
        String topic = "trino-parallel-upsert-" + UUID.randomUUID().toString().substring(0, 8);
        Kafka.createTopic(topic, 3);
        Kafka.produce(topic, KEYS * VERSIONS, i -> "key-" + (i % KEYS), TrinoParallelWritersITCase::record);
        String yaml = "replicas: 3\n"
                + "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: it-" + topic + "\n    bounded: true\n"
                + "sink:\n  type: trino\n  config:\n    serverURL: " + Trino.serverUrl() + "\n    catalog: lake\n"
                + "    schema: " + lakeSchema + "\n    table: " + table + "\n    batchSize: 100\n"
                + "    upsertMode: true\n    conflictKey: id\n";

        // No restart allowed: a MERGE conflict fails the job, and with it this call.
        JobClient job = MiniClusterJobs.start(yaml, "it-trino-parallel-upsert", JobCompiler.create(), 300, 0);
        job.getJobExecutionResult().get();
        long completedCheckpoints = completedCheckpoints(job);

        assertThat(Trino.count("SELECT count(*) FROM " + t)).as("one row per key").isEqualTo(KEYS);
        List<List<Object>> rows = Trino.rows("SELECT id, version, name FROM " + t + " ORDER BY id");
        for (int key = 0; key < KEYS; key++) {
            assertThat(rows.get(key)).as("the last version of key %d", key)
                    .containsExactly((long) key, VERSIONS - 1, "v" + (VERSIONS - 1) + " of " + key);
        }
        long snapshots = Trino.count("SELECT count(*) FROM lake." + lakeSchema + ".\"" + table + "$snapshots\"") - snapshotsBefore;
        System.out.printf("Kafka -> Trino MERGE at parallelism 3: %d records, %d completed checkpoints, %d snapshots%n",
                KEYS * VERSIONS, completedCheckpoints, snapshots);
        assertThat(completedCheckpoints).isPositive();
        assertThat(snapshots).as("at most one Iceberg snapshot per completed checkpoint").isBetween(1L, completedCheckpoints);
    }

    @Test
    void threeWritersAppendWithoutConflictsAndEveryRecordIsStoredOnce() throws Exception {
        String table = "appended";
        String t = "lake." + lakeSchema + "." + table;
        Trino.execute("CREATE TABLE " + t + " (id bigint, version integer, name varchar)");
        String topic = "trino-parallel-append-" + UUID.randomUUID().toString().substring(0, 8);
        Kafka.createTopic(topic, 3);
        Kafka.produce(topic, KEYS * VERSIONS, i -> "key-" + (i % KEYS), TrinoParallelWritersITCase::record);
        String yaml = "replicas: 3\n"
                + "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: it-" + topic + "\n    bounded: true\n"
                + "sink:\n  type: trino\n  config:\n    serverURL: " + Trino.serverUrl() + "\n    catalog: lake\n"
                + "    schema: " + lakeSchema + "\n    table: " + table + "\n    batchSize: 100\n";

        // No restart allowed: a conflict between the writers' INSERTs fails the job, and with it this call.
        MiniClusterJobs.run(yaml, "it-trino-parallel-append", JobCompiler.create(), 300, 0);

        assertThat(Trino.count("SELECT count(*) FROM " + t)).as("every record").isEqualTo(KEYS * VERSIONS);
        assertThat(Trino.count("SELECT count(*) FROM (SELECT DISTINCT id, version FROM " + t + ")")).as("each once")
                .isEqualTo(KEYS * VERSIONS);
    }

    /** The job's completed checkpoints, as the MiniCluster's REST API reports them for the finished job. */
    private static long completedCheckpoints(JobClient job) throws Exception {
        Configuration client = FLINK.getClientConfiguration();
        URI uri = URI.create("http://" + client.get(RestOptions.ADDRESS) + ":" + client.get(RestOptions.PORT)
                + "/jobs/" + job.getJobID() + "/checkpoints");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode counts = new ObjectMapper().readTree(response.body()).path("counts");
        return counts.path("completed").asLong();
    }
}
