package io.dataflow.flink.compile;

import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code kind: DataFlowCron} whose manifest does not say {@code bounded} runs once: its job ends FINISHED by
 * itself when the source is exhausted, with every row copied (before, its sources polled forever).
 */
@RealServers({Server.POSTGRES, Server.KAFKA})
class DataFlowCronITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final int ROWS = 500;
    private static final long FINISH_WITHIN_SECONDS = 90;

    private String suffix;

    @BeforeEach
    void names() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
    }

    private static String cron(String name, String source, String target) {
        return "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlowCron\nmetadata: {name: " + name + "}\nspec:\n"
                + "  schedule: \"30 1 * * *\"\n"
                + source
                + "  sink:\n    type: postgresql\n    config:\n      connectionString: \"" + Postgres.url() + "\"\n"
                + "      table: " + target + "\n      upsertMode: true\n      conflictKey: id\n      batchFlushIntervalSeconds: 1\n";
    }

    /** Runs the job and waits for it to end by itself; a job still running after the timeout is cancelled and fails the test. */
    private static JobStatus runToItsEnd(String yaml, String name) throws Exception {
        JobClient job = MiniClusterJobs.start(yaml, name, JobCompiler.create(), 500, 0);
        try {
            job.getJobExecutionResult().get(FINISH_WITHIN_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            job.cancel().get(30, TimeUnit.SECONDS);
            throw new AssertionError("the DataFlowCron job did not finish by itself within " + FINISH_WITHIN_SECONDS + "s", e);
        }
        return job.getJobStatus().get(30, TimeUnit.SECONDS);
    }

    @Test
    void postgresToPostgresFinishesByItselfWithEveryRow() throws Exception {
        String source = "public.cron_src_" + suffix;
        String target = "public.cron_dst_" + suffix;
        Postgres.execute("CREATE TABLE " + source + " (id BIGINT PRIMARY KEY, day DATE, amount NUMERIC)");
        Postgres.execute("INSERT INTO " + source + " SELECT g, DATE '2024-05-01' + g, g * 10 FROM generate_series(1, " + ROWS + ") g");
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, day DATE, amount NUMERIC)");
        String yaml = cron("cron-pg-" + suffix,
                "  source:\n    type: postgresql\n    config:\n      connectionString: \"" + Postgres.url() + "\"\n"
                        + "      table: " + source + "\n      pollInterval: 1\n      readBatchSize: 100\n",
                target);

        assertThat(runToItsEnd(yaml, "cron-pg")).isEqualTo(JobStatus.FINISHED);

        assertThat(Postgres.count("SELECT count(*) FROM " + target + " t JOIN " + source + " s USING (id, day, amount)"))
                .as("every row copied unchanged").isEqualTo(ROWS);
    }

    @Test
    void kafkaToPostgresFinishesAtTheEndOffsetsSeenAtStart() throws Exception {
        String topic = "cron-" + suffix;
        String target = "public.cron_kafka_" + suffix;
        Kafka.createTopic(topic, 2);
        Kafka.produce(topic, ROWS, i -> "{\"id\":" + (i + 1) + ",\"amount\":" + i + "}");
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, amount NUMERIC)");
        String yaml = cron("cron-kafka-" + suffix,
                "  source:\n    type: kafka\n    config:\n      brokers: [\"" + Kafka.bootstrap() + "\"]\n      topic: " + topic + "\n"
                        + "      consumerGroup: it-" + topic + "\n",
                target);

        assertThat(runToItsEnd(yaml, "cron-kafka")).isEqualTo(JobStatus.FINISHED);

        assertThat(Postgres.count("SELECT count(DISTINCT id) FROM " + target)).isEqualTo(ROWS);
        assertThat(Postgres.count("SELECT sum(id) FROM " + target)).isEqualTo((long) ROWS * (ROWS + 1) / 2);
    }
}
