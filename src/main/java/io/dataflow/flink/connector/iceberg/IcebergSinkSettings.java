package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.connector.SchemaEvolution;

import java.io.Serializable;

/** The Iceberg sink's configuration, resolved from the manifest (catalog addressing is the catalog type's). */
public record IcebergSinkSettings(TableAddress table, String connectorType, int maxRowsPerFile, boolean autoCreateTable,
                                  boolean rawMode, boolean flattenMetadataColumns, String metadataPrefix,
                                  SchemaEvolution schemaEvolution) implements Serializable {

    public static IcebergSinkSettings from(ConfigValues config, String connectorType) {
        int batch = config.get(IcebergOptions.BATCH_SIZE);
        return new IcebergSinkSettings(TableAddress.from(config), connectorType, batch == 0 ? Integer.MAX_VALUE : batch,
                config.get(IcebergOptions.AUTO_CREATE_TABLE), config.get(IcebergOptions.RAW_MODE),
                config.get(IcebergOptions.FLATTEN_METADATA_COLUMNS), config.get(IcebergOptions.FLATTEN_METADATA_COLUMNS_PREFIX),
                SchemaEvolution.from(config));
    }

    /** The layout a new table gets. */
    TableLayout newTableLayout() {
        return !rawMode ? TableLayout.DATA : flattenMetadataColumns ? TableLayout.FLATTENED : TableLayout.RAW;
    }
}
