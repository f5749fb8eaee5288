package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.connector.SchemaEvolution;

/** The sink's configuration, validated and resolved to what the connector works with. */
public record PostgresSinkSettings(
        PostgresConnectionString connection,
        PostgresTableName table,
        int batchSize,
        long flushIntervalMillis,
        boolean autoCreateTable,
        boolean upsertMode,
        boolean skipDuplicateKeys,
        String conflictKey,
        boolean upsertIfNewer,
        String upsertVersionColumn,
        String softDeleteColumn,
        boolean rawMode,
        boolean flattenMetadataColumns,
        String flattenMetadataColumnsPrefix,
        SchemaEvolution schemaEvolution) {

    public static PostgresSinkSettings from(ConfigValues config) {
        int batchSize = config.get(PostgresOptions.BATCH_SIZE);
        String softDelete = config.get(PostgresOptions.SOFT_DELETE_COLUMN);
        String version = config.get(PostgresOptions.UPSERT_VERSION_COLUMN);
        return new PostgresSinkSettings(
                PostgresConnectionString.parse(config.get(PostgresOptions.CONNECTION_STRING)),
                PostgresIdentifiers.parseTable(config.get(PostgresOptions.TABLE)),
                batchSize == 0 ? PostgresOptions.MAX_BATCH_SIZE : batchSize,
                config.get(PostgresOptions.BATCH_FLUSH_INTERVAL_SECONDS) * 1000L,
                config.get(PostgresOptions.AUTO_CREATE_TABLE),
                config.get(PostgresOptions.UPSERT_MODE),
                PostgresOptions.DUPLICATE_KEY_SKIP.equals(config.get(PostgresOptions.ON_DUPLICATE_KEY)),
                config.get(PostgresOptions.CONFLICT_KEY),
                PostgresOptions.STRATEGY_IF_NEWER.equals(config.get(PostgresOptions.UPSERT_STRATEGY)),
                version == null || version.isBlank() ? null : version,
                softDelete == null || softDelete.isBlank() ? null : softDelete,
                config.get(PostgresOptions.RAW_MODE),
                config.get(PostgresOptions.FLATTEN_METADATA_COLUMNS),
                config.get(PostgresOptions.FLATTEN_METADATA_COLUMNS_PREFIX),
                SchemaEvolution.from(config));
    }

    /** The flattened column name of one metadata key. */
    public String metadataColumn(String key) {
        return (flattenMetadataColumnsPrefix == null ? "" : flattenMetadataColumnsPrefix) + key;
    }
}
