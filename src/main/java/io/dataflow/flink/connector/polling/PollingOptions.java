package io.dataflow.flink.connector.polling;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;

import java.time.Duration;

/**
 * The {@code config} fields of the cursor-polling sources ({@code postgresql}, {@code clickhouse}, {@code trino}),
 * declared once: what each source's options list includes, and the one rule they share. The fields whose default or
 * wording differs per system ({@code changeTrackingColumn}, {@code query}, the note of {@code readBatchSize}) are
 * built here from what each system gives.
 */
public final class PollingOptions {

    public static final ConfigField<Duration> POLL_INTERVAL = ConfigField.duration("pollInterval")
            .defaultValue(Duration.ofSeconds(5))
            .description("Pause between poll cycles (Go duration or seconds); also the base of the error back-off")
            .build();
    public static final ConfigField<Integer> READ_BATCH_SIZE = readBatchSize("");
    public static final ConfigField<String> ORDER_BY_COLUMN = ConfigField.string("orderByColumn").defaultValue("id")
            .description("Tie-breaker of the cursor and the record's metadata id")
            .build();
    public static final ConfigField<Boolean> BOUNDED = ConfigField.bool("bounded").defaultValue(false)
            .description("Finish after the first poll cycle that finds nothing (migrations); false: keep polling")
            .build();
    public static final ConfigField<Duration> SAFETY_LAG = SafetyLagHorizon.option();

    /** The end of a {@code changeTrackingColumn} description, for sources that read a table without it by id. */
    public static final String READ_BY_ORDER_COLUMN_WITHOUT_IT = "a table without it is read by orderByColumn alone";

    private PollingOptions() {
    }

    /** {@code readBatchSize}, its description followed by {@code note} (empty, or where the system differs). */
    public static ConfigField<Integer> readBatchSize(String note) {
        return ConfigField.integer("readBatchSize").defaultValue(0).min(0)
                .description("Rows per query; a cycle queries page by page until a short page. 0 = pages of "
                        + PollingQuery.DEFAULT_PAGE + note)
                .build();
    }

    /** {@code changeTrackingColumn}, the cursor's column, with the system's default column. */
    public static ConfigField<String> changeTrackingColumn(String defaultColumn, String description) {
        return ConfigField.string("changeTrackingColumn").defaultValue(defaultColumn)
                .description("Time or ordering column of the incremental cursor; " + description)
                .build();
    }

    /** {@code query}, a custom SELECT read instead of the table. */
    public static ConfigField<String> query(String description) {
        return ConfigField.string("query").description(description).build();
    }

    /** The rule all polling sources share: a cycle must pause. */
    public static void validate(ConfigValues config, ValidationErrors errors) {
        if (config.get(POLL_INTERVAL).isNegative() || config.get(POLL_INTERVAL).isZero()) {
            errors.add(config.pathOf(POLL_INTERVAL), "must be positive");
        }
    }
}
