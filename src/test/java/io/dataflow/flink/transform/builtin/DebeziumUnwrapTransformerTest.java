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

/** Conformance table for {@code debeziumUnwrap} (docs/ORIGINAL.md#transformations): config | input | expected (SAME, NONE, ERROR: …, or outputs joined by " ++ "). */
class DebeziumUnwrapTransformerTest {

    private final TransformerFactory factory = new DebeziumUnwrapTransformerFactory();

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{} | {'payload':{'op':'c','before':null,'after':{'id':1,'name':'n'}}} | {'id':1,'name':'n'}",
            "{} | {'payload':{'op':'u','before':{'id':1},'after':{'id':1,'name':'m'}}} | {'id':1,'name':'m'}",
            "{} | {'payload':{'op':'d','before':{'id':1},'after':null}} | {'id':1}",
            "{} | {'payload':{'op':'r','after':{'id':5}}} | {'id':5}",
            "{'addOperationFields':true} | {'payload':{'op':'d','before':{'id':1}}} | {'id':1,'__op':'d','__deleted':'true'}",
            "{'addOperationFields':true,'addSourceFields':['table','lsn']} | {'payload':{'op':'c','after':{'id':1},'source':{'table':'t','lsn':7,'db':'x'}}} | {'id':1,'__op':'c','__deleted':'false','source_table':'t','source_lsn':7}",
            "{} | {'payload':{'op':'x','after':{}}} | ERROR: unsupported Debezium op \"x\"",
            "{} | {'payload':{'op':'c','after':null}} | ERROR: payload.after must be an object for op c",
            "{} | {'id':1,'name':'plain row'} | SAME",
            "{} | {'payload':{'before':{}}} | SAME",
            "{} | [1,2] | ERROR: not a JSON object",
            "{} |  | NONE",
    })
    void conformance(String config, String input, String expected) throws Exception {
        check(factory, config, input, expected);
    }

    @Test
    void setsOperationIdAndSourceMetadata() throws Exception {
        var out = create(factory, "{'includeSourceInMetadata':true,'snapshotOperation':'update'}")
                .apply(message("{'payload':{'op':'r','after':{'id':42},'source':{'table':'orders','ts_ms':5}}}", Map.of("topic", "t")));
        assertThat(out).singleElement().satisfies(m -> assertThat(m.metadata())
                .containsEntry("operation", "update").containsEntry("id", 42)
                .containsEntry("source_table", "orders").containsEntry("source_ts_ms", 5).containsEntry("topic", "t"));
    }

    @Test
    void aTombstoneBecomesADeleteFromItsKeyWhenAskedTo() throws Exception {
        var transformer = create(factory, "{'inferDeleteFromTombstone':true,'addOperationFields':true}");
        var out = transformer.apply(message("", Map.of("key", "{\"payload\":{\"id\":7}}")));
        assertThat(out).singleElement().satisfies(m -> {
            assertThat(m.json()).isEqualTo(json("{'id':7,'__op':'d','__deleted':'true'}"));
            assertThat(m.metadata()).containsEntry("operation", "delete").containsEntry("id", 7);
        });
        assertThat(transformer.apply(message("", Map.of("key", "not json")))).as("key not JSON").isEmpty();
        assertThat(transformer.apply(message("", Map.of("key", "{\"id\":7} trailing")))).as("key with trailing text").isEmpty();
        assertThat(transformer.apply(message("", Map.of("key", "[7]")))).as("key not an object").isEmpty();
        assertThat(transformer.apply(message("  \n", Map.of("key", "{\"id\":8}")))).as("white space is a tombstone too")
                .singleElement().satisfies(m -> assertThat(m.metadata()).containsEntry("id", 8));
        assertThat(transformer.apply(message("", Map.of()))).as("no key").isEmpty();
        assertThat(create(factory, "{}").apply(message("", Map.of("key", "{\"id\":7}")))).as("not asked to").isEmpty();
    }
}
