package io.dataflow.flink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The limit contender: the raw clients doing only the I/O, with the same parallelism as the jobs. Each of
 * PARALLELISM workers owns every PARALLELISM-th partition, reads it with its own kafka-clients consumer, turns the
 * records into COPY text rows (the same Jackson parse and columns as the others) and hands each ~5 000-row chunk to
 * its own COPY thread and PostgreSQL connection, so reading and writing overlap. Nothing else: no framework, no
 * checkpoints, no per-record objects beyond the parse. Args: BROKERS TOPIC JDBC_URL TABLE [PARALLELISM]
 */
public final class LimitKafkaToPostgres {

    private static final ObjectReader JSON = new ObjectMapper().readerFor(JsonNode.class);
    private static final byte[] END = new byte[0];

    public static void main(String[] args) throws Exception {
        String brokers = args[0];
        String topic = args[1];
        String jdbcUrl = args[2];
        String table = args[3];
        int parallelism = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        long start = System.nanoTime();
        AtomicLong rows = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism * 2);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < parallelism; w++) {
            int worker = w;
            BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(1);
            workers.add(pool.submit(() -> {
                read(brokers, topic, table, worker, parallelism, chunks);
                return null;
            }));
            workers.add(pool.submit(() -> {
                rows.addAndGet(copy(jdbcUrl, table, chunks));
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();
        BenchReport.print(rows.get(), (System.nanoTime() - start) / 1_000_000);
    }

    private static void read(String brokers, String topic, String table, int worker, int parallelism, BlockingQueue<byte[]> chunks)
            throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", brokers, "group.id", "limit-" + table,
                "max.poll.records", 5000, "fetch.max.bytes", 64 << 20, "max.partition.fetch.bytes", 16 << 20),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition()))
                    .filter(tp -> tp.partition() % parallelism == worker).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            ByteArrayOutputStream buf = new ByteArrayOutputStream(8 << 20);
            StringBuilder line = new StringBuilder(2048);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    JsonNode e = JSON.readValue(r.value());
                    line.setLength(0);
                    line.append(e.get("id").asLong()).append('\t').append(e.get("user_id").asLong()).append('\t')
                            .append(e.get("status").asText()).append('\t').append(e.get("amount").asText()).append('\t')
                            .append(e.get("email").asText()).append('\t').append(e.get("country").asText()).append('\t')
                            .append(e.get("payload").asText()).append('\n');
                    buf.write(line.toString().getBytes(StandardCharsets.UTF_8));
                }
                if (buf.size() >= 4 << 20) {
                    chunks.put(buf.toByteArray());
                    buf.reset();
                }
            }
            if (buf.size() > 0) {
                chunks.put(buf.toByteArray());
            }
        } finally {
            chunks.put(END);
        }
    }

    private static long copy(String jdbcUrl, String table, BlockingQueue<byte[]> chunks) throws Exception {
        long rows = 0;
        try (Connection pg = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            pg.setAutoCommit(false);
            for (byte[] chunk = chunks.take(); chunk != END; chunk = chunks.take()) {
                CopyIn copy = ((PGConnection) pg.unwrap(PGConnection.class)).getCopyAPI().copyIn("COPY " + table + " FROM STDIN");
                copy.writeToCopy(chunk, 0, chunk.length);
                rows += copy.endCopy();
                pg.commit();
            }
        }
        return rows;
    }
}
