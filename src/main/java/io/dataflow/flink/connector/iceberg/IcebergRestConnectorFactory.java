package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.connector.UriComponents;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;

import java.util.List;

/**
 * Connector type {@code iceberg} (docs/ORIGINAL.md#iceberg): Iceberg tables in any Iceberg REST catalog (Polaris, Lakekeeper,
 * Gravitino, Iceberg's own), with the same sink and source as {@code nessie}.
 */
public final class IcebergRestConnectorFactory extends IcebergConnectorFactory {

    public static final String TYPE = "iceberg";

    public IcebergRestConnectorFactory() {
        super(TYPE, "Iceberg REST catalog: Iceberg tables through the REST protocol; the sink writes Parquet data files and "
                + "commits one Iceberg append per completed checkpoint (exactly-once), the source polls in full or by snapshot",
                false);
    }

    @Override
    public List<ConfigField<?>> sourceOptions() {
        return IcebergRestOptions.SOURCE;
    }

    @Override
    public List<ConfigField<?>> sinkOptions() {
        return IcebergRestOptions.SINK;
    }

    @Override
    protected void validateCatalog(ConfigValues config, ValidationErrors errors) {
        config.getOptional(IcebergRestOptions.CATALOG_URI).ifPresent(uri -> {
            try {
                UriComponents.httpUrl(uri);
            } catch (IllegalArgumentException e) {
                errors.add(config.pathOf(IcebergRestOptions.CATALOG_URI), e.getMessage());
                return;
            }
            try {
                IcebergRestSettings.from(config);
            } catch (IllegalArgumentException e) {
                if (e.getMessage().startsWith("S3 storage")) {
                    return; // S3Storage.validate names the S3 field itself
                }
                boolean oauth = e.getMessage().startsWith("OAuth2");
                errors.add(config.pathOf(oauth ? IcebergRestOptions.OAUTH2_CLIENT_ID : IcebergRestOptions.BASIC_AUTH), e.getMessage());
            }
        });
    }

    @Override
    protected CatalogConnection catalog(ConfigValues config) {
        IcebergRestSettings settings = IcebergRestSettings.from(config);
        return () -> IcebergRestCatalogs.open(settings);
    }
}
