package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The SQL text of writes and DDL. */
class SinkSqlTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PostgresTableName TABLE = new PostgresTableName("sales", "Order\"s");

    private static PostgresSinkSettings settings(String extra) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", JSON.readTree(("{'connectionString':'postgres://u@h/db','table':'t'"
                + extra + "}").replace('\'', '"')), PostgresOptions.SINK, errors);
        assertThat(errors.list()).isEmpty();
        return PostgresSinkSettings.from(c);
    }

    @Test
    void copyQuotesEveryIdentifier() {
        assertThat(SinkStatements.copyIn(TABLE, List.of("id", "a;b")))
                .isEqualTo("COPY \"sales\".\"Order\"\"s\" (\"id\", \"a;b\") FROM STDIN");
    }

    private static final String STAGE = SinkStatements.stage("dataflow_stage_1f");

    @Test
    void theStageLivesInTheSessionsTemporarySchemaUntilTheTransactionEnds() {
        assertThat(SinkStatements.createStage("dataflow_stage_1f", TABLE, "dataflow_ordinal"))
                .isEqualTo("CREATE TEMP TABLE \"dataflow_stage_1f\" ON COMMIT DROP AS SELECT *, NULL::bigint AS \"dataflow_ordinal\" "
                        + "FROM \"sales\".\"Order\"\"s\" WITH NO DATA");
        assertThat(STAGE).isEqualTo("pg_temp.\"dataflow_stage_1f\"");
    }

    @Test
    void upsertMergesTheStagingTableIntoTheTargetOneRowPerTypedKey() {
        assertThat(SinkStatements.upsertFromStage(TABLE, STAGE, List.of("id", "doc"), "id", null, "ord"))
                .isEqualTo("INSERT INTO \"sales\".\"Order\"\"s\" AS \"dataflow_target\" (\"id\", \"doc\") "
                        + "SELECT DISTINCT ON (\"id\", CASE WHEN \"id\" IS NULL THEN \"ord\" END) \"id\", \"doc\" FROM "
                        + "pg_temp.\"dataflow_stage_1f\" ORDER BY \"id\", CASE WHEN \"id\" IS NULL THEN \"ord\" END, \"ord\" DESC "
                        + "ON CONFLICT (\"id\") DO UPDATE SET \"doc\" = EXCLUDED.\"doc\"");
    }

    @Test
    void upsertUpdatesEveryColumnButTheKey() {
        assertThat(SinkStatements.upsertFromStage(TABLE, STAGE, List.of("id", "name"), "id", null, "ord"))
                .endsWith(" ON CONFLICT (\"id\") DO UPDATE SET \"name\" = EXCLUDED.\"name\"");
        assertThat(SinkStatements.upsertFromStage(TABLE, STAGE, List.of("id"), "id", null, "ord"))
                .endsWith(" ON CONFLICT (\"id\") DO NOTHING");
    }

    @Test
    void ifNewerComparesTheVersionColumn() {
        assertThat(SinkStatements.upsertFromStage(TABLE, STAGE, List.of("id", "v"), "id", "v", "ord"))
                .contains(" ORDER BY \"id\", CASE WHEN \"id\" IS NULL THEN \"ord\" END, \"v\" DESC NULLS LAST, \"ord\" ON CONFLICT")
                .endsWith(" ON CONFLICT (\"id\") DO UPDATE SET \"v\" = EXCLUDED.\"v\" WHERE EXCLUDED.\"v\" > \"dataflow_target\".\"v\"");
    }

    @Test
    void aPlainInsertIntoAKeyedTableSkipsStoredKeysInRecordOrder() {
        assertThat(SinkStatements.insertFromStageSkippingDuplicates(TABLE, STAGE, List.of("id", "name"), "ord"))
                .isEqualTo("INSERT INTO \"sales\".\"Order\"\"s\" (\"id\", \"name\") SELECT \"id\", \"name\" FROM "
                        + "pg_temp.\"dataflow_stage_1f\" ORDER BY \"ord\" ON CONFLICT DO NOTHING");
    }

    @Test
    void softDeleteUpdatesTheRowOfTheKey() {
        assertThat(SinkStatements.softDelete(TABLE, "deleted_at", "id", "bigint"))
                .isEqualTo("UPDATE \"sales\".\"Order\"\"s\" SET \"deleted_at\" = now() WHERE \"id\" = CAST(? AS bigint)");
    }

    @Test
    void columnarTableIsSortedTypedAndKeyed() throws Exception {
        String ddl = TableDefinitions.columnar(TABLE, JSON.readTree(
                "{\"name\":\"x\",\"id\":1,\"price\":1.5,\"ok\":true,\"tags\":[],\"note\":null}"), settings(",'softDeleteColumn':'deleted_at'"));
        assertThat(ddl).isEqualTo("CREATE TABLE IF NOT EXISTS \"sales\".\"Order\"\"s\" (\"id\" BIGINT PRIMARY KEY, \"name\" TEXT, "
                + "\"note\" TEXT, \"ok\" BOOLEAN, \"price\" NUMERIC, \"tags\" JSONB, \"created_at\" TIMESTAMP DEFAULT now(), "
                + "\"updated_at\" TIMESTAMP DEFAULT now(), \"deleted_at\" TIMESTAMP)");
    }

    @Test
    void upsertKeyOtherThanIdGetsAUniqueConstraint() throws Exception {
        String ddl = TableDefinitions.columnar(TABLE, JSON.readTree("{\"order_id\":\"a\"}"), settings(",'upsertMode':true,'conflictKey':'order_id'"));
        assertThat(ddl).endsWith(", UNIQUE (\"order_id\"))");
    }

    @Test
    void rawTableLayouts() throws Exception {
        assertThat(TableDefinitions.raw(TABLE, null, settings(",'rawMode':true"))).isEqualTo(
                "CREATE TABLE IF NOT EXISTS \"sales\".\"Order\"\"s\" (\"id\" SERIAL PRIMARY KEY, \"data\" JSONB NOT NULL, "
                        + "\"_metadata\" JSONB, \"created_at\" TIMESTAMP DEFAULT now(), \"updated_at\" TIMESTAMP DEFAULT now(), "
                        + "\"deleted_at\" TIMESTAMP)");
        Map<String, String> flattened = new LinkedHashMap<>();
        flattened.put("kafka_topic", "TEXT");
        flattened.put("kafka_offset", "BIGINT");
        assertThat(TableDefinitions.raw(TABLE, flattened, settings(",'rawMode':true,'flattenMetadataColumns':true")))
                .contains("\"data\" JSONB NOT NULL, \"kafka_offset\" BIGINT, \"kafka_topic\" TEXT, \"created_at\"")
                .doesNotContain("_metadata");
        assertThat(TableDefinitions.dataIndex(TABLE))
                .isEqualTo("CREATE INDEX IF NOT EXISTS \"idx_Order\"\"s_data\" ON \"sales\".\"Order\"\"s\" USING GIN (\"data\")");
    }
}
