package io.dataflow.flink.manifest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/CONNECTORS.md is generated from the declared options; this fails when it is stale. */
class ReferenceDocsTest {

    @Test
    void committedReferenceMatchesTheCode() throws Exception {
        Path file = Path.of(System.getProperty("dataflow.project.dir", System.getProperty("user.dir")), "docs", "CONNECTORS.md");
        String generated = ReferenceDocs.markdown();
        if (Boolean.getBoolean("docs.update")) {
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(file)).as("docs/CONNECTORS.md exists (regenerate with -Ddocs.update=true)").isTrue();
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .as("docs/CONNECTORS.md is stale: mvn -q test -Dtest=ReferenceDocsTest -Ddocs.update=true")
                .isEqualTo(generated);
    }
}
