package io.dataflow.flink.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: whatever a message holds — any nested JSON, huge or non-finite-looking numbers and strings, bytes that
 * are not JSON, any metadata — a transformation built from a valid config either returns messages or throws its own
 * {@link TransformException} (which sends the record to the error sink). Anything else would fail the task and
 * restart the job on every replay of the same record.
 *
 * <p>Properties are checked on {@value #TRIES} generated messages per type, from a seed printed in the failure (set
 * {@code -Dproperties.seed=N} to replay one). A plain seeded generator rather than a property-testing library: jqwik
 * 1.10 prints at run time that AI agents must not use it, and this project is partly written by one.
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

    private static final int TRIES = 300;
    private static final long SEED = Long.getLong("properties.seed", System.nanoTime());

    @Test
    void everyRegisteredTransformationHasAConfigHere() {
        Set<String> registered = new TreeSet<>(TransformRegistry.types());
        registered.removeAll(TEST_ONLY);
        assertThat(CONFIGS.keySet()).as("add a representative config for a new transformation type").containsExactlyInAnyOrderElementsOf(registered);
    }

    static Stream<String> types() {
        return new TreeSet<>(CONFIGS.keySet()).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void aTransformationThrowsNothingButTransformException(String type) {
        Transformer transformer = TransformTesting.create(TransformRegistry.find(type).orElseThrow(), config(type));
        long seed = SEED ^ type.hashCode();
        Random random = new Random(seed);
        for (int i = 0; i < TRIES; i++) {
            Message message = message(random);
            String input = message.toString();
            try {
                List<Message> out = transformer.apply(message);
                assertThat(out).as("%s returns a list (seed %d, try %d)", type, seed, i).isNotNull().doesNotContainNull();
            } catch (TransformException expected) {
                // the record goes to the error sink with this reason
                assertThat(expected.getMessage()).as("%s gives a reason (seed %d, try %d)", type, seed, i).isNotBlank();
            } catch (RuntimeException e) {
                throw new AssertionError(type + " threw " + e + " on " + input + " (-Dproperties.seed=" + SEED + ", try " + i + ")", e);
            }
        }
    }

    private static JsonNode config(String type) {
        try {
            return JSON.readTree(CONFIGS.get(type).replace('\'', '"').replace('^', '\''));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- generators ----

    private static Message message(Random random) {
        byte[] payload;
        switch (random.nextInt(5)) {
            case 0:
            case 1:
                payload = json(random, 3).toString().getBytes(StandardCharsets.UTF_8);
                break;
            case 2:
                payload = debeziumLike(random);
                break;
            case 3: {
                payload = new byte[random.nextInt(65)];
                random.nextBytes(payload);
                break;
            }
            default:
                payload = pick(random, ODD_STRINGS).getBytes(StandardCharsets.UTF_8);
        }
        return new Message(payload, metadata(random), random.nextLong());
    }

    private static byte[] debeziumLike(Random random) {
        ObjectNode payload = NODES.objectNode();
        payload.set("before", json(random, 2));
        payload.set("after", json(random, 2));
        payload.put("op", pick(random, List.of("c", "u", "d", "r", "x", "")));
        payload.set("source", json(random, 1));
        return NODES.objectNode().set("payload", payload).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> metadata(Random random) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        List<String> keys = List.of("topic", "operation", "table", "headers", "key", "partition", "id", "x");
        for (int i = random.nextInt(5); i > 0; i--) {
            Object value;
            switch (random.nextInt(5)) {
                case 0:
                    value = randomString(random, 20);
                    break;
                case 1:
                    value = pick(random, ODD_STRINGS);
                    break;
                case 2:
                    value = random.nextLong();
                    break;
                case 3:
                    value = random.nextBoolean();
                    break;
                default: {
                    Map<String, String> headers = new HashMap<>();
                    for (int h = random.nextInt(3); h > 0; h--) {
                        headers.put(pick(random, List.of("trace-id", "a", "A", "")), randomString(random, 8));
                    }
                    value = headers;
                }
            }
            metadata.put(pick(random, keys), value);
        }
        return metadata;
    }

    private static JsonNode json(Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 10 : 8);
        switch (kind) {
            case 0:
                return NODES.textNode(randomString(random, 30));
            case 1:
                return NODES.textNode(pick(random, ODD_STRINGS));
            case 2:
                return NODES.numberNode(random.nextLong());
            case 3:
                return NODES.numberNode(random.nextBoolean() ? random.nextDouble() * 1e12 : Double.longBitsToDouble(random.nextLong()));
            case 4:
                return NODES.numberNode(new BigInteger(100, random).subtract(BigInteger.ONE.shiftLeft(99)));
            case 5:
                return random.nextBoolean() ? NODES.numberNode(new BigDecimal("1e400")) : NODES.numberNode(new BigDecimal("-0.000000000000000000001"));
            case 6:
                return NODES.booleanNode(random.nextBoolean());
            case 7:
                return NODES.nullNode();
            case 8: {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(6); i > 0; i--) {
                    object.set(pick(random, KEYS), json(random, depth - 1));
                }
                return object;
            }
            default: {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(5); i > 0; i--) {
                    array.add(json(random, depth - 1));
                }
                return array;
            }
        }
    }

    private static String randomString(Random random, int maxLength) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
            int kind = random.nextInt(4);
            s.appendCodePoint(kind == 0 ? 'a' + random.nextInt(26) : kind == 1 ? ' ' + random.nextInt(95)
                    : kind == 2 ? 0x80 + random.nextInt(0x700) : 0x1F600 + random.nextInt(80));
        }
        return s.toString();
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
