package io.dataflow.flink.manifest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Every example manifest under jobs/examples validates as the CLI's {@code validate} would (no secrets needed). */
class ExampleManifestsTest {

    @Test
    void everyExampleValidates() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("jobs/examples"))) {
            examples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(examples).isNotEmpty();
        for (Path example : examples) {
            assertThatCode(() -> ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(example))
                    .as(example.toString()).doesNotThrowAnyException();
        }
    }
}
