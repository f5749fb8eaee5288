package io.dataflow.flink.reliability;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.RealServersExtension;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server outages in the middle of a job (reference issue 12): a PostgreSQL target stopped and started again (same
 * data) during a Kafka → PostgreSQL job, and the Kafka broker restarted during a Kafka → Kafka job. Each test runs on
 * a private instance (its own port and directory, started through the project's scripts) so that stopping it does
 * not disturb other tests. The job must recover by itself, lose nothing, and (upsert) hold each record once.
 */
class ServerFaultsITCase {

    private static final int RECORDS = 20_000;
    private static final String SERVERS = RealServersExtension.serversBase().toString();
    private static final Map<String, String> PG = Map.of("PG_PORT", "55433", "PG_DIR", SERVERS + "/postgres-faults");
    private static final Map<String, String> KAFKA = Map.of("KAFKA_PORT", "9292", "KAFKA_DIR", SERVERS + "/kafka-faults");
    private static final String PG_URL = "postgres://postgres@127.0.0.1:55433/test?sslmode=disable";
    private static final String BOOTSTRAP = "127.0.0.1:9292";

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @BeforeAll
    static void startPrivateServers() {
        RealServersExtension.runScript("postgres-start.sh", PG, 300);
        RealServersExtension.runScript("kafka-start.sh", KAFKA, 600);
    }

    @AfterAll
    static void stopPrivateServers() {
        RealServersExtension.runScript("kafka-stop.sh", KAFKA, 120);
        RealServersExtension.runScript("postgres-stop.sh", PG, 120);
    }

    private static Map<String, String> keepingData(Map<String, String> env, String flag) {
        Map<String, String> e = new HashMap<>(env);
        e.put(flag, "true");
        return e;
    }

    @Test
    void postgresOutageDuringKafkaToPostgresLosesNothing() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "pg-outage-" + suffix;
        String table = "public.pg_outage_" + suffix;
        createTopic(topic, 2);
        produce(topic, RECORDS);
        sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v TEXT)");
        String yaml = "replicas: 2\nsource:\n  type: kafka\n  config:\n    brokers: [\"" + BOOTSTRAP + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: pg-outage-" + suffix + "\n    bounded: true\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + PG_URL + "\"\n    table: " + table + "\n"
                + "    upsertMode: true\n    conflictKey: id\n    batchSize: 200\n    batchFlushIntervalSeconds: 1\n";
        SlowProbe.SLOW.set(true);
        JobClient job = MiniClusterJobs.start(yaml, "pg-outage-" + suffix, JobCompiler.withProbeAfterSource(new SlowProbe()), 500, 1000);
        await("a part of the input landed", () -> count(table) > RECORDS / 10);
        assertThat(job.getJobStatus().get()).as("the outage falls in the middle of the job").isEqualTo(JobStatus.RUNNING);
        RealServersExtension.runScript("postgres-stop.sh", keepingData(PG, "PG_KEEP_DATA"), 120);
        long down = System.nanoTime();
        Thread.sleep(6_000); // longer than the sink's own retries (3 within ~4 s): the task fails and Flink restarts it
        RealServersExtension.runScript("postgres-start.sh", keepingData(PG, "PG_KEEP_DATA"), 300);
        long outageMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down);
        SlowProbe.SLOW.set(false);
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
        assertThat(count(table)).as("every record once after a %d ms outage", outageMillis).isEqualTo(RECORDS);
        assertThat(count("(SELECT 1 FROM " + table + " WHERE v = 'value ' || id) x")).isEqualTo(RECORDS);
    }

    @Test
    void brokerRestartDuringKafkaToKafkaLosesNothing() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String in = "broker-in-" + suffix;
        String out = "broker-out-" + suffix;
        createTopic(in, 2);
        createTopic(out, 2);
        produce(in, RECORDS);
        String yaml = "replicas: 2\nsource:\n  type: kafka\n  config:\n    brokers: [\"" + BOOTSTRAP + "\"]\n    topic: " + in + "\n"
                + "    consumerGroup: broker-" + suffix + "\n    bounded: true\n"
                + "sink:\n  type: kafka\n  config:\n    brokers: [\"" + BOOTSTRAP + "\"]\n    topic: " + out + "\n";
        SlowProbe.SLOW.set(true);
        JobClient job = MiniClusterJobs.start(yaml, "broker-restart-" + suffix, JobCompiler.withProbeAfterSource(new SlowProbe()), 500, 1000);
        await("a part of the input was copied", () -> endOffsets(out) > RECORDS / 10);
        assertThat(job.getJobStatus().get()).as("the restart falls in the middle of the job").isEqualTo(JobStatus.RUNNING);
        long copiedBefore = endOffsets(out);
        assertThat(copiedBefore).isLessThan(RECORDS);
        RealServersExtension.runScript("kafka-stop.sh", keepingData(KAFKA, "KAFKA_KEEP_DATA"), 120);
        Thread.sleep(3_000);
        RealServersExtension.runScript("kafka-start.sh", keepingData(KAFKA, "KAFKA_KEEP_DATA"), 600);
        SlowProbe.SLOW.set(false);
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);

        Map<Integer, Integer> seen = new HashMap<>();
        Pattern id = Pattern.compile("\"id\":(\\d+)");
        for (String value : readAll(out)) {
            Matcher m = id.matcher(value);
            assertThat(m.find()).as(value).isTrue();
            seen.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
        }
        long duplicates = seen.values().stream().mapToLong(n -> n - 1).sum();
        // at-least-once sink: replays after the restart are counted and reported, never lost
        System.out.printf("broker restart: %d records, %d distinct, %d duplicates%n", seen.values().stream().mapToInt(n -> n).sum(),
                seen.size(), duplicates);
        assertThat(seen).as("every input record arrived").hasSize(RECORDS);
    }

    /**
     * Slows the job down (1 ms every 2 records, some 10 s for the whole input) so that the outage falls in its middle,
     * until the test has brought the server back: the rest then runs at full speed instead of idling through the
     * slow-down the outage no longer needs. Static: the MiniCluster runs in the test's JVM, and the switch must reach
     * the restarted tasks.
     */
    static final class SlowProbe extends org.apache.flink.api.common.functions.RichMapFunction<io.dataflow.flink.message.Message,
            io.dataflow.flink.message.Message> {
        private static final long serialVersionUID = 1L;
        static final AtomicBoolean SLOW = new AtomicBoolean(true);
        private long seen;

        @Override
        public io.dataflow.flink.message.Message map(io.dataflow.flink.message.Message value) throws Exception {
            if (++seen % 2 == 0 && SLOW.get()) {
                Thread.sleep(1);
            }
            return value;
        }
    }

    // ---- the private servers ----

    private static void createTopic(String topic, int partitions) throws Exception {
        Kafka.createTopic(BOOTSTRAP, topic, partitions);
    }

    private static void produce(String topic, int count) {
        Kafka.produce(BOOTSTRAP, topic, count, i -> "{\"id\":" + i + ",\"v\":\"value " + i + "\"}");
    }

    private static long endOffsets(String topic) {
        return Kafka.endOffsets(BOOTSTRAP, topic, "read_uncommitted").values().stream().mapToLong(Long::longValue).sum();
    }

    private static List<String> readAll(String topic) {
        return Kafka.readAll(BOOTSTRAP, topic, "read_uncommitted");
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:55433/test", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static long count(String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:55433/test", "postgres", "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (Exception notYet) {
                // the server may be coming up
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
