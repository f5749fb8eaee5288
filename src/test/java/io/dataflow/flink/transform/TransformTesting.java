package io.dataflow.flink.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.manifest.Config;
import io.dataflow.flink.manifest.ConfigValidator;
import io.dataflow.flink.manifest.ValidationErrors;
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
        Config validated = ConfigValidator.validate("transformations[0].config", config, factory.options(), errors);
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
        Config validated = ConfigValidator.validate("transformations[0].config", config, factory.options(), errors);
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
}
