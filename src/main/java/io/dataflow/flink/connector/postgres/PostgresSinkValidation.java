package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ValidationErrors;

import static io.dataflow.flink.connector.postgres.PostgresOptions.CONFLICT_KEY;
import static io.dataflow.flink.connector.postgres.PostgresOptions.CONNECTION_STRING;
import static io.dataflow.flink.connector.postgres.PostgresOptions.FLATTEN_METADATA_COLUMNS;
import static io.dataflow.flink.connector.postgres.PostgresOptions.RAW_MODE;
import static io.dataflow.flink.connector.postgres.PostgresOptions.SOFT_DELETE_COLUMN;
import static io.dataflow.flink.connector.postgres.PostgresOptions.TABLE;
import static io.dataflow.flink.connector.postgres.PostgresOptions.UPSERT_MODE;
import static io.dataflow.flink.connector.postgres.PostgresOptions.UPSERT_STRATEGY;
import static io.dataflow.flink.connector.postgres.PostgresOptions.UPSERT_VERSION_COLUMN;

/**
 * The sink's cross-field rules. Settings the original silently ignored (ifNewer without upsertMode) stay
 * accepted so that its manifests still run; what cannot work is an error with the path of the field to fix.
 */
final class PostgresSinkValidation {

    private PostgresSinkValidation() {
    }

    static void validate(ConfigValues config, ValidationErrors errors) {
        if (config.has(CONNECTION_STRING)) {
            try {
                PostgresConnectionString.parse(config.get(CONNECTION_STRING));
            } catch (IllegalArgumentException e) {
                // the message names the wrong part and never contains the password
                errors.add(config.pathOf(CONNECTION_STRING), e.getMessage());
            }
        }
        if (config.has(TABLE)) {
            try {
                PostgresIdentifiers.parseTable(config.get(TABLE));
            } catch (IllegalArgumentException e) {
                errors.add(config.pathOf(TABLE), e.getMessage());
            }
        }
        String conflictKey = config.get(CONFLICT_KEY);
        if (config.get(UPSERT_MODE) && (conflictKey == null || conflictKey.isBlank())) {
            errors.add(config.pathOf(CONFLICT_KEY), "must not be empty when upsertMode is true");
        }
        if (PostgresOptions.STRATEGY_IF_NEWER.equals(config.get(UPSERT_STRATEGY))) {
            String version = config.get(UPSERT_VERSION_COLUMN);
            if (version == null || version.isBlank()) {
                errors.add(config.pathOf(UPSERT_VERSION_COLUMN), "required when upsertStrategy is ifNewer");
            } else if (version.equals(conflictKey)) {
                errors.add(config.pathOf(UPSERT_VERSION_COLUMN), "must differ from conflictKey");
            }
        }
        String softDelete = config.get(SOFT_DELETE_COLUMN);
        if (softDelete != null && config.has(SOFT_DELETE_COLUMN)) {
            if (softDelete.isBlank()) {
                errors.add(config.pathOf(SOFT_DELETE_COLUMN), "must not be empty");
            } else if (softDelete.equals(conflictKey)) {
                errors.add(config.pathOf(SOFT_DELETE_COLUMN), "must differ from conflictKey");
            }
        }
        if (config.get(FLATTEN_METADATA_COLUMNS) && !config.get(RAW_MODE)) {
            errors.add(config.pathOf(FLATTEN_METADATA_COLUMNS), "requires rawMode: true");
        }
    }
}
