package io.dataflow.flink.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Limit for kafka-to-clickhouse: the raw clients doing the scenario's work at the job's parallelism. Each of
 * PARALLELISM workers reads every PARALLELISM-th partition with its own kafka-clients consumer, rewrites each value
 * with Jackson's streaming API the way the job's sink must for this table (one parse; fields without a column left
 * out; {@code amount}, a Decimal(18, 2), rounded half-up to two places, since ClickHouse 18.16 refuses the whole
 * insert for one extra digit; one write), joins the lines into NDJSON chunks of BATCH records (the DataFlow sink's
 * batchSize) and hands each chunk to its own thread, which POSTs it as {@code INSERT … FORMAT JSONEachRow} with
 * java.net.http, so reading and writing overlap. Args: BROKERS TOPIC CLICKHOUSE_URL TABLE [PARALLELISM]
 */
public final class LimitKafkaToClickHouse {

    private static final int BATCH = 10_000;
    private static final Chunk END = new Chunk(new byte[0], 0);
    private static final JsonFactory JSON = new JsonFactory();
    /** {@link BenchClickHouse#CREATE_TABLE}'s columns. */
    private static final Set<String> COLUMNS = Set.of(BenchEvents.COLUMNS);
    private static final String DECIMAL_COLUMN = "amount";
    private static final int DECIMAL_SCALE = 2;

    private record Chunk(byte[] ndjson, int rows) {
    }

    public static void main(String[] args) throws Exception {
        String brokers = args[0];
        String topic = args[1];
        String clickHouseUrl = args[2].endsWith("/") ? args[2] : args[2] + "/";
        String table = args[3];
        int parallelism = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        long start = System.nanoTime();
        AtomicLong rows = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism * 2);
        List<Future<?>> workers = new ArrayList<>();
        URI insert = URI.create(clickHouseUrl + "?query=" + URLEncoder.encode("INSERT INTO " + table + " FORMAT JSONEachRow", StandardCharsets.UTF_8));
        for (int w = 0; w < parallelism; w++) {
            int worker = w;
            BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(1);
            workers.add(pool.submit(() -> {
                read(brokers, topic, table, worker, parallelism, chunks);
                return null;
            }));
            workers.add(pool.submit(() -> {
                rows.addAndGet(post(insert, chunks));
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();
        BenchReport.print(rows.get(), (System.nanoTime() - start) / 1_000_000);
    }

    private static void read(String brokers, String topic, String table, int worker, int parallelism, BlockingQueue<Chunk> chunks)
            throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", brokers, "group.id", "limit-" + table,
                "max.poll.records", 5000, "fetch.max.bytes", 64 << 20, "max.partition.fetch.bytes", 16 << 20),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition()))
                    .filter(tp -> tp.partition() % parallelism == worker).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            ByteArrayOutputStream buf = new ByteArrayOutputStream(16 << 20);
            int inChunk = 0;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    row(r.value(), buf);
                    buf.write('\n');
                    if (++inChunk == BATCH) {
                        chunks.put(new Chunk(buf.toByteArray(), inChunk));
                        buf.reset();
                        inChunk = 0;
                    }
                }
            }
            if (inChunk > 0) {
                chunks.put(new Chunk(buf.toByteArray(), inChunk));
            }
        } finally {
            chunks.put(END);
        }
    }

    /** Appends the value as the table's row: its columns only, the Decimal rounded to its scale. */
    private static void row(byte[] value, ByteArrayOutputStream out) throws IOException {
        try (JsonParser parser = JSON.createParser(value); JsonGenerator generator = JSON.createGenerator(out)) {
            parser.nextToken();
            generator.writeStartObject();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (!COLUMNS.contains(name)) {
                    parser.skipChildren();
                } else if (name.equals(DECIMAL_COLUMN) && parser.currentToken().isNumeric()) {
                    generator.writeFieldName(name);
                    generator.writeNumber(parser.getDecimalValue().setScale(DECIMAL_SCALE, RoundingMode.HALF_UP));
                } else {
                    generator.writeFieldName(name);
                    generator.copyCurrentStructure(parser);
                }
            }
            generator.writeEndObject();
        }
    }

    private static long post(URI insert, BlockingQueue<Chunk> chunks) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long rows = 0;
        for (Chunk chunk = chunks.take(); chunk != END; chunk = chunks.take()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(insert)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(chunk.ndjson())).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("ClickHouse answered HTTP " + response.statusCode() + ": " + response.body());
            }
            rows += chunk.rows();
        }
        return rows;
    }
}
