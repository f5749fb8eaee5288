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

/** Conformance table for {@code replaceField} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class ReplaceFieldTransformerTest {

    private final TransformerFactory factory = new ReplaceFieldTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'renames':['old:new']} | {'old':1,'x':2} | {'new':1,'x':2}",
            "{'renames':['user.fullName:name']} | {'user':{'fullName':'n'}} | {'name':'n'}",
            "{'renames':['key.sku:sku','body.lc:lc']} | {'key':{'sku':'1'},'body':{'lc':'en'},'x':1} | {'x':1,'sku':'1','lc':'en'}",
            "{'renames':['a.b.c:a.d']} | {'a':{'b':{'c':1}}} | {'a':{'d':1}}",
            "{'renames':['a.b.c:z']} | {'a':{'b':{'c':1},'k':2}} | {'a':{'k':2},'z':1}",
            "{'renames':['$.a:b']} | {'a':{}} | {'b':{}}",
            "{'renames':['a:a.b']} | {'a':1,'x':2} | {'a':{'b':1},'x':2}",
            "{'renames':['a.b:a']} | {'a':{'b':{'c':1}}} | {'a':{'c':1}}",
            "{'renames':['a.b:a']} | {'a':{'b':{}}} | {'a':{}}",
            "{'renames':['a:s.x']} | {'a':1,'s':'text'} | {'a':1,'s':'text'}",
            "{'renames':['field:$.field']} | {'field':1,'x':2} | {'field':1,'x':2}",
            "{'renames':['a: b:c ']} | {'a':1} | {'b:c':1}",
            "{'renames':['items.0:first']} | {'items':[1,2]} | {'items':[2],'first':1}",
            "{'exclude':['user.age']} | {'user':{'age':3},'id':1} | {'id':1}",
            "{'exclude':['a.b.c']} | {'a':{'b':{'c':1}}} | {}",
            "{'exclude':['items.0']} | {'items':[1]} | {'items':[]}",
            "{'exclude':['missing.x']} | {'missing':{}} | {'missing':{}}",
            "{'include':['id','user.name']} | {'id':1,'user':{'name':'n','age':3},'x':2} | {'id':1,'user':{'name':'n'}}",
            "{'exclude':['x','user.age']} | {'id':1,'user':{'name':'n','age':3},'x':2} | {'id':1,'user':{'name':'n'}}",
            "{'include':['id'],'renames':['id:key']} | {'id':1,'x':2} | {'key':1}",
            "{'renames':['missing:new']} | {'id':1} | {'id':1}",
            "{'renames':['a:b']} | not json | SAME",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    @Test
    void configRules() {
        assertThat(errors(factory, "{}")).containsExactly("transformations[0].config: one of renames, include or exclude is required");
        assertThat(errors(factory, "{'include':['a'],'exclude':['b']}")).containsExactly("transformations[0].config.exclude: include and exclude cannot both be set");
        assertThat(errors(factory, "{'renames':['nocolon']}")).containsExactly("transformations[0].config.renames[0]: must be old:new");
        assertThat(errors(factory, "{'renames':[' :b']}")).containsExactly("transformations[0].config.renames[0]: must be old:new");
        assertThat(errors(factory, "{'renames':['a:b:c']}")).isEmpty();
        assertThat(errors(factory, "{'renames':['a*:b']}")).containsExactly(
                "transformations[0].config.renames[0]: a path to write or delete cannot have wildcards (* ?) or # (\"a*\")");
        assertThat(errors(factory, "{'include':['items.#.sku']}")).containsExactly(
                "transformations[0].config.include[0]: a path to write or delete cannot have wildcards (* ?) or #");
        assertThat(errors(factory, "{'exclude':['n?me']}")).containsExactly(
                "transformations[0].config.exclude[0]: a path to write or delete cannot have wildcards (* ?) or #");
        assertThat(errors(factory, "{'exclude':['a\\\\*']}")).isEmpty();
    }
}
