package io.dataflow.flink.connector.iceberg;

import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.parquet.Parquet;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * The rows of one snapshot in a stable order (data files sorted by path), so that "n rows emitted" means the same
 * rows after a restart: either all rows of the snapshot (full read) or only those of the data files the snapshot
 * appended (incremental read; snapshots that do not append contribute nothing, as in the original's append view).
 * Tables with delete files are read through Iceberg's generic reader, which applies the deletes.
 */
final class SnapshotRows implements Closeable {

    private final Table table;
    private final Schema schema;
    private final Iterator<FileScanTask> tasks;
    private final CloseableIterable<Record> generic;
    private CloseableIterable<Record> currentFile;
    private CloseableIterator<Record> current;

    private SnapshotRows(Table table, List<FileScanTask> tasks, CloseableIterable<Record> generic) {
        this.table = table;
        this.schema = table.schema();
        this.tasks = tasks.iterator();
        this.generic = generic;
        this.current = generic == null ? null : generic.iterator();
    }

    static SnapshotRows open(Table table, Snapshot snapshot, boolean full) throws IOException {
        List<FileScanTask> tasks = new ArrayList<>();
        CloseableIterable<FileScanTask> planned;
        if (full) {
            planned = table.newScan().useSnapshot(snapshot.snapshotId()).planFiles();
        } else {
            var scan = table.newIncrementalAppendScan().toSnapshot(snapshot.snapshotId());
            if (snapshot.parentId() != null) {
                scan = scan.fromSnapshotExclusive(snapshot.parentId());
            }
            planned = scan.planFiles();
        }
        try (CloseableIterable<FileScanTask> p = planned) {
            p.forEach(tasks::add);
        }
        boolean simple = tasks.stream().allMatch(t -> t.deletes().isEmpty() && t.file().format() == FileFormat.PARQUET);
        if (!simple && full) {
            return new SnapshotRows(table, List.of(), IcebergGenerics.read(table).useSnapshot(snapshot.snapshotId()).build());
        }
        tasks.sort(Comparator.comparing((FileScanTask t) -> t.file().location()).thenComparingLong(FileScanTask::start));
        return new SnapshotRows(table, tasks, null);
    }

    Schema schema() {
        return schema;
    }

    boolean hasNext() throws IOException {
        while (current == null || !current.hasNext()) {
            if (generic != null || !tasks.hasNext()) {
                return false;
            }
            closeCurrentFile();
            FileScanTask task = tasks.next();
            if (task.file().format() != FileFormat.PARQUET) {
                throw new IOException("data file " + task.file().location() + " is " + task.file().format()
                        + "; only Parquet is read incrementally");
            }
            currentFile = Parquet.read(table.io().newInputFile(task.file().location()))
                    .project(schema)
                    .split(task.start(), task.length())
                    .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
                    .build();
            current = currentFile.iterator();
        }
        return true;
    }

    Record next() {
        return current.next();
    }

    private void closeCurrentFile() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
        if (currentFile != null) {
            currentFile.close();
            currentFile = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeCurrentFile();
        if (generic != null) {
            generic.close();
        }
    }
}
