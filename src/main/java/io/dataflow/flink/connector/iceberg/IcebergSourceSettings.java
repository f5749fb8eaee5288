package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.config.ConfigValues;

import java.io.Serializable;
import java.time.Duration;

/** The Iceberg source's configuration, resolved from the manifest. */
public record IcebergSourceSettings(TableAddress table, String connectorType, Duration pollInterval, boolean incremental,
                                    Long startSnapshotId, int maxRowsPerPoll, long maxBytesPerPoll, boolean bounded)
        implements Serializable {

    public static final int DEFAULT_MAX_ROWS_PER_POLL = 10_000;

    public static IcebergSourceSettings from(ConfigValues config, String connectorType) {
        Long start = config.getOptional(IcebergOptions.START_SNAPSHOT_ID).filter(s -> !s.isBlank())
                .map(s -> Long.parseUnsignedLong(s.trim())).orElse(null);
        int maxRows = config.get(IcebergOptions.MAX_ROWS_PER_POLL);
        return new IcebergSourceSettings(TableAddress.from(config), connectorType, config.get(IcebergOptions.POLL_INTERVAL),
                config.get(IcebergOptions.INCREMENTAL_BY_SNAPSHOT), start,
                maxRows == 0 ? DEFAULT_MAX_ROWS_PER_POLL : maxRows, config.get(IcebergOptions.MAX_BYTES_PER_POLL),
                config.get(IcebergOptions.BOUNDED));
    }
}
