package io.dataflow.flink.connector.iceberg.nessie;

import io.dataflow.flink.connector.UriComponents;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.connector.iceberg.CatalogConnection;
import io.dataflow.flink.connector.iceberg.IcebergConnectorFactory;

import java.util.List;

/**
 * Connector type {@code nessie} (docs/ORIGINAL.md#nessie): the Iceberg connector with its tables in a Nessie catalog, on
 * a Nessie branch.
 */
public final class NessieConnectorFactory extends IcebergConnectorFactory {

    public static final String TYPE = "nessie";

    public NessieConnectorFactory() {
        super(TYPE, "Nessie: Iceberg tables on a Nessie branch; the sink writes Parquet data files and commits one Iceberg "
                + "append per completed checkpoint (exactly-once), the source polls the table in full or by snapshot", true);
    }

    @Override
    public List<ConfigField<?>> sourceOptions() {
        return NessieOptions.SOURCE;
    }

    @Override
    public List<ConfigField<?>> sinkOptions() {
        return NessieOptions.SINK;
    }

    @Override
    protected void validateCatalog(ConfigValues config, ValidationErrors errors) {
        config.getOptional(NessieOptions.BASE_URL).ifPresent(url -> {
            try {
                UriComponents.httpUrl(url);
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

    @Override
    protected CatalogConnection catalog(ConfigValues config) {
        NessieSettings settings = NessieSettings.from(config);
        String connector = "nessie connector at " + config.path();
        return () -> NessieCatalogs.open(settings, connector);
    }
}
