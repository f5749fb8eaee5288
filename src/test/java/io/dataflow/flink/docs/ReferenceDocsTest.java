package io.dataflow.flink.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/CONNECTORS.md and the pages under docs/reference/ are generated from the declared options; this fails when
 * one is stale or a page of a type that no longer exists is left (regenerate with -Ddocs.update=true).
 */
class ReferenceDocsTest {

    private static final String REGENERATE = "mvn -q test -Dtest=ReferenceDocsTest -Ddocs.update=true";
    private static final Path DOCS = Path.of(System.getProperty("dataflow.project.dir", System.getProperty("user.dir")), "docs");

    @Test
    void committedReferenceMatchesTheCode() throws Exception {
        check(DOCS.resolve("CONNECTORS.md"), ReferenceDocs.markdown());
    }

    @Test
    void committedPagesMatchTheCode() throws Exception {
        Map<String, String> pages = ReferenceDocs.pages();
        assertThat(pages).containsKeys("reference/README.md", "reference/connectors/postgresql.md", "reference/transformations/mask.md");
        if (Boolean.getBoolean("docs.update") && Files.isDirectory(DOCS.resolve("reference"))) {
            for (String stale : committedPages()) {
                if (!pages.containsKey(stale)) {
                    Files.delete(DOCS.resolve(stale));
                }
            }
        }
        for (Map.Entry<String, String> page : pages.entrySet()) {
            check(DOCS.resolve(page.getKey()), page.getValue());
        }
        assertThat(committedPages()).as("no page of a type that no longer exists (%s)", REGENERATE).isEqualTo(new TreeSet<>(pages.keySet()));
    }

    private static Set<String> committedPages() throws IOException {
        try (Stream<Path> files = Files.walk(DOCS.resolve("reference"))) {
            return files.filter(Files::isRegularFile).map(p -> DOCS.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static void check(Path file, String generated) throws IOException {
        if (Boolean.getBoolean("docs.update")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(file)).as("%s exists (%s)", file, REGENERATE).isTrue();
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).as("%s is stale: %s", file, REGENERATE).isEqualTo(generated);
    }
}
