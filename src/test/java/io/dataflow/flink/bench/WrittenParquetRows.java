package io.dataflow.flink.bench;

import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.parquet.ParquetUtil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The rows in the complete Parquet files of an Iceberg table's data directory, from each file's footer. The
 * kafka-to-nessie contenders' records reach the table's storage file by file (a file closes every 10 000 rows per
 * writer in the DataFlow sink and in the limit, at each checkpoint in FlinkSink) long before a commit makes them
 * visible (the limit commits every 50 000 rows per worker, the jobs once per 5 s checkpoint), so files written are the
 * finer and fairer sign of records arriving. A file still being written has no footer yet (Iceberg's Parquet writer
 * creates the file when it writes its first row group, at close for these sizes) and counts once it has one; each
 * complete file's footer is read once.
 */
final class WrittenParquetRows {

    private final Path directory;
    private final Map<Path, Long> counted = new HashMap<>();

    WrittenParquetRows(Path directory) {
        this.directory = directory;
    }

    long rows() throws IOException {
        if (Files.isDirectory(directory)) {
            List<Path> files;
            try (Stream<Path> listed = Files.list(directory)) {
                files = listed.filter(f -> f.getFileName().toString().endsWith(".parquet")).collect(Collectors.toList());
            }
            for (Path file : files) {
                if (!counted.containsKey(file)) {
                    try {
                        counted.put(file, ParquetUtil.fileMetrics(org.apache.iceberg.Files.localInput(file.toFile()), MetricsConfig.getDefault())
                                .recordCount());
                    } catch (RuntimeException incomplete) {
                        // No footer yet (Parquet's reader refuses a file without its closing magic): counted when complete.
                    }
                }
            }
        }
        return counted.values().stream().mapToLong(Long::longValue).sum();
    }
}
