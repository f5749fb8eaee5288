package io.dataflow.flink.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The secured broker of {@code scripts/servers/kafka-secure-start.sh}: SASL_PLAINTEXT on {@link #saslBootstrap()}
 * (PLAIN user alice, SCRAM-SHA-512 user bob), mutual TLS on {@link #sslBootstrap()} with the certificates under
 * {@link #tlsDir()}. The test helpers here connect as alice.
 */
public final class KafkaSecure {

    public static final String PLAIN_USER = "alice";
    public static final String PLAIN_PASSWORD = "alice-secret";
    public static final String SCRAM_USER = "bob";
    public static final String SCRAM_PASSWORD = "bob-secret";

    private KafkaSecure() {
    }

    public static String saslBootstrap() {
        return "127.0.0.1:" + RealServersExtension.port(Server.KAFKA_SECURE);
    }

    public static String sslBootstrap() {
        return "127.0.0.1:" + (RealServersExtension.port(Server.KAFKA_SECURE) + 1);
    }

    /** ca.pem, client.pem, client.key and other-ca.pem (a CA that signed nothing here). */
    public static Path tlsDir() {
        String dir = System.getenv("KAFKA_SECURE_DIR");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir) : RealServersExtension.serversBase().resolve("kafka-secure");
        return base.resolve("run/tls");
    }

    private static Properties alice() {
        Properties p = new Properties();
        p.put("bootstrap.servers", saslBootstrap());
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + PLAIN_USER
                + "\" password=\"" + PLAIN_PASSWORD + "\";");
        return p;
    }

    public static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(alice())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    /** Produces {@code count} records "{"i":i}" and fails unless every one was written. */
    public static void produce(String topic, int count) throws Exception {
        Properties p = alice();
        p.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8))));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sends) {
                f.get();
            }
        }
    }

    /** Produces the values in order (as alice) and fails unless every one was written. */
    public static void produce(String topic, List<String> values) throws Exception {
        Properties p = alice();
        p.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            for (String v : values) {
                sends.add(producer.send(new ProducerRecord<>(topic, v.getBytes(StandardCharsets.UTF_8))));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sends) {
                f.get();
            }
        }
    }

    /** Every record value of the topic, from the beginning to the end offsets seen now. */
    public static List<String> readAll(String topic) {
        Properties p = alice();
        p.put("enable.auto.commit", "false");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end offsets " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
