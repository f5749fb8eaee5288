package io.dataflow.flink.connector.iceberg.nessie;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.SinkCommitter;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.connector.iceberg.CatalogConnection;
import io.dataflow.flink.connector.iceberg.IcebergSinkConnector;
import io.dataflow.flink.connector.iceberg.IcebergSinkSettings;
import io.dataflow.flink.connector.iceberg.IcebergSourceConnector;
import io.dataflow.flink.connector.iceberg.IcebergSourceSettings;
import io.dataflow.flink.connector.iceberg.IcebergTableCommitter;
import io.dataflow.flink.connector.iceberg.IcebergValidation;
import io.dataflow.flink.config.Config;
import io.dataflow.flink.config.ConfigOption;
import io.dataflow.flink.config.ValidationErrors;

import java.util.List;

/**
 * Connector type {@code nessie} (docs/ORIGINAL.md#nessie): Iceberg tables in a Nessie catalog, on a Nessie branch. The sink
 * commits one Iceberg append per completed checkpoint (exactly-once); the source polls the table, in full or by
 * snapshot (position in Flink state, parallelism 1).
 */
public final class NessieConnectorFactory implements ConnectorFactory {

    public static final String TYPE = "nessie";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Nessie: Iceberg tables on a Nessie branch; the sink writes Parquet data files and commits one Iceberg "
                + "append per completed checkpoint (exactly-once), the source polls the table in full or by snapshot";
    }

    @Override
    public boolean isSource() {
        return true;
    }

    @Override
    public boolean isSink() {
        return true;
    }

    @Override
    public boolean isPollingSource() {
        return true;
    }

    @Override
    public List<ConfigOption<?>> sourceOptions() {
        return NessieOptions.SOURCE;
    }

    @Override
    public List<ConfigOption<?>> sinkOptions() {
        return NessieOptions.SINK;
    }

    @Override
    public void validateSource(Config config, ValidationErrors errors) {
        validateCatalog(config, errors);
        IcebergValidation.validateSource(config, errors, true);
    }

    @Override
    public void validateSink(Config config, ValidationErrors errors) {
        validateCatalog(config, errors);
        IcebergValidation.validateSink(config, errors, true);
    }

    private static void validateCatalog(Config config, ValidationErrors errors) {
        config.getOptional(NessieOptions.BASE_URL).ifPresent(url -> {
            try {
                NessieSettings.baseUrl(url);
            } catch (IllegalArgumentException e) {
                errors.add(config.pathOf(NessieOptions.BASE_URL), e.getMessage());
            }
        });
        if (config.getOptional(NessieOptions.BRANCH).filter(b -> b.isBlank()).isPresent()) {
            errors.add(config.pathOf(NessieOptions.BRANCH), "must not be empty");
        }
        try {
            NessieAuth.from(config);
        } catch (IllegalArgumentException e) {
            errors.add(config.pathOf(NessieOptions.AUTHENTICATION_TYPE), e.getMessage());
        }
    }

    /**
     * Appends are not idempotent by themselves, but records replayed after a restart never reach the table twice:
     * only checkpoints that completed are committed, each once. So a polling source may feed this sink under
     * {@code strictIdempotency} (the original counted Nessie as non-idempotent because it committed per batch).
     */
    @Override
    public boolean isIdempotentSink(Config config) {
        return true;
    }

    @Override
    public SourceConnector createSource(Config config, ConnectorContext context) {
        return new IcebergSourceConnector(IcebergSourceSettings.from(config, TYPE), catalog(config), context);
    }

    @Override
    public SinkConnector createSink(Config config, ConnectorContext context) {
        return new IcebergSinkConnector(IcebergSinkSettings.from(config, TYPE), catalog(config), context);
    }

    /** All writers' files of a checkpoint go into one snapshot, committed by one committer. */
    @Override
    public boolean hasCommitter(Config config) {
        return true;
    }

    @Override
    public SinkCommitter createCommitter(Config config, ConnectorContext context) {
        return new IcebergTableCommitter(IcebergSinkSettings.from(config, TYPE), catalog(config));
    }

    private static CatalogConnection catalog(Config config) {
        NessieSettings settings = NessieSettings.from(config);
        return () -> NessieCatalogs.open(settings);
    }
}
