package io.dataflow.flink.connector.postgres.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.SessionCluster;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code replicas: 3} behind the CDC source on the real PostgreSQL: one replication slot read by one subtask, the
 * upsert sink at three subtasks, and every key's many changes applied in order — the replica ends with each key's
 * last value, which a round-robin hand-over (or any reordering of one key's changes) would break.
 */
@RealServers({Server.POSTGRES})
class PostgresCdcReplicasITCase {

    private static final int KEYS = 300;
    private static final int ROUNDS = 40;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private String suffix;
    private String slot;
    private String publication;

    @BeforeEach
    void names() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        slot = "it_replicas_slot_" + suffix;
        publication = "it_replicas_pub_" + suffix;
    }

    /** Slots keep WAL on the server for ever: every test drops its own. */
    @AfterEach
    void dropSlot() throws Exception {
        Postgres.dropReplicationSlot(slot);
        Postgres.execute("DROP PUBLICATION IF EXISTS " + publication);
    }

    @Test
    void cdcToPostgresUpsertAtReplicasThreeKeepsEveryKeysLastValue(@InjectClusterClient ClusterClient<?> client) throws Exception {
        String source = "public.cdc_replicas_src_" + suffix;
        String replica = "public.cdc_replicas_dst_" + suffix;
        Postgres.execute("CREATE TABLE " + source + " (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, note TEXT)");
        Postgres.execute("CREATE TABLE " + replica + " (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, note TEXT)");
        Postgres.execute("INSERT INTO " + source + " SELECT g, 0, 'snapshot' FROM generate_series(1, " + KEYS + ") g");
        String yaml = "replicas: 3\n"
                + "source:\n  type: postgresql-cdc\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    slotName: " + slot + "\n    publicationName: " + publication + "\n    tables: [" + source + "]\n"
                + "    heartbeatIntervalSeconds: 1\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + replica + "\n    upsertMode: true\n    conflictKey: id\n"
                + "    batchSize: 100\n    batchFlushIntervalSeconds: 1\n";
        JobClient job = MiniClusterJobs.start(yaml, "it-cdc-replicas-" + suffix, JobCompiler.create(), 300, 0);
        try {
            SessionCluster.await("the job created its slot", () ->
                    Postgres.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'") == 1, 120);
            // every key changes ROUNDS times, each round one transaction and a new seq; half the keys once more alone
            for (int round = 1; round <= ROUNDS; round++) {
                Postgres.execute("UPDATE " + source + " SET seq = " + round + ", note = 'round " + round + "'");
                Postgres.execute("UPDATE " + source + " SET seq = seq * 1000 + id WHERE id % 2 = " + (round % 2));
            }
            Map<Long, Long> expected = seqById(source);
            assertThat(expected).hasSize(KEYS);

            SessionCluster.await("the replica holds every key's last value", () -> seqById(replica).equals(expected), 180);

            String rest = client.getWebInterfaceURL();
            String jobId = job.getJobID().toHexString();
            List<JsonNode> vertices = new ArrayList<>();
            SessionCluster.get(rest + "/jobs/" + jobId).path("vertices").forEach(vertices::add);
            JsonNode reader = vertices.stream().filter(v -> v.path("name").asText().contains("source: postgresql-cdc")).findFirst().orElseThrow();
            JsonNode writer = vertices.stream().filter(v -> v.path("name").asText().contains("sink: postgresql")).findFirst().orElseThrow();
            assertThat(reader.path("parallelism").asInt()).as("one reader of the slot").isEqualTo(1);
            assertThat(writer.path("parallelism").asInt()).as("sink subtasks").isEqualTo(3);
            assertThat(writer.path("id").asText()).as("the sink is not chained to the source").isNotEqualTo(reader.path("id").asText());
            // Flink's metric fetcher refreshes every 10 s: wait until it shows records at each of the three writers
            SessionCluster.await("each of the 3 sink subtasks received records", () -> {
                JsonNode subtasks = SessionCluster.get(rest + "/jobs/" + jobId + "/vertices/" + writer.path("id").asText()).path("subtasks");
                int busy = 0;
                for (JsonNode subtask : subtasks) {
                    busy += subtask.path("metrics").path("read-records").asLong() > 0 ? 1 : 0;
                }
                return subtasks.size() == 3 && busy == 3;
            }, 60);
            assertThat(seqById(replica)).as("still every key's last value").isEqualTo(expected);
        } finally {
            job.cancel().get();
        }
    }

    private static Map<Long, Long> seqById(String table) throws Exception {
        Map<Long, Long> rows = new HashMap<>();
        try (Connection c = Postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, seq FROM " + table)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return rows;
    }
}
