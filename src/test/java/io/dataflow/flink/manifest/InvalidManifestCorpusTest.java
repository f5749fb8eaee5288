package io.dataflow.flink.manifest;

import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.config.ManifestException;

import io.dataflow.flink.cli.Main;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every file under {@code manifests/invalid/} must be rejected; its {@code # expect: <path>: <message start>}
 * lines name the errors the parser must report (among possibly others), and {@code dataflow-flink validate} rejects it
 * with exit code 2, a message that names the field and no stack trace.
 */
class InvalidManifestCorpusTest {

    static Stream<Path> invalidManifests() throws IOException, URISyntaxException {
        Path dir = Path.of(InvalidManifestCorpusTest.class.getResource("/manifests/invalid").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(100);
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidManifests")
    void isRejectedWithTheExpectedErrors(Path file) throws IOException {
        List<String> expected = Files.readAllLines(file).stream()
                .filter(l -> l.startsWith("# expect: "))
                .map(l -> l.substring("# expect: ".length()))
                .toList();
        assertThat(expected).as("the file names its expected errors").isNotEmpty();
        ManifestParser parser = ManifestParser.forEnvironment(file.getParent().resolve("no-secrets-here"));
        ManifestException e = catchThrowableOfType(ManifestException.class, () -> parser.parse(file));
        assertThat(e).as("rejected").isNotNull();
        List<String> reported = e.errors().stream().map(ValidationErrors.Error::toString).toList();
        for (String want : expected) {
            String normalized = want.startsWith(": ") ? want.substring(2) : want;
            assertThat(reported).as("errors of %s", file.getFileName()).anySatisfy(r -> assertThat(r).startsWith(normalized));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidManifests")
    void theCliRejectsItWithExitCode2NamingTheFieldAndNoStackTrace(Path file) throws IOException {
        String firstExpected = Files.readAllLines(file).stream()
                .filter(l -> l.startsWith("# expect: "))
                .map(l -> l.substring("# expect: ".length()))
                .findFirst().orElseThrow();
        String fieldPath = firstExpected.replaceFirst(":( .*)?$", "").strip();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "validate",
                "--secrets-dir", file.getParent().resolve("no-secrets-here").toString(), file.toString());
        String output = out + "\n" + err;
        assertThat(code).as("exit code of validate %s; output:%n%s", file.getFileName(), output).isEqualTo(2);
        if (!fieldPath.isEmpty()) {
            assertThat(output).as("the message names the field").contains(fieldPath + ":");
        }
        assertThat(output).as("no stack trace").doesNotContain("\tat ").doesNotContainPattern("[A-Za-z.]+(Exception|Error)\\b[:\\n]");
    }

    @org.junit.jupiter.api.Test
    void aManifestThatIsNotAnObjectIsRejected() {
        assertThatThrownBy(() -> ManifestParser.forEnvironment(Path.of("/nonexistent")).parse("- just\n- a list\n", "x"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("must be an object");
    }
}
