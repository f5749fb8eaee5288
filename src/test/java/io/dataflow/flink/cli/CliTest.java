package io.dataflow.flink.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {

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

    private static final String VALID = """
            source: {type: kafka, config: {brokers: ["127.0.0.1:9092"], topic: orders}}
            sink:
              type: postgresql
              config:
                connectionStringSecretRef: {name: pg, key: dsn}
                table: public.orders
            """;

    private Path secrets() throws Exception {
        Files.createDirectories(dir.resolve("secrets/pg"));
        Files.writeString(dir.resolve("secrets/pg/dsn"), "postgres://app:SuperSecret42@db.internal:5432/shop");
        return dir.resolve("secrets");
    }

    @Test
    void validateExitsZeroForAValidManifest() throws Exception {
        Path m = write("orders.yaml", VALID);
        assertThat(run("validate", "--secrets-dir", secrets().toString(), m.toString())).isEqualTo(0);
        assertThat(out.toString()).contains("valid: orders (kafka -> 0 transformation(s) -> postgresql)");
    }

    @Test
    void validateExitsTwoWithEveryErrorAndNoStackTrace() throws Exception {
        Path m = write("bad.yaml", "source: {type: kafka, config: {topic: 5}}\nsink: {type: postgresql, config: {batchSize: x}}\nextra: 1\n");
        assertThat(run("validate", m.toString())).isEqualTo(2);
        assertThat(err.toString())
                .contains("invalid manifest", "source.config.brokers: required", "sink.config.table: required",
                        "sink.config.batchSize: must be a whole number", "extra: unknown field")
                .doesNotContain("Exception", "\tat ");
    }

    @Test
    void runRefusesASuspendedManifestWithExitThree() throws Exception {
        Path m = write("orders.yaml", "maintenance: {suspended: true}\n" + VALID);
        assertThat(run("run", "--local", "--secrets-dir", secrets().toString(), m.toString())).isEqualTo(3);
        assertThat(err.toString()).contains("not started: manifest orders is suspended (maintenance.suspended: true)")
                .doesNotContain("Flink web UI");
    }

    @Test
    void missingFileIsExitTwo() {
        assertThat(run("validate", dir.resolve("nope.yaml").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("file not found");
    }

    @Test
    void planShowsOperatorsUidsParallelismAndMasksSecrets() throws Exception {
        Path m = write("orders.yaml", "replicas: 2\n" + VALID);
        assertThat(run("plan", "--secrets-dir", secrets().toString(), m.toString())).isEqualTo(0);
        assertThat(out.toString())
                .contains("source: kafka", "uid:         orders-source", "sink: postgresql", "uid:         orders-sink", "parallelism: 2")
                .doesNotContain("SuperSecret42");
        assertThat(err.toString()).doesNotContain("SuperSecret42");
    }

    @Test
    void planMasksPasswordsWrittenInline() throws Exception {
        Path m = write("inline.yaml", VALID.replace("connectionStringSecretRef: {name: pg, key: dsn}",
                "connectionString: \"postgres://app:InlinePw99@db:5432/shop\""));
        assertThat(run("plan", "--json", m.toString())).isEqualTo(0);
        assertThat(out.toString()).contains("\"connectionString\" : \"******\"").doesNotContain("InlinePw99");
    }

    @Test
    void aBareManifestPathMeansRun() {
        assertThat(Main.withDefaultCommand(new String[] {"m.yaml"})).containsExactly("run", "m.yaml");
        assertThat(Main.withDefaultCommand(new String[] {"plan", "m.yaml"})).containsExactly("plan", "m.yaml");
    }

    @Test
    void runRefusesAManifestWhoseHashDoesNotMatch() throws Exception {
        Path m = write("orders.yaml", VALID);
        assertThat(run("run", "--manifest-sha256", "00ff", m.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("SHA-256");
    }

    @Test
    void runRejectsAnInvalidManifestBeforeStartingAnything() throws Exception {
        Path m = write("bad.yaml", "source: {type: kafka, config: {}}\nsink: {type: kafka, config: {}}\n");
        assertThat(run("run", "--local", m.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("source.config.brokers: required").doesNotContain("Flink web UI");
    }

    @Test
    void runRefusesANegativeProgressInterval() throws Exception {
        Path m = write("orders.yaml", VALID);
        assertThat(run("run", "--local", "--secrets-dir", secrets().toString(), "--progress", "-1", m.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("error: --progress: -1 is negative").doesNotContain("Flink web UI");
    }

    @Test
    void runRefusesAFlinkConfDirectoryWithoutAConfigurationFile() throws Exception {
        Path m = write("orders.yaml", VALID);
        Path empty = Files.createDirectories(dir.resolve("conf"));
        assertThat(run("run", "--local", "--secrets-dir", secrets().toString(), "--flink-conf", empty.toString(), m.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("error: --flink-conf " + empty + ": no config.yaml (or legacy flink-conf.yaml) in that directory")
                .doesNotContain("Flink web UI");
    }
}
