package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.connector.SinkCommitter;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.exceptions.NoSuchTableException;

import java.util.List;

/**
 * The one committer of an Iceberg (Nessie, REST catalog) sink: appends the data files all writers listed for a
 * completed checkpoint as one snapshot ({@link CheckpointCommitter}, whose commit-user and checkpoint-id check in
 * the snapshot summary makes a repeated commit after a restore a no-op).
 */
public final class IcebergTableCommitter implements SinkCommitter {

    private final IcebergSinkSettings settings;
    private final CatalogConnection catalogConnection;
    private Catalog catalog;
    private Table table;

    public IcebergTableCommitter(IcebergSinkSettings settings, CatalogConnection catalogConnection) {
        this.settings = settings;
        this.catalogConnection = catalogConnection;
    }

    @Override
    public void open() throws Exception {
        catalog = catalogConnection.open();
    }

    @Override
    public void commit(String commitUser, long checkpointId, List<byte[]> committables) throws Exception {
        if (committables.isEmpty()) {
            return;
        }
        CheckpointCommitter.commit(table(), commitUser, checkpointId, committables);
    }

    /** Loaded at the first commit: a flattened table is created by the writers at their first record. */
    private Table table() {
        if (table == null) {
            try {
                table = catalog.loadTable(settings.table().identifier());
            } catch (NoSuchTableException e) {
                throw new IllegalStateException(settings.connectorType() + " sink: table " + settings.table()
                        + " does not exist, but there are data files to commit to it", e);
            }
        }
        return table;
    }

    @Override
    public void close() {
        CatalogConnection.closeQuietly(catalog);
        catalog = null;
        table = null;
    }
}
