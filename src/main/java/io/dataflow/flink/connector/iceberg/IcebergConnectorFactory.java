package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.SinkCommitter;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.connector.SourceConnector;

/**
 * The Iceberg connector, whatever catalog holds the tables: the sink writes Parquet data files and one committer
 * commits one Iceberg append per completed checkpoint (exactly-once); the source polls a table in full or by
 * snapshot (position in Flink state, parallelism 1). Each catalog type ({@code iceberg} for a REST catalog,
 * {@code nessie}) says only its name, its options, the rules of its catalog fields and how its catalog opens.
 */
public abstract class IcebergConnectorFactory implements ConnectorFactory {

    private final String type;
    private final String description;
    private final boolean warehouseIsLocation;

    /**
     * @param warehouseIsLocation whether {@code warehouse} is a storage location (s3://…, file://…) rather than a
     *                            name the catalog knows
     */
    protected IcebergConnectorFactory(String type, String description, boolean warehouseIsLocation) {
        this.type = type;
        this.description = description;
        this.warehouseIsLocation = warehouseIsLocation;
    }

    /** Opens this type's catalog with the connection fields of {@code config}. */
    protected abstract CatalogConnection catalog(ConfigValues config);

    /** The rules of this type's catalog fields (address, branch, authentication). */
    protected abstract void validateCatalog(ConfigValues config, ValidationErrors errors);

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final boolean isPollingSource() {
        return true;
    }

    @Override
    public final void validateSource(ConfigValues config, ValidationErrors errors) {
        validateCatalog(config, errors);
        IcebergValidation.validateSource(config, errors, warehouseIsLocation);
    }

    @Override
    public final void validateSink(ConfigValues config, ValidationErrors errors) {
        validateCatalog(config, errors);
        IcebergValidation.validateSink(config, errors, warehouseIsLocation);
    }

    /**
     * Appends are not idempotent by themselves, but records replayed after a restart never reach the table twice:
     * only checkpoints that completed are committed, each once. So a polling source may feed this sink under
     * {@code strictIdempotency} (the original counted Nessie as non-idempotent because it committed per batch).
     */
    @Override
    public final boolean isIdempotentSink(ConfigValues config) {
        return true;
    }

    @Override
    public final SourceConnector createSource(ConfigValues config, ConnectorContext context) {
        return new IcebergSourceConnector(IcebergSourceSettings.from(config, type), catalog(config), context);
    }

    @Override
    public final SinkConnector createSink(ConfigValues config, ConnectorContext context) {
        return new IcebergSinkConnector(IcebergSinkSettings.from(config, type), catalog(config), context);
    }

    /** All writers' files of a checkpoint go into one snapshot, committed by one committer. */
    @Override
    public final boolean hasCommitter(ConfigValues config) {
        return true;
    }

    @Override
    public final SinkCommitter createCommitter(ConfigValues config, ConnectorContext context) {
        return new IcebergTableCommitter(IcebergSinkSettings.from(config, type), catalog(config));
    }
}
