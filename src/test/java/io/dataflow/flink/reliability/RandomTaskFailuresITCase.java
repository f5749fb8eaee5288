package io.dataflow.flink.reliability;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RandomFailures;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each source/sink pair that exists, with the task failing at three random points of one run (seeded, printed):
 * nothing is lost; upserting PostgreSQL targets hold each record exactly once; at-least-once Kafka targets have
 * every record, and their duplicates are counted and reported. A figures table is printed at the end.
 */
@RealServers({Server.KAFKA, Server.POSTGRES})
class RandomTaskFailuresITCase {

    private static final int RECORDS = 10_000;
    private static final int FAILURES = 3;
    private static final List<String> FIGURES = new ArrayList<>();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private String suffix;
    private long seed;

    @BeforeEach
    void fresh() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        seed = System.nanoTime();
        RandomFailures.reset();
    }

    @AfterAll
    static void printFigures() {
        System.out.println("pair | records | failures | lost | duplicates");
        FIGURES.forEach(System.out::println);
    }

    private JobCompiler failing(long expected) {
        return JobCompiler.withProbeAfterSource(new RandomFailures(seed, FAILURES, expected));
    }

    private void record(String pair, long lost, long duplicates) {
        FIGURES.add(pair + " | " + RECORDS + " | " + RandomFailures.FAILURES.get() + " | " + lost + " | " + duplicates + " (seed " + seed + ")");
        assertThat(RandomFailures.FAILURES.get()).as("%s: injected failures (seed %d)", pair, seed).isEqualTo(FAILURES);
        assertThat(lost).as("%s: records lost (seed %d)", pair, seed).isZero();
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
        return "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n    table: " + table + "\n"
                + "    upsertMode: true\n    conflictKey: id\n    batchSize: 200\n";
    }

    private static String kafkaSink(String topic) {
        return "sink:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n";
    }

    private void kafkaInput(String topic) throws Exception {
        Kafka.createTopic(topic, 2);
        Kafka.produce(topic, RECORDS, i -> "{\"id\":" + i + ",\"v\":\"value " + i + "\"}");
    }

    private static void pgInput(String table) throws Exception {
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v TEXT)");
        Postgres.execute("INSERT INTO " + table + " SELECT g, 'value ' || g FROM generate_series(0, " + (RECORDS - 1) + ") g");
    }

    private static long[] pgOutcome(String table) throws Exception {
        long rows = Postgres.count("SELECT count(*) FROM " + table);
        long right = Postgres.count("SELECT count(*) FROM " + table + " WHERE id BETWEEN 0 AND " + (RECORDS - 1) + " AND v = 'value ' || id");
        return new long[] {RECORDS - right, rows - right};
    }

    private static long[] kafkaOutcome(String topic) {
        Map<Long, Integer> seen = new HashMap<>();
        Pattern id = Pattern.compile("\"id\":(\\d+)");
        for (String value : Kafka.readAll(topic)) {
            Matcher m = id.matcher(value);
            if (m.find()) {
                seen.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
            }
        }
        long lost = RECORDS - seen.keySet().stream().filter(i -> i >= 0 && i < RECORDS).count();
        long duplicates = seen.values().stream().mapToLong(n -> n - 1).sum();
        return new long[] {lost, duplicates};
    }

    @Test
    void kafkaToPostgres() throws Exception {
        String topic = "rf-kp-" + suffix;
        String table = "public.rf_kp_" + suffix;
        kafkaInput(topic);
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v TEXT)");
        MiniClusterJobs.run("replicas: 2\n" + kafkaSource(topic, "rf-kp-" + suffix) + pgSink(table), "rf-kp-" + suffix, failing(RECORDS), 200, 10);
        long[] outcome = pgOutcome(table);
        record("kafka -> postgresql (upsert)", outcome[0], outcome[1]);
        assertThat(outcome[1]).as("upsert: no duplicate rows").isZero();
    }

    @Test
    void kafkaToKafka() throws Exception {
        String in = "rf-kk-in-" + suffix;
        String out = "rf-kk-out-" + suffix;
        kafkaInput(in);
        Kafka.createTopic(out, 2);
        MiniClusterJobs.run("replicas: 2\n" + kafkaSource(in, "rf-kk-" + suffix) + kafkaSink(out), "rf-kk-" + suffix, failing(RECORDS), 200, 10);
        long[] outcome = kafkaOutcome(out);
        record("kafka -> kafka (at-least-once)", outcome[0], outcome[1]);
    }

    @Test
    void postgresToPostgres() throws Exception {
        String source = "public.rf_pp_src_" + suffix;
        String target = "public.rf_pp_dst_" + suffix;
        pgInput(source);
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, v TEXT)");
        MiniClusterJobs.run(pgSource(source) + pgSink(target), "rf-pp-" + suffix, failing(RECORDS), 200, 10);
        long[] outcome = pgOutcome(target);
        record("postgresql -> postgresql (upsert)", outcome[0], outcome[1]);
        assertThat(outcome[1]).isZero();
    }

    @Test
    void postgresToKafka() throws Exception {
        String source = "public.rf_pk_src_" + suffix;
        String topic = "rf-pk-" + suffix;
        pgInput(source);
        Kafka.createTopic(topic, 2);
        MiniClusterJobs.run(pgSource(source) + kafkaSink(topic), "rf-pk-" + suffix, failing(RECORDS), 200, 10);
        long[] outcome = kafkaOutcome(topic);
        record("postgresql -> kafka (at-least-once)", outcome[0], outcome[1]);
    }

    @Test
    void postgresCdcToPostgres() throws Exception {
        String source = "public.rf_cp_src_" + suffix;
        String target = "public.rf_cp_dst_" + suffix;
        Postgres.execute("CREATE TABLE " + source + " (id BIGINT PRIMARY KEY, v TEXT)");
        Postgres.execute("INSERT INTO " + source + " SELECT g, 'value ' || g FROM generate_series(0, " + (RECORDS / 2 - 1) + ") g");
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, v TEXT)");
        String slot = "rf_slot_" + suffix;
        String yaml = "source:\n  type: postgresql-cdc\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n    slotName: " + slot + "\n"
                + "    publicationName: rf_pub_" + suffix + "\n    tables: [" + source + "]\n" + pgSink(target);
        JobClient job = MiniClusterJobs.start(yaml, "rf-cp-" + suffix, failing(RECORDS), 200, 10);
        try {
            await(() -> Postgres.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'") == 1);
            for (int from = RECORDS / 2; from < RECORDS; from += 100) {
                Postgres.execute("INSERT INTO " + source + " SELECT g, 'value ' || g FROM generate_series(" + from + ", " + (from + 99) + ") g");
            }
            await(() -> RandomFailures.FAILURES.get() == FAILURES && pgOutcome(target)[0] == 0);
        } finally {
            job.cancel().get();
            Postgres.dropReplicationSlot(slot);
            Postgres.execute("DROP PUBLICATION IF EXISTS rf_pub_" + suffix);
        }
        long[] outcome = pgOutcome(target);
        record("postgresql-cdc -> postgresql (upsert)", outcome[0], outcome[1]);
        assertThat(outcome[1]).isZero();
    }

    private static void await(Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!condition.call()) {
            assertThat(System.currentTimeMillis()).as("in time").isLessThan(deadline);
            Thread.sleep(250);
        }
    }
}
