package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.RecordRefusedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrinoLiteralsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String literal(String type, String json) throws Exception {
        return TrinoLiterals.literal("c", type, json == null ? null : JSON.readTree(json));
    }

    @Test
    void integersAreRangeCheckedPerTypeAndAcceptIntegralNumbersAndNumericText() throws Exception {
        assertThat(literal("bigint", "9223372036854775807")).isEqualTo("CAST(9223372036854775807 AS bigint)");
        assertThat(literal("integer", "\"42\"")).isEqualTo("CAST(42 AS integer)");
        assertThat(literal("smallint", "2.0")).isEqualTo("CAST(2 AS smallint)");
        assertThatThrownBy(() -> literal("tinyint", "128")).isInstanceOf(RecordRefusedException.class)
                .hasMessage("column c (tinyint): 128 is out of the range of tinyint");
        assertThatThrownBy(() -> literal("bigint", "9223372036854775808")).hasMessageContaining("out of the range of bigint");
        assertThatThrownBy(() -> literal("integer", "2.5")).isInstanceOf(RecordRefusedException.class);
        assertThatThrownBy(() -> literal("integer", "\"x\"")).hasMessageStartingWith("column c (integer): \"x\"");
        assertThatThrownBy(() -> literal("integer", "true")).hasMessageContaining("is not an integer");
    }

    @Test
    void floatsDecimalsAndBooleansKeepTheirExactText() throws Exception {
        assertThat(literal("double", "1.5E300")).isEqualTo("CAST('1.5E300' AS double)");
        assertThat(literal("real", "\"NaN\"")).isEqualTo("CAST('NaN' AS real)");
        assertThat(literal("decimal(38,10)", "1234567.0123")).isEqualTo("CAST('1234567.0123000000' AS decimal(38,10))");
        assertThat(literal("decimal(38,10)", "\"12345678901234567890.0123456789\"")).as("beyond double: as text")
                .isEqualTo("CAST('12345678901234567890.0123456789' AS decimal(38,10))");
        assertThat(literal("boolean", "\"TRUE\"")).isEqualTo("TRUE");
        assertThat(literal("boolean", "0")).isEqualTo("FALSE");
        assertThatThrownBy(() -> literal("boolean", "\"yes\"")).hasMessageContaining("is not a boolean");
        assertThatThrownBy(() -> literal("double", "\"1,5\"")).isInstanceOf(RecordRefusedException.class);
    }

    @Test
    void valuesEqualInTheColumnsTypeHaveOneLiteralSoThatUpsertKeysCompareTyped() throws Exception {
        assertThat(literal("integer", "1.0")).isEqualTo(literal("integer", "1")).isEqualTo(literal("integer", "\"1\""));
        assertThat(literal("decimal(10,2)", "1")).isEqualTo(literal("decimal(10,2)", "\"1.0\""))
                .isEqualTo(literal("decimal(10,2)", "1.004")).isEqualTo("CAST('1.00' AS decimal(10,2))");
        assertThat(literal("decimal(10,2)", "1.005")).as("rounded half up, as Trino's cast").isEqualTo("CAST('1.01' AS decimal(10,2))");
        assertThat(literal("decimal", "\"7.0\"")).isEqualTo("CAST('7' AS decimal)");
        assertThat(literal("double", "1")).isEqualTo(literal("double", "\"1.0\"")).isEqualTo(literal("double", "1e0"))
                .isEqualTo("CAST('1.0' AS double)");
        assertThat(literal("real", "\"0.5\"")).isEqualTo(literal("real", "5e-1"));
        assertThat(literal("uuid", "\"0AB1C2D3-0000-4000-8000-00000000000F\""))
                .isEqualTo(literal("uuid", "\"0ab1c2d3-0000-4000-8000-00000000000f\""));
        assertThat(literal("timestamp(6)", "\"2026-01-01T10:00:00+01:00\"")).isEqualTo(literal("timestamp(6)", "\"2026-01-01 09:00:00\""));
        assertThat(literal("timestamp(3)", "\"2026-01-01T10:00:00.123656Z\"")).as("rounded half up, as Trino's cast")
                .isEqualTo(literal("timestamp(3)", "\"2026-01-01T10:00:00.124Z\""))
                .isEqualTo("CAST(TIMESTAMP '2026-01-01 10:00:00.124000' AS timestamp(3))");
        assertThat(literal("timestamp(0) with time zone", "\"2026-01-01T10:00:00.5Z\""))
                .isEqualTo("CAST(TIMESTAMP '2026-01-01 10:00:01.000000 UTC' AS timestamp(0) with time zone)");
        assertThat(literal("varchar(3)", "\"ab \"")).isEqualTo("CAST('ab ' AS varchar(3))");
        assertThat(literal("varchar(3)", "\"abc  \"")).as("trailing spaces are cut, as Trino's INSERT").isEqualTo("CAST('abc' AS varchar(3))");
        assertThatThrownBy(() -> literal("varchar(3)", "\"abcd\"")).isInstanceOf(RecordRefusedException.class)
                .hasMessage("column c (varchar(3)): \"abcd\" has 4 characters, more than varchar(3) holds");
        assertThat(literal("varchar(2)", "\"🚀é\"")).as("code points, not chars").isEqualTo("CAST('🚀é' AS varchar(2))");
    }

    @Test
    void stringsAreQuotedWithDoubledQuotesAndEverythingElseIsJsonEncoded() throws Exception {
        assertThat(literal("varchar", "\"it's'; DROP TABLE t; --\"")).isEqualTo("CAST('it''s''; DROP TABLE t; --' AS varchar)");
        assertThat(literal("varchar(20)", "{\"a\":[1,\"x\"]}")).isEqualTo("CAST('{\"a\":[1,\"x\"]}' AS varchar(20))");
        assertThat(literal("varchar", "12.50")).isEqualTo("CAST('12.5' AS varchar)");
        assertThat(literal("json", "{\"k\":\"v'\"}")).isEqualTo("JSON '{\"k\":\"v''\"}'");
    }

    @Test
    void timesAreNormalisedToUtcFromOffsetsZonesLocalTextAndEpochNumbers() throws Exception {
        assertThat(literal("timestamp(6)", "\"2026-03-01T10:00:00.123456+02:30\""))
                .isEqualTo("CAST(TIMESTAMP '2026-03-01 07:30:00.123456' AS timestamp(6))");
        assertThat(literal("timestamp(3) with time zone", "\"2026-03-01 10:00:00 UTC\""))
                .isEqualTo("CAST(TIMESTAMP '2026-03-01 10:00:00.000000 UTC' AS timestamp(3) with time zone)");
        assertThat(literal("timestamp(3)", "\"2026-03-01T10:00:00[Europe/Berlin]\""))
                .isEqualTo("CAST(TIMESTAMP '2026-03-01 09:00:00.000000' AS timestamp(3))");
        assertThat(literal("timestamp(6)", "\"2026-03-01 10:00:00\"")).as("no zone: taken as UTC")
                .isEqualTo("CAST(TIMESTAMP '2026-03-01 10:00:00.000000' AS timestamp(6))");
        assertThat(literal("timestamp(6)", "1772359200123")).as("above 1e10: milliseconds")
                .isEqualTo("CAST(TIMESTAMP '2026-03-01 10:00:00.123000' AS timestamp(6))");
        assertThat(literal("timestamp(6)", "1772359200.5")).as("seconds")
                .isEqualTo("CAST(TIMESTAMP '2026-03-01 10:00:00.500000' AS timestamp(6))");
        assertThat(literal("timestamp(9)", "\"2026-03-01T10:00:00.123456789Z\""))
                .isEqualTo("CAST(TIMESTAMP '2026-03-01 10:00:00.123456789' AS timestamp(9))");
        assertThat(literal("date", "\"2026-03-01T23:30:00-02:00\"")).isEqualTo("DATE '2026-03-02'");
        assertThat(literal("date", "\"2026-03-01\"")).isEqualTo("DATE '2026-03-01'");
        assertThatThrownBy(() -> literal("timestamp(6)", "\"yesterday\"")).hasMessageStartingWith("column c (timestamp(6)): \"yesterday\"");
    }

    @Test
    void structuredTypesGoThroughJsonAndOtherTypesAreCheckedHere() throws Exception {
        assertThat(literal("array(integer)", "[1,2]")).isEqualTo("CAST(JSON '[1,2]' AS array(integer))");
        assertThat(literal("row(a integer, b varchar)", "\"{\\\"a\\\":1}\"")).isEqualTo("CAST(JSON '{\"a\":1}' AS row(a integer, b varchar))");
        assertThatThrownBy(() -> literal("map(varchar, integer)", "3")).hasMessageContaining("is not a JSON object or array");
        assertThat(literal("varbinary", "\"AAE=\"")).isEqualTo("from_base64('AAE=')");
        assertThatThrownBy(() -> literal("varbinary", "\"%%\"")).isInstanceOf(RecordRefusedException.class);
        assertThat(literal("uuid", "\"00000000-0000-0000-0000-00000000002A\"")).isEqualTo("UUID '00000000-0000-0000-0000-00000000002a'");
        assertThatThrownBy(() -> literal("uuid", "\"nope\"")).isInstanceOf(RecordRefusedException.class);
        assertThat(literal("ipaddress", "\"10.0.0.1\"")).isEqualTo("CAST('10.0.0.1' AS ipaddress)");
    }

    @Test
    void absentAndNullValuesAreTypedNulls() throws Exception {
        assertThat(literal("bigint", null)).isEqualTo("CAST(NULL AS bigint)");
        assertThat(literal("row(a integer)", "null")).isEqualTo("CAST(NULL AS row(a integer))");
    }

    @Test
    void rowJsonWritesZonedTimestampsAsRfc3339Utc() {
        assertThat(TrinoRowJson.rfc3339("2026-03-01 10:00:00.123 Europe/Berlin")).isEqualTo("2026-03-01T09:00:00.123Z");
        assertThat(TrinoRowJson.rfc3339("2026-03-01 10:00:00.123456 UTC")).isEqualTo("2026-03-01T10:00:00.123456Z");
        assertThat(TrinoRowJson.rfc3339("2026-03-01 10:00:00 +02:00")).isEqualTo("2026-03-01T08:00:00Z");
        assertThat(TrinoRowJson.rfc3339("odd")).isEqualTo("odd");
    }

}
