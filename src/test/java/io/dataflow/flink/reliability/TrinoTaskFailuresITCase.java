package io.dataflow.flink.reliability;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RandomFailures;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.Trino;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Trino pairs of {@link RandomTaskFailuresITCase}: the task fails at three random points of one run (seeded,
 * printed). Kafka → Trino upserts with MERGE into an Iceberg table, Trino → PostgreSQL upserts on the key: nothing
 * is lost and no key is stored twice.
 */
@RealServers({Server.KAFKA, Server.POSTGRES, Server.TRINO})
class TrinoTaskFailuresITCase {

    private static final int RECORDS = 5_000;
    private static final int FAILURES = 3;
    private static final List<String> FIGURES = new ArrayList<>();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static String lakeSchema;
    private static String memorySchema;
    private String suffix;
    private long seed;

    @BeforeAll
    static void schemas() throws Exception {
        lakeSchema = Trino.createSchema("lake", "rf");
        memorySchema = Trino.createSchema("memory", "rf");
    }

    @AfterAll
    static void dropSchemasAndPrintFigures() throws Exception {
        Trino.execute("DROP SCHEMA IF EXISTS lake." + lakeSchema + " CASCADE");
        Trino.execute("DROP SCHEMA IF EXISTS memory." + memorySchema + " CASCADE");
        System.out.println("pair | records | failures | lost | duplicates");
        FIGURES.forEach(System.out::println);
    }

    @BeforeEach
    void fresh() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        seed = System.nanoTime();
        RandomFailures.reset();
    }

    private JobCompiler failing() {
        return JobCompiler.withProbeAfterSource(new RandomFailures(seed, FAILURES, RECORDS));
    }

    private void record(String pair, long lost, long duplicates) {
        FIGURES.add(pair + " | " + RECORDS + " | " + RandomFailures.FAILURES.get() + " | " + lost + " | " + duplicates + " (seed " + seed + ")");
        assertThat(RandomFailures.FAILURES.get()).as("%s: injected failures (seed %d)", pair, seed).isEqualTo(FAILURES);
        assertThat(lost).as("%s: records lost (seed %d)", pair, seed).isZero();
        assertThat(duplicates).as("%s: keys stored twice (seed %d)", pair, seed).isZero();
    }

    @Test
    void kafkaToTrinoMerge() throws Exception {
        String topic = "rf-kt-" + suffix;
        String table = "lake." + lakeSchema + ".events_" + suffix;
        Trino.execute("CREATE TABLE " + table + " (id bigint, v varchar)");
        Kafka.createTopic(topic, 2);
        Kafka.produce(topic, RECORDS, i -> "{\"id\":" + i + ",\"v\":\"value " + i + "\"}");
        // one writer: two subtasks MERGE-ing into one Iceberg table conflict and retry, which slows checkpoints so much
        // that a run once ended before the second failure could fall
        String yaml = "replicas: 1\nsource:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n"
                + "    topic: " + topic + "\n    consumerGroup: " + topic + "\n    bounded: true\n"
                + "sink:\n  type: trino\n  config:\n    serverURL: " + Trino.serverUrl() + "\n    catalog: lake\n"
                + "    schema: " + lakeSchema + "\n    table: events_" + suffix + "\n    upsertMode: true\n    conflictKey: id\n"
                + "    batchSize: 250\n";
        MiniClusterJobs.run(yaml, "rf-kt-" + suffix, failing(), 300, 10);
        long rows = Trino.count("SELECT count(*) FROM " + table);
        long right = Trino.count("SELECT count(DISTINCT id) FROM " + table + " WHERE id BETWEEN 0 AND " + (RECORDS - 1)
                + " AND v = 'value ' || CAST(id AS varchar)");
        record("kafka -> trino (MERGE, Iceberg)", RECORDS - right, rows - right);
    }

    @Test
    void trinoToPostgres() throws Exception {
        String source = "memory." + memorySchema + ".src_" + suffix;
        Trino.execute("CREATE TABLE " + source + " AS SELECT id, 'value ' || CAST(id AS varchar) AS v "
                + "FROM UNNEST(sequence(0, " + (RECORDS - 1) + ")) AS s(id)");
        String target = "public.rf_tp_" + suffix;
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, v TEXT)");
        String yaml = "source:\n  type: trino\n  config:\n    serverURL: " + Trino.serverUrl() + "\n    catalog: memory\n"
                + "    schema: " + memorySchema + "\n    table: src_" + suffix + "\n    readBatchSize: 200\n    bounded: true\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n    table: " + target + "\n"
                + "    upsertMode: true\n    conflictKey: id\n    batchSize: 200\n";
        MiniClusterJobs.run(yaml, "rf-tp-" + suffix, failing(), 200, 10);
        long rows = Postgres.count("SELECT count(*) FROM " + target);
        long right = Postgres.count("SELECT count(*) FROM " + target + " WHERE id BETWEEN 0 AND " + (RECORDS - 1) + " AND v = 'value ' || id");
        record("trino -> postgresql (upsert)", RECORDS - right, rows - right);
    }
}
