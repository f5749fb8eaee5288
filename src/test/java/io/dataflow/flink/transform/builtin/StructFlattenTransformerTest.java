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

/** Conformance table for {@code structFlatten} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class StructFlattenTransformerTest {

    private final TransformerFactory factory = new StructFlattenTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{} | {'a':{'b':1,'c':{'d':2}},'e':3} | {'a.b':1,'a.c.d':2,'e':3}",
            "{'delimiter':'_'} | {'user':{'name':'n'}} | {'user_name':'n'}",
            "{} | {'a':{'list':[{'x':1}]}} | {'a.list':[{'x':1}]}",
            "{} | {'a':{},'b':1} | {'b':1}",
            "{} | {'a':null} | {'a':null}",
            "{} | [{'a':{'b':1}}] | SAME",
            "{} | not json | SAME",
            "{} | {'a.b':1,'a':{'b':2}} | {'a.b':2}",
            "{} | {'a':{'b':2},'a.b':1} | {'a.b':2}",
            "{} | {'a':{'b':{'c':1}},'a.b':{'c':2}} | {'a.b.c':2}",
            "{'delimiter':' _ '} | {'user':{'name':'n'}} | {'user_name':'n'}",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    @Test
    void objectsUpTo64LevelsBelowTheRootAreFlattenedDeeperOnesFail() throws Exception {
        check(factory, "{}", nested(64, "'v':'ok'"), "{'" + "n.".repeat(64) + "v':'ok'}");
        check(factory, "{}", nested(65, "'v':'ok'"), "ERROR: nested deeper than 64 levels");
        check(factory, "{}", nested(65, "").replace("{'n':{}", "{'n':{},'v':1"), "{'" + "n.".repeat(64) + "v':1}");
    }

    /** {@code levels} objects under key n wrapping an object with {@code inner} (the payload is level 0). */
    private static String nested(int levels, String inner) {
        return "{'n':".repeat(levels) + "{" + inner + "}" + "}".repeat(levels);
    }

    @Test
    void outputKeysAreSortedLikeTheOriginal() throws Exception {
        var out = create(factory, "{}").apply(message("{'z':1,'b':{'y':2,'a':3},'a':4}"));
        assertThat(out).singleElement().satisfies(m -> assertThat(m.dataAsString()).isEqualTo("{\"a\":4,\"b.a\":3,\"b.y\":2,\"z\":1}"));
    }

    @Test
    void aBlankDelimiterIsRejected() {
        assertThat(errors(factory, "{'delimiter':''}")).containsExactly("transformations[0].config.delimiter: must not be empty");
        assertThat(errors(factory, "{'delimiter':'  '}")).containsExactly("transformations[0].config.delimiter: must not be empty");
    }
}
