package io.dataflow.flink.reliability;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RandomFailures;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.SourceRecords;
import io.dataflow.flink.testing.SourceRecords.Row;
import io.dataflow.flink.testing.SourceRecords.UpsertComparison;
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
 * printed). Kafka → Trino upserts with MERGE into an Iceberg table (no primary key: a key stored twice is possible and
 * counted), the Kafka input updating every key four times; Trino → PostgreSQL upserts on the key. Each target is
 * compared by value with the source: one row per key, holding the key's last value (checksum over (id, v) by id).
 */
@RealServers({Server.KAFKA, Server.POSTGRES, Server.TRINO})
class TrinoTaskFailuresITCase {

    private static final int RECORDS = 5_000;
    private static final int VERSIONS = 4;
    /**
     * Records between two versions of a key in the input (about half of it in each of the two partitions): the versions
     * of a key fall in different batches and checkpoints, and every part of the run holds some keys' last versions.
     */
    private static final int KEY_WINDOW = 250;
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
        System.out.println("pair | records | failures | keys without their last value | rows beyond one per key | values");
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

    /** The target holds one row per key with the source's last value; figures: keys without it, rows beyond one per key. */
    private void assertHoldsLastValues(String pair, List<Row> rows, SourceRecords source, String checksum) {
        UpsertComparison comparison = source.compareLastValues(rows);
        FIGURES.add(pair + " | " + source.size() + " (" + source.keys() + " keys) | " + RandomFailures.FAILURES.get() + " | "
                + (comparison.missingKeys() + comparison.wrongValues()) + " | " + comparison.extraRows() + " | "
                + (checksum.equals(source.lastValuesChecksum()) ? "= source" : "≠ source") + " (seed " + seed + ")");
        assertThat(RandomFailures.FAILURES.get()).as("%s: injected failures (seed %d)", pair, seed).isEqualTo(FAILURES);
        assertThat(checksum).as("%s: checksum of the target's (id, v) by id = the source's last values (seed %d): %s", pair, seed, comparison)
                .isEqualTo(source.lastValuesChecksum());
        assertThat(comparison.rows()).as("%s: one row per key (seed %d): %s", pair, seed, comparison).isEqualTo(source.keys());
    }

    @Test
    void kafkaToTrinoMerge() throws Exception {
        String topic = "rf-kt-" + suffix;
        String table = "lake." + lakeSchema + ".events_" + suffix;
        Trino.execute("CREATE TABLE " + table + " (id bigint, v varchar)");
        SourceRecords source = SourceRecords.versions(RECORDS, VERSIONS, KEY_WINDOW);
        Kafka.createTopic(topic, 2);
        Kafka.produce(topic, RECORDS, source::kafkaKey, source::json);
        // one writer keeps the failure points deterministic; several upsert writers are TrinoParallelWritersITCase's
        String yaml = "replicas: 1\nsource:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n"
                + "    topic: " + topic + "\n    consumerGroup: " + topic + "\n    bounded: true\n"
                + "sink:\n  type: trino\n  config:\n    serverURL: " + Trino.serverUrl() + "\n    catalog: lake\n"
                + "    schema: " + lakeSchema + "\n    table: events_" + suffix + "\n    upsertMode: true\n    conflictKey: id\n"
                + "    batchSize: 250\n";
        MiniClusterJobs.run(yaml, "rf-kt-" + suffix, failing(), 300, 10);
        List<Row> rows = new ArrayList<>();
        for (List<Object> row : Trino.rows("SELECT id, v FROM " + table)) {
            rows.add(new Row(((Number) row.get(0)).longValue(), (String) row.get(1)));
        }
        // no primary key in Iceberg: Java computes the checksum over every row, a key's second row included
        assertHoldsLastValues("kafka -> trino (MERGE, Iceberg)", rows, source, SourceRecords.checksum(rows));
    }

    @Test
    void trinoToPostgres() throws Exception {
        String source = "memory." + memorySchema + ".src_" + suffix;
        Trino.execute("CREATE TABLE " + source + " AS SELECT id, 'value ' || CAST(id AS varchar) AS v "
                + "FROM UNNEST(sequence(0, " + (RECORDS - 1) + ")) AS s(id)");
        String target = "public.rf_tp_" + suffix;
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, v TEXT)");
        // every (re)started source notes the newest id and reads up to it once safetyLag has passed: the default 5 s
        // cost 4 × 5 s of waiting (start and three restarts); a short lag keeps that path, pollInterval its retries
        // short. Each page costs two Trino queries (the newest id, the page): pages of 500, 10 of them, not 25
        String yaml = "source:\n  type: trino\n  config:\n    serverURL: " + Trino.serverUrl() + "\n    catalog: memory\n"
                + "    schema: " + memorySchema + "\n    table: src_" + suffix + "\n    readBatchSize: 500\n    bounded: true\n"
                + "    safetyLag: 200ms\n    pollInterval: 200ms\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n    table: " + target + "\n"
                + "    upsertMode: true\n    conflictKey: id\n    batchSize: 200\n";
        MiniClusterJobs.run(yaml, "rf-tp-" + suffix, failing(), 200, 10);
        assertHoldsLastValues("trino -> postgresql (upsert)", Postgres.idValueRows(target), SourceRecords.oneVersion(RECORDS),
                Postgres.idValueChecksum(target));
    }
}
