package io.dataflow.flink.connector.clickhouse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * What the connected server knows of insert deduplication, asked at connect from its own setting tables (not
 * from the version number: chDB and forks report versions of their own). ClickHouse refuses a setting it does not
 * know (18.16: {@code Code: 115, Unknown setting}), so the sink sends only what is listed here:
 * <ul>
 *   <li>{@code insert_deduplication_token} (22.x): the INSERT carries a token of its records, so a retry of the
 *       same INSERT is stored once;</li>
 *   <li>{@code non_replicated_deduplication_window} (20.x MergeTree setting): a plain (not Replicated) MergeTree
 *       remembers the last inserts' tokens only when this window is above 0, so tables the sink creates get one.</li>
 * </ul>
 * and which data types it has ({@code system.data_type_families}, 18.16 has the table), for the types of tables
 * the sink creates ({@link ClickHouseTypeInference}):
 * <ul>
 *   <li>{@code DateTime64} (20.1): the mark of a modern server, whose inference keeps milliseconds and decimals;</li>
 *   <li>{@code Bool} (22.x): booleans get Bool rather than UInt8.</li>
 * </ul>
 */
record ClickHouseServerFeatures(boolean insertDeduplicationToken, boolean nonReplicatedDeduplicationWindow,
                                boolean dateTime64, boolean bool) {

    /** How many inserts a table the sink creates remembers (as ClickHouse's replicated_deduplication_window). */
    static final int DEDUPLICATION_WINDOW = 100;

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseServerFeatures.class);

    static final ClickHouseServerFeatures NONE = new ClickHouseServerFeatures(false, false, false, false);

    /**
     * Asks the server; a user who may not read the setting tables gets no deduplication (logged), a transient
     * failure fails the connect as any other would.
     */
    static ClickHouseServerFeatures detect(ClickHouseAccess access) throws ClickHouseException {
        try {
            return new ClickHouseServerFeatures(
                    listed(access, "system.settings", "insert_deduplication_token"),
                    listed(access, "system.merge_tree_settings", "non_replicated_deduplication_window"),
                    listed(access, "system.data_type_families", "DateTime64"),
                    listed(access, "system.data_type_families", "Bool"));
        } catch (ClickHouseException e) {
            if (e.isTransient()) {
                throw e;
            }
            LOG.warn("ClickHouse {}: cannot read the server's settings, so inserts carry no deduplication token "
                    + "(a retry after a lost answer may store a batch twice) and created tables get the types of "
                    + "ClickHouse 18.16: {}", access.target(), e.reason());
            return NONE;
        }
    }

    private static boolean listed(ClickHouseAccess access, String settingsTable, String name) throws ClickHouseException {
        List<?> rows = access.query("SELECT name FROM " + settingsTable + " WHERE name = " + ClickHouseSql.quoteString(name));
        return !rows.isEmpty();
    }
}
