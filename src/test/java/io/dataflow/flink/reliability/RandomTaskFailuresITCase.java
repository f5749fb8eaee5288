package io.dataflow.flink.reliability;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.ClickHouse;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RandomFailures;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.SinkFaults;
import io.dataflow.flink.testing.SinkFaults.Fault;
import io.dataflow.flink.testing.SourceRecords;
import io.dataflow.flink.testing.SourceRecords.AppendComparison;
import io.dataflow.flink.testing.SourceRecords.Row;
import io.dataflow.flink.testing.SourceRecords.UpsertComparison;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.nessie.NessieCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each source/sink pair that exists, with the task failing at three random points of one run (seeded, printed), and
 * the three pairs whose sinks commit (Kafka → PostgreSQL upsert, Kafka → Kafka exactly-once, Kafka → Nessie) once
 * more with the failures inside the sink: in a flush after part of the batch was written, and in the completed
 * checkpoint's commit, before and after the sink commits. The targets are compared by value with what the source
 * produced ({@link SourceRecords}): an upsert target holds one row per key with the key's last value (the Kafka input
 * updates every key several times, so an old version written over a newer one shows; checksum computed by the
 * server where it can), an append target every record, exactly once where the sink is exactly-once; at-least-once
 * targets' duplicates are counted and reported. A figures table is printed at the end.
 */
@RealServers({Server.KAFKA, Server.POSTGRES, Server.CLICKHOUSE, Server.NESSIE})
class RandomTaskFailuresITCase {

    private static final int RECORDS = 10_000;
    /** The Kafka input updates each key this many times. */
    private static final int VERSIONS = 4;
    /**
     * Records between two versions of a key in the input (about half of it in each of the two partitions): the versions
     * of a key fall in different batches and checkpoints, and every part of the run holds some keys' last versions.
     */
    private static final int KEY_WINDOW = 250;
    /** The pairs added later run on fewer records: the suite stays fast, three failures still fall mid-stream. */
    private static final int FEWER = 4_000;
    /**
     * The runs with faults in the sink: a fault waits for a checkpoint after the previous one's restart while the other
     * subtask goes on writing (2 000–4 000 records on this loaded machine), and a commit fault needs a commit still to
     * come; 8 000 records leave room for all three before the input ends.
     */
    private static final int IN_SINK = 8_000;
    private static final int FAILURES = 3;
    private static final List<String> FIGURES = new ArrayList<>();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static String database;
    private String suffix;
    private long seed;

    @BeforeAll
    static void clickHouseDatabase() throws Exception {
        database = ClickHouse.createDatabase("rf");
    }

    @BeforeEach
    void fresh() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        seed = System.nanoTime();
        RandomFailures.reset();
        SinkFaults.none();
    }

    @AfterAll
    static void printFiguresAndDropTheDatabase() throws Exception {
        ClickHouse.execute("DROP DATABASE IF EXISTS " + database);
        System.out.println("pair | records | failures | lost | duplicates | values");
        FIGURES.forEach(System.out::println);
    }

    private JobCompiler failing(long expected) {
        return JobCompiler.withProbeAfterSource(new RandomFailures(seed, FAILURES, expected));
    }

    /** The three faults inside the sink, at seeded points of {@code expected} records written; no probe after the source. */
    private JobCompiler failingInSink(long expected) {
        SinkFaults.plan(seed, expected, Fault.IN_FLUSH, Fault.BEFORE_COMMIT, Fault.AFTER_COMMIT);
        return JobCompiler.create();
    }

    private String failures() {
        return SinkFaults.FELL.isEmpty() ? RandomFailures.FAILURES.get() + " after the source" : SinkFaults.FELL.toString();
    }

    private void assertFailuresFell(String pair) {
        if (SinkFaults.FELL.isEmpty()) {
            assertThat(RandomFailures.FAILURES.get()).as("%s: injected failures (seed %d)", pair, seed).isEqualTo(FAILURES);
        } else {
            for (Fault fault : Fault.values()) {
                assertThat(SinkFaults.fallen(fault)).as("%s: %s faults injected (seed %d): %s", pair, fault, seed, SinkFaults.FELL).isEqualTo(1);
            }
        }
    }

    /**
     * An upsert target holds the last value of every key the source produced, one row each: the checksum PostgreSQL
     * computes over (id, v) by id equals the one of the input, and the row count the number of keys.
     */
    private void assertPostgresHoldsLastValues(String pair, String table, SourceRecords source) throws Exception {
        UpsertComparison comparison = source.compareLastValues(Postgres.idValueRows(table));
        String checksum = Postgres.idValueChecksum(table);
        FIGURES.add(pair + " | " + source.size() + " (" + source.keys() + " keys) | " + failures() + " | "
                + (comparison.missingKeys() + comparison.wrongValues()) + " keys without their last value | – (primary key) | "
                + (checksum.equals(source.lastValuesChecksum()) ? "= source" : "≠ source") + " (seed " + seed + ")");
        assertFailuresFell(pair);
        assertThat(checksum).as("%s: checksum of the target's (id, v) by id = the source's last values (seed %d): %s", pair, seed, comparison)
                .isEqualTo(source.lastValuesChecksum());
        assertThat(comparison.rows()).as("%s: one row per key (seed %d)", pair, seed).isEqualTo(source.keys());
    }

    /** An append target holds every source record: none lost, none the source never produced; duplicates counted. */
    private AppendComparison assertAppended(String pair, List<Row> target, SourceRecords source, boolean exactlyOnce) {
        AppendComparison comparison = source.compareAppended(target);
        FIGURES.add(pair + " | " + source.size() + " | " + failures() + " | " + comparison.lost() + " | " + comparison.duplicates()
                + (exactlyOnce ? "" : " (counted)") + " | " + (comparison.unexpected() == 0 ? "each a source record" : comparison.unexpected() + " never produced")
                + " (seed " + seed + ")");
        assertFailuresFell(pair);
        assertThat(comparison.lost()).as("%s: records lost (seed %d): %s", pair, seed, comparison).isZero();
        assertThat(comparison.unexpected()).as("%s: records the source never produced (seed %d): %s", pair, seed, comparison).isZero();
        if (exactlyOnce) {
            assertThat(comparison.duplicates()).as("%s: exactly-once: duplicates (seed %d): %s", pair, seed, comparison).isZero();
        }
        return comparison;
    }

    private static String kafkaSource(String topic, String group) {
        return "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: " + group + "\n    bounded: true\n";
    }

    private static String pgSource(String table) {
        return "source:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n    table: " + table + "\n"
                + "    readBatchSize: 500\n    bounded: true\n";
    }

    private static String pgSink(String table) {
        return pgSink("postgresql", table);
    }

    private static String pgSink(String type, String table) {
        return "sink:\n  type: " + type + "\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n    table: " + table + "\n"
                + "    upsertMode: true\n    conflictKey: id\n    batchSize: 200\n";
    }

    private static String kafkaSink(String topic) {
        return "sink:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n";
    }

    /** Records keyed by id, each key updated {@link #VERSIONS} times: the versions of a key stay in order in one partition. */
    private static SourceRecords kafkaInput(String topic, int records) throws Exception {
        SourceRecords source = SourceRecords.versions(records, VERSIONS, KEY_WINDOW);
        Kafka.createTopic(topic, 2);
        Kafka.produce(topic, records, source::kafkaKey, source::json);
        return source;
    }

    private static SourceRecords pgInput(String table) throws Exception {
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v TEXT)");
        Postgres.execute("INSERT INTO " + table + " SELECT g, 'value ' || g FROM generate_series(0, " + (RECORDS - 1) + ") g");
        return SourceRecords.oneVersion(RECORDS);
    }

    private static boolean holdsLastValues(String table, SourceRecords source) throws Exception {
        return Postgres.idValueChecksum(table).equals(source.lastValuesChecksum());
    }

    private static List<Row> kafkaRows(String topic) {
        return SourceRecords.parseJson(Kafka.readAll(topic));
    }

    @Test
    void kafkaToPostgres() throws Exception {
        String topic = "rf-kp-" + suffix;
        String table = "public.rf_kp_" + suffix;
        SourceRecords source = kafkaInput(topic, RECORDS);
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v TEXT)");
        MiniClusterJobs.run("replicas: 2\n" + kafkaSource(topic, "rf-kp-" + suffix) + pgSink(table), "rf-kp-" + suffix, failing(RECORDS), 200, 10);
        assertPostgresHoldsLastValues("kafka -> postgresql (upsert)", table, source);
    }

    /** The same pair failing inside the sink: in a flush after half the batch was written, before and after a commit. */
    @Test
    void kafkaToPostgresFailingInTheSink() throws Exception {
        String topic = "rf-kps-" + suffix;
        String table = "public.rf_kps_" + suffix;
        SourceRecords source = kafkaInput(topic, IN_SINK);
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v TEXT)");
        MiniClusterJobs.run("replicas: 2\n" + kafkaSource(topic, "rf-kps-" + suffix) + pgSink("faulty-postgresql", table),
                "rf-kps-" + suffix, failingInSink(IN_SINK), 200, 10);
        assertPostgresHoldsLastValues("kafka -> postgresql (upsert; faults in the sink)", table, source);
    }

    @Test
    void kafkaToKafka() throws Exception {
        String in = "rf-kk-in-" + suffix;
        String out = "rf-kk-out-" + suffix;
        SourceRecords source = kafkaInput(in, RECORDS);
        Kafka.createTopic(out, 2);
        MiniClusterJobs.run("replicas: 2\n" + kafkaSource(in, "rf-kk-" + suffix) + kafkaSink(out), "rf-kk-" + suffix, failing(RECORDS), 200, 10);
        assertAppended("kafka -> kafka (at-least-once)", kafkaRows(out), source, false);
    }

    /**
     * Exactly-once Kafka with the faults inside the sink: in a flush that wrote half its records into the open
     * transaction, before the completed checkpoint's transaction is committed (the restarted job commits it), and
     * after (the restarted job must not commit it twice). A read_committed reader sees every record once, and each
     * key's records in the source's order (a compacted topic keeps the last value).
     */
    @Test
    void kafkaToKafkaExactlyOnceFailingInTheSink() throws Exception {
        String in = "rf-kke-in-" + suffix;
        String out = "rf-kke-out-" + suffix;
        SourceRecords source = kafkaInput(in, IN_SINK);
        Kafka.createTopic(out, 2);
        MiniClusterJobs.run("replicas: 2\n" + kafkaSource(in, "rf-kke-" + suffix)
                        + "sink:\n  type: faulty-kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + out + "\n"
                        + "    deliveryGuarantee: exactly-once\n    transactionalIdPrefix: " + out + "\n",
                "rf-kke-" + suffix, failingInSink(IN_SINK), 200, 10);
        List<Row> committed = SourceRecords.parseJson(Kafka.readAll(out, "read_committed"));
        assertAppended("kafka -> kafka (exactly-once; faults in the sink)", committed, source, true);
        Map<Long, String> lastRead = new LinkedHashMap<>();
        committed.forEach(r -> lastRead.put(r.id(), r.v()));
        List<Row> lastPerKey = new ArrayList<>();
        lastRead.forEach((id, v) -> lastPerKey.add(new Row(id, v)));
        UpsertComparison order = source.compareLastValues(lastPerKey);
        assertThat(order.matches()).as("each key's last record read is its last version: %s", order).isTrue();
        assertThat(Kafka.endOffsets(out, "read_committed")).as("no transaction left open")
                .isEqualTo(Kafka.endOffsets(out, "read_uncommitted"));
    }

    @Test
    void postgresToPostgres() throws Exception {
        String sourceTable = "public.rf_pp_src_" + suffix;
        String target = "public.rf_pp_dst_" + suffix;
        SourceRecords source = pgInput(sourceTable);
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, v TEXT)");
        MiniClusterJobs.run(pgSource(sourceTable) + pgSink(target), "rf-pp-" + suffix, failing(RECORDS), 200, 10);
        assertPostgresHoldsLastValues("postgresql -> postgresql (upsert)", target, source);
    }

    @Test
    void postgresToKafka() throws Exception {
        String sourceTable = "public.rf_pk_src_" + suffix;
        String topic = "rf-pk-" + suffix;
        SourceRecords source = pgInput(sourceTable);
        Kafka.createTopic(topic, 2);
        MiniClusterJobs.run(pgSource(sourceTable) + kafkaSink(topic), "rf-pk-" + suffix, failing(RECORDS), 200, 10);
        assertAppended("postgresql -> kafka (at-least-once)", kafkaRows(topic), source, false);
    }

    /** Inserts and then updates streamed while the job runs: each key ends with its update's value. */
    @Test
    void postgresCdcToPostgres() throws Exception {
        String sourceTable = "public.rf_cp_src_" + suffix;
        String target = "public.rf_cp_dst_" + suffix;
        // every fourth row is updated once more while the job streams: its last value is the update's
        List<Row> changes = new ArrayList<>();
        for (int id = 0; id < RECORDS; id++) {
            changes.add(new Row(id, "value " + id));
        }
        for (int id = 0; id < RECORDS; id += 4) {
            changes.add(new Row(id, "value " + id + " updated"));
        }
        SourceRecords source = SourceRecords.of(changes);
        Postgres.execute("CREATE TABLE " + sourceTable + " (id BIGINT PRIMARY KEY, v TEXT)");
        Postgres.execute("INSERT INTO " + sourceTable + " SELECT g, 'value ' || g FROM generate_series(0, " + (RECORDS / 2 - 1) + ") g");
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, v TEXT)");
        String slot = "rf_slot_" + suffix;
        String yaml = "source:\n  type: postgresql-cdc\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n    slotName: " + slot + "\n"
                + "    publicationName: rf_pub_" + suffix + "\n    tables: [" + sourceTable + "]\n" + pgSink(target);
        JobClient job = MiniClusterJobs.start(yaml, "rf-cp-" + suffix, failing(RECORDS), 200, 10);
        try {
            await(() -> Postgres.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'") == 1);
            for (int from = RECORDS / 2; from < RECORDS; from += 100) {
                Postgres.execute("INSERT INTO " + sourceTable + " SELECT g, 'value ' || g FROM generate_series(" + from + ", " + (from + 99) + ") g");
            }
            for (int from = 0; from < RECORDS; from += 500) {
                Postgres.execute("UPDATE " + sourceTable + " SET v = v || ' updated' WHERE id % 4 = 0 AND id BETWEEN " + from + " AND " + (from + 499));
            }
            awaitSteadily(() -> RandomFailures.FAILURES.get() == FAILURES && holdsLastValues(target, source));
        } finally {
            job.cancel().get();
            Postgres.dropReplicationSlot(slot);
            Postgres.execute("DROP PUBLICATION IF EXISTS rf_pub_" + suffix);
        }
        assertPostgresHoldsLastValues("postgresql-cdc -> postgresql (upsert)", target, source);
    }

    /**
     * Upsert into a ReplacingMergeTree: the sink is at-least-once (raw duplicate rows counted); {@code FINAL} holds
     * each key with the source's value.
     */
    @Test
    void kafkaToClickHouse() throws Exception {
        String topic = "rf-kc-" + suffix;
        String table = database + ".rf_kc";
        SourceRecords source = SourceRecords.oneVersion(RECORDS);
        Kafka.createTopic(topic, 2);
        Kafka.produce(topic, RECORDS, source::kafkaKey, source::json);
        ClickHouse.execute("CREATE TABLE " + table + " (id Int64, v String) ENGINE = ReplacingMergeTree ORDER BY id");
        MiniClusterJobs.run("replicas: 2\n" + kafkaSource(topic, "rf-kc-" + suffix)
                + "sink:\n  type: clickhouse\n  config:\n    connectionString: \"" + ClickHouse.url(database) + "\"\n    table: rf_kc\n"
                + "    batchSize: 200\n", "rf-kc-" + suffix, failing(RECORDS), 200, 10);
        long rawRows = ClickHouse.count("SELECT count() FROM " + table);
        List<Row> afterFinal = new ArrayList<>();
        ClickHouse.rows("SELECT id, v FROM " + table + " FINAL").forEach(r -> afterFinal.add(new Row(r.get("id").asLong(), r.get("v").asText())));
        UpsertComparison comparison = source.compareLastValues(afterFinal);
        String pair = "kafka -> clickhouse (at-least-once; ReplacingMergeTree)";
        FIGURES.add(pair + " | " + RECORDS + " | " + failures() + " | " + (comparison.missingKeys() + comparison.wrongValues())
                + " keys without their value | " + (rawRows - RECORDS) + " raw rows (counted) | FINAL " + (comparison.matches() ? "= source" : "≠ source")
                + " (seed " + seed + ")");
        assertFailuresFell(pair);
        assertThat(comparison.matches()).as("%s: FINAL holds each key with the source's value (seed %d): %s", pair, seed, comparison).isTrue();
    }

    @Test
    void clickHouseToKafka() throws Exception {
        String table = database + ".rf_ck";
        String topic = "rf-ck-" + suffix;
        ClickHouse.execute("CREATE TABLE " + table + " (id Int64, v String) ENGINE = MergeTree ORDER BY id");
        ClickHouse.execute("INSERT INTO " + table + " SELECT number, concat('value ', toString(number)) FROM numbers(" + FEWER + ")");
        Kafka.createTopic(topic, 2);
        // every (re)started source notes the newest id and reads up to it once safetyLag has passed: the default 5 s
        // cost 4 × 5 s of waiting (start and three restarts); a short lag keeps that path, pollInterval its retries short
        MiniClusterJobs.run("source:\n  type: clickhouse\n  config:\n    connectionString: \"" + ClickHouse.url(database) + "\"\n"
                + "    table: rf_ck\n    orderByColumn: id\n    readBatchSize: 200\n    bounded: true\n"
                + "    safetyLag: 200ms\n    pollInterval: 200ms\n" + kafkaSink(topic),
                "rf-ck-" + suffix, failing(FEWER), 200, 10);
        assertAppended("clickhouse -> kafka (at-least-once)", kafkaRows(topic), SourceRecords.oneVersion(FEWER), false);
    }

    /** The Iceberg sink commits once per completed checkpoint: exactly once. */
    @Test
    void kafkaToNessie() throws Exception {
        kafkaToNessie("nessie", "kafka -> nessie (exactly-once)", FEWER, failing(FEWER));
    }

    /**
     * The same with the faults inside the sink: in a flush that closed a data file of half its records, before the
     * completed checkpoint's append is committed (the restarted job commits it), and after (the restarted job finds it
     * in the table's history and does not append it twice).
     */
    @Test
    void kafkaToNessieFailingInTheSink() throws Exception {
        kafkaToNessie("faulty-nessie", "kafka -> nessie (exactly-once; faults in the sink)", IN_SINK, failingInSink(IN_SINK));
    }

    private void kafkaToNessie(String sinkType, String pair, int records, JobCompiler compiler) throws Exception {
        String topic = "rf-kn-" + suffix;
        String namespace = "rf_kn_" + suffix;
        String warehouse = Nessie.newWarehouse();
        SourceRecords source = kafkaInput(topic, records);
        MiniClusterJobs.run("replicas: 2\n" + kafkaSource(topic, "rf-kn-" + suffix)
                + "sink:\n  type: " + sinkType + "\n  config:\n    baseURL: \"" + Nessie.baseUrl() + "\"\n    warehouse: \"" + warehouse + "\"\n"
                + "    namespace: " + namespace + "\n    table: events\n    autoCreateTable: true\n    authenticationType: NONE\n",
                "rf-kn-" + suffix, compiler, 200, 10);
        try (NessieCatalog catalog = Nessie.catalog("main", warehouse)) {
            List<String> values = new ArrayList<>();
            for (Record r : Nessie.rows(catalog.loadTable(Nessie.table(namespace, "events")))) {
                values.add((String) r.getField("data"));
            }
            assertAppended(pair, SourceRecords.parseJson(values), source, true);
        }
    }

    /**
     * The incremental (by snapshot) source while another writer appends 20 snapshots of 200 rows (4 polls of
     * {@code maxRowsPerPoll} each): its position (snapshot, rows emitted of it) is restored from the checkpoint after
     * each failure. The writer's commits pace the run, so their number, not the rows, sets its length.
     */
    @Test
    void nessieIncrementalToPostgres() throws Exception {
        String namespace = "rf_np_" + suffix;
        String target = "public.rf_np_" + suffix;
        SourceRecords source = SourceRecords.oneVersion(FEWER);
        String warehouse = Nessie.newWarehouse();
        int commits = 20;
        int perCommit = FEWER / commits;
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, v TEXT)");
        try (NessieCatalog catalog = Nessie.catalog("main", warehouse)) {
            catalog.createNamespace(Namespace.of(namespace));
            Schema schema = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()),
                    Types.NestedField.optional(2, "v", Types.StringType.get()));
            Table table = catalog.createTable(Nessie.table(namespace, "orders"), schema);
            Nessie.append(table, rows(schema, 0, perCommit));
            String yaml = "source:\n  type: nessie\n  config:\n    baseURL: \"" + Nessie.baseUrl() + "\"\n    warehouse: \"" + warehouse + "\"\n"
                    + "    namespace: " + namespace + "\n    table: orders\n    incrementalBySnapshot: true\n    pollInterval: 200ms\n"
                    + "    maxRowsPerPoll: 50\n    authenticationType: NONE\n" + pgSink(target);
            JobClient job = MiniClusterJobs.start(yaml, "rf-np-" + suffix, failing(FEWER), 200, 10);
            try {
                for (int c = 1; c < commits; c++) {
                    Nessie.append(table, rows(schema, c * perCommit, perCommit));
                }
                awaitSteadily(() -> RandomFailures.FAILURES.get() == FAILURES && holdsLastValues(target, source));
            } finally {
                job.cancel().get();
            }
        }
        assertPostgresHoldsLastValues("nessie (incremental) -> postgresql (upsert)", target, source);
    }

    private static List<Record> rows(Schema schema, int from, int count) {
        List<Record> out = new ArrayList<>();
        for (int id = from; id < from + count; id++) {
            GenericRecord r = GenericRecord.create(schema);
            r.setField("id", (long) id);
            r.setField("v", "value " + id);
            out.add(r);
        }
        return out;
    }

    @Test
    void postgresCdcToKafka() throws Exception {
        String source = "public.rf_ck_src_" + suffix;
        String topic = "rf-cdck-" + suffix;
        Postgres.execute("CREATE TABLE " + source + " (id BIGINT PRIMARY KEY, v TEXT)");
        Postgres.execute("INSERT INTO " + source + " SELECT g, 'value ' || g FROM generate_series(0, " + (FEWER / 2 - 1) + ") g");
        Kafka.createTopic(topic, 2);
        String slot = "rf_slot_ck_" + suffix;
        String yaml = "source:\n  type: postgresql-cdc\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n    slotName: " + slot + "\n"
                + "    publicationName: rf_pub_ck_" + suffix + "\n    tables: [" + source + "]\n" + kafkaSink(topic);
        JobClient job = MiniClusterJobs.start(yaml, "rf-cdck-" + suffix, failing(FEWER), 200, 10);
        try {
            await(() -> Postgres.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'") == 1);
            for (int from = FEWER / 2; from < FEWER; from += 100) {
                Postgres.execute("INSERT INTO " + source + " SELECT g, 'value ' || g FROM generate_series(" + from + ", " + (from + 99) + ") g");
            }
            // a fast stream can pass the last failure point before a checkpoint completes after a restart; more rows
            // (ids beyond the counted range) keep it flowing until the third failure fell
            long deadline = System.currentTimeMillis() + 60_000;
            for (int extra = FEWER; RandomFailures.FAILURES.get() < FAILURES && System.currentTimeMillis() < deadline; extra += 20) {
                Postgres.execute("INSERT INTO " + source + " SELECT g, 'value ' || g FROM generate_series(" + extra + ", " + (extra + 19) + ") g");
                Thread.sleep(100);
            }
            await(() -> RandomFailures.FAILURES.get() == FAILURES && SourceRecords.oneVersion(FEWER).compareAppended(firstRecords(kafkaRows(topic))).lost() == 0);
        } finally {
            job.cancel().get();
            Postgres.dropReplicationSlot(slot);
            Postgres.execute("DROP PUBLICATION IF EXISTS rf_pub_ck_" + suffix);
        }
        assertAppended("postgresql-cdc -> kafka (at-least-once)", firstRecords(kafkaRows(topic)), SourceRecords.oneVersion(FEWER), false);
    }

    /** The records of the counted ids: the CDC test inserts more beyond them until its last failure fell. */
    private static List<Row> firstRecords(List<Row> rows) {
        return rows.stream().filter(r -> r.id() < FEWER).toList();
    }

    /** How long an unbounded pair's target must keep the source's last values before the job is cancelled. */
    private static final long STEADY_MILLIS = 3_000;

    /**
     * Waits until {@code condition} has held on every check for {@link #STEADY_MILLIS}. An unbounded job is cancelled
     * once its target holds the source's last values, but right after its last failure the restarted job replays
     * older versions from its checkpoint: the target can hold the last values for a moment while replayed records
     * sit in the sink's buffer, and hold older ones after the next flush (a CI rehearsal cancelled in that moment).
     * The window outlasts a restart, the replay and several checkpoint flushes.
     */
    private static void awaitSteadily(Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        long heldSince = -1;
        while (true) {
            long now = System.currentTimeMillis();
            if (!condition.call()) {
                heldSince = -1;
            } else if (heldSince < 0) {
                heldSince = now;
            } else if (now - heldSince >= STEADY_MILLIS) {
                return;
            }
            assertThat(now).as("in time").isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private static void await(Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!condition.call()) {
            assertThat(System.currentTimeMillis()).as("in time").isLessThan(deadline);
            Thread.sleep(250);
        }
    }
}
