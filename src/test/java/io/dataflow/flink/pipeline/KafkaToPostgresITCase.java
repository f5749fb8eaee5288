package io.dataflow.flink.pipeline;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.FailOnceProbe;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.TrackingSinkFactory;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The walking skeleton end to end: manifests compiled into Flink jobs on a MiniCluster, reading a real Kafka
 * topic and writing a real PostgreSQL database, including a failure injected mid-stream.
 */
@RealServers({Server.KAFKA, Server.POSTGRES})
class KafkaToPostgresITCase {

    private static final int RECORDS = 10_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private String topic;
    private String table;

    @BeforeEach
    void newTopicAndTable() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        topic = "orders-" + suffix;
        table = "orders_" + suffix;
        Kafka.createTopic(topic, 3);
        Kafka.produce(topic, RECORDS, KafkaToPostgresITCase::event);
    }

    private static String event(int i) {
        return "{\"id\":" + (i + 1) + ",\"name\":\"customer " + i + " \\\"quoted\\\" é\",\"amount\":" + (i % 1000) + ".25,"
                + "\"active\":" + (i % 2 == 0) + ",\"tags\":[\"a\",\"b\"],\"address\":{\"city\":\"Zürich\",\"zip\":\"80" + (i % 100) + "\"}}";
    }

    private String manifest(String sinkType, String sinkExtra) {
        return manifest(sinkType, sinkExtra, Postgres.url());
    }

    private String manifest(String sinkType, String sinkExtra, String connectionString) {
        return "replicas: 2\n"
                + "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: it-" + topic + "\n    bounded: true\n"
                + "sink:\n  type: " + sinkType + "\n  config:\n    connectionString: \"" + connectionString + "\"\n"
                + "    table: public." + table + "\n    batchSize: 500\n    batchFlushIntervalSeconds: 1\n" + sinkExtra;
    }

    private static void run(String yaml, JobCompiler compiler) throws Exception {
        MiniClusterJobs.run(yaml, "it-kafka-to-postgres", compiler, 500, 3);
    }

    @Test
    void columnarInsertDeliversEveryRecordWithTheRightColumns() throws Exception {
        run(manifest("postgresql", "    autoCreateTable: true\n"), JobCompiler.create());

        assertThat(Postgres.count("SELECT count(*) FROM " + table)).isEqualTo(RECORDS);
        assertThat(Postgres.count("SELECT count(DISTINCT id) FROM " + table)).isEqualTo(RECORDS);
        assertThat(Postgres.count("SELECT sum(id) FROM " + table)).isEqualTo((long) RECORDS * (RECORDS + 1) / 2);
        try (Connection c = Postgres.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, amount, active, tags::text, address->>'city' FROM " + table + " WHERE id = 43")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("customer 42 \"quoted\" é");
            assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("42.25");
            assertThat(rs.getBoolean(3)).isTrue();
            assertThat(rs.getString(4)).isEqualTo("[\"a\", \"b\"]");
            assertThat(rs.getString(5)).isEqualTo("Zürich");
        }
    }

    @Test
    void rawModeStoresPayloadAndKafkaMetadata() throws Exception {
        run(manifest("postgresql", "    autoCreateTable: true\n    rawMode: true\n"), JobCompiler.create());

        assertThat(Postgres.count("SELECT count(*) FROM " + table)).isEqualTo(RECORDS);
        assertThat(Postgres.count("SELECT count(DISTINCT (data->>'id')::int) FROM " + table)).isEqualTo(RECORDS);
        assertThat(Postgres.count("SELECT count(*) FROM " + table + " WHERE _metadata->>'topic' = '" + topic + "'")).isEqualTo(RECORDS);
        assertThat(Postgres.count("SELECT count(DISTINCT (_metadata->>'partition', _metadata->>'offset')) FROM " + table)).isEqualTo(RECORDS);
        assertThat(Postgres.count("SELECT count(*) FROM " + table + " WHERE _metadata->>'key' LIKE 'k-%'")).isEqualTo(RECORDS);
    }

    @Test
    void failureMidStreamWithUpsertLosesNothingAndDuplicatesNothing() throws Exception {
        // the job's sessions carry their own application_name: other tests' sessions on the shared server do not count
        String application = "k2p-failure-" + topic;
        String jobSessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + application + "'";
        TrackingSinkFactory.reset();
        FailOnceProbe.reset();

        run(manifest("tracking-postgresql", "    autoCreateTable: true\n    upsertMode: true\n    conflictKey: id\n",
                        Postgres.url() + "&application_name=" + application),
                JobCompiler.withProbeAfterSource(new FailOnceProbe(RECORDS / 3, 10)));

        assertThat(FailOnceProbe.FAILED).as("the failure was injected").isTrue();
        assertThat(FailOnceProbe.SEEN.get()).as("records were replayed after the restart").isGreaterThan(RECORDS);
        assertThat(Postgres.count("SELECT count(DISTINCT id) FROM " + table)).as("lost").isEqualTo(RECORDS);
        assertThat(Postgres.count("SELECT count(*) FROM " + table)).as("duplicates with upsert").isEqualTo(RECORDS);
        assertThat(TrackingSinkFactory.CONNECTS.get()).as("sinks reopened after the restart (region failover restarts at least one subtask)").isGreaterThanOrEqualTo(3);
        assertThat(TrackingSinkFactory.CLOSES.get()).as("every opened sink closed").isEqualTo(TrackingSinkFactory.CONNECTS.get());
        assertThat(TrackingSinkFactory.CLOSE_ERRORS).hasValue(0);
        assertThat(Postgres.count(jobSessions)).as("the job's PostgreSQL sessions are all closed").isZero();
    }

    @Test
    void failureMidStreamWithPlainInsertLosesNothingAndReportsDuplicates() throws Exception {
        Postgres.execute("CREATE TABLE public." + table + " (id BIGINT, name TEXT, amount NUMERIC, active BOOLEAN, tags JSONB, address JSONB)");
        FailOnceProbe.reset();

        run(manifest("postgresql", ""), JobCompiler.withProbeAfterSource(new FailOnceProbe(RECORDS / 3, 10)));

        long rows = Postgres.count("SELECT count(*) FROM " + table);
        long distinct = Postgres.count("SELECT count(DISTINCT id) FROM " + table);
        System.out.printf("plain insert with one injected failure: %d records, %d rows, %d duplicates (at-least-once)%n",
                RECORDS, rows, rows - distinct);
        assertThat(FailOnceProbe.FAILED).isTrue();
        assertThat(distinct).as("lost").isEqualTo(RECORDS);
        assertThat(rows - distinct).as("duplicates are bounded by what one checkpoint interval replays").isLessThan(RECORDS);
    }
}
