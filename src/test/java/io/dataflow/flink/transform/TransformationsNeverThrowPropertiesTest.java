package io.dataflow.flink.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.message.Message;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: whatever a message holds — any nested JSON, huge or non-finite-looking numbers and strings, bytes that
 * are not JSON, any metadata — a transformation built from a valid config either returns messages or throws its own
 * {@link TransformException} (which sends the record to the error sink). Anything else would fail the task and
 * restart the job on every replay of the same record.
 */
class TransformationsNeverThrowPropertiesTest {

    /** Test-only transformations registered from the test classpath (they throw on purpose). */
    private static final Set<String> TEST_ONLY = Set.of("failIf", "duplicate");

    /**
     * A representative valid config per registered type; fields overlap the generated messages' keys. JSON with
     * single quotes; {@code ^} stands for a quote inside a condition.
     */
    static final Map<String, String> CONFIGS = Map.ofEntries(
            Map.entry("camelCase", "{'deep':true}"),
            Map.entry("snakeCase", "{'deep':true}"),
            Map.entry("cast", "{'spec':{'a':'int64','b.c':'float64','id':'bool','ts':'string','items':'int64','n':'null'}}"),
            Map.entry("debeziumUnwrap", "{'inferDeleteFromTombstone':true,'includeSourceInMetadata':true,'addOperationFields':true,'addSourceFields':['table','db']}"),
            Map.entry("extractField", "{'field':'payload'}"),
            Map.entry("filter", "{'condition':'$.a == ^x^ || !($.b.c == 3) && metadata.topic != ^t^'}"),
            Map.entry("flatten", "{'field':'items'}"),
            Map.entry("headersToPayload", "{'mappings':['trace-id:trace.id','a:b.c']}"),
            Map.entry("hoistField", "{'field':'wrapped'}"),
            Map.entry("insertField", "{'fields':{'x.y':'${metadata.topic}','now':'${now}','j':'json:[1,2.5,null]','a.b':'lit'}}"),
            Map.entry("mask", "{'fields':['a','b.c','items'],'keepLength':true}"),
            Map.entry("remove", "{'fields':['a','b.c']}"),
            Map.entry("replaceField", "{'renames':['a:z','b.c:q.r','payload:a.b']}"),
            Map.entry("router", "{'routes':[{'condition':'a == ^x^','sink':{'type':'kafka','config':{'brokers':['k:9092'],'topic':'x'}}}]}"),
            Map.entry("select", "{'fields':['a','b.c','items']}"),
            Map.entry("structFlatten", "{'delimiter':'_'}"),
            Map.entry("timestamp", "{'fieldName':'b.ts','format':'RFC3339Nano'}"),
            Map.entry("timezone", "{'timezone':'Europe/Berlin','fields':['ts','b.ts','a'],'format':'UnixMilli'}"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> KEYS = List.of("a", "b", "c", "id", "ts", "items", "payload", "before", "after",
            "op", "source", "table", "n", "userId", "XMLHttp", "", "a.b", "é");
    private static final List<String> ODD_STRINGS = List.of("NaN", "Infinity", "-Infinity", "1e400", "-0",
            "99999999999999999999999999", "0x1F", "true", "null", "2024-02-30T25:61:00Z", "2024-01-01T00:00:00Z",
            "1700000000000", "", " ", "\u0000", "\uD83D\uDE00", "'; DROP TABLE x; --", "${metadata.topic}");

    @Example
    void everyRegisteredTransformationHasAConfigHere() {
        Set<String> registered = new TreeSet<>(TransformRegistry.types());
        registered.removeAll(TEST_ONLY);
        assertThat(CONFIGS.keySet()).as("add a representative config for a new transformation type").containsExactlyInAnyOrderElementsOf(registered);
    }

    @Property(tries = 300)
    void aTransformationThrowsNothingButTransformException(@ForAll("types") String type, @ForAll("messages") Message message) {
        Transformer transformer = TransformTesting.create(TransformRegistry.find(type).orElseThrow(), config(type));
        try {
            List<Message> out = transformer.apply(message);
            assertThat(out).as("%s returns a list", type).isNotNull().doesNotContainNull();
        } catch (TransformException expected) {
            // the record goes to the error sink with this reason
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static JsonNode config(String type) {
        try {
            return JSON.readTree(CONFIGS.get(type).replace('\'', '"').replace('^', '\''));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<String> types() {
        return Arbitraries.of(new TreeSet<>(CONFIGS.keySet()));
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<byte[]> payload = Arbitraries.oneOf(
                json(4).map(n -> n.toString().getBytes(StandardCharsets.UTF_8)),
                json(4).filter(JsonNode::isObject).map(n -> n.toString().getBytes(StandardCharsets.UTF_8)),
                debeziumLike(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.of(ODD_STRINGS).map(s -> s.getBytes(StandardCharsets.UTF_8)));
        return net.jqwik.api.Combinators.combine(payload, metadata(), Arbitraries.longs())
                .as((data, metadata, timestamp) -> new Message(data, metadata, timestamp));
    }

    private Arbitrary<byte[]> debeziumLike() {
        return net.jqwik.api.Combinators.combine(json(2), json(2), Arbitraries.of("c", "u", "d", "r", "x", ""))
                .as((before, after, op) -> {
                    ObjectNode payload = NODES.objectNode();
                    payload.set("before", before);
                    payload.set("after", after);
                    payload.put("op", op);
                    payload.putObject("source").put("table", "t").put("db", "d");
                    ObjectNode root = NODES.objectNode();
                    root.set("payload", payload);
                    return root.toString().getBytes(StandardCharsets.UTF_8);
                });
    }

    private Arbitrary<Map<String, Object>> metadata() {
        Arbitrary<Object> value = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
                Arbitraries.of(ODD_STRINGS).map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.maps(Arbitraries.of("trace-id", "a", "A", ""), Arbitraries.strings().ofMaxLength(8))
                        .ofMaxSize(3).map(m -> (Object) new HashMap<String, Object>(m)));
        return Arbitraries.maps(Arbitraries.of("topic", "operation", "table", "headers", "key", "partition", "id", "x"), value)
                .ofMaxSize(5).map(LinkedHashMap::new);
    }

    /** Random JSON up to {@code depth}: objects and arrays of scalars, with huge numbers and odd strings. */
    private Arbitrary<JsonNode> json(int depth) {
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30).map(NODES::textNode),
                Arbitraries.of(ODD_STRINGS).map(NODES::textNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)).map(NODES::numberNode),
                Arbitraries.just(NODES.numberNode(new BigDecimal("1e400"))),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.just(NODES.nullNode()));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<JsonNode> child = Arbitraries.lazy(() -> json(depth - 1));
        Arbitrary<JsonNode> object = Arbitraries.maps(Arbitraries.of(KEYS), child).ofMaxSize(5).map(m -> {
            ObjectNode o = NODES.objectNode();
            m.forEach(o::set);
            return o;
        });
        Arbitrary<JsonNode> array = child.list().ofMaxSize(4).map(l -> {
            ArrayNode a = NODES.arrayNode();
            l.forEach(a::add);
            return a;
        });
        return Arbitraries.frequencyOf(Tuple.of(2, scalar), Tuple.of(3, object), Tuple.of(2, array));
    }
}
