package io.dataflow.flink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.nessie.NessieCatalog;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Limit for kafka-to-nessie: the Iceberg I/O without Flink, at the job's parallelism. Each of PARALLELISM workers
 * reads every PARALLELISM-th partition with a kafka-clients consumer, parses each value with Jackson into a
 * {@link GenericRecord} of the table's schema and writes it with Iceberg's Parquet writer, FILE_ROWS rows per data
 * file (the DataFlow sink's default batchSize). Every COMMIT_ROWS rows a worker appends its closed files in one
 * Iceberg commit (a Nessie commit on main); the workers share one table object and take turns to commit, so they
 * never conflict. Args: BROKERS TOPIC NESSIE_URL WAREHOUSE NAMESPACE TABLE [PARALLELISM]
 */
public final class LimitKafkaToNessie {

    private static final int FILE_ROWS = 10_000;
    private static final int COMMIT_ROWS = 50_000;
    private static final ObjectReader JSON = new ObjectMapper().readerFor(JsonNode.class);

    public static void main(String[] args) throws Exception {
        String brokers = args[0];
        String topic = args[1];
        int parallelism = args.length > 6 ? Integer.parseInt(args[6]) : 2;
        long start = System.nanoTime();
        AtomicLong rows = new AtomicLong();
        try (NessieCatalog catalog = BenchNessie.open(args[2], args[3])) {
            Table table = catalog.loadTable(TableIdentifier.of(args[4], args[5]));
            ExecutorService pool = Executors.newFixedThreadPool(parallelism);
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < parallelism; w++) {
                int worker = w;
                workers.add(pool.submit(() -> {
                    rows.addAndGet(write(brokers, topic, table, worker, parallelism));
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
            pool.shutdown();
        }
        BenchReport.print(rows.get(), (System.nanoTime() - start) / 1_000_000);
    }

    private static long write(String brokers, String topic, Table table, int worker, int parallelism) throws Exception {
        long rows = 0;
        List<DataFile> uncommitted = new ArrayList<>();
        int rowsInFile = 0;
        DataWriter<Record> file = null;
        Record record = GenericRecord.create(table.schema());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", brokers, "group.id", "limit-" + table.name(),
                "max.poll.records", 5000, "fetch.max.bytes", 64 << 20, "max.partition.fetch.bytes", 16 << 20),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition()))
                    .filter(tp -> tp.partition() % parallelism == worker).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode e = JSON.readValue(r.value());
                    // The Parquet writer encodes the values at once, so one record object serves every row.
                    record.set(0, e.get("id").asLong());
                    record.set(1, e.get("user_id").asLong());
                    record.set(2, e.get("status").asText());
                    record.set(3, e.get("amount").decimalValue().setScale(2, RoundingMode.HALF_UP));
                    record.set(4, e.get("email").asText());
                    record.set(5, e.get("country").asText());
                    record.set(6, e.get("payload").asText());
                    if (file == null) {
                        file = newFile(table);
                    }
                    file.write(record);
                    rows++;
                    if (++rowsInFile == FILE_ROWS) {
                        file.close();
                        uncommitted.add(file.toDataFile());
                        file = null;
                        rowsInFile = 0;
                        if (uncommitted.size() * FILE_ROWS >= COMMIT_ROWS) {
                            commit(table, uncommitted);
                        }
                    }
                }
            }
        }
        if (file != null) {
            file.close();
            uncommitted.add(file.toDataFile());
        }
        commit(table, uncommitted);
        return rows;
    }

    private static DataWriter<Record> newFile(Table table) throws Exception {
        return Parquet.writeData(table.io().newOutputFile(table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet")))
                .forTable(table)
                .createWriterFunc(GenericParquetWriter::buildWriter)
                .overwrite()
                .build();
    }

    private static void commit(Table table, List<DataFile> files) {
        if (files.isEmpty()) {
            return;
        }
        synchronized (table) {
            var append = table.newAppend();
            files.forEach(append::appendFile);
            append.commit();
        }
        files.clear();
    }
}
