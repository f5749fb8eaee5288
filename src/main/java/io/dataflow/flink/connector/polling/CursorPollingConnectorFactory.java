package io.dataflow.flink.connector.polling;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.connector.ConnectorFactory;

/**
 * A connector type whose source polls a table by cursor ({@link PollingSource}): a replay after a restart re-reads
 * rows (so {@code strictIdempotency} wants an idempotent sink), and every row carries metadata table and id (the
 * cursor's key column), so replicas above 1 key by it.
 */
public interface CursorPollingConnectorFactory extends ConnectorFactory {

    @Override
    default boolean isPollingSource() {
        return true;
    }

    @Override
    default boolean isRowKeyedSource(ConfigValues config) {
        return true;
    }
}
