package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.connector.RecordRefusedException;
import io.dataflow.flink.message.Message;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What schemaEvolution decides for a record against a table: which numbers are too wide for their column and what
 * they widen to ({@link ColumnWidening}), which columns evolve adds or widens ({@link SchemaChanges}), and what fail
 * refuses, naming the field ({@link SinkRowBuilder}).
 */
class SchemaEvolutionDecisionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final TableColumns TABLE = new TableColumns(types());

    private static Map<String, String> types() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("id", "bigint");
        t.put("small", "smallint");
        t.put("qty", "integer");
        t.put("price", "real");
        t.put("total", "double precision");
        t.put("name", "text");
        return t;
    }

    @Test
    void integersWidenToBigintThenNumericAndNeverNarrow() {
        assertThat(ColumnWidening.widerType("integer", "2147483647")).isNull();
        assertThat(ColumnWidening.widerType("integer", "-2147483648")).isNull();
        assertThat(ColumnWidening.widerType("integer", "2147483648")).isEqualTo("bigint");
        assertThat(ColumnWidening.widerType("integer", "-3000000000")).isEqualTo("bigint");
        assertThat(ColumnWidening.widerType("smallint", "32767")).isNull();
        assertThat(ColumnWidening.widerType("smallint", "40000")).isEqualTo("bigint");
        assertThat(ColumnWidening.widerType("bigint", "9223372036854775807")).isNull();
        assertThat(ColumnWidening.widerType("bigint", "9223372036854775808")).isEqualTo("numeric");
        assertThat(ColumnWidening.widerType("integer", "123456789012345678901234567890")).isEqualTo("numeric");
        assertThat(ColumnWidening.widerType("numeric", "123456789012345678901234567890")).isNull();
    }

    @Test
    void realWidensToDoublePrecisionWhenItWouldLoseDigitsOrRange() {
        assertThat(ColumnWidening.widerType("real", "1.5")).isNull();
        assertThat(ColumnWidening.widerType("real", "0.1")).isNull();
        assertThat(ColumnWidening.widerType("real", "123456")).isNull();
        assertThat(ColumnWidening.widerType("real", "0")).isNull();
        assertThat(ColumnWidening.widerType("real", "3.14159265")).isEqualTo("double precision");
        assertThat(ColumnWidening.widerType("real", "1e300")).isEqualTo("double precision");
        assertThat(ColumnWidening.widerType("real", "1e-300")).isEqualTo("double precision");
        assertThat(ColumnWidening.widerType("double precision", "3.14159265")).isNull();
    }

    @Test
    void otherTypeChangesAreNotWidenings() {
        assertThat(ColumnWidening.widerType("integer", "many")).as("a string in a number column: the column refuses it").isNull();
        assertThat(ColumnWidening.widerType("integer", "12345678901.5")).as("a fraction is no widening of an integer").isNull();
        assertThat(ColumnWidening.widerType("real", "NaN")).isNull();
        assertThat(ColumnWidening.widerType("text", "3000000000")).isNull();
        assertThat(ColumnWidening.widerType("integer", null)).isNull();
    }

    @Test
    void aWiderColumnCoversANarrowerWishAndAnotherFamilyIsLeftAlone() {
        assertThat(ColumnWidening.covers("bigint", "bigint")).isTrue();
        assertThat(ColumnWidening.covers("numeric", "bigint")).isTrue();
        assertThat(ColumnWidening.covers("integer", "bigint")).isFalse();
        assertThat(ColumnWidening.covers("real", "double precision")).isFalse();
        assertThat(ColumnWidening.covers("text", "bigint")).as("changed by someone else to another family").isTrue();
        assertThat(ColumnWidening.wider("bigint", "numeric")).isEqualTo("numeric");
        assertThat(ColumnWidening.wider("numeric", "bigint")).isEqualTo("numeric");
    }

    @Test
    void evolveAddsMissingFieldsTypedFromTheFirstNonNullValueAndWidensTheWidestNeed() throws Exception {
        List<JsonNode> bodies = List.of(json("{\"id\":1,\"note\":null,\"tags\":null}"),
                json("{\"id\":2,\"note\":\"x\",\"count\":7,\"ratio\":0.5,\"flag\":true,\"tags\":null,\"attrs\":{\"a\":1}}"));
        List<Map<String, String>> rows = List.of(Map.of("id", "1", "qty", "3000000000"),
                Map.of("id", "2", "qty", "123456789012345678901234567890", "price", "3.14159265", "small", "7"));
        SchemaChanges changes = SchemaChanges.find(TABLE, Set.of("note", "count", "ratio", "flag", "tags", "attrs"), bodies, rows);
        assertThat(changes.added()).containsExactlyInAnyOrderEntriesOf(Map.of("note", "TEXT", "count", "BIGINT",
                "ratio", "NUMERIC", "flag", "BOOLEAN", "tags", "TEXT", "attrs", "JSONB"));
        assertThat(changes.widened()).containsExactlyInAnyOrderEntriesOf(Map.of("qty", "numeric", "price", "double precision"));
        assertThat(changes.alterTable(PostgresIdentifiers.parseTable("public.t"))).isEqualTo("ALTER TABLE \"public\".\"t\" "
                + "ADD COLUMN IF NOT EXISTS \"attrs\" JSONB, ADD COLUMN IF NOT EXISTS \"count\" BIGINT, "
                + "ADD COLUMN IF NOT EXISTS \"flag\" BOOLEAN, ADD COLUMN IF NOT EXISTS \"note\" TEXT, "
                + "ADD COLUMN IF NOT EXISTS \"ratio\" NUMERIC, ADD COLUMN IF NOT EXISTS \"tags\" TEXT, "
                + "ALTER COLUMN \"price\" TYPE double precision, ALTER COLUMN \"qty\" TYPE numeric");
    }

    @Test
    void whatAnotherWriterAlreadyChangedIsNotChangedAgain() {
        SchemaChanges changes = new SchemaChanges(Map.of("note", "TEXT", "extra", "BIGINT"),
                Map.of("qty", "bigint", "price", "double precision"));
        Map<String, String> now = types();
        now.put("note", "text");
        now.put("qty", "bigint");
        SchemaChanges remaining = changes.remainingFor(new TableColumns(now));
        assertThat(remaining.added()).containsExactly(Map.entry("extra", "BIGINT"));
        assertThat(remaining.widened()).containsExactly(Map.entry("price", "double precision"));
        now.put("extra", "bigint");
        now.put("price", "double precision");
        assertThat(changes.remainingFor(new TableColumns(now)).isEmpty()).isTrue();
    }

    @Test
    void failRefusesARecordNamingTheFieldWithoutItsValue() throws Exception {
        for (boolean parsed : new boolean[] {false, true}) {
            SinkRowBuilder fail = new SinkRowBuilder(settings("fail"), WriteMode.COLUMNAR, TABLE);
            assertThatThrownBy(() -> fail.build(0, message("{\"id\":1,\"qty\":2,\"zeta\":\"secret\",\"note\":\"secret\"}", parsed)))
                    .isInstanceOf(RecordRefusedException.class)
                    .hasMessage("field note is not a column of \"public\".\"t\" (schemaEvolution: fail)");
            assertThatThrownBy(() -> fail.build(0, message("{\"note\":\"secret\"}", parsed)))
                    .hasMessage("field note is not a column of \"public\".\"t\" (schemaEvolution: fail)");
            assertThatThrownBy(() -> fail.build(0, message("{\"id\":1,\"qty\":3000000000}", parsed)))
                    .hasMessage("field qty does not fit column type integer of \"public\".\"t\", it needs bigint "
                            + "(schemaEvolution: fail)");
            assertThat(fail.build(0, message("{\"id\":1,\"qty\":2,\"price\":1.5}", parsed)).values())
                    .containsEntry("qty", "2").containsEntry("price", "1.5");
        }
    }

    @Test
    void ignoreAndEvolveLeaveUnknownFieldsOutOfTheRowAsBefore() throws Exception {
        for (String mode : List.of("ignore", "evolve")) {
            SinkRowBuilder builder = new SinkRowBuilder(settings(mode), WriteMode.COLUMNAR, TABLE);
            assertThat(builder.build(0, message("{\"id\":1,\"qty\":3000000000,\"note\":\"n\"}", false)).values())
                    .containsOnlyKeys("id", "qty");
            assertThat(builder.takeMissingColumns()).containsExactly("note");
        }
    }

    @Test
    void ignoreIsTheDefault() throws Exception {
        assertThat(settings(null).schemaEvolution()).isEqualTo(io.dataflow.flink.connector.SchemaEvolution.IGNORE);
        assertThat(settings("EVOLVE").schemaEvolution()).isEqualTo(io.dataflow.flink.connector.SchemaEvolution.EVOLVE);
    }

    private static Message message(String body, boolean parsed) throws Exception {
        return parsed ? Message.ofJson(JSON.readTree(body), Map.of(), 0) : Message.of(body);
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static PostgresSinkSettings settings(String schemaEvolution) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        String extra = schemaEvolution == null ? "" : ",\"schemaEvolution\":\"" + schemaEvolution + "\"";
        ConfigValues c = ConfigValidator.validate("sink.config", JSON.readTree("{\"connectionString\":\"postgres://u@h/db\","
                + "\"table\":\"public.t\"" + extra + "}"), PostgresOptions.SINK, errors);
        assertThat(errors.list()).isEmpty();
        return PostgresSinkSettings.from(c);
    }
}
