package io.dataflow.flink.bench;

import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class WrittenParquetRowsTest {

    @TempDir
    Path dir;

    @Test
    void countsTheRowsOfCompleteFilesOnly() throws IOException {
        Path data = dir.resolve("data");
        WrittenParquetRows written = new WrittenParquetRows(data);
        assertThat(written.rows()).isZero(); // no data directory yet

        Files.createDirectories(data);
        write(data.resolve("a.parquet"), 3);
        write(data.resolve("b.parquet"), 5);
        Path whole = dir.resolve("c-whole.parquet");
        write(whole, 7);
        byte[] bytes = Files.readAllBytes(whole);
        // A file a writer is still writing: its first part, no footer.
        Files.write(data.resolve("c.parquet"), Arrays.copyOf(bytes, bytes.length / 2));
        Files.write(data.resolve(".a.parquet.crc"), new byte[] {1, 2, 3});
        assertThat(written.rows()).isEqualTo(3 + 5);

        Files.write(data.resolve("c.parquet"), bytes);
        assertThat(written.rows()).isEqualTo(3 + 5 + 7);
    }

    private static void write(Path file, int rows) throws IOException {
        try (FileAppender<Record> appender = Parquet.write(org.apache.iceberg.Files.localOutput(file.toFile()))
                .schema(BenchNessie.SCHEMA).createWriterFunc(GenericParquetWriter::buildWriter).build()) {
            Record record = GenericRecord.create(BenchNessie.SCHEMA);
            for (long id = 1; id <= rows; id++) {
                record.set(0, id);
                record.set(1, id);
                record.set(2, "paid");
                record.set(3, new BigDecimal("1.50"));
                record.set(4, "a@example.com");
                record.set(5, "DE");
                record.set(6, "payload " + id);
                appender.add(record);
            }
        }
    }
}
