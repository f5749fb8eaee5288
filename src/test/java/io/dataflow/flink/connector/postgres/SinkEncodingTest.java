package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.message.MetadataValues;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** COPY text escaping, column text forms and type inference. */
class SinkEncodingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void copyTextEscapesBackslashTabNewlineCarriageReturnAndNull() {
        String encoded = new CopyTextEncoder()
                .addRow(Arrays.asList("plain", null, "tab\there", "line\nbreak", "cr\rlf", "back\\slash", "\\N"))
                .toString();
        assertThat(encoded).isEqualTo("plain\t\\N\ttab\\there\tline\\nbreak\tcr\\rlf\tback\\\\slash\t\\\\N\n");
    }

    @Test
    void copyTextKeepsQuotesSemicolonsCommentsAndUnicodeAsTheyAre() {
        CopyTextEncoder encoder = new CopyTextEncoder().addRow(List.of("it's \"quoted\"; DROP TABLE x; -- ok", "日本語 🚀 ü", ""));
        assertThat(encoder.toString()).isEqualTo("it's \"quoted\"; DROP TABLE x; -- ok\t日本語 🚀 ü\t\n");
        assertThat(new String(encoder.toBytes(), StandardCharsets.UTF_8)).isEqualTo(encoder.toString());
    }

    @Test
    void jsonValuesForJsonbColumnsAreEscapedTwiceCorrectly() throws Exception {
        String value = ColumnValues.forColumn(json("{\"a\":\"x\\ty\\\\z\\n\"}"), "jsonb");
        assertThat(value).isEqualTo("{\"a\":\"x\\ty\\\\z\\n\"}");
        StringBuilder out = new StringBuilder();
        CopyTextEncoder.appendValue(out, value);
        // the JSON text's own backslashes are doubled for COPY, so the server reads back the JSON text exactly
        assertThat(out.toString()).isEqualTo("{\"a\":\"x\\\\ty\\\\\\\\z\\\\n\"}");
    }

    @Test
    void columnTextFormsDependOnTheColumnType() throws Exception {
        assertThat(ColumnValues.forColumn(json("\"hello\""), "text")).isEqualTo("hello");
        assertThat(ColumnValues.forColumn(json("\"hello\""), "jsonb")).isEqualTo("\"hello\"");
        assertThat(ColumnValues.forColumn(json("12"), "bigint")).isEqualTo("12");
        assertThat(ColumnValues.forColumn(json("12.5"), "numeric")).isEqualTo("12.5");
        assertThat(ColumnValues.forColumn(json("true"), "boolean")).isEqualTo("true");
        assertThat(ColumnValues.forColumn(json("[1,{\"b\":null}]"), "text")).isEqualTo("[1,{\"b\":null}]");
        assertThat(ColumnValues.forColumn(json("null"), "jsonb")).isNull();
        assertThat(ColumnValues.forColumn(null, "text")).isNull();
        assertThat(ColumnValues.forColumn(json("\"2024-05-01T10:00:00Z\""), "timestamp with time zone")).isEqualTo("2024-05-01T10:00:00Z");
    }

    @Test
    void metadataIsSerializedWithInstantsAsRfc3339() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("topic", "orders");
        metadata.put("partition", 3);
        metadata.put("offset", 42L);
        metadata.put("timestamp", Instant.parse("2024-05-01T10:00:00.123Z"));
        metadata.put("headers", Map.of("h", "v"));
        metadata.put("nothing", null);
        assertThat(ColumnValues.toJson(MetadataValues.toJson(metadata))).isEqualTo(
                "{\"topic\":\"orders\",\"partition\":3,\"offset\":42,\"timestamp\":\"2024-05-01T10:00:00.123Z\","
                        + "\"headers\":{\"h\":\"v\"},\"nothing\":null}");
        assertThat(ColumnValues.forMetadata(Instant.parse("2024-05-01T10:00:00Z"), "timestamp with time zone")).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(ColumnValues.forMetadata(Map.of("h", "v"), "jsonb")).isEqualTo("{\"h\":\"v\"}");
        assertThat(ColumnValues.forMetadata(7, "integer")).isEqualTo("7");
    }

    @Test
    void bodyTypesAreInferredLikeTheOriginal() throws Exception {
        assertThat(ColumnTypeInference.forJson(json("null"))).isEqualTo("TEXT");
        assertThat(ColumnTypeInference.forJson(json("true"))).isEqualTo("BOOLEAN");
        assertThat(ColumnTypeInference.forJson(json("42"))).isEqualTo("BIGINT");
        assertThat(ColumnTypeInference.forJson(json("-9223372036854775808"))).isEqualTo("BIGINT");
        assertThat(ColumnTypeInference.forJson(json("92233720368547758080"))).isEqualTo("NUMERIC");
        assertThat(ColumnTypeInference.forJson(json("4.2"))).isEqualTo("NUMERIC");
        assertThat(ColumnTypeInference.forJson(json("\"x\""))).isEqualTo("TEXT");
        assertThat(ColumnTypeInference.forJson(json("{}"))).isEqualTo("JSONB");
        assertThat(ColumnTypeInference.forJson(json("[]"))).isEqualTo("JSONB");
    }

    @Test
    void metadataTypesAreInferredForFlattenedColumns() throws Exception {
        assertThat(ColumnTypeInference.forMetadata(true)).isEqualTo("BOOLEAN");
        assertThat(ColumnTypeInference.forMetadata(3)).isEqualTo("INTEGER");
        assertThat(ColumnTypeInference.forMetadata(3L)).isEqualTo("BIGINT");
        assertThat(ColumnTypeInference.forMetadata(1.5)).isEqualTo("DOUBLE PRECISION");
        assertThat(ColumnTypeInference.forMetadata("k")).isEqualTo("TEXT");
        assertThat(ColumnTypeInference.forMetadata(Instant.EPOCH)).isEqualTo("TIMESTAMPTZ");
        assertThat(ColumnTypeInference.forMetadata(Map.of())).isEqualTo("JSONB");
        assertThat(ColumnTypeInference.forMetadata(json("3"))).isEqualTo("BIGINT");
        assertThat(ColumnTypeInference.forMetadata(json("\"x\""))).isEqualTo("TEXT");
    }
}
