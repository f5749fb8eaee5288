package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Type inference and the DDL of autoCreateTable (docs/ORIGINAL.md#clickhouse). */
class ClickHouseTypeInferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, String> infer(Set<String> keys, String... records) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String r : records) {
            nodes.add(JSON.readTree(r.replace('\'', '"')));
        }
        return ClickHouseTypeInference.columns(nodes, keys);
    }

    @Test
    void eachJsonKindGetsItsType() throws Exception {
        assertThat(infer(Set.of(), "{'n':null,'b':true,'i':5,'neg':-3,'whole':3.0,'money':12.25,'f':0.125,'t':'2024-05-01T10:00:00Z',"
                + "'t2':'2024-05-01 10:00:00','s':'text','o':{'a':1},'a':[1],'u':18446744073709551615,'huge':1e30}"))
                .containsExactlyEntriesOf(new java.util.TreeMap<>(Map.ofEntries(
                        Map.entry("n", "Nullable(String)"), Map.entry("b", "UInt8"), Map.entry("i", "Int64"),
                        Map.entry("neg", "Int64"), Map.entry("whole", "Int64"), Map.entry("money", "Decimal(18, 2)"),
                        Map.entry("f", "Float64"), Map.entry("t", "DateTime"), Map.entry("t2", "DateTime"),
                        Map.entry("s", "String"), Map.entry("o", "String"), Map.entry("a", "String"),
                        Map.entry("u", "UInt64"), Map.entry("huge", "Float64"))));
    }

    @Test
    void theWholeFirstBatchDecidesAndNullsMakeNullable() throws Exception {
        assertThat(infer(Set.of(), "{'x':1,'y':1,'z':'2024-05-01T10:00:00Z','w':null,'v':true}",
                "{'x':2.5,'y':0.125,'z':'not a time','w':7,'v':'yes'}", "{'x':null}"))
                .containsEntry("x", "Nullable(Decimal(18, 2))").containsEntry("y", "Float64").containsEntry("z", "String")
                .containsEntry("w", "Nullable(Int64)").containsEntry("v", "String");
    }

    private static Map<String, String> inferModern(String... records) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String r : records) {
            nodes.add(ClickHouseTypeCases.JSON.readTree(r.replace('\'', '"')));
        }
        return ClickHouseTypeInference.columns(nodes, Set.of(), new ClickHouseServerFeatures(true, true, true, true));
    }

    @Test
    void aModernServerGetsDateTime64DecimalsSizedByTheirDigitsAndBool() throws Exception {
        assertThat(inferModern("{'t':'2024-05-01T10:00:00.123Z','money':12.345,'cents':0.10,'mixed':7,'tiny':1e-30,'b':true,"
                + "'wide':123456789012345678901234567890.5,'f':1.5}", "{'mixed':0.5,'f':0.000000000000000000001}"))
                .containsEntry("t", "DateTime64(3)").containsEntry("money", "Decimal(38, 3)").containsEntry("cents", "Decimal(38, 2)")
                .containsEntry("mixed", "Decimal(38, 2)").containsEntry("tiny", "Float64")
                .containsEntry("b", "Bool").containsEntry("wide", "Decimal(38, 2)").containsEntry("f", "Float64");
        assertThat(inferModern("{'n':1234567890123456789012345678901234567.5}")).containsEntry("n", "Float64");
        assertThat(ClickHouseTypeInference.columns(List.of(JSON.readTree("{\"b\":true}")), Set.of(),
                new ClickHouseServerFeatures(false, false, true, false))).containsEntry("b", "UInt8");
    }

    @Test
    void orderByAndVersionColumnsAreNeverNullable() throws Exception {
        assertThat(infer(Set.of("k", "ver"), "{'k':null,'ver':1}", "{'k':'a','ver':null}"))
                .containsEntry("k", "String").containsEntry("ver", "Int64");
    }

    private static ClickHouseSinkSettings settings(String json) throws Exception {
        ClickHouseConnectorFactory factory = new ClickHouseConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", JSON.readTree(("{'connectionString':'http://h/db','table':'t'" + json + "}")
                .replace('\'', '"')), factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        errors.throwIfAny();
        return ClickHouseSinkSettings.from(c);
    }

    @Test
    void mergeTreeOrderedByTheFirstColumnThatIsNotNullable() throws Exception {
        ClickHouseSinkSettings s = settings("");
        assertThat(ClickHouseTableDefinitions.columnar(s.table(), infer(Set.of(), "{'a':null,'b':1,'c':'x'}"), s, 0))
                .isEqualTo("CREATE TABLE IF NOT EXISTS `db`.`t` (`a` Nullable(String), `b` Int64, `c` String, "
                        + "`created_at` DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY `b`");
        assertThat(ClickHouseTableDefinitions.columnar(s.table(), infer(Set.of(), "{'a':null}"), s, 0))
                .endsWith("ENGINE = MergeTree ORDER BY `created_at`");
    }

    @Test
    void upsertModeMeansReplacingMergeTreeOrderedByTheConflictKeyWithTheVersion() throws Exception {
        ClickHouseSinkSettings s = settings(",'upsertMode':true,'conflictKey':'event_id','replacingVersionColumn':'updated_at'");
        assertThat(ClickHouseTableDefinitions.columnar(s.table(),
                infer(Set.of("event_id", "updated_at"), "{'event_id':'e1','updated_at':'2024-05-01T10:00:00Z','v':1}"), s, 0))
                .isEqualTo("CREATE TABLE IF NOT EXISTS `db`.`t` (`event_id` String, `updated_at` DateTime, `v` Int64, "
                        + "`created_at` DateTime DEFAULT now()) ENGINE = ReplacingMergeTree(`updated_at`) ORDER BY `event_id`");
        ClickHouseSinkSettings explicit = settings(",'tableEngine':'mergetree','upsertMode':true");
        assertThat(ClickHouseTableDefinitions.engine(explicit)).isEqualTo("MergeTree");
        assertThat(ClickHouseTableDefinitions.engine(settings(",'tableEngine':'ReplacingMergeTree'"))).isEqualTo("ReplacingMergeTree()");
    }

    @Test
    void recordsWithTheirOwnCreatedAtKeepItAsTheColumn() throws Exception {
        ClickHouseSinkSettings s = settings("");
        assertThat(ClickHouseTableDefinitions.columnar(s.table(), infer(Set.of(), "{'id':1,'created_at':'2024-05-01T10:00:00Z'}"), s, 0))
                .contains("`created_at` DateTime DEFAULT now()").doesNotContain("`created_at` DateTime,");
        assertThat(ClickHouseTableDefinitions.columnar(s.table(), infer(Set.of(), "{'id':1,'created_at':17}"), s, 0))
                .contains("`created_at` Int64").doesNotContain("DEFAULT now()");
    }

    @Test
    void aConflictKeyTheRecordsDoNotHaveIsAClearError() throws Exception {
        ClickHouseSinkSettings s = settings(",'conflictKey':'missing'");
        assertThatThrownBy(() -> ClickHouseTableDefinitions.columnar(s.table(), infer(Set.of(), "{'id':1}"), s, 0))
                .hasMessageContaining("conflictKey missing is not a field");
    }

    @Test
    void rawTablesAreAlwaysMergeTreeByArrival() throws Exception {
        assertThat(ClickHouseTableDefinitions.raw(new ClickHouseTableName("db", "r`aw"), 0))
                .isEqualTo("CREATE TABLE IF NOT EXISTS `db`.`r\\`aw` (`data` String, `created_at` DateTime DEFAULT now()) "
                        + "ENGINE = MergeTree ORDER BY `created_at`");
        assertThat(ClickHouseTableDefinitions.raw(new ClickHouseTableName("db", "raw"), 100))
                .endsWith("ENGINE = MergeTree ORDER BY `created_at` SETTINGS non_replicated_deduplication_window = 100");
    }

    @Test
    void aServerWithDeduplicationWindowsGetsOneInTheTablesTheSinkCreates() throws Exception {
        ClickHouseSinkSettings s = settings(",'upsertMode':true,'conflictKey':'id'");
        assertThat(ClickHouseTableDefinitions.columnar(s.table(), infer(Set.of("id"), "{'id':1}"), s, 100))
                .endsWith("ENGINE = ReplacingMergeTree() ORDER BY `id` SETTINGS non_replicated_deduplication_window = 100");
    }
}
