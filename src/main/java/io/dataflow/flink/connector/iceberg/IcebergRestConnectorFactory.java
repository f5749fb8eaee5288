package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.SinkCommitter;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.config.Config;
import io.dataflow.flink.config.ConfigOption;
import io.dataflow.flink.config.ValidationErrors;

import java.util.List;

/**
 * Connector type {@code iceberg} (docs/ORIGINAL.md#iceberg): Iceberg tables in any Iceberg REST catalog (Polaris, Lakekeeper,
 * Gravitino, Iceberg's own), with the same sink and source as {@code nessie}.
 */
public final class IcebergRestConnectorFactory implements ConnectorFactory {

    public static final String TYPE = "iceberg";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Iceberg REST catalog: Iceberg tables through the REST protocol; the sink writes Parquet data files and "
                + "commits one Iceberg append per completed checkpoint (exactly-once), the source polls in full or by snapshot";
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
        return IcebergRestOptions.SOURCE;
    }

    @Override
    public List<ConfigOption<?>> sinkOptions() {
        return IcebergRestOptions.SINK;
    }

    @Override
    public void validateSource(Config config, ValidationErrors errors) {
        validateCatalog(config, errors);
        IcebergValidation.validateSource(config, errors, false);
    }

    @Override
    public void validateSink(Config config, ValidationErrors errors) {
        validateCatalog(config, errors);
        IcebergValidation.validateSink(config, errors, false);
    }

    private static void validateCatalog(Config config, ValidationErrors errors) {
        config.getOptional(IcebergRestOptions.CATALOG_URI).ifPresent(uri -> {
            try {
                IcebergRestSettings.catalogUri(uri);
            } catch (IllegalArgumentException e) {
                errors.add(config.pathOf(IcebergRestOptions.CATALOG_URI), e.getMessage());
                return;
            }
            try {
                IcebergRestSettings.from(config);
            } catch (IllegalArgumentException e) {
                boolean oauth = e.getMessage().startsWith("OAuth2");
                errors.add(config.pathOf(oauth ? IcebergRestOptions.OAUTH2_CLIENT_ID : IcebergRestOptions.BASIC_AUTH), e.getMessage());
            }
        });
    }

    /** Same reasoning as for {@code nessie}: only completed checkpoints are committed, each once. */
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
        IcebergRestSettings settings = IcebergRestSettings.from(config);
        return () -> IcebergRestCatalogs.open(settings);
    }
}
