package io.dataflow.flink.bench;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Limit for kafka-to-kafka: a kafka-clients consume → produce loop doing only the I/O (the drafts are dropped
 * by a byte search so that the output count matches the other contenders).
 * Args: BROKERS IN_TOPIC OUT_TOPIC
 */
public final class LimitKafkaToKafka {

    private static final byte[] DRAFT = "\"status\":\"draft\"".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) {
        long start = System.nanoTime();
        long sent = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", args[0], "group.id", "limit-" + args[2],
                "max.poll.records", 5000, "fetch.max.bytes", 64 << 20, "max.partition.fetch.bytes", 16 << 20), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", args[0], "linger.ms", 5, "batch.size", 512 * 1024,
                     "compression.type", "snappy"), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(args[1]).stream().map(p -> new TopicPartition(args[1], p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (indexOf(r.value(), DRAFT) < 0) {
                        producer.send(new ProducerRecord<>(args[2], r.key(), r.value()));
                        sent++;
                    }
                }
            }
            producer.flush();
        }
        BenchReport.print(sent, (System.nanoTime() - start) / 1_000_000);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
