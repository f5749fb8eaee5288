package io.dataflow.flink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The limit contender: the raw clients doing only the I/O — one kafka-clients consumer reading the topic to its
 * end, and PgJDBC COPY of the same rows (text format, parsed with the same Jackson) over one connection.
 * Args: BROKERS TOPIC JDBC_URL TABLE
 */
public final class LimitKafkaToPostgres {

    public static void main(String[] args) throws Exception {
        String brokers = args[0];
        String topic = args[1];
        String table = args[3];
        ObjectMapper json = new ObjectMapper();
        long start = System.nanoTime();
        long rows = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", brokers, "group.id", "limit-" + table,
                "max.poll.records", 5000, "fetch.max.bytes", 64 << 20, "max.partition.fetch.bytes", 16 << 20), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             Connection pg = DriverManager.getConnection(args[2], "postgres", "")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            pg.setAutoCommit(false);
            StringBuilder buf = new StringBuilder(1 << 20);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                buf.setLength(0);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    JsonNode e = json.readTree(r.value());
                    buf.append(e.get("id").asLong()).append('\t').append(e.get("user_id").asLong()).append('\t')
                            .append(e.get("status").asText()).append('\t').append(e.get("amount").asText()).append('\t')
                            .append(e.get("email").asText()).append('\t').append(e.get("country").asText()).append('\t')
                            .append(e.get("payload").asText()).append('\n');
                }
                CopyIn copy = ((PGConnection) pg.unwrap(PGConnection.class)).getCopyAPI().copyIn("COPY " + table + " FROM STDIN");
                byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(bytes, 0, bytes.length);
                rows += copy.endCopy();
                pg.commit();
            }
        }
        BenchReport.print(rows, (System.nanoTime() - start) / 1_000_000);
    }
}
