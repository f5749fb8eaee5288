package io.dataflow.flink.connector.trino;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.connector.ClearTextCredentials;
import io.dataflow.flink.connector.SchemaEvolution;
import io.dataflow.flink.connector.polling.PollingOptions;

/** The cross-field rules of the Trino source and sink, each error on the path of the field to fix. */
final class TrinoValidation {

    private TrinoValidation() {
    }

    static void validateSink(ConfigValues config, ValidationErrors errors) {
        connection(config, errors);
        String table = config.get(TrinoOptions.TABLE);
        if (table == null || table.isBlank()) {
            errors.add(config.pathOf(TrinoOptions.TABLE), "required");
        }
        String key = config.get(TrinoOptions.CONFLICT_KEY);
        boolean hasKey = key != null && !key.isBlank();
        if (config.get(TrinoOptions.UPSERT_MODE)) {
            if (!hasKey) {
                errors.add(config.pathOf(TrinoOptions.CONFLICT_KEY), "required with upsertMode (the MERGE matches rows on it)");
            }
            if (config.get(TrinoOptions.RAW_MODE)) {
                errors.add(config.pathOf(TrinoOptions.UPSERT_MODE), "cannot be combined with rawMode (raw rows have no key column)");
            }
        }
        if (config.get(TrinoOptions.FLATTEN_METADATA_COLUMNS) && !config.get(TrinoOptions.RAW_MODE)) {
            errors.add(config.pathOf(TrinoOptions.FLATTEN_METADATA_COLUMNS), "needs rawMode: true");
        }
        if (config.get(TrinoOptions.RAW_MODE) && SchemaEvolution.from(config) != SchemaEvolution.IGNORE) {
            errors.add(config.pathOf(SchemaEvolution.OPTION), "applies to columnar tables only; rawMode keeps each whole "
                    + "record in one JSON column, so no field can lack a column (leave it ignore or drop rawMode)");
        }
    }

    static void validateSource(ConfigValues config, ValidationErrors errors) {
        connection(config, errors);
        String table = config.get(TrinoOptions.TABLE);
        boolean hasTable = table != null && !table.isBlank();
        String query = config.get(TrinoOptions.QUERY);
        boolean hasQuery = query != null && !query.isBlank();
        if (!hasTable && !hasQuery) {
            errors.add(config.pathOf(TrinoOptions.TABLE), "required (or query)");
        }
        PollingOptions.validate(config, errors);
    }

    /** serverURL must be http(s)://host:port, and https when a keycloak block sends tokens. */
    private static void connection(ConfigValues config, ValidationErrors errors) {
        if (!config.has(TrinoOptions.SERVER_URL)) {
            return;
        }
        String url = config.get(TrinoOptions.SERVER_URL);
        try {
            TrinoConnections.jdbcUrl(url, "c", "s");
        } catch (IllegalArgumentException e) {
            errors.add(config.pathOf(TrinoOptions.SERVER_URL), e.getMessage().replaceFirst("^serverURL: ", ""));
            return;
        }
        if (config.getOptional(TrinoOptions.KEYCLOAK).isPresent() && !url.trim().startsWith("https://")) {
            errors.add(config.pathOf(TrinoOptions.SERVER_URL), "keycloak authentication needs an https:// Trino URL "
                    + "(bearer tokens are only sent over TLS)");
        }
        config.getOptional(TrinoOptions.KEYCLOAK).ifPresent(keycloak -> {
            if (ClearTextCredentials.wouldExpose(keycloak.get(TrinoOptions.KEYCLOAK_SERVER_URL))) {
                errors.add(keycloak.pathOf(TrinoOptions.KEYCLOAK_SERVER_URL), ClearTextCredentials.NEEDS_HTTPS);
            }
        });
        try {
            KeycloakCredentials.from(config);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            int colon = message.indexOf(": ");
            if (colon > 0) {
                errors.add(message.substring(0, colon), message.substring(colon + 2));
            } else {
                errors.add(config.pathOf(TrinoOptions.KEYCLOAK), message);
            }
        }
    }
}
