package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.connector.RecordRefusedException;
import io.dataflow.flink.connector.SchemaEvolution;
import io.dataflow.flink.message.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What schemaEvolution decides for a record against a ClickHouse table: which numbers are too wide for their
 * column and what it widens to, what another writer already changed, the ALTER TABLE, the reasons of fail, and the
 * option's validation. The servers' side is {@link ClickHouseSchemaEvolutionITCase}.
 */
class ClickHouseSchemaEvolutionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClickHouseTableName TABLE = new ClickHouseTableName("db", "t");
    private static final Map<String, String> COLUMNS = Map.of("id", "Int64", "qty", "Int32", "price", "Float32",
            "n", "Nullable(UInt8)", "big", "Int64", "s", "String");

    @Test
    void numbersBeyondTheirColumnWidenWithinTheirFamilyKeepingNullable() throws Exception {
        assertThat(ClickHouseColumnWidening.needed("Int32", json("2147483647"))).isNull();
        assertThat(ClickHouseColumnWidening.needed("Int32", json("2147483648"))).isEqualTo("Int64");
        assertThat(ClickHouseColumnWidening.needed("Int32", json("-2147483649"))).isEqualTo("Int64");
        assertThat(ClickHouseColumnWidening.needed("Int8", json("300"))).as("stored as 44 otherwise").isEqualTo("Int64");
        assertThat(ClickHouseColumnWidening.needed("Int32", json("3000000000.0"))).as("a float without fraction").isEqualTo("Int64");
        assertThat(ClickHouseColumnWidening.needed("Nullable(UInt8)", json("256"))).isEqualTo("Nullable(UInt64)");
        assertThat(ClickHouseColumnWidening.needed("LowCardinality(Nullable(UInt32))", json("4294967296")))
                .isEqualTo("LowCardinality(Nullable(UInt64))");
        assertThat(ClickHouseColumnWidening.needed("Float32", json("1.5"))).isNull();
        assertThat(ClickHouseColumnWidening.needed("Float32", json("3.14159265"))).isEqualTo("Float64");
        assertThat(ClickHouseColumnWidening.needed("Float32", json("1e39"))).isEqualTo("Float64");
        assertThat(ClickHouseColumnWidening.needed("Float64", json("3.14159265"))).isNull();
    }

    @Test
    void whatNoWideningHoldsAndWhatIsNotANumberAreTold() throws Exception {
        assertThat(ClickHouseColumnWidening.needed("Int64", json("9223372036854775808"))).isEqualTo(ClickHouseColumnWidening.NONE);
        assertThat(ClickHouseColumnWidening.needed("Int32", json("9223372036854775808"))).isEqualTo(ClickHouseColumnWidening.NONE);
        assertThat(ClickHouseColumnWidening.needed("UInt32", json("-1"))).as("never signed from unsigned")
                .isEqualTo(ClickHouseColumnWidening.NONE);
        assertThat(ClickHouseColumnWidening.needed("Int32", json("1.5"))).as("ClickHouse refuses it itself").isNull();
        assertThat(ClickHouseColumnWidening.needed("Int32", json("\"3000000000\""))).isNull();
        assertThat(ClickHouseColumnWidening.needed("Decimal(18, 2)", json("1e30"))).isNull();
        assertThat(ClickHouseColumnWidening.needed("Array(Int32)", json("3000000000"))).isNull();
    }

    @Test
    void theAlterTableAddsIfNotExistsWhereTheServerHasItAndModifies() {
        ClickHouseSchemaChanges changes = new ClickHouseSchemaChanges(Map.of("note", "Nullable(String)"),
                Map.of("qty", "Int64"));
        assertThat(changes.alterTable(TABLE, true)).isEqualTo(
                "ALTER TABLE `db`.`t` ADD COLUMN IF NOT EXISTS `note` Nullable(String), MODIFY COLUMN `qty` Int64");
        assertThat(changes.alterTable(TABLE, false)).as("18.16")
                .isEqualTo("ALTER TABLE `db`.`t` ADD COLUMN `note` Nullable(String), MODIFY COLUMN `qty` Int64");
    }

    @Test
    void whatAnotherWriterAlreadyChangedIsLeftOut() {
        ClickHouseSchemaChanges changes = new ClickHouseSchemaChanges(Map.of("note", "Nullable(String)", "tag",
                "Nullable(Int64)"), Map.of("qty", "Int64", "price", "Float64"));
        ClickHouseSchemaChanges remaining = changes.remainingFor(Map.of("id", "Int64", "qty", "Int64", "price", "Float32",
                "note", "Nullable(String)"));
        assertThat(remaining.added()).isEqualTo(Map.of("tag", "Nullable(Int64)"));
        assertThat(remaining.widened()).isEqualTo(Map.of("price", "Float64"));
        assertThat(changes.remainingFor(Map.of("qty", "String", "price", "Float64", "note", "String", "tag", "Int64")).isEmpty())
                .as("a column someone changed to another type is not ours to change").isTrue();
    }

    @Test
    void failRefusesTheRecordNamingTheFieldNeverTheValue() {
        ClickHouseRowEncoder fail = encoder(SchemaEvolution.FAIL);
        assertThatThrownBy(() -> encode(fail, "{\"id\":1,\"zeta\":\"secret\",\"note\":\"secret\"}"))
                .isInstanceOf(RecordRefusedException.class)
                .hasMessage("field note is not a column of db.t (schemaEvolution: fail)");
        assertThatThrownBy(() -> encode(fail, "{\"id\":1,\"qty\":3000000000,\"price\":3.14159265}"))
                .hasMessage("field price does not fit column type Float32 of db.t, it needs Float64 (schemaEvolution: fail)");
        assertThatThrownBy(() -> encode(fail, "{\"id\":1,\"big\":9223372036854775808}"))
                .hasMessage("field big does not fit column type Int64 of db.t and no wider type holds it (schemaEvolution: fail)");
        assertThatThrownBy(() -> encode(fail, "{\"note\":\"only a new field\"}"))
                .hasMessage("field note is not a column of db.t (schemaEvolution: fail)");
    }

    @Test
    void evolveNotesTheNewFieldsAndWideningsAndRefusesWhatNoWideningHolds() throws Exception {
        ClickHouseRowEncoder evolve = encoder(SchemaEvolution.EVOLVE);
        assertThat(encode(evolve, "{\"id\":1,\"qty\":3000000000,\"note\":\"x\"}")).isEqualTo("{\"id\":1,\"qty\":3000000000}\n");
        assertThat(encode(evolve, "{\"tag\":7}")).as("only new fields: encoded again once the columns are there")
                .isEqualTo("{}\n");
        assertThat(evolve.takeMissingFields()).containsExactlyInAnyOrder("note", "tag");
        assertThat(evolve.takeWidenings()).isEqualTo(Map.of("qty", "Int64"));
        assertThat(evolve.takeMissingFields()).isEmpty();
        assertThatThrownBy(() -> encode(evolve, "{\"id\":1,\"n\":-1}"))
                .hasMessage("field n does not fit column type Nullable(UInt8) of db.t and no wider type holds it "
                        + "(schemaEvolution: evolve)");
    }

    @Test
    void ignoreWritesAsBefore() throws Exception {
        ClickHouseRowEncoder ignore = encoder(SchemaEvolution.IGNORE);
        assertThat(encode(ignore, "{\"id\":1,\"qty\":3000000000,\"note\":\"x\"}")).isEqualTo("{\"id\":1,\"qty\":3000000000}\n");
        assertThat(ignore.takeMissingFields()).isEmpty();
        assertThat(ignore.takeWidenings()).isEmpty();
    }

    @Test
    void ignoreIsTheDefaultAndABadValueIsRefusedNamingTheOption() throws Exception {
        assertThat(ClickHouseSinkSettings.from(sink("")).schemaEvolution()).isEqualTo(SchemaEvolution.IGNORE);
        assertThat(ClickHouseSinkSettings.from(sink(",\"schemaEvolution\":\"evolve\"")).schemaEvolution())
                .isEqualTo(SchemaEvolution.EVOLVE);
        assertThat(ClickHouseSinkSettings.from(sink(",\"schemaEvolution\":\"fail\"")).schemaEvolution())
                .isEqualTo(SchemaEvolution.FAIL);
        ValidationErrors errors = new ValidationErrors();
        ConfigValidator.validate("sink.config", JSON.readTree("{\"connectionString\":\"clickhouse://h:9000/db\","
                + "\"table\":\"t\",\"schemaEvolution\":\"exception\"}"), new ClickHouseConnectorFactory().sinkOptions(), errors);
        assertThat(errors.list()).extracting(ValidationErrors.Error::toString).containsExactly(
                "sink.config.schemaEvolution: must be one of ignore, evolve, fail (got \"exception\")");
    }

    private static ConfigValues sink(String extra) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", JSON.readTree("{\"connectionString\":"
                + "\"clickhouse://h:9000/db\",\"table\":\"t\"" + extra + "}"), new ClickHouseConnectorFactory().sinkOptions(), errors);
        errors.throwIfAny();
        return c;
    }

    private static ClickHouseRowEncoder encoder(SchemaEvolution evolution) {
        return new ClickHouseRowEncoder(TABLE, COLUMNS, false, ZoneOffset.UTC, evolution);
    }

    private static String encode(ClickHouseRowEncoder encoder, String body) throws RecordRefusedException {
        ClickHouseLines out = new ClickHouseLines(256);
        encoder.encode(Message.of(body), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
