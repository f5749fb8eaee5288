package io.dataflow.flink.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds transformations from a JSON config the way the manifest parser does (options, then the factory's
 * cross-field rules) and runs them on messages. JSON in tests may use single quotes for readability.
 */
public final class TransformTesting {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TransformTesting() {
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Validation errors for {@code config} (empty when valid), as {@code path: message} strings. */
    public static List<String> errors(TransformerFactory factory, String config) {
        return errors(factory, config == null ? null : json(config));
    }

    public static List<String> errors(TransformerFactory factory, JsonNode config) {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues validated = ConfigValidator.validate("transformations[0].config", config, factory.options(), errors);
        if (errors.isEmpty()) {
            factory.validate(validated, errors);
        }
        List<String> out = new ArrayList<>();
        errors.list().forEach(e -> out.add(e.toString()));
        return out;
    }

    /** A transformer from a valid config; fails the test when the config is invalid. */
    public static Transformer create(TransformerFactory factory, String config) {
        return create(factory, config == null ? null : json(config));
    }

    /** A transformer from a config given as a tree (for values that contain quotes). */
    public static Transformer create(TransformerFactory factory, JsonNode config) {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues validated = ConfigValidator.validate("transformations[0].config", config, factory.options(), errors);
        if (errors.isEmpty()) {
            factory.validate(validated, errors);
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("invalid config " + config + ": " + errors.list());
        }
        return factory.create(validated);
    }

    /** A one-field config {@code {name: value}} built as a tree, so the value may contain any quote. */
    public static JsonNode config(String name, String value) {
        return JSON.createObjectNode().put(name, value);
    }

    /** A message with a JSON (single quotes allowed) or raw text payload and the given metadata. */
    public static Message message(String payload, Map<String, Object> metadata) {
        String text = payload.trim().startsWith("{") || payload.trim().startsWith("[") ? payload.replace('\'', '"') : payload;
        Message m = Message.of(text);
        m.metadata().putAll(metadata);
        return m;
    }

    public static Message message(String payload) {
        return message(payload, Map.of());
    }

    /** The payloads of the outputs as text (JSON serialized compactly). */
    public static List<String> payloads(List<Message> outputs) {
        List<String> out = new ArrayList<>();
        for (Message m : outputs) {
            out.add(m.dataAsString());
        }
        return out;
    }

    /** Runs one message through and answers the payloads. */
    public static List<String> apply(Transformer transformer, String payload) throws TransformException {
        return payloads(transformer.apply(message(payload)));
    }

    /**
     * One conformance case: runs {@code input} (JSON with single quotes, or raw text) through a transformer built
     * from {@code config} and checks the outcome. {@code expected} is {@code SAME} (the one output is the input,
     * unchanged), {@code NONE} (dropped), {@code ERROR: <text>} (TransformException containing the text), or the
     * outputs as JSON separated by {@code " ++ "} (compared as trees: key order does not matter).
     */
    public static void check(TransformerFactory factory, String config, String input, String expected) throws TransformException {
        check(create(factory, config), input, expected, Map.of());
    }

    public static void check(Transformer transformer, String input, String expected, Map<String, Object> metadata) throws TransformException {
        Message in = message(input == null ? "" : input, metadata);
        String before = in.dataAsString();
        if (expected.startsWith("ERROR:")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> transformer.apply(in))
                    .isInstanceOf(TransformException.class)
                    .hasMessageContaining(expected.substring("ERROR:".length()).trim());
            return;
        }
        List<Message> out = transformer.apply(in);
        if (expected.equals("NONE")) {
            org.assertj.core.api.Assertions.assertThat(out).isEmpty();
            return;
        }
        if (expected.equals("SAME")) {
            org.assertj.core.api.Assertions.assertThat(out).hasSize(1);
            org.assertj.core.api.Assertions.assertThat(out.get(0).dataAsString()).isEqualTo(before);
            return;
        }
        String[] wanted = expected.split(" \\+\\+ ");
        List<JsonNode> actual = new ArrayList<>();
        for (Message m : out) {
            org.assertj.core.api.Assertions.assertThat(m.json()).as("output is JSON: %s", m.dataAsString()).isNotNull();
            // Compared as serialized and read back, as a sink sees it (a long 42 and an int 42 are the same JSON).
            try {
                actual.add(JSON.readTree(m.data()));
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<JsonNode> want = new ArrayList<>();
        for (String w : wanted) {
            want.add(json(w.trim()));
        }
        org.assertj.core.api.Assertions.assertThat(actual).containsExactlyElementsOf(want);
    }
}
