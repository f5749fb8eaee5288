package io.dataflow.flink.reliability;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.SourceRecords;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fifty task restarts in one Kafka → PostgreSQL job leave nothing behind: the job's PostgreSQL sessions are closed,
 * Kafka client threads and the JVM's thread count are back to what a clean run of the same job leaves, and the
 * target holds every record with its value (checksum over (id, v) against the input).
 */
@RealServers({Server.KAFKA, Server.POSTGRES})
class RestartLeaksITCase {

    private static final int RECORDS = 5_000;
    private static final int RESTARTS = 50;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @Test
    void fiftyRestartsLeakNoSessionsAndNoThreads() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "leaks-" + suffix;
        Kafka.createTopic(topic, 2);
        SourceRecords source = SourceRecords.oneVersion(RECORDS);
        Kafka.produce(topic, RECORDS, source::json);
        String application = "leaks_" + suffix;

        // a clean run of the same job first: what the MiniCluster itself keeps (pools, timers) is the baseline
        runJob(topic, "public.leaks_warm_" + suffix, application, "leaks-warm-" + suffix, 0);
        settle();
        int threadsBaseline = Thread.activeCount();
        Map<String, Long> kafkaBaseline = kafkaThreads();

        Failing.FAILURES.set(0);
        String table = "public.leaks_" + suffix;
        runJob(topic, table, application, "leaks-" + suffix, RESTARTS);
        assertThat(Failing.FAILURES.get()).as("injected task failures").isEqualTo(RESTARTS);
        settle();

        // the primary key makes a second row of a record impossible: compare the values with the source instead
        assertThat(Postgres.idValueChecksum(table)).as("every record with its value: %s", source.compareLastValues(Postgres.idValueRows(table)))
                .isEqualTo(source.lastValuesChecksum());
        assertThat(Postgres.count("SELECT count(*) FROM " + table)).as("one row per record").isEqualTo(source.keys());
        assertThat(Postgres.count("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + application + "'"))
                .as("PostgreSQL sessions of the job after it ended").isZero();
        assertThat(kafkaThreads()).as("Kafka client threads").isEqualTo(kafkaBaseline);
        assertThat(Thread.activeCount()).as("JVM threads (baseline %d)", threadsBaseline).isLessThanOrEqualTo(threadsBaseline + 4);
    }

    private static void runJob(String topic, String table, String application, String name, int failures) throws Exception {
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v TEXT)");
        String url = Postgres.url() + "&application_name=" + application;
        String yaml = "replicas: 2\nsource:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: " + name + "\n    bounded: true\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + url + "\"\n    table: " + table + "\n"
                + "    upsertMode: true\n    conflictKey: id\n    batchSize: 100\n";
        MiniClusterJobs.run(yaml, name, JobCompiler.withProbeAfterSource(new Failing(failures)), 100, failures + 5);
    }

    /** Threads die asynchronously after a job ends (Kafka's network threads, pools): give them a moment. */
    private static void settle() throws InterruptedException {
        Thread.sleep(3_000);
    }

    private static Map<String, Long> kafkaThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("kafka-"))
                .collect(Collectors.groupingBy(t -> t.getName().replaceAll("[-0-9]+$", ""), Collectors.counting()));
    }

    /** Fails the task after 40 records of each attempt, {@code failures} times in all (then lets the job finish). */
    static final class Failing extends RichMapFunction<Message, Message> {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger FAILURES = new AtomicInteger();
        private final int failures;
        private transient int seen;

        Failing(int failures) {
            this.failures = failures;
        }

        @Override
        public Message map(Message value) {
            if (++seen == 40 && FAILURES.get() < failures && FAILURES.incrementAndGet() <= failures) {
                throw new IllegalStateException("injected failure " + FAILURES.get());
            }
            return value;
        }
    }
}
