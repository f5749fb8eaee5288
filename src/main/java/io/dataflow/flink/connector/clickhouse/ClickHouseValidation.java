package io.dataflow.flink.connector.clickhouse;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.connector.polling.PollingOptions;

/** The cross-field rules of the ClickHouse source and sink, each error on the path of the field to fix. */
final class ClickHouseValidation {

    private ClickHouseValidation() {
    }

    static void validateSink(ConfigValues config, ValidationErrors errors) {
        String database = connection(config, errors);
        table(config, ClickHouseOptions.TABLE.name(), config.get(ClickHouseOptions.TABLE), database, errors,
                config.pathOf(ClickHouseOptions.TABLE));
        if (config.get(ClickHouseOptions.FLATTEN_METADATA_COLUMNS)) {
            errors.add(config.pathOf(ClickHouseOptions.FLATTEN_METADATA_COLUMNS),
                    "is not supported by the clickhouse sink (rawMode stores the body as is)");
        }
        String version = config.get(ClickHouseOptions.REPLACING_VERSION_COLUMN);
        String engine = config.get(ClickHouseOptions.TABLE_ENGINE);
        if (version != null && !version.isBlank() && ClickHouseOptions.MERGE_TREE.equals(engine)) {
            errors.add(config.pathOf(ClickHouseOptions.REPLACING_VERSION_COLUMN), "needs tableEngine ReplacingMergeTree (or upsertMode)");
        }
        String key = config.get(ClickHouseOptions.CONFLICT_KEY);
        if (key != null && key.isBlank() && config.has(ClickHouseOptions.CONFLICT_KEY)) {
            errors.add(config.pathOf(ClickHouseOptions.CONFLICT_KEY), "must not be empty");
        }
    }

    static void validateSource(ConfigValues config, ValidationErrors errors) {
        String database = connection(config, errors);
        String table = config.get(ClickHouseOptions.SOURCE_TABLE);
        boolean hasTable = table != null && !table.isBlank();
        String query = config.get(ClickHouseOptions.QUERY);
        boolean hasQuery = query != null && !query.isBlank();
        if (!hasTable && !hasQuery) {
            errors.add(config.pathOf(ClickHouseOptions.SOURCE_TABLE), "required (or query)");
        } else if (hasTable && hasQuery) {
            errors.add(config.pathOf(ClickHouseOptions.QUERY), "table and query cannot both be set");
        }
        if (hasTable) {
            table(config, "table", table, database, errors, config.pathOf(ClickHouseOptions.SOURCE_TABLE));
        }
        if (hasQuery && query.toUpperCase(java.util.Locale.ROOT).matches("(?s).*\\bFORMAT\\s+\\w+\\s*;?\\s*$")) {
            errors.add(config.pathOf(ClickHouseOptions.QUERY), "must not end in a FORMAT clause (the source reads JSONEachRow)");
        }
        PollingOptions.validate(config, errors);
    }

    /** Parses the connection string; answers its database (or default when it does not parse). */
    private static String connection(ConfigValues config, ValidationErrors errors) {
        if (!config.has(ClickHouseOptions.CONNECTION_STRING)) {
            return "default";
        }
        try {
            return ClickHouseConnectionString.parse(config.get(ClickHouseOptions.CONNECTION_STRING)).database();
        } catch (IllegalArgumentException e) {
            // the message names the wrong part and never contains the password
            errors.add(config.pathOf(ClickHouseOptions.CONNECTION_STRING), e.getMessage());
            return "default";
        }
    }

    private static void table(ConfigValues config, String name, String value, String database, ValidationErrors errors, String path) {
        if (value == null) {
            return;
        }
        try {
            ClickHouseTableName.parse(value, database);
        } catch (IllegalArgumentException e) {
            errors.add(path, e.getMessage());
        }
    }
}
