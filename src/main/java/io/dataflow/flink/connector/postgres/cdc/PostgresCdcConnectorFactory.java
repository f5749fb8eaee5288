package io.dataflow.flink.connector.postgres.cdc;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.connector.postgres.PostgresConnectionString;
import io.dataflow.flink.connector.postgres.PostgresIdentifiers;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;

import java.util.List;
import java.util.regex.Pattern;

/** Connector type {@code postgresql-cdc} (docs/ORIGINAL.md#postgresql-cdc): logical replication with pgoutput; a source only. */
public final class PostgresCdcConnectorFactory implements ConnectorFactory {

    /** The server's rule for slot names. */
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    @Override
    public String type() {
        return "postgresql-cdc";
    }

    @Override
    public String description() {
        return "PostgreSQL change data capture: a consistent snapshot of the tables, then every insert, update and delete "
                + "from a logical replication slot (pgoutput), per transaction; the slot advances only with completed checkpoints";
    }

    /** A restart from a checkpoint replays the transactions after it: like a poller, it needs an idempotent sink. */
    @Override
    public boolean isPollingSource() {
        return true;
    }

    /** Every change carries metadata table and id (the {@code primaryKeyColumn} value): replicas above 1 key by it. */
    @Override
    public boolean isRowKeyedSource(ConfigValues config) {
        return true;
    }

    @Override
    public List<ConfigField<?>> sourceOptions() {
        return PostgresCdcOptions.SOURCE;
    }

    @Override
    public void validateSource(ConfigValues config, ValidationErrors errors) {
        try {
            PostgresConnectionString.parse(config.get(PostgresCdcOptions.CONNECTION_STRING));
        } catch (IllegalArgumentException e) {
            errors.add(config.pathOf(PostgresCdcOptions.CONNECTION_STRING), e.getMessage());
        }
        String slot = config.get(PostgresCdcOptions.SLOT_NAME);
        if (slot != null && !SLOT_NAME.matcher(slot).matches()) {
            errors.add(config.pathOf(PostgresCdcOptions.SLOT_NAME),
                    "must be 1 to 63 lower-case letters, digits or underscores (PostgreSQL's rule for slot names)");
        }
        String publication = config.get(PostgresCdcOptions.PUBLICATION_NAME);
        if (publication != null && publication.isBlank()) {
            errors.add(config.pathOf(PostgresCdcOptions.PUBLICATION_NAME), "must not be empty");
        }
        List<String> tables = config.get(PostgresCdcOptions.TABLES);
        if (tables != null) {
            if (tables.isEmpty()) {
                errors.add(config.pathOf(PostgresCdcOptions.TABLES), "at least one table is required");
            }
            for (int i = 0; i < tables.size(); i++) {
                try {
                    PostgresIdentifiers.parseTable(tables.get(i));
                } catch (IllegalArgumentException e) {
                    errors.add(config.pathOf(PostgresCdcOptions.TABLES) + "[" + i + "]", e.getMessage());
                }
            }
        }
        if (config.get(PostgresCdcOptions.PRIMARY_KEY_COLUMN).isBlank()) {
            errors.add(config.pathOf(PostgresCdcOptions.PRIMARY_KEY_COLUMN), "must not be empty");
        }
    }

    @Override
    public SourceConnector createSource(ConfigValues config, ConnectorContext context) {
        return new PostgresCdcSource(config, context);
    }
}
