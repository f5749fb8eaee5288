package io.dataflow.flink.transform.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonPathTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "a            | {'a':1}                         | 1",
            "$.a          | {'a':1}                         | 1",
            "a.b.c        | {'a':{'b':{'c':'x'}}}           | 'x'",
            "$.a.b        | {'a':{'b':[1,2]}}               | [1,2]",
            "items.1      | {'items':[10,20,30]}            | 20",
            "items.#      | {'items':[10,20,30]}            | 3",
            "items.#.id   | {'items':[{'id':1},{'id':2},{}]} | [1,2]",
            "a\\.b        | {'a.b':5,'a':{'b':6}}           | 5",
            "na*          | {'x':0,'name':'n'}              | 'n'",
            "n?me         | {'name':'n'}                    | 'n'",
            "m.0          | {'m':{'0':'zero'}}              | 'zero'",
            "a            | {'a':null}                      | null",
            "$            | {'a':1}                         | {'a':1}",
    })
    void reads(String path, String doc, String expected) throws Exception {
        assertThat(JsonPath.parse(path).get(json(doc))).isEqualTo(json(expected));
    }

    @ParameterizedTest(name = "{0} missing in {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "b        | {'a':1}",
            "a.b      | {'a':1}",
            "items.5  | {'items':[1]}",
            "items.x  | {'items':[1]}",
            "a.b      | {'a':'text'}",
    })
    void missing(String path, String doc) throws Exception {
        assertThat(JsonPath.parse(path).get(json(doc))).isNull();
        assertThat(JsonPath.parse(path).exists(json(doc))).isFalse();
    }

    @ParameterizedTest(name = "set {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "a        | {}                 | {'a':'v'}",
            "a.b.c    | {}                 | {'a':{'b':{'c':'v'}}}",
            "$.a.b    | {'a':{'x':1}}      | {'a':{'x':1,'b':'v'}}",
            "arr.1    | {'arr':[0,1,2]}    | {'arr':[0,'v',2]}",
            "arr.4    | {'arr':[0]}        | {'arr':[0,null,null,null,'v']}",
            "arr.-1   | {'arr':[0]}        | {'arr':[0,'v']}",
            "a.b      | {'a':null}         | {'a':{'b':'v'}}",
    })
    void writes(String path, String doc, String expected) throws Exception {
        JsonNode root = json(doc);
        assertThat(JsonPath.parse(path).set(root, TextNode.valueOf("v"))).isTrue();
        assertThat(root).isEqualTo(json(expected));
    }

    @Test
    void parentsPrefixesAndPlainPaths() {
        JsonPath path = JsonPath.parse("$.a\\.b.c*.d");
        assertThat(path.parent().text()).isEqualTo("a\\.b.c*");
        assertThat(path.parent()).isEqualTo(JsonPath.parse("a\\.b.c*"));
        assertThat(path.parent().parent().parent().isRoot()).isTrue();
        assertThat(path.parent().parent().parent().parent().isRoot()).isTrue();
        assertThat(JsonPath.parse("x\\*.y").parent().text()).isEqualTo("x\\*");
        assertThat(JsonPath.parse("x\\*.y").parent().isPlain()).isTrue();
        assertThat(path.startsWith(path.parent())).isTrue();
        assertThat(path.startsWith(JsonPath.parse("$"))).isTrue();
        assertThat(path.parent().startsWith(path)).isFalse();
        assertThat(JsonPath.parse("a.bc").startsWith(JsonPath.parse("a.b"))).isFalse();
        assertThat(path.isPlain()).isFalse();
        assertThat(JsonPath.parse("items.#").isPlain()).isFalse();
        assertThat(JsonPath.parse("items.0.n\\?me").isPlain()).isTrue();
    }

    @Test
    void doesNotWriteThroughAScalar() throws Exception {
        JsonNode root = json("{'a':5}");
        assertThat(JsonPath.parse("a.b").set(root, TextNode.valueOf("v"))).isFalse();
        assertThat(root).isEqualTo(json("{'a':5}"));
        assertThat(JsonPath.parse("a").set(json("'scalar'"), TextNode.valueOf("v"))).isFalse();
    }

    @Test
    void removesNestedKeysAndArrayElements() throws Exception {
        JsonNode root = json("{'a':{'b':1,'c':2},'arr':[1,2,3]}");
        assertThat(JsonPath.parse("a.b").remove(root)).isEqualTo(json("1"));
        assertThat(JsonPath.parse("arr.0").remove(root)).isEqualTo(json("1"));
        assertThat(JsonPath.parse("nothing.here").remove(root)).isNull();
        assertThat(root).isEqualTo(json("{'a':{'c':2},'arr':[2,3]}"));
    }

    @Test
    void rejectsEmptySegmentsAndGjsonQueries() {
        assertThatThrownBy(() -> JsonPath.parse("a..b")).hasMessageContaining("empty segment");
        assertThatThrownBy(() -> JsonPath.parse("friends.#(last==\"Murphy\")")).hasMessageContaining("not supported");
        assertThatThrownBy(() -> JsonPath.parse("children|@reverse")).hasMessageContaining("not supported");
    }

    @ParameterizedTest(name = "{0} -> \"{1}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "'text'      | text",
            "5           | 5",
            "-12         | -12",
            "1.50        | 1.5",
            "1e3         | 1000",
            "true        | true",
            "{'a': 1}    | {'a':1}",
    })
    void stringFormLikeGjson(String value, String expected) throws Exception {
        assertThat(JsonValues.asString(json(value))).isEqualTo(expected.replace('\'', '"'));
    }

    @Test
    void nullAndMissingReadAsEmptyText() throws Exception {
        assertThat(JsonValues.asString(json("null"))).isEmpty();
        assertThat(JsonValues.asString(null)).isEmpty();
    }

    @ParameterizedTest(name = "{0} truthy={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "true | true", "false | false", "'x' | true", "'' | false", "'false' | false", "'0' | true",
            "1 | true", "0 | false", "0.0 | false", "null | false", "{} | true", "[] | true",
    })
    void truthiness(String value, boolean expected) throws Exception {
        assertThat(JsonValues.isTruthy(json(value))).isEqualTo(expected);
    }
}
