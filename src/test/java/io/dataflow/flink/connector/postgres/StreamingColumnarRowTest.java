package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.connector.RecordRefusedException;
import io.dataflow.flink.message.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The columnar sink's streaming path ({@link StreamingColumnarRow}, taken for payloads no one has parsed) against its
 * tree path (taken once the message holds a tree), on the same bytes: same values in the same order, same fields
 * without a column, same refusals.
 */
class StreamingColumnarRowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, String> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("s", "text");
        TYPES.put("v", "character varying");
        TYPES.put("i", "bigint");
        TYPES.put("n", "integer");
        TYPES.put("d", "numeric");
        TYPES.put("f", "double precision");
        TYPES.put("j", "jsonb");
        TYPES.put("k", "json");
        TYPES.put("b", "boolean");
        TYPES.put("t", "timestamp with time zone");
    }

    private static final TableColumns COLUMNS = new TableColumns(TYPES);

    private static final String[] SCALARS = {
        "\"plain\"", "\"\"", "\"tab\\there\\nnew \\\"quoted\\\" back\\\\slash\"", "\"\\u00fc\\u65e5 \\ud83d\\ude80\"", "\"日本語 🚀\"",
        "\"\\\\N\"", "\"2024-05-01T10:00:00Z\"", "0", "-0", "7", "-2147483648", "2147483647", "2147483648", "-9223372036854775808",
        "9223372036854775807", "9223372036854775808", "123456789012345678901234567890", "1.0", "-0.0", "0.1", "12.30", "1e3",
        "1E-7", "2.5e2", "1.5E300", "1e400", "-1e400", "3.141592653589793238462643383279",
        "-1e-400", "4.9e-324", "1.7976931348623157e308", "0.30000000000000004", "-0.0e0", "1E+2", "123.45", "999.99",
        "true", "false", "null"
    };

    @Test
    void givesTheTreePathsValuesForVariedRecords() throws Exception {
        Random random = new Random(21);
        List<String> payloads = new ArrayList<>(List.of(
                "{\"s\":\"a\",\"i\":1}", " \n{\"i\": 5}\t", "{\"i\":1,\"s\":\"x\",\"i\":\"again\"}", "{\"unknown\":1,\"s\":\"kept\"}",
                "{\"j\":{\"a\":[1,2.50,{\"b\":null}],\"c\":\"x\\ty\"},\"k\":[true,\"s\",1e3],\"s\":{\"nested\":1},\"v\":[1,2]}",
                "{\"s\":\"a\"} trailing", "{\"s\":{\"deep\":{\"deeper\":[[[]]]}},\"x\":{\"skipped\":[1,{\"y\":2}]}}"));
        for (int r = 0; r < 3000; r++) {
            payloads.add(randomObject(random));
        }
        SinkRowBuilder streamingBuilder = builder();
        SinkRowBuilder treeBuilder = builder();
        for (String payload : payloads) {
            Outcome streaming = build(streamingBuilder, payload, false);
            Outcome tree = build(treeBuilder, payload, true);
            assertThat(streaming).as(payload).isEqualTo(tree);
            assertThat(streaming.streamed()).as("taken by the streaming path: " + payload).isTrue();
        }
    }

    @Test
    void leavesWhatTheTreePathRefusesToTheTreePath() throws Exception {
        for (String payload : List.of("", "   ", "not json", "[1,2]", "\"text\"", "12", "{}", "{\"unknown\":1}",
                "{\"s\":\"a\"", "{\"s\":\"a\",}", "{\"s\":1 \"i\":2}", "{\"s\":\"a\",\"i\":}", "{\"unknown\":1,\"s\":")) {
            Outcome streaming = build(builder(), payload, false);
            assertThat(streaming).as(payload).isEqualTo(build(builder(), payload, true));
            assertThat(streaming.refusal()).as(payload).isNotNull();
        }
    }

    private static SinkRowBuilder builder() throws Exception {
        return new SinkRowBuilder(settings(), WriteMode.COLUMNAR, COLUMNS);
    }

    /** One record: parsed first (tree path) or not (streaming path). */
    private static Outcome build(SinkRowBuilder builder, String payload, boolean parseFirst) throws Exception {
        Message message = Message.of(payload.getBytes(StandardCharsets.UTF_8));
        if (parseFirst) {
            message.json();
        }
        try {
            SinkRow row = builder.build(0, message);
            return new Outcome(new ArrayList<>(row.values().entrySet()), builder.takeMissingColumns(), null, !message.isParsed());
        } catch (RecordRefusedException e) {
            return new Outcome(null, builder.takeMissingColumns(), e.getMessage(), false);
        }
    }

    /** streamed is left out of equality: it says which path ran, not what it gave. */
    record Outcome(List<Map.Entry<String, String>> values, Set<String> missing, String refusal, boolean streamed) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome other && java.util.Objects.equals(values, other.values) && missing.equals(other.missing)
                    && java.util.Objects.equals(refusal, other.refusal);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(values, missing, refusal);
        }
    }

    private static String randomObject(Random random) {
        List<String> names = new ArrayList<>(TYPES.keySet());
        names.addAll(List.of("extra", "other"));
        StringBuilder out = new StringBuilder("{");
        int fields = 1 + random.nextInt(8);
        for (int f = 0; f < fields; f++) {
            if (f > 0) {
                out.append(random.nextInt(4) == 0 ? " , " : ",");
            }
            out.append('"').append(names.get(random.nextInt(names.size()))).append("\":").append(randomValue(random, 0));
        }
        // at least one column, so that the record is one the streaming path takes
        return out.append(",\"s\":\"last\"}").toString();
    }

    private static String randomValue(Random random, int depth) {
        int kind = random.nextInt(depth < 3 ? 10 : 8);
        if (kind < 8) {
            return SCALARS[random.nextInt(SCALARS.length)];
        }
        StringBuilder out = new StringBuilder();
        int items = random.nextInt(4);
        if (kind == 8) {
            out.append('[');
            for (int i = 0; i < items; i++) {
                out.append(i > 0 ? "," : "").append(randomValue(random, depth + 1));
            }
            return out.append(']').toString();
        }
        out.append('{');
        for (int i = 0; i < items; i++) {
            out.append(i > 0 ? "," : "").append("\"f").append(random.nextInt(3)).append("\":").append(randomValue(random, depth + 1));
        }
        return out.append('}').toString();
    }

    private static PostgresSinkSettings settings() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", JSON.readTree("{\"connectionString\":\"postgres://u@h/db\",\"table\":\"t\"}"),
                PostgresOptions.SINK, errors);
        assertThat(errors.list()).isEmpty();
        return PostgresSinkSettings.from(c);
    }
}
