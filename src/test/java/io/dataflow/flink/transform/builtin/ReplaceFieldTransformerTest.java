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

/** Conformance table for {@code replaceField} (reference §5.2): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class ReplaceFieldTransformerTest {

    private final TransformerFactory factory = new ReplaceFieldTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'renames':['old:new']} | {'old':1,'x':2} | {'new':1,'x':2}",
            "{'renames':['user.fullName:name']} | {'user':{'fullName':'n'}} | {'user':{},'name':'n'}",
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
    }
}
