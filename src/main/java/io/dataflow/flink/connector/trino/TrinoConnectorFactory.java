package io.dataflow.flink.connector.trino;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.SinkCommitter;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.connector.polling.CursorPollingConnectorFactory;

import java.util.List;
import java.util.Optional;

/**
 * Connector type {@code trino} (docs/ORIGINAL.md#trino), over trino-jdbc with optional Keycloak bearer tokens: the polling
 * source (incremental cursor in Flink state, parallelism 1) and the batching INSERT / MERGE sink, whose MERGEs one
 * committer makes ({@link TrinoMergeCommitter}).
 */
public final class TrinoConnectorFactory implements CursorPollingConnectorFactory {

    @Override
    public String type() {
        return "trino";
    }

    @Override
    public String description() {
        return "Trino (trino-jdbc, Keycloak/OAuth2 tokens): polls tables or queries incrementally; writes batches as "
                + "typed multi-row INSERTs or MERGE upserts, creates raw tables, reports refused records one by one";
    }

    @Override
    public List<ConfigField<?>> sourceOptions() {
        return TrinoOptions.SOURCE;
    }

    @Override
    public List<ConfigField<?>> sinkOptions() {
        return TrinoOptions.SINK;
    }

    @Override
    public void validateSource(ConfigValues config, ValidationErrors errors) {
        TrinoValidation.validateSource(config, errors);
    }

    @Override
    public void validateSink(ConfigValues config, ValidationErrors errors) {
        TrinoValidation.validateSink(config, errors);
    }

    /** MERGE on a key writes each key's newest row again on a replay: the same end state. */
    @Override
    public boolean isIdempotentSink(ConfigValues config) {
        String key = config.get(TrinoOptions.CONFLICT_KEY);
        return config.get(TrinoOptions.UPSERT_MODE) && key != null && !key.isBlank();
    }

    /**
     * Upserts go through one committer: the writers stage each key's last row, the committer MERGEs them once per
     * completed checkpoint, so concurrent MERGEs never conflict on an Iceberg table. INSERTs (appends) do not
     * conflict and are written by each writer at its flushes, as before.
     */
    @Override
    public boolean hasCommitter(ConfigValues config) {
        return isIdempotentSink(config);
    }

    /** The committer MERGEs when a checkpoint completes: without checkpoints no upsert would ever be written. */
    @Override
    public Optional<String> fieldRequiringCheckpointing(ConfigValues config) {
        return hasCommitter(config) ? Optional.of(config.pathOf(TrinoOptions.UPSERT_MODE)) : Optional.empty();
    }

    @Override
    public SinkCommitter createCommitter(ConfigValues config, ConnectorContext context) {
        return new TrinoMergeCommitter(TrinoSinkSettings.from(config));
    }

    @Override
    public SourceConnector createSource(ConfigValues config, ConnectorContext context) {
        return new TrinoPollingSource(config, context);
    }

    @Override
    public SinkConnector createSink(ConfigValues config, ConnectorContext context) {
        return new TrinoSinkConnector(TrinoSinkSettings.from(config), context);
    }
}
