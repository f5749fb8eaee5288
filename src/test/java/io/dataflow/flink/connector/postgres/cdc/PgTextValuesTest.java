package io.dataflow.flink.connector.postgres.cdc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PgTextValuesTest {

    private static String json(int oid, String text) {
        return PgTextValues.toJson(oid, text).toString();
    }

    @Test
    void numbersStayExact() {
        assertThat(json(PgTextValues.INT8, "9007199254740993")).isEqualTo("9007199254740993");
        assertThat(json(PgTextValues.NUMERIC, "12345678901234567890.10")).isEqualTo("12345678901234567890.10");
        assertThat(json(PgTextValues.FLOAT8, "0.1")).isEqualTo("0.1");
        assertThat(json(PgTextValues.FLOAT8, "NaN")).as("not a JSON number: kept as text").isEqualTo("\"NaN\"");
        assertThat(json(PgTextValues.NUMERIC, "Infinity")).isEqualTo("\"Infinity\"");
    }

    @Test
    void timesBecomeRfc3339Utc() {
        assertThat(json(PgTextValues.TIMESTAMP, "2026-03-04 05:06:07.123456")).isEqualTo("\"2026-03-04T05:06:07.123456Z\"");
        assertThat(json(PgTextValues.TIMESTAMP, "2026-03-04 05:06:07")).isEqualTo("\"2026-03-04T05:06:07Z\"");
        assertThat(json(PgTextValues.TIMESTAMPTZ, "2026-03-04 05:06:07.5+02:30")).isEqualTo("\"2026-03-04T02:36:07.500Z\"");
        assertThat(json(PgTextValues.TIMESTAMPTZ, "2026-03-04 05:06:07+00")).isEqualTo("\"2026-03-04T05:06:07Z\"");
        assertThat(json(PgTextValues.TIMESTAMPTZ, "1900-01-01 00:00:00-00:19:32")).isEqualTo("\"1900-01-01T00:19:32Z\"");
        assertThat(json(PgTextValues.DATE, "2026-03-04")).isEqualTo("\"2026-03-04T00:00:00Z\"");
        assertThat(json(PgTextValues.TIMESTAMP, "infinity")).isEqualTo("\"infinity\"");
    }

    @Test
    void otherTypes() {
        assertThat(json(PgTextValues.BOOL, "t")).isEqualTo("true");
        assertThat(json(PgTextValues.BOOL, "f")).isEqualTo("false");
        assertThat(json(PgTextValues.BYTEA, "\\x00ff10")).isEqualTo("\"AP8Q\"");
        assertThat(json(PgTextValues.JSONB, "{\"a\": [1, null]}")).isEqualTo("{\"a\":[1,null]}");
        assertThat(json(PgTextValues.TEXT, "plain")).isEqualTo("\"plain\"");
        assertThat(json(2950, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")).isEqualTo("\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"");
        assertThat(PgTextValues.toJson(PgTextValues.INT4, null).isNull()).isTrue();
    }

    @Test
    void oneDimensionalArraysBecomeJsonArrays() {
        assertThat(json(1007, "{1,NULL,3}")).isEqualTo("[1,null,3]");
        assertThat(json(1009, "{\"q,\\\"uote\",NULL,plain,\"NULL\"}")).isEqualTo("[\"q,\\\"uote\",null,\"plain\",\"NULL\"]");
        assertThat(json(1009, "{}")).isEqualTo("[]");
        assertThat(json(1000, "{t,f}")).isEqualTo("[true,false]");
        assertThat(json(1007, "{{1,2},{3,4}}")).as("multi-dimensional: text").isEqualTo("\"{{1,2},{3,4}}\"");
    }
}
