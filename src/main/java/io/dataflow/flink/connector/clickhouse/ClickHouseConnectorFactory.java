package io.dataflow.flink.connector.clickhouse;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.connector.polling.CursorPollingConnectorFactory;

import java.util.List;

/**
 * Connector type {@code clickhouse} (docs/ORIGINAL.md#clickhouse), over the official client-v2 and the HTTP interface: the
 * polling source (incremental cursor in Flink state, parallelism 1) and the batching sink.
 */
public final class ClickHouseConnectorFactory implements CursorPollingConnectorFactory {

    @Override
    public String type() {
        return "clickhouse";
    }

    @Override
    public String description() {
        return "ClickHouse (HTTP, official client-v2): polls tables incrementally; writes batches as JSONEachRow inserts, "
                + "auto-creates MergeTree/ReplacingMergeTree tables, reports refused records one by one";
    }

    @Override
    public List<ConfigField<?>> sourceOptions() {
        return ClickHouseOptions.SOURCE;
    }

    @Override
    public List<ConfigField<?>> sinkOptions() {
        return ClickHouseOptions.SINK;
    }

    @Override
    public void validateSource(ConfigValues config, ValidationErrors errors) {
        ClickHouseValidation.validateSource(config, errors);
    }

    @Override
    public void validateSink(ConfigValues config, ValidationErrors errors) {
        ClickHouseValidation.validateSink(config, errors);
    }

    /**
     * A ReplacingMergeTree keyed by conflictKey makes replays harmless once merged (or read with FINAL), which is
     * ClickHouse's form of an upsert.
     */
    @Override
    public boolean isIdempotentSink(ConfigValues config) {
        String key = config.get(ClickHouseOptions.CONFLICT_KEY);
        String engine = config.get(ClickHouseOptions.TABLE_ENGINE);
        boolean replacing = engine != null ? engine.equals(ClickHouseOptions.REPLACING_MERGE_TREE) : config.get(ClickHouseOptions.UPSERT_MODE);
        return replacing && key != null && !key.isBlank() && !config.get(ClickHouseOptions.RAW_MODE);
    }

    @Override
    public SourceConnector createSource(ConfigValues config, ConnectorContext context) {
        return new ClickHousePollingSource(config, context);
    }

    @Override
    public SinkConnector createSink(ConfigValues config, ConnectorContext context) {
        return new ClickHouseSinkConnector(ClickHouseSinkSettings.from(config), context);
    }
}
