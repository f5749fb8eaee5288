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

/** Conformance table for {@code timezone} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class TimezoneTransformerTest {

    private final TransformerFactory factory = new TimezoneTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'timezone':'Europe/Berlin','fields':['at']} | {'at':'2026-01-15T10:00:00Z'} | {'at':'2026-01-15T11:00:00+01:00'}",
            "{'timezone':'+03:00','fields':['at'],'format':'RFC3339'} | {'at':'2026-01-15T10:00:00.5Z'} | {'at':'2026-01-15T13:00:00+03:00'}",
            "{'timezone':'UTC','fields':['at'],'sourceTimezone':'Europe/Berlin'} | {'at':'2026-07-01 12:00:00'} | {'at':'2026-07-01T10:00:00Z'}",
            "{'timezone':'UTC','fields':['s','ms'],'format':'RFC3339Nano'} | {'s':1700000000.25,'ms':1700000000123} | {'s':'2023-11-14T22:13:20.25Z','ms':'2023-11-14T22:13:20.123Z'}",
            "{'timezone':'UTC','fields':['at'],'format':'UnixMilli'} | {'at':'2026-01-15T10:00:00+02:00'} | {'at':1768464000000}",
            "{'timezone':'UTC','fields':['at']} | {'at':'1700000000'} | {'at':'2023-11-14T22:13:20Z'}",
            "{'timezone':'UTC','fields':['at','missing']} | {'at':null} | SAME",
            "{'timezone':'UTC','fields':['at']} | {'at':'yesterday'} | ERROR: field at: cannot parse the string as a time",
            "{'timezone':'UTC','fields':['at']} | {'at':true} | ERROR: field at: cannot read a boolean as a time",
            "{'timezone':'UTC','fields':['at']} | {'at':''} | ERROR: an empty string is not a time",
            "{'timezone':'UTC','fields':['at']} | not json | SAME",
            "{'timezone':'UTC','fields':['at'],'sourceTimezone':'+02:00'} | {'at':'2026-07-01T12:00:00.250'} | {'at':'2026-07-01T10:00:00.25Z'}",
            "{'timezone':'UTC','fields':['at']} | {'at':'2026-07-0112:00:00'} | ERROR: field at: cannot parse the string as a time",
            "{'timezone':'UTC','fields':['at']} | {'at':'2026-07-01T 12:00:00'} | ERROR: field at: cannot parse the string as a time",
            "{'timezone':'America/New_York','fields':['e.at']} | {'e':{'at':0}} | {'e':{'at':'1969-12-31T19:00:00-05:00'}}",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    @Test
    void unknownZonesAreManifestErrors() {
        assertThat(errors(factory, "{'timezone':'Mars/Base','fields':['a']}")).singleElement().asString()
                .startsWith("transformations[0].config.timezone: unknown time zone \"Mars/Base\"");
        assertThat(errors(factory, "{'timezone':'UTC','fields':['a'],'sourceTimezone':'nowhere'}")).singleElement().asString()
                .startsWith("transformations[0].config.sourceTimezone: unknown time zone");
        assertThat(errors(factory, "{'timezone':'UTC','fields':['a'],'format':'Kitchen'}")).singleElement().asString()
                .startsWith("transformations[0].config.format");
        assertThat(errors(factory, "{'timezone':' ','fields':['a']}"))
                .containsExactly("transformations[0].config.timezone: must name a time zone");
        assertThat(errors(factory, "{'timezone':'UTC','fields':['a'],'sourceTimezone':''}")).as("blank source zone is UTC").isEmpty();
    }

    @Test
    void localIsTheJvmsZoneAsGoReadsItAsThePods() throws Exception {
        assertThat(errors(factory, "{'timezone':'Local','fields':['a']}")).isEmpty();
        assertThat(TimezoneTransformerFactory.zone("Local")).isEqualTo(java.time.ZoneId.systemDefault());
        assertThat(TimezoneTransformerFactory.zone(" UTC ")).isEqualTo(java.time.ZoneId.of("UTC"));
    }
}
