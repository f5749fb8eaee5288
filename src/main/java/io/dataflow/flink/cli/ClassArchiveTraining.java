package io.dataflow.flink.cli;

import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run of {@link ClassArchiveWriter}: loads the classes a local run loads, so that the JVM archives them
 * when it exits. It needs no server, so that the build and an image build can run it: it plans a manifest (the CLI,
 * the manifest's parsing and validation, the job's compilation) and runs a small bounded job on the MiniCluster a
 * local run starts, with two subtasks, a network exchange and checkpoints (what every job's start-up goes through).
 * Of the connectors' clients, it loads what the Kafka and PostgreSQL clients load before and on their first requests
 * (most local runs read or write one of them); the other clients' classes need their servers and come from the jar
 * as before.
 */
final class ClassArchiveTraining {

    private static final String MANIFEST = """
            replicas: 2
            source:
              type: kafka
              config:
                brokers: ["127.0.0.1:9092"]
                topic: training
                consumerGroup: training
            transformations:
              - type: timestamp
                config:
                  fieldName: created_at
              - type: filter
                config:
                  condition: "$.id != null"
            sink:
              type: postgresql
              config:
                connectionString: "postgres://training@127.0.0.1:5432/training"
                table: training
            errors:
              type: kafka
              config:
                brokers: ["127.0.0.1:9092"]
                topic: training-errors
            """;

    /** The discard port on loopback, where nothing listens on a machine that builds or runs jobs. */
    private static final String CLOSED_PORT = "127.0.0.1:9";

    private ClassArchiveTraining() {
    }

    public static void main(String[] args) {
        ParentWatch.endWithParent();
        try {
            Path dir = Files.createTempDirectory("dataflow-class-archive-training");
            try {
                Path manifest = Files.writeString(dir.resolve("training.yaml"), MANIFEST);
                plan(manifest);
                loadKafkaAndPostgresClients();
                runSmallJob(dir, manifest);
            } finally {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.toList()) {
                        Files.delete(file);
                    }
                }
                Files.delete(dir);
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        // the MiniCluster leaves non-daemon threads; the archive is written as the JVM exits
        System.exit(0);
    }

    private static void plan(Path manifest) {
        StringWriter output = new StringWriter();
        int exitCode = Main.execute(new PrintWriter(output), new PrintWriter(output), "plan", manifest.toString());
        if (exitCode != 0) {
            throw new IllegalStateException("plan of the training manifest failed: " + output);
        }
    }

    /**
     * A Kafka client loads the protocol's message classes and every error's exception class on its first requests
     * (about 800 of them), PgJDBC its protocol classes on connecting: here without a server, the clients set up and
     * closed unconnected, and a connection refused by a closed local port.
     */
    private static void loadKafkaAndPostgresClients() {
        for (ApiKeys api : ApiKeys.values()) {
            api.messageType.requestSchemas();
            api.messageType.responseSchemas();
        }
        Errors.values();
        new KafkaConsumer<byte[], byte[]>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLOSED_PORT,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)).close(Duration.ZERO);
        new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLOSED_PORT,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)).close(Duration.ZERO);
        try {
            DriverManager.getConnection("jdbc:postgresql://" + CLOSED_PORT + "/training?connectTimeout=2", "training", "")
                    .close();
        } catch (SQLException refused) {
            // expected: nothing listens there
        }
    }

    /**
     * The run's own local set-up ({@link LocalSetup}, {@link JobEnvironments}): a Flink configuration file, the web UI
     * and the Prometheus endpoint on free loopback ports, checkpoints; the job itself a bounded sequence.
     */
    private static void runSmallJob(Path dir, Path manifestFile) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), "parallelism.default: 2\n");
        Manifest manifest = ManifestParser.forEnvironment(null).parse(manifestFile);
        LocalSetup setup = LocalSetup.resolve(dir, freePort(), freePort());
        StreamExecutionEnvironment env = JobEnvironments.local(setup, manifest, conf -> { });
        JobEnvironments.configureCheckpointing(env, manifest, Duration.ofMillis(100));
        env.fromSequence(0, 2_000_000).map(i -> i * 2).returns(Long.class).rebalance().addSink(new DiscardingSink<>());
        env.execute("class-archive-training");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
