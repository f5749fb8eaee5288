package io.dataflow.flink.connector.clickhouse;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.connector.SchemaEvolution;

/** The sink's configuration, validated and resolved to what the connector works with. */
public record ClickHouseSinkSettings(
        ClickHouseConnectionString connection,
        boolean compression,
        ClickHouseTableName table,
        int batchSize,
        long flushIntervalMillis,
        boolean autoCreateTable,
        boolean upsertMode,
        String conflictKey,
        String tableEngine,
        String replacingVersionColumn,
        boolean rawMode,
        SchemaEvolution schemaEvolution) {

    public static ClickHouseSinkSettings from(ConfigValues config) {
        ClickHouseConnectionString connection = connection(config);
        int batchSize = config.get(ClickHouseOptions.BATCH_SIZE);
        return new ClickHouseSinkSettings(
                connection,
                config.get(ClickHouseOptions.COMPRESSION),
                ClickHouseTableName.parse(config.get(ClickHouseOptions.TABLE), connection.database()),
                batchSize == 0 ? ClickHouseOptions.MAX_BATCH_SIZE : batchSize,
                config.get(ClickHouseOptions.BATCH_FLUSH_INTERVAL_SECONDS) * 1000L,
                config.get(ClickHouseOptions.AUTO_CREATE_TABLE),
                config.get(ClickHouseOptions.UPSERT_MODE),
                blankToNull(config.get(ClickHouseOptions.CONFLICT_KEY)),
                config.get(ClickHouseOptions.TABLE_ENGINE),
                blankToNull(config.get(ClickHouseOptions.REPLACING_VERSION_COLUMN)),
                config.get(ClickHouseOptions.RAW_MODE),
                SchemaEvolution.from(config));
    }

    /** The connection string with the {@code user}/{@code password} fields applied. */
    static ClickHouseConnectionString connection(ConfigValues config) {
        return ClickHouseConnectionString.parse(config.get(ClickHouseOptions.CONNECTION_STRING))
                .withCredentials(blankToNull(config.get(ClickHouseOptions.USER)), config.get(ClickHouseOptions.PASSWORD));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
