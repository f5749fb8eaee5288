package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.connector.polling.CursorPollingConnectorFactory;
import io.dataflow.flink.connector.polling.PollingOptions;

import java.util.List;

/**
 * Connector type {@code postgresql} (docs/ORIGINAL.md#postgresql): the polling source (incremental cursor in Flink state,
 * parallelism 1) and the batching sink.
 */
public final class PostgresConnectorFactory implements CursorPollingConnectorFactory {

    @Override
    public String type() {
        return "postgresql";
    }

    @Override
    public String description() {
        return "PostgreSQL: polls tables incrementally; writes batches in one transaction each (COPY for inserts, COPY into "
                + "a staging table merged by INSERT … SELECT … ON CONFLICT for upserts), columnar or raw JSONB, with soft "
                + "deletes and per-record rejection of bad rows";
    }

    @Override
    public List<ConfigField<?>> sourceOptions() {
        return PostgresOptions.SOURCE;
    }

    @Override
    public void validateSource(ConfigValues config, ValidationErrors errors) {
        boolean hasTable = config.getOptional(PostgresOptions.SOURCE_TABLE).filter(t -> !t.isBlank()).isPresent();
        boolean hasQuery = config.getOptional(PostgresOptions.QUERY).filter(q -> !q.isBlank()).isPresent();
        // Both set is accepted as by the original (its example K does it): the query is what is read, the table
        // only names the records' metadata table.
        if (!hasTable && !hasQuery) {
            errors.add(config.pathOf(PostgresOptions.SOURCE_TABLE), "required (or query)");
        }
        if (hasTable) {
            try {
                PostgresIdentifiers.parseTable(config.get(PostgresOptions.SOURCE_TABLE));
            } catch (IllegalArgumentException e) {
                errors.add(config.pathOf(PostgresOptions.SOURCE_TABLE), e.getMessage());
            }
        }
        try {
            PostgresConnectionString.parse(config.get(PostgresOptions.CONNECTION_STRING));
        } catch (IllegalArgumentException e) {
            errors.add(config.pathOf(PostgresOptions.CONNECTION_STRING), e.getMessage());
        }
        PollingOptions.validate(config, errors);
    }

    @Override
    public SourceConnector createSource(ConfigValues config, ConnectorContext context) {
        return new PostgresPollingSource(config, context);
    }

    @Override
    public List<ConfigField<?>> sinkOptions() {
        return PostgresOptions.SINK;
    }

    @Override
    public void validateSink(ConfigValues config, ValidationErrors errors) {
        PostgresSinkValidation.validate(config, errors);
    }

    /**
     * Upserts on a key make replays harmless. In raw mode the rows carry no key of their own unless a flattened
     * metadata column is the conflict key, so raw mode counts as idempotent only with flattened columns.
     */
    @Override
    public boolean isIdempotentSink(ConfigValues config) {
        String key = config.get(PostgresOptions.CONFLICT_KEY);
        boolean keyed = config.get(PostgresOptions.UPSERT_MODE) && key != null && !key.isBlank();
        return keyed && (!config.get(PostgresOptions.RAW_MODE) || config.get(PostgresOptions.FLATTEN_METADATA_COLUMNS));
    }

    @Override
    public SinkConnector createSink(ConfigValues config, ConnectorContext context) {
        return new PostgresSinkConnector(PostgresSinkSettings.from(config), context);
    }
}
