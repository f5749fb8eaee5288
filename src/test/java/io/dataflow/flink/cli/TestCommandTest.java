package io.dataflow.flink.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code test MANIFEST --input FILE}, in process: no Kafka is running for these, none is needed. */
class TestCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private static final String KAFKA = "{type: kafka, config: {brokers: [\"127.0.0.1:1\"], topic: %s}}";

    /** A filter, a cast that runs only `when` the key is `typed`, and a router with two routes. */
    private static final String MANIFEST = """
            source: %s
            transformations:
              - type: filter
                config: {condition: "status != draft"}
              - type: cast
                when: "metadata.key == typed"
                config: {spec: {amount: int64}}
              - type: router
                config:
                  routes:
                    - condition: "region == eu"
                      sink: %s
                    - condition: "region == us"
                      sink: %s
            sink: %s
            """.formatted(KAFKA.formatted("orders"), KAFKA.formatted("eu"), KAFKA.formatted("us"), KAFKA.formatted("other"));

    private static final String INPUT = """
            {"status":"draft","region":"eu"}
            typed\t{"status":"new","region":"eu","amount":"12"}
            {"status":"new","region":"us","amount":"abc"}
            typed\t{"status":"new","region":"us","amount":"abc"}

            {"status":"new","region":"apac"}
            """;

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    @Test
    void printsWhereEveryRecordGoes() throws Exception {
        Path m = write("m.yaml", MANIFEST + "errors: " + KAFKA.formatted("errs") + "\n");
        Path in = write("in.jsonl", INPUT);
        assertThat(run("test", m.toString(), "--input", in.toString())).isEqualTo(0);
        assertThat(out.toString().lines()).containsExactly(
                "{\"to\":\"filtered\",\"value\":{\"status\":\"draft\",\"region\":\"eu\"}}",
                "{\"to\":\"route-0\",\"value\":{\"status\":\"new\",\"region\":\"eu\",\"amount\":12}}",
                "{\"to\":\"route-1\",\"value\":{\"status\":\"new\",\"region\":\"us\",\"amount\":\"abc\"}}",
                "{\"to\":\"errors\",\"value\":{\"status\":\"new\",\"region\":\"us\",\"amount\":\"abc\"},"
                        + "\"reason\":\"transformations[1] (cast): field amount: cannot cast a string to int64\"}",
                "{\"to\":\"sink\",\"value\":{\"status\":\"new\",\"region\":\"apac\"}}");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void withoutAnErrorSinkAFailedRecordIsShownAsDropped() throws Exception {
        Path m = write("m.yaml", MANIFEST);
        Path in = write("in.jsonl", "typed\t{\"status\":\"new\",\"amount\":\"abc\"}\n");
        assertThat(run("test", m.toString(), "--input", in.toString())).isEqualTo(0);
        assertThat(out.toString()).startsWith("{\"to\":\"errors\",").contains("\"dropped\":\"the manifest has no errors sink");
    }

    @Test
    void readsStandardInputForDash() throws Exception {
        Path m = write("m.yaml", MANIFEST);
        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream("{\"status\":\"new\",\"region\":\"us\"}\n".getBytes(StandardCharsets.UTF_8)));
        try {
            assertThat(run("test", m.toString(), "--input", "-")).isEqualTo(0);
        } finally {
            System.setIn(stdin);
        }
        assertThat(out.toString()).isEqualTo("{\"to\":\"route-1\",\"value\":{\"status\":\"new\",\"region\":\"us\"}}" + System.lineSeparator());
    }

    @Test
    void anInvalidManifestIsExitTwoNamingTheField() throws Exception {
        Path m = write("m.yaml", MANIFEST.replace("status != draft", "status != (draft"));
        Path in = write("in.jsonl", INPUT);
        assertThat(run("test", m.toString(), "--input", in.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("invalid manifest", "transformations[0].config.condition");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aLineThatIsNotJsonIsExitTwoNamingTheLineBeforeAnythingRuns() throws Exception {
        Path m = write("m.yaml", MANIFEST);
        Path in = write("in.jsonl", "{\"status\":\"new\"}\n{\"status\": new}\n");
        assertThat(run("test", m.toString(), "--input", in.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("line 2: not a JSON value");
        assertThat(out.toString()).isEmpty();
    }
}
