package io.dataflow.flink.transform.builtin;

import io.dataflow.flink.transform.TransformerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static io.dataflow.flink.transform.TransformTesting.check;
import static io.dataflow.flink.transform.TransformTesting.create;
import static io.dataflow.flink.transform.TransformTesting.errors;
import static io.dataflow.flink.transform.TransformTesting.json;
import static io.dataflow.flink.transform.TransformTesting.message;
import static org.assertj.core.api.Assertions.assertThat;

/** Conformance table for {@code timestamp} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class TimestampTransformerTest {

    private final TransformerFactory factory = new TimestampTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{} | not json | SAME",
            "{} | [1] | SAME",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    private static final java.time.Clock CLOCK = java.time.Clock.fixed(java.time.Instant.parse("2026-03-05T07:08:09.120Z"), java.time.ZoneId.of("Europe/Berlin"));

    @ParameterizedTest(name = "[{index}] {0} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{} | {'id':1} | {'id':1,'created_at':'2026-03-05T08:08:09+01:00'}",
            "{'fieldName':'meta.at','format':'RFC3339Nano'} | {'id':1} | {'id':1,'meta':{'at':'2026-03-05T08:08:09.12+01:00'}}",
            "{'fieldName':'at','format':'Unix'} | {} | {'at':1772694489}",
            "{'fieldName':'at','format':'UnixMilli'} | {} | {'at':1772694489120}",
            "{'fieldName':'at','format':'2006-01-02 15:04:05.000'} | {} | {'at':'2026-03-05 08:08:09.120'}",
            "{'fieldName':'at','format':'Mon, 02 Jan 2006 15:04:05 MST'} | {} | {'at':'Thu, 05 Mar 2026 08:08:09 CET'}",
            "{'fieldName':'at','format':'Kitchen'} | {} | {'at':'8:08AM'}",
            "{'fieldName':'at','format':'DateOnly'} | {'at':'old'} | {'at':'2026-03-05'}",
            "{'fieldName':'at','format':'Jan _2 03:04:05.999 pm -0700 Z07:00 002'} | {} | {'at':'Mar  5 08:08:09.12 am +0100 +01:00 064'}",
    })
    void formats(String config, String input, String expected) throws Exception {
        check(create(new TimestampTransformerFactory(CLOCK), config), input, expected, Map.of());
    }

    @Test
    void aFormatWithoutTimeElementsIsRejected() {
        assertThat(errors(factory, "{'format':'yyyy-MM-dd'}")).singleElement().asString()
                .startsWith("transformations[0].config.format: \"yyyy-MM-dd\" is neither a Go layout");
    }
}
