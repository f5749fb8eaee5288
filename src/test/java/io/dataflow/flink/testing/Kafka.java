package io.dataflow.flink.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntFunction;

/** Helpers for tests against the Kafka broker started by {@link RealServersExtension}. */
public final class Kafka {

    private Kafka() {
    }

    public static String bootstrap() {
        return "127.0.0.1:" + RealServersExtension.port(Server.KAFKA);
    }

    /**
     * Creates a topic and waits until every partition has a leader: producing into a topic whose leaders are not
     * elected yet got NOT_LEADER_OR_FOLLOWER and then OUT_OF_ORDER_SEQUENCE_NUMBER from the broker in one CI run.
     */
    public static void createTopic(String topic, int partitions) throws Exception {
        createTopic(bootstrap(), topic, partitions);
    }

    /** The same on another broker (a test's private instance). */
    public static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
        awaitLeaders(bootstrap, topic);
    }

    /** Grows the topic to {@code total} partitions (as {@code kafka-topics --alter --partitions}) and waits for their leaders. */
    public static void addPartitions(String topic, int total) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.createPartitions(Map.of(topic, org.apache.kafka.clients.admin.NewPartitions.increaseTo(total))).all().get();
        }
        awaitLeaders(topic);
    }

    /** Waits until every partition of the topic has a leader. */
    public static void awaitLeaders(String topic) throws Exception {
        awaitLeaders(bootstrap(), topic);
    }

    private static void awaitLeaders(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                    if (!description.partitions().isEmpty()
                            && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    // not known yet: retry
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("topic " + topic + " has no leader for every partition after 30 s");
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * Produces {@code count} records; the value of record i is {@code value.apply(i)}, its key "k-i". Fails when any
     * record was not written, so a test never runs on a partial input. The producer is not idempotent: in one CI
     * rehearsal the broker answered a fresh idempotent producer with OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery
     * timeout, silently dropping input; one request in flight keeps the order without sequence numbers.
     */
    public static void produce(String topic, int count, IntFunction<String> value) {
        produce(bootstrap(), topic, count, value);
    }

    /** The same on another broker (a test's private instance). */
    public static void produce(String bootstrap, String topic, int count, IntFunction<String> value) {
        produce(bootstrap, topic, count, i -> "k-" + i, value);
    }

    /** The same with the key of record i {@code key.apply(i)}: records of one key go to one partition, in order. */
    public static void produce(String topic, int count, IntFunction<String> key, IntFunction<String> value) {
        produce(bootstrap(), topic, count, key, value);
    }

    private static void produce(String bootstrap, String topic, int count, IntFunction<String> key, IntFunction<String> value) {
        Properties p = inputProducer(bootstrap);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger acked = new java.util.concurrent.atomic.AtomicInteger();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, key.apply(i).getBytes(StandardCharsets.UTF_8), value.apply(i).getBytes(StandardCharsets.UTF_8)),
                        (metadata, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            } else {
                                acked.incrementAndGet();
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null || acked.get() != count) {
            throw new AssertionError("could not load the test input into " + topic + ": " + acked.get() + " of " + count
                    + " records written", failure.get());
        }
    }

    /** Produces records given as {key, value} pairs in order, to partition 0; a null value is a tombstone. */
    public static void produceKeyed(String topic, List<String[]> records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(inputProducer(bootstrap()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sends = new java.util.ArrayList<>();
            for (String[] r : records) {
                sends.add(producer.send(new ProducerRecord<>(topic, 0, r[0] == null ? null : r[0].getBytes(StandardCharsets.UTF_8),
                        r[1] == null ? null : r[1].getBytes(StandardCharsets.UTF_8))));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sends) {
                f.get();
            }
        }
    }

    /** The end offsets of every partition as a consumer with {@code isolationLevel} sees them (read_committed: the last stable offsets). */
    public static Map<TopicPartition, Long> endOffsets(String topic, String isolationLevel) {
        return endOffsets(bootstrap(), topic, isolationLevel);
    }

    /** The same on another broker (a test's private instance). */
    public static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic, String isolationLevel) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.endOffsets(consumer.partitionsFor(topic).stream().map(info -> new TopicPartition(topic, info.partition())).toList());
        }
    }

    /** Producer settings for loading test input: not idempotent, one request in flight (see {@link #produce}). */
    public static Properties inputProducer() {
        return inputProducer(bootstrap());
    }

    private static Properties inputProducer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return p;
    }

    /** Every record value of the topic, read from the beginning to the end offsets seen now. */
    public static List<String> readAll(String topic) {
        return readAll(topic, "read_uncommitted");
    }

    /**
     * Every record value of the topic, read with {@code isolationLevel} from the beginning to the end offsets seen now;
     * with read_committed, those end at the last stable offset, before the first transaction still open.
     */
    public static List<String> readAll(String topic, String isolationLevel) {
        return readAll(bootstrap(), topic, isolationLevel);
    }

    /** The same on another broker (a test's private instance). */
    public static List<String> readAll(String bootstrap, String topic, String isolationLevel) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
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
