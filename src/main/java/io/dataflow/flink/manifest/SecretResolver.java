package io.dataflow.flink.manifest;

import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.config.SecretMasker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secret references in the connector settings of a manifest before validation (the parser decides which
 * parts those are; transformations are not):
 * <ul>
 *   <li>{@code ${env:NAME}} and {@code ${file:/path}} anywhere inside a string value (other {@code ${…}} forms,
 *       such as {@code insertField}'s {@code ${metadata.key}} and {@code ${now}}, are left alone);</li>
 *   <li>every {@code <field>SecretRef: {name, key}} sets {@code <field>} to the content of
 *       {@code <secrets dir>/<name>/<key>} — the layout of a Kubernetes Secret mounted as a volume — overriding
 *       a literal {@code <field>}.</li>
 * </ul>
 * A reference that cannot be resolved is a validation error naming the field; its value never appears in messages.
 * Every resolved value is registered with the {@link SecretMasker}.
 */
public final class SecretResolver {

    public static final String DEFAULT_SECRETS_DIR = "/etc/dataflow/secrets";
    public static final String SECRETS_DIR_ENV = "DATAFLOW_SECRETS_DIR";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(env|file):([^}]*)}");

    private final Path secretsDir;
    private final Function<String, String> env;
    private final SecretMasker masker;

    public SecretResolver(Path secretsDir, Function<String, String> env, SecretMasker masker) {
        this.secretsDir = secretsDir;
        this.env = env;
        this.masker = masker;
    }

    /** The secrets directory from {@code --secrets-dir}, else {@code DATAFLOW_SECRETS_DIR}, else the default. */
    public static Path secretsDir(String flag, Function<String, String> env) {
        if (flag != null && !flag.isBlank()) {
            return Path.of(flag);
        }
        String fromEnv = env.apply(SECRETS_DIR_ENV);
        return Path.of(fromEnv == null || fromEnv.isBlank() ? DEFAULT_SECRETS_DIR : fromEnv);
    }

    /** Resolves references in place. */
    public void resolve(JsonNode root, ValidationErrors errors) {
        walk(root, "", errors);
    }

    /** Resolves references in place in the subtree {@code node}, whose errors are reported under {@code path}. */
    public void resolve(JsonNode node, String path, ValidationErrors errors) {
        walk(node, path, errors);
    }

    /**
     * Reports every {@code ${env:}} / {@code ${file:}} in {@code node} as an error and leaves it as it is: used for
     * the parts of a manifest that are not connector settings (transformations), whose values end up in records —
     * resolving there would let a manifest copy any file the job can read into its output.
     */
    public static void rejectReferences(JsonNode node, String path, ValidationErrors errors) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            if (PLACEHOLDER.matcher(node.asText()).find()) {
                errors.add(path, "${file:} and ${env:} are resolved only in connector settings (source, sink, errors, "
                        + "route sinks); a transformation cannot read files or environment variables");
            }
        } else if (node instanceof ObjectNode) {
            node.fields().forEachRemaining(f -> rejectReferences(f.getValue(), ValidationErrors.child(path, f.getKey()), errors));
        } else if (node instanceof ArrayNode) {
            for (int i = 0; i < node.size(); i++) {
                rejectReferences(node.get(i), ValidationErrors.index(path, i), errors);
            }
        }
    }

    private void walk(JsonNode node, String path, ValidationErrors errors) {
        if (node instanceof ObjectNode) {
            ObjectNode object = (ObjectNode) node;
            List<String> refs = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String childPath = ValidationErrors.child(path, field.getKey());
                if (field.getKey().endsWith(ConfigValidator.SECRET_REF_SUFFIX) && field.getKey().length() > ConfigValidator.SECRET_REF_SUFFIX.length()) {
                    refs.add(field.getKey());
                } else if (field.getValue().isTextual()) {
                    String resolved = substitute(field.getValue().asText(), childPath, errors);
                    if (resolved != null) {
                        field.setValue(TextNode.valueOf(resolved));
                    }
                } else {
                    walk(field.getValue(), childPath, errors);
                }
            }
            for (String refKey : refs) {
                String target = refKey.substring(0, refKey.length() - ConfigValidator.SECRET_REF_SUFFIX.length());
                String value = readSecretRef(object.get(refKey), ValidationErrors.child(path, refKey), errors);
                if (value != null) {
                    object.put(target, value);
                }
            }
        } else if (node instanceof ArrayNode) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                JsonNode item = array.get(i);
                String childPath = ValidationErrors.index(path, i);
                if (item.isTextual()) {
                    String resolved = substitute(item.asText(), childPath, errors);
                    if (resolved != null) {
                        array.set(i, TextNode.valueOf(resolved));
                    }
                } else {
                    walk(item, childPath, errors);
                }
            }
        }
    }

    /** Returns the string with placeholders replaced, or null when it had none (or one failed). */
    private String substitute(String text, String path, ValidationErrors errors) {
        if (!text.contains("${")) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        boolean any = false;
        boolean failed = false;
        while (m.find()) {
            any = true;
            String value = m.group(1).equals("env") ? fromEnv(m.group(2), path, errors) : fromFile(m.group(2), path, errors);
            if (value == null) {
                failed = true;
                continue;
            }
            masker.add(value);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return any && !failed ? out.toString() : null;
    }

    private String fromEnv(String name, String path, ValidationErrors errors) {
        if (name.isBlank()) {
            errors.add(path, "${env:} needs a variable name");
            return null;
        }
        String value = env.apply(name.trim());
        if (value == null) {
            errors.add(path, "environment variable " + name.trim() + " is not set");
        }
        return value;
    }

    private String fromFile(String file, String path, ValidationErrors errors) {
        if (file.isBlank()) {
            errors.add(path, "${file:} needs a path");
            return null;
        }
        return readFile(Path.of(file.trim()), path, "file " + file.trim(), errors);
    }

    private String readSecretRef(JsonNode ref, String path, ValidationErrors errors) {
        if (ref == null || !ref.isObject()) {
            errors.add(path, "must be an object {name, key}");
            return null;
        }
        String name = ref.path("name").asText("");
        String key = ref.path("key").asText("");
        boolean ok = true;
        for (Iterator<String> it = ref.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("name") && !f.equals("key") && !f.equals("namespace")) {
                errors.add(ValidationErrors.child(path, f), "unknown field (known: name, key, namespace)");
                ok = false;
            }
        }
        if (name.isBlank()) {
            errors.add(ValidationErrors.child(path, "name"), "required");
            ok = false;
        }
        if (key.isBlank()) {
            errors.add(ValidationErrors.child(path, "key"), "required");
            ok = false;
        }
        if (!ok) {
            return null;
        }
        if (name.contains("/") || name.contains("..") || key.contains("/") || key.contains("..")) {
            errors.add(path, "name and key must not contain '/' or '..'");
            return null;
        }
        String value = readFile(secretsDir.resolve(name).resolve(key), path,
                "secret " + name + "/" + key + " (looked for " + secretsDir.resolve(name).resolve(key) + ")", errors);
        if (value != null) {
            masker.add(value);
        }
        return value;
    }

    private static String readFile(Path file, String path, String what, ValidationErrors errors) {
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8);
            // Secret files written by hand usually end with a newline that is not part of the secret.
            return value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
                    : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
        } catch (IOException e) {
            errors.add(path, what + " cannot be read");
            return null;
        }
    }
}
