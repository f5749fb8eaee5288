package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TrinoSchemaNeedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TrinoTableName TABLE = new TrinoTableName("lake", "s", "t");

    private static Map<String, String> columns() {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("id", "bigint");
        columns.put("qty", "integer");
        columns.put("small", "smallint");
        columns.put("price", "real");
        columns.put("name", "varchar");
        return columns;
    }

    private static List<TrinoSchemaNeed> needs(String json) throws Exception {
        return TrinoSchemaNeed.of(JSON.readTree(json), columns());
    }

    @Test
    void aRecordThatFitsNeedsNothing() throws Exception {
        assertThat(needs("{\"id\":9223372036854775807,\"qty\":-2147483648,\"small\":-32768,\"price\":1.5,\"name\":\"x\"}")).isEmpty();
        assertThat(needs("{\"ID\":1,\"Qty\":\"2147483647\",\"price\":123456,\"name\":null}")).as("names in any case, numeric text")
                .isEmpty();
        assertThat(needs("{\"qty\":\"many\",\"price\":\"NaN\",\"small\":1.0}")).as("not numbers: left to the column").isEmpty();
    }

    @Test
    void newFieldsAreTypedFromTheirValues() throws Exception {
        assertThat(needs("{\"id\":1,\"Note\":\"n\",\"n\":2,\"f\":2.5,\"b\":true,\"o\":{\"a\":1},\"a\":[1],\"z\":null,"
                + "\"huge\":123456789012345678901234567890}")).containsExactly(
                new TrinoSchemaNeed("Note", "note", "varchar", null),
                new TrinoSchemaNeed("n", "n", "bigint", null),
                new TrinoSchemaNeed("f", "f", "double", null),
                new TrinoSchemaNeed("b", "b", "boolean", null),
                new TrinoSchemaNeed("o", "o", "varchar", null),
                new TrinoSchemaNeed("a", "a", "varchar", null),
                new TrinoSchemaNeed("z", "z", null, null),
                new TrinoSchemaNeed("huge", "huge", "decimal(38,0)", null));
        assertThat(needs("{\"x\":1,\"X\":2}")).as("one column for both cases").hasSize(1);
    }

    @Test
    void numbersWiderThanTheirColumnNeedItWidenedNeverNarrowed() throws Exception {
        assertThat(needs("{\"qty\":3000000000,\"small\":40000,\"price\":3.14159265}")).containsExactly(
                new TrinoSchemaNeed("qty", "qty", "bigint", "integer"),
                new TrinoSchemaNeed("small", "small", "bigint", "smallint"),
                new TrinoSchemaNeed("price", "price", "double", "real"));
        assertThat(needs("{\"price\":1e39}")).containsExactly(new TrinoSchemaNeed("price", "price", "double", "real"));
        assertThat(needs("{\"qty\":\"-3000000000\"}")).containsExactly(new TrinoSchemaNeed("qty", "qty", "bigint", "integer"));
        assertThat(needs("{\"qty\":99999999999999999999,\"id\":99999999999999999999}"))
                .as("beyond bigint no widening Iceberg allows helps: the column refuses it").isEmpty();
    }

    @Test
    void reasonsNameTheFieldAndNeverTheValue() throws Exception {
        assertThat(needs("{\"note\":\"secret\"}").get(0).reason(TABLE, null))
                .isEqualTo("field note is not a column of lake.s.t (schemaEvolution: fail)");
        assertThat(needs("{\"qty\":3000000000}").get(0).reason(TABLE, "not supported"))
                .isEqualTo("field qty does not fit column type integer of lake.s.t, it needs bigint; widening it failed:"
                        + " not supported (schemaEvolution: evolve)");
        assertThat(needs("{\"note\":\"secret\"}").get(0).reason(TABLE, "not supported"))
                .isEqualTo("field note is not a column of lake.s.t; adding it failed: not supported (schemaEvolution: evolve)");
        assertThat(needs("{\"price\":3.14159265}").get(0).reason(TABLE, null))
                .isEqualTo("field price does not fit column type real of lake.s.t, it needs double (schemaEvolution: fail)");
    }

    @Test
    void stagedUpsertRowsFollowAnAddedAndAWidenedColumn() {
        TrinoUpsertRow row = new TrinoUpsertRow(List.of("CAST(1 AS integer)", "CAST('1.5' AS real)"), null);
        TrinoUpsertRow moved = row.onColumns(List.of("id", "price"), List.of("id", "price", "note"),
                List.of("CAST(NULL AS bigint)", "CAST(NULL AS double)", "CAST(NULL AS varchar)"))
                .retyped(List.of("integer", "real", "varchar"), List.of("bigint", "double", "varchar"));
        assertThat(moved.literals()).containsExactly("CAST(1 AS bigint)", "CAST('1.5' AS double)", "CAST(NULL AS varchar)");
        assertThat(moved.carries(0)).isTrue();
        assertThat(moved.carries(2)).as("a matched row keeps its value in the new column").isFalse();
    }
}
