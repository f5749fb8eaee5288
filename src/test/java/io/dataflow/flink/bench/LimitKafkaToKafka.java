package io.dataflow.flink.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Limit for kafka-to-kafka: a kafka-clients consume → produce loop doing the scenario's work with Jackson's streaming
 * API and nothing more: each value parsed once, drafts dropped ({@code status == "draft"}), {@code email} replaced by
 * {@code "***"} (mask's default) and the top-level keys snake-cased, written once. Its output is the job's.
 * Args: BROKERS IN_TOPIC OUT_TOPIC
 */
public final class LimitKafkaToKafka {

    private static final JsonFactory JSON = new JsonFactory();

    public static void main(String[] args) throws IOException {
        long start = System.nanoTime();
        long sent = 0;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(2048);
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
                    buffer.reset();
                    if (rewrite(r.value(), buffer)) {
                        producer.send(new ProducerRecord<>(args[2], r.key(), buffer.toByteArray()));
                        sent++;
                    }
                }
            }
            producer.flush();
        }
        BenchReport.print(sent, (System.nanoTime() - start) / 1_000_000);
    }

    /** Writes the rewritten object to {@code out}; false for a draft (dropped). */
    private static boolean rewrite(byte[] value, ByteArrayOutputStream out) throws IOException {
        boolean draft = false;
        try (JsonParser parser = JSON.createParser(value); JsonGenerator generator = JSON.createGenerator(out)) {
            parser.nextToken();
            generator.writeStartObject();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                generator.writeFieldName(snakeCase(name));
                parser.nextToken();
                if (name.equals("email")) {
                    parser.skipChildren();
                    generator.writeString("***");
                } else {
                    draft |= name.equals("status") && parser.currentToken() == JsonToken.VALUE_STRING
                            && parser.getText().equals("draft");
                    generator.copyCurrentStructure(parser);
                }
            }
            generator.writeEndObject();
        }
        return !draft;
    }

    private static String snakeCase(String name) {
        StringBuilder snake = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (snake == null) {
                    snake = new StringBuilder(name.length() + 4).append(name, 0, i);
                }
                if (i > 0 && !Character.isUpperCase(name.charAt(i - 1))) {
                    snake.append('_');
                }
                snake.append(Character.toLowerCase(c));
            } else if (snake != null) {
                snake.append(c);
            }
        }
        return snake == null ? name : snake.toString();
    }
}
