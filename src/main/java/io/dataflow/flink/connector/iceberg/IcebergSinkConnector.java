package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.connector.LifecycleGuard;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.RecordRefusedException;
import io.dataflow.flink.connector.RefusedRecordListener;
import io.dataflow.flink.connector.SchemaEvolution;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.message.Message;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestWriter;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes records into an Iceberg table as Parquet data files (docs/ORIGINAL.md#nessie sink, made exactly-once).
 * {@link #write} appends to an open data file; {@link #flush()} (before every checkpoint barrier) closes it;
 * {@link #committables} lists the closed files of the checkpoint in a manifest that the runtime hands to the sink's
 * one {@link IcebergTableCommitter}, which commits all writers' files of a completed checkpoint as one append. A
 * checkpoint that never completes leaves no rows behind and its records are written again after the restart.
 * Records never become visible before the checkpoint that covers their source position completes.
 *
 * <p>With {@code schemaEvolution: evolve} on a columnar table, a record with a field the schema lacks, or a number
 * wider than its column, first closes the open data file (written against the schema it had), then evolves the
 * table's schema ({@link IcebergTableEvolution}) and goes on with a new file against the new schema; both files are
 * appended by the committer, and rows of files without the new column read it as null. With {@code fail} such a
 * record is refused, naming the field ({@link SchemaFit}).
 */
public final class IcebergSinkConnector extends LifecycleGuard implements SinkConnector {

    private static final Logger LOG = LoggerFactory.getLogger(IcebergSinkConnector.class);

    private final IcebergSinkSettings settings;
    private final CatalogConnection catalogConnection;
    private final ConnectorContext context;
    /** Fresh per run: names this writer's data files and manifests apart from every other writer's. */
    private final String writerId = UUID.randomUUID().toString();
    private final List<PendingCommit> restored = new ArrayList<>();
    private final List<DataFile> closedFiles = new ArrayList<>();

    private Catalog catalog;
    private Table table;
    private SinkRecords records;
    private DataWriter<Record> writer;
    private long rowsInFile;
    private int fileCounter;
    private RefusedRecordListener refusedListener;

    public IcebergSinkConnector(IcebergSinkSettings settings, CatalogConnection catalogConnection, ConnectorContext context) {
        this.settings = settings;
        this.catalogConnection = catalogConnection;
        this.context = context;
    }

    @Override
    public void setRefusedRecordListener(RefusedRecordListener listener) {
        this.refusedListener = listener;
    }

    /**
     * Pending commits in the state of a savepoint or checkpoint taken by a version whose writers committed
     * themselves: that checkpoint completed, so {@link #connect()} commits them, unless the table's history shows they
     * were committed already. Writers of this version keep no state (their files go to the committer).
     */
    @Override
    public void restoreState(long restoredCheckpointId, List<byte[]> entries) {
        for (byte[] bytes : entries) {
            restored.add(PendingCommit.decode(bytes));
        }
    }

    /** Rows become visible only when a checkpoint completes. */
    @Override
    public boolean requiresCheckpointing() {
        return true;
    }

    @Override
    public void connect() throws Exception {
        if (!guardConnect()) {
            throw new ConnectorClosedException();
        }
        try {
            catalog = catalogConnection.open();
            loadOrCreateTable();
            restored.sort(java.util.Comparator.comparingLong(PendingCommit::checkpointId));
            for (PendingCommit commit : restored) {
                CheckpointCommitter.commit(requireTable("restored pending files"), commit);
            }
            restored.clear();
        } finally {
            unlock();
        }
    }

    private void loadOrCreateTable() {
        try {
            table = catalog.loadTable(settings.table().identifier());
        } catch (NoSuchTableException e) {
            if (!settings.autoCreateTable()) {
                throw new IllegalStateException(settings.connectorType() + " sink: table " + settings.table()
                        + " does not exist (set autoCreateTable: true to create it)");
            }
            if (settings.newTableLayout() != TableLayout.FLATTENED) {
                createTable(SinkRecords.newTableSchema(settings.newTableLayout(), settings.metadataPrefix(), null));
            }
            // flattened: the first record's metadata keys decide the columns, so the table is created in write()
            return;
        }
        if (!table.spec().isUnpartitioned()) {
            throw new IllegalStateException(settings.connectorType() + " sink: table " + settings.table()
                    + " is partitioned; only unpartitioned tables are supported");
        }
        records = new SinkRecords(table.schema(), layoutOf(table), settings.metadataPrefix());
    }

    /** Raw mode needs data (+ _metadata unless flattened), checked at connect as the original does (fail fast). */
    private TableLayout layoutOf(Table existing) {
        Schema schema = existing.schema();
        Types.NestedField data = schema.caseInsensitiveFindField(TableLayout.DATA_COLUMN);
        Types.NestedField metadata = schema.caseInsensitiveFindField(TableLayout.METADATA_COLUMN);
        String where = settings.connectorType() + " sink: table " + settings.table();
        if (settings.rawMode()) {
            if (data == null || !(data.type() instanceof Types.StringType)) {
                throw new IllegalStateException(where + " has no string column data, which rawMode needs");
            }
            if (settings.flattenMetadataColumns()) {
                if (metadata != null) {
                    throw new IllegalStateException(where + " has a _metadata column; flattenMetadataColumns needs one column per metadata key instead");
                }
                return TableLayout.FLATTENED;
            }
            if (metadata == null || !(metadata.type() instanceof Types.StringType)) {
                throw new IllegalStateException(where + " has no string column _metadata, which rawMode needs");
            }
            return TableLayout.RAW;
        }
        boolean dataOnly = data != null && data.type() instanceof Types.StringType && schema.columns().size() == 1;
        return dataOnly ? TableLayout.DATA : TableLayout.COLUMNAR;
    }

    private void createTable(Schema schema) {
        TableLayout layout = settings.newTableLayout();
        Namespace namespace = settings.table().icebergNamespace();
        if (catalog instanceof SupportsNamespaces) {
            SupportsNamespaces namespaces = (SupportsNamespaces) catalog;
            for (int level = 1; level <= namespace.length(); level++) {
                Namespace ns = Namespace.of(java.util.Arrays.copyOf(namespace.levels(), level));
                if (!namespaces.namespaceExists(ns)) {
                    try {
                        namespaces.createNamespace(ns);
                    } catch (AlreadyExistsException e) {
                        // another subtask was faster
                    }
                }
            }
        }
        try {
            table = catalog.buildTable(settings.table().identifier(), schema)
                    .withProperties(layout.properties(settings.metadataPrefix()))
                    .create();
            LOG.info("{} sink: created table {} ({} layout)", settings.connectorType(), settings.table(), layout);
        } catch (AlreadyExistsException e) {
            table = catalog.loadTable(settings.table().identifier());
        }
        records = new SinkRecords(table.schema(), layoutOf(table), settings.metadataPrefix());
    }

    @Override
    public void write(Message message) throws Exception {
        if (table == null) {
            createTable(SinkRecords.newTableSchema(TableLayout.FLATTENED, settings.metadataPrefix(), message));
        }
        Record record;
        try {
            fitSchema(message);
            record = records.toRecord(message);
        } catch (RecordRefusedException e) {
            if (refusedListener == null) {
                throw new IllegalStateException(settings.connectorType() + " sink: table " + settings.table()
                        + " refused a record: " + e.getMessage());
            }
            refusedListener.refused(message, e.getMessage());
            return;
        }
        if (writer == null) {
            writer = newDataWriter();
            rowsInFile = 0;
        }
        writer.write(record);
        if (++rowsInFile >= settings.maxRowsPerFile()) {
            closeFile();
        }
    }

    /**
     * schemaEvolution on a columnar table: refuses a record that does not fit the schema (fail), or evolves the
     * schema so that it does (evolve). Other writers may have evolved it already: then this only reloads it.
     */
    private void fitSchema(Message message) throws RecordRefusedException, IOException, InterruptedException {
        if (settings.schemaEvolution() == SchemaEvolution.IGNORE || records.layout() != TableLayout.COLUMNAR) {
            return;
        }
        SchemaFit fit = SchemaFit.of(records.schema(), message.json());
        if (fit == SchemaFit.FITS) {
            return;
        }
        if (settings.schemaEvolution() == SchemaEvolution.FAIL) {
            throw new RecordRefusedException(fit.refusal(records.schema(), settings.table()));
        }
        if (fit.needsEvolution()) {
            closeFile(); // a Parquet file has one schema: the rows so far keep the old one
            IcebergTableEvolution.apply(table, fit);
            records = new SinkRecords(table.schema(), TableLayout.COLUMNAR, settings.metadataPrefix());
        }
    }

    private DataWriter<Record> newDataWriter() throws IOException {
        String name = String.format("%s-%05d-%05d.parquet", writerId, context.subtaskIndex(), fileCounter++);
        OutputFile file = table.io().newOutputFile(table.locationProvider().newDataLocation(name));
        return Parquet.writeData(file)
                .forTable(table)
                .schema(records.schema()) // the schema the records are built for, even if the table was refreshed since
                .createWriterFunc(GenericParquetWriter::buildWriter)
                .overwrite()
                .build();
    }

    private void closeFile() throws IOException {
        if (writer == null) {
            return;
        }
        DataWriter<Record> closing = writer;
        writer = null;
        closing.close();
        if (rowsInFile > 0) {
            closedFiles.add(closing.toDataFile());
        }
    }

    /** Closes the open data file: its rows are durable in storage, and visible once their checkpoint completes. */
    @Override
    public void flush() throws Exception {
        closeFile();
    }

    /** The files closed since the previous call, listed in one manifest for the committer ({@link IcebergTableCommitter}). */
    @Override
    public List<byte[]> committables(long checkpointId) throws Exception {
        closeFile();
        if (closedFiles.isEmpty()) {
            return List.of();
        }
        byte[] manifest = writeManifest(checkpointId);
        closedFiles.clear();
        return List.of(manifest);
    }

    private byte[] writeManifest(long checkpointId) throws IOException {
        String name = String.format("dataflow-%s-%05d-cp%d.avro", writerId, context.subtaskIndex(), checkpointId);
        OutputFile out = table.io().newOutputFile(((HasTableOperations) table).operations().metadataFileLocation(name));
        int formatVersion = ((HasTableOperations) table).operations().current().formatVersion();
        // A placeholder snapshot id, as Flink's Iceberg sink uses: the manifest only carries the file list through the
        // checkpoint, and the files are appended one by one at commit (encode() needs a non-null id).
        ManifestWriter<DataFile> manifest = ManifestFiles.write(formatVersion, table.spec(), out, 0L);
        try (ManifestWriter<DataFile> w = manifest) {
            for (DataFile file : closedFiles) {
                w.add(file);
            }
        }
        return ManifestFiles.encode(manifest.toManifestFile());
    }

    private Table requireTable(String what) {
        if (table == null) {
            throw new IllegalStateException(settings.connectorType() + " sink: table " + settings.table()
                    + " does not exist, but there are " + what + " to commit to it");
        }
        return table;
    }

    @Override
    public void close() {
        if (guardClose()) {
            return;
        }
        try {
            if (writer != null) {
                try {
                    writer.close(); // an uncommitted file is never referenced by the table; it is just left behind
                } catch (IOException | RuntimeException e) {
                    LOG.debug("closing an unfinished data file failed", e);
                }
                writer = null;
            }
            CatalogConnection.closeQuietly(catalog);
            catalog = null;
        } finally {
            unlock();
        }
    }
}
