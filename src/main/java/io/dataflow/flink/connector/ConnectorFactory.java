package io.dataflow.flink.connector;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;

import java.util.List;
import java.util.Optional;

/**
 * One connector {@code type} (kafka, postgresql, …): its typed options per role, its cross-field rules, and the
 * connectors it builds. A type is a source when it declares {@link #sourceOptions()}, a sink when it declares
 * {@link #sinkOptions()}; a factory overrides only the methods of the roles it has and the answers that differ from
 * the defaults. Registered through {@code META-INF/services}.
 */
public interface ConnectorFactory {

    String type();

    String description();

    default boolean isSource() {
        return !sourceOptions().isEmpty();
    }

    default boolean isSink() {
        return !sinkOptions().isEmpty();
    }

    default List<ConfigField<?>> sourceOptions() {
        return List.of();
    }

    default List<ConfigField<?>> sinkOptions() {
        return List.of();
    }

    /** Cross-field rules for the source role; report with {@code config.pathOf(option)}. */
    default void validateSource(ConfigValues config, ValidationErrors errors) {
    }

    /** Cross-field rules for the sink role. */
    default void validateSink(ConfigValues config, ValidationErrors errors) {
    }

    /** A polling source re-reads by cursor; with {@code strictIdempotency} it needs an idempotent sink. */
    default boolean isPollingSource() {
        return false;
    }

    /** Whether writes with this config are idempotent (upsert on a key), for {@code strictIdempotency}. */
    default boolean isIdempotentSink(ConfigValues config) {
        return false;
    }

    /**
     * The path of the field that makes this sink commit only when a checkpoint completes (so the job needs
     * checkpointing), or empty when the sink works without checkpoints.
     */
    default Optional<String> fieldRequiringCheckpointing(ConfigValues config) {
        return Optional.empty();
    }

    /** Whether this source, with this config, may run with parallelism above 1. */
    default boolean isParallelSource(ConfigValues config) {
        return false;
    }

    /**
     * Whether this source reads with one reader but tags every record with its row's metadata {@code table} and
     * {@code id}: the job then runs its transformations and sinks at {@code replicas}, behind the source at
     * parallelism 1, and sends every record of one row to the same subtask (so the changes of a row keep their order).
     */
    default boolean isRowKeyedSource(ConfigValues config) {
        return false;
    }

    default SourceConnector createSource(ConfigValues config, ConnectorContext context) {
        throw new IllegalStateException(type() + " is not a source");
    }

    default SinkConnector createSink(ConfigValues config, ConnectorContext context) {
        throw new IllegalStateException(type() + " is not a sink");
    }

    /**
     * Whether this sink's writers hand their {@link SinkConnector#committables} to one {@link SinkCommitter}
     * (parallelism 1, its own operator) that commits once per completed checkpoint, instead of committing themselves.
     */
    default boolean hasCommitter(ConfigValues config) {
        return false;
    }

    default SinkCommitter createCommitter(ConfigValues config, ConnectorContext context) {
        throw new IllegalStateException(type() + " has no committer");
    }
}
