package io.dataflow.flink.cli;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A job that can never succeed (every attempt fails on its first record) ends FAILED after the restarts the
 * project's flink-conf allows, instead of restarting forever. The flink-conf is loaded the way {@code run --local}
 * loads it; only the pauses between attempts are shortened so the test does not wait ~15 minutes.
 */
@RealServers(Server.KAFKA)
class RestartBoundITCase {

    private static final Path FLINK_CONF = Path.of(System.getProperty("dataflow.project.dir", ".")).resolve("flink-conf");

    /** Counts attempts (each restart opens the function again) and fails every one of them. */
    static final class AlwaysFails extends RichMapFunction<Message, Message> {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger ATTEMPTS = new AtomicInteger();

        @Override
        public void open(OpenContext context) {
            ATTEMPTS.incrementAndGet();
        }

        @Override
        public Message map(Message value) {
            throw new IllegalStateException("this record can never be processed");
        }
    }

    @Test
    void aJobThatAlwaysFailsEndsFailedAfterTheConfiguredAttempts() throws Exception {
        int attempts = GlobalConfiguration.loadConfiguration(FLINK_CONF.toString())
                .get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS);
        assertThat(attempts).as("flink-conf bounds the exponential-delay restarts").isBetween(1, 100);

        String topic = "restart-bound-" + UUID.randomUUID().toString().substring(0, 8);
        Kafka.createTopic(topic, 1);
        Kafka.produce(topic, 1, i -> "{\"id\":1}");
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(
                "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                        + "    consumerGroup: " + topic + "\n    bounded: true\n"
                        + "sink: {type: kafka, config: {brokers: [\"" + Kafka.bootstrap() + "\"], topic: " + topic + "-out}}\n",
                "restart-bound");
        StreamExecutionEnvironment env = JobEnvironments.local(manifest, 0, 0, FLINK_CONF, RestartBoundITCase::shortPauses);
        JobEnvironments.configureCheckpointing(env, manifest, Duration.ofSeconds(1));
        JobCompiler.withProbeAfterSource(new AlwaysFails()).compile(manifest, env);
        AlwaysFails.ATTEMPTS.set(0);

        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
                assertThatThrownBy(() -> env.execute(manifest.name())).hasStackTraceContaining("this record can never be processed"));
        assertThat(AlwaysFails.ATTEMPTS.get()).as("the first attempt and every restart the flink-conf allows").isEqualTo(attempts + 1);
    }

    /** The flink-conf's strategy and bound, with millisecond pauses. */
    private static void shortPauses(Configuration conf) {
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofMillis(10));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMillis(50));
    }
}
