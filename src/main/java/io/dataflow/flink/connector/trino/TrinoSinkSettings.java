package io.dataflow.flink.connector.trino;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.connector.SchemaEvolution;

import java.io.Serializable;
import java.util.Optional;

/** The sink's settings, read once from the manifest (docs/ORIGINAL.md#trino). */
record TrinoSinkSettings(String serverUrl, TrinoTableName table, Optional<KeycloakCredentials> keycloak, int batchSize,
                         long flushIntervalMillis, int queryTimeoutSeconds, boolean autoCreateTable, boolean upsertMode,
                         String conflictKey, boolean rawMode, boolean flattenMetadataColumns, String metadataPrefix,
                         SchemaEvolution schemaEvolution)
        implements Serializable {

    static TrinoSinkSettings from(ConfigValues config) {
        int batch = config.get(TrinoOptions.BATCH_SIZE);
        return new TrinoSinkSettings(
                config.get(TrinoOptions.SERVER_URL),
                new TrinoTableName(config.get(TrinoOptions.CATALOG), config.get(TrinoOptions.SCHEMA), config.get(TrinoOptions.TABLE)),
                KeycloakCredentials.from(config),
                batch == 0 ? TrinoOptions.MAX_BATCH_SIZE : Math.min(batch, TrinoOptions.MAX_BATCH_SIZE),
                config.get(TrinoOptions.BATCH_FLUSH_INTERVAL_SECONDS) * 1000L,
                config.get(TrinoOptions.QUERY_TIMEOUT_SECONDS),
                config.get(TrinoOptions.AUTO_CREATE_TABLE),
                config.get(TrinoOptions.UPSERT_MODE),
                config.get(TrinoOptions.CONFLICT_KEY),
                config.get(TrinoOptions.RAW_MODE),
                config.get(TrinoOptions.FLATTEN_METADATA_COLUMNS),
                config.get(TrinoOptions.FLATTEN_METADATA_COLUMNS_PREFIX),
                SchemaEvolution.from(config));
    }

    TrinoConnections connections() {
        return new TrinoConnections(serverUrl, table.catalog(), table.schema(), keycloak);
    }

    /** Safe to log: no credentials. */
    @Override
    public String toString() {
        return "trino " + serverUrl + " " + table;
    }
}
