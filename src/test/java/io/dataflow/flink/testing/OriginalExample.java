package io.dataflow.flink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.config.SecretMasker;
import io.dataflow.flink.manifest.SecretResolver;
import org.apache.flink.core.execution.JobClient;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One of the original's example compositions ({@code src/test/resources/manifests/original/}, docs/ORIGINAL.md#example-compositions) made
 * runnable here: only addresses and names are rewritten, by exact text substitutions that must each match, so that
 * the local servers and names unique to the test are used. {@link #manifest()} checks that the rewritten manifest
 * has exactly the fields of the original (same structure, only values changed) before parsing it as the CLI does,
 * with the {@code *SecretRef}s read from a directory the test fills.
 */
public final class OriginalExample {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String fixture;
    private final String original;
    private final Path secretsDir;
    private String text;

    private OriginalExample(String fixture, String original, Path secretsDir) {
        this.fixture = fixture;
        this.original = original;
        this.secretsDir = secretsDir;
        this.text = original;
    }

    public static OriginalExample load(String fileName) throws IOException {
        try (InputStream in = OriginalExample.class.getResourceAsStream("/manifests/original/" + fileName)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture manifests/original/" + fileName);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new OriginalExample(fileName, text, Files.createTempDirectory("dataflow-it-secrets-"));
        }
    }

    /** Replaces every occurrence of {@code from}; fails when there is none (the fixture changed under the test). */
    public OriginalExample replace(String from, String to) {
        if (!text.contains(from)) {
            throw new AssertionError(fixture + " does not contain \"" + from + "\"");
        }
        text = text.replace(from, to);
        return this;
    }

    /** The file a {@code {name, key}} secret reference reads. */
    public OriginalExample secret(String name, String key, String value) throws IOException {
        Path file = secretsDir.resolve(name).resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, value);
        return this;
    }

    public String text() {
        return text;
    }

    /** The rewritten manifest, validated like the CLI validates it (empty environment: the fixtures use no ${env:…}). */
    public Manifest manifest() throws IOException {
        Set<String> before = fieldPaths(YAML.readTree(original));
        Set<String> after = fieldPaths(YAML.readTree(text));
        if (!before.equals(after)) {
            throw new AssertionError(fixture + ": the substitutions changed the structure: " + before + " -> " + after);
        }
        SecretMasker masker = new SecretMasker();
        return new ManifestParser(new SecretResolver(secretsDir, Map.<String, String>of()::get, masker), masker)
                .parse(text, fixture.replace(".yaml", ""));
    }

    /**
     * Starts the job on the test's MiniCluster (checkpoints every 300 ms); the caller cancels it. Up to 3 restarts, as
     * a deployment would have: a local server's passing error (the reference REST catalog's SQLite once answered
     * "Unknown failure") then costs a restart from the last checkpoint instead of the run.
     */
    public JobClient start() throws Exception {
        return MiniClusterJobs.start(manifest(), JobCompiler.create(), 300, 3);
    }

    private static Set<String> fieldPaths(JsonNode node) {
        Set<String> out = new TreeSet<>();
        collect(node, "", out);
        return out;
    }

    private static void collect(JsonNode node, String path, Set<String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String child = path + "." + field.getKey();
                out.add(child);
                collect(field.getValue(), child, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(path + "[" + i + "]");
                collect(node.get(i), path + "[" + i + "]", out);
            }
        }
    }
}
