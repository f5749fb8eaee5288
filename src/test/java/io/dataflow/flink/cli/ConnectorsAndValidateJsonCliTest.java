package io.dataflow.flink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.ConnectorRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code connectors}, {@code connectors TYPE} and {@code validate --json}, run in-process as a user would. */
class ConnectorsAndValidateJsonCliTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    /** The line of {@code connectors} output that starts with {@code type}. */
    private String lineOf(String type) {
        return out.toString().lines().filter(l -> l.startsWith(type + " ")).findFirst().orElse("(no line for " + type + ")");
    }

    @Test
    void connectorsListsEveryRegisteredTypeWithItsRoles() {
        assertThat(run("connectors")).isEqualTo(0);
        TreeSet<String> types = new TreeSet<>(ConnectorRegistry.sourceTypes());
        types.addAll(ConnectorRegistry.sinkTypes());
        assertThat(types).contains("kafka", "postgresql", "clickhouse");
        for (String type : types) {
            ConnectorFactory f = ConnectorRegistry.find(type).orElseThrow();
            String roles = f.isSource() && f.isSink() ? "source, sink" : f.isSource() ? "source" : "sink";
            assertThat(lineOf(type)).as(type).matches(type + " +" + roles + " {2,}.*");
        }
        // Spelled out for the types whose roles a user relies on, independent of the factory's own answer.
        assertThat(lineOf("kafka")).matches("kafka +source, sink .*");
        assertThat(lineOf("postgresql")).matches("postgresql +source, sink .*");
    }

    @Test
    void connectorsTypePrintsItsOptionsFromTheDeclarations() {
        assertThat(run("connectors", "postgresql")).isEqualTo(0);
        String text = out.toString();
        assertThat(text).startsWith("postgresql (source, sink): ").contains("Source options:", "Sink options:",
                "NAME", "TYPE", "DEFAULT", "REQUIRED", "SECRET", "DESCRIPTION");
        List<String> sinkLines = text.substring(text.indexOf("Sink options:")).lines().toList();
        assertThat(cells(sinkLines, "connectionString")).startsWith("connectionString", "string", "-", "yes", "yes");
        assertThat(cells(sinkLines, "table")).startsWith("table", "string", "-", "yes", "no");
        // Defaults as the docs show them; an empty default is spelled "" so that no cell is blank.
        assertThat(cells(sinkLines, "batchSize")).startsWith("batchSize", "int", "100", "no", "no");
        assertThat(cells(sinkLines, "onDuplicateKey")).startsWith("onDuplicateKey", "skip | refuse", "skip", "no", "no");
        assertThat(cells(sinkLines, "flattenMetadataColumnsPrefix")).startsWith("flattenMetadataColumnsPrefix", "string", "\"\"", "no", "no");
    }

    /** The cells of an option's row (columns are separated by at least two spaces). */
    private static String[] cells(List<String> lines, String option) {
        return lines.stream().filter(l -> l.startsWith("  " + option + " ")).findFirst().orElseThrow().trim().split(" {2,}");
    }

    @Test
    void anUnknownTypeExitsTwoNamingTheKnownTypes() {
        assertThat(run("connectors", "postgres")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown connector type postgres", "known: ").contains("postgresql", "kafka", "clickhouse");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void validateJsonGivesEveryErrorWithItsPathAndExitTwo() throws Exception {
        Path m = write("bad.yaml", """
                source: {type: kafka, config: {topic: 5}}
                sink:
                  type: postgresql
                  config: {connectionString: "postgres://app:InlinePw99@db:5432/shop", batchSize: x}
                extra: 1
                """);
        assertThat(run("validate", "--json", m.toString())).isEqualTo(2);
        JsonNode result = new ObjectMapper().readTree(out.toString());
        assertThat(result.get("valid").asBoolean()).isFalse();
        List<String> paths = new ArrayList<>();
        result.get("errors").forEach(e -> {
            paths.add(e.get("path").asText());
            assertThat(e.get("message").asText()).isNotBlank();
        });
        assertThat(paths).contains("source.config.brokers", "sink.config.table", "sink.config.batchSize", "extra");
        assertThat(out.toString()).doesNotContain("InlinePw99");
        assertThat(err.toString()).doesNotContain("InlinePw99");
    }

    @Test
    void validateJsonMasksSecretsInMessagesAsTheTextOutputDoes() throws Exception {
        Path m = write("badpw.yaml", """
                source: {type: kafka, config: {brokers: ["127.0.0.1:9092"], topic: orders}}
                sink:
                  type: postgresql
                  config: {connectionString: "postgres://app:InlinePw99@db:notaport/shop", table: public.orders}
                """);
        assertThat(run("validate", m.toString())).isEqualTo(2);
        String text = err.toString();
        assertThat(run("validate", "--json", m.toString())).isEqualTo(2);
        assertThat(text + out).doesNotContain("InlinePw99");
        JsonNode errors = new ObjectMapper().readTree(out.toString()).get("errors");
        assertThat(errors).isNotEmpty();
        assertThat(errors.get(0).get("path").asText()).isEqualTo("sink.config.connectionString");
        // Each JSON error is exactly a line of the text output, so whatever the text masks, the JSON masks too.
        errors.forEach(e -> assertThat(text).contains(e.get("path").asText() + ": " + e.get("message").asText()));
    }

    @Test
    void validateJsonOnAValidManifestIsExitZero() throws Exception {
        Path m = write("orders.yaml", """
                source: {type: kafka, config: {brokers: ["127.0.0.1:9092"], topic: orders}}
                sink: {type: postgresql, config: {connectionString: "postgres://app:pw@db:5432/shop", table: public.orders}}
                """);
        assertThat(run("validate", "--json", m.toString())).isEqualTo(0);
        JsonNode result = new ObjectMapper().readTree(out.toString());
        assertThat(result.get("valid").asBoolean()).isTrue();
        assertThat(result.get("errors").isArray()).isTrue();
        assertThat(result.get("errors")).isEmpty();
    }

    @Test
    void validateJsonReportsAMissingFileAsAnError() throws Exception {
        assertThat(run("validate", "--json", dir.resolve("nope.yaml").toString())).isEqualTo(2);
        JsonNode result = new ObjectMapper().readTree(out.toString());
        assertThat(result.get("errors").get(0).get("message").asText()).isEqualTo("file not found");
    }
}
