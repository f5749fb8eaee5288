package io.dataflow.flink.manifest;

import io.dataflow.flink.config.SecretMasker;
import io.dataflow.flink.config.ManifestException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dataflow.flink.connector.ConnectorRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The 14 example compositions of the original's documentation (docs/ORIGINAL.md#example-compositions, A–N), copied unchanged under
 * {@code manifests/original/}: manifests written for the original must work here unchanged. A fixture whose
 * connector types are all registered validates without errors; one that uses a type this project does not have yet
 * fails with exactly the unsupported-type error.
 */
class OriginalExampleManifestsTest {

    /**
     * Connector types the fixtures use that are not registered yet. When one arrives, {@link
     * #theExpectedMissingTypesAreStillMissing} fails: take it off this list, and its fixtures must then validate.
     */
    static final Set<String> EXPECTED_MISSING = Set.of();

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    static Path secretsDir;

    static Stream<Path> fixtures() throws IOException, URISyntaxException {
        Path dir = Path.of(OriginalExampleManifestsTest.class.getResource("/manifests/original").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).as("the 14 compositions A–N").hasSize(14);
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void validatesUnchangedOrFailsOnlyOnAConnectorTypeThatIsNotThereYet(Path file) throws IOException {
        JsonNode spec = YAML.readTree(file.toFile()).path("spec");
        writeTheSecretsItReferences(spec);
        Set<String> missing = unregisteredTypes(spec);
        assertThat(missing).as("connector types of %s that are not registered", file.getFileName())
                .isSubsetOf(EXPECTED_MISSING);

        // The fixtures use no ${env:…}; an empty environment keeps the test independent of the machine's.
        SecretMasker masker = new SecretMasker();
        ManifestParser parser = new ManifestParser(new SecretResolver(secretsDir, Map.<String, String>of()::get, masker), masker);
        ManifestException e = catchThrowableOfType(ManifestException.class, () -> parser.parse(file));
        if (missing.isEmpty()) {
            assertThat(e).as("%s is rejected: %s", file.getFileName(), e == null ? "" : e.errors()).isNull();
        } else {
            assertThat(e).as("%s uses %s", file.getFileName(), missing).isNotNull();
            assertThat(e.errors()).as("errors of %s", file.getFileName()).allSatisfy(error -> {
                assertThat(error.path()).endsWith("type");
                assertThat(error.message()).matches("unsupported (source|sink) type \"(" + String.join("|", missing) + ")\".*");
            });
        }
    }

    @Test
    void theExpectedMissingTypesAreStillMissing() {
        for (String type : EXPECTED_MISSING) {
            assertThat(ConnectorRegistry.find(type))
                    .as("%s is registered now: remove it from EXPECTED_MISSING so that its fixtures must validate", type)
                    .isEmpty();
        }
    }

    /** Source, sink, route sink and error sink types that are not registered in the right role. */
    private static Set<String> unregisteredTypes(JsonNode spec) {
        Set<String> missing = new TreeSet<>();
        String source = spec.path("source").path("type").asText();
        if (!ConnectorRegistry.sourceTypes().contains(source)) {
            missing.add(source);
        }
        List<JsonNode> sinks = new java.util.ArrayList<>(List.of(spec.path("sink"), spec.path("errors")));
        for (JsonNode step : spec.path("transformations")) {
            step.path("config").path("routes").forEach(route -> sinks.add(route.path("sink")));
        }
        for (JsonNode sink : sinks) {
            String type = sink.path("type").asText("");
            if (!type.isEmpty() && !ConnectorRegistry.sinkTypes().contains(type)) {
                missing.add(type);
            }
        }
        return missing;
    }

    /** Every {@code <field>SecretRef: {name, key}} gets a file with a plausible value for its field. */
    private static void writeTheSecretsItReferences(JsonNode node) throws IOException {
        if (node.isArray()) {
            for (JsonNode child : node) {
                writeTheSecretsItReferences(child);
            }
        }
        if (!node.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().endsWith("SecretRef")) {
                Path file = secretsDir.resolve(field.getValue().path("name").asText()).resolve(field.getValue().path("key").asText());
                Files.createDirectories(file.getParent());
                Files.writeString(file, valueFor(field.getKey().substring(0, field.getKey().length() - "SecretRef".length())));
            } else {
                writeTheSecretsItReferences(field.getValue());
            }
        }
    }

    private static String valueFor(String field) {
        return switch (field) {
            case "connectionString" -> "postgres://app:pw@pg:5432/app?sslmode=disable";
            case "brokers" -> "b1:9092,b2:9092";
            default -> "value-of-" + field;
        };
    }
}
