package io.dataflow.flink.manifest;

import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.config.ManifestException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestParserTest {

    private static final String SPEC = """
            source:
              type: kafka
              config:
                brokers: ["localhost:9092"]
                topic: orders
                consumerGroup: orders-to-pg
            sink:
              type: postgresql
              config:
                connectionString: "postgres://app:pw@localhost:5432/shop?sslmode=disable"
                table: sales.orders
                upsertMode: true
                conflictKey: order_id
                batchSize: 200
            """;

    @TempDir
    Path dir;

    private ManifestParser parser() {
        return ManifestParser.forEnvironment(dir.resolve("secrets"));
    }

    @Test
    void bareSpecAndDataFlowResourceGiveTheSameManifest() {
        Manifest bare = parser().parse(SPEC, "orders-to-pg");
        String resource = "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlow\nmetadata:\n  name: orders-to-pg\n  namespace: etl\nspec:\n"
                + SPEC.lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
        Manifest fromResource = parser().parse(resource, "ignored-file-name");
        assertThat(fromResource.name()).isEqualTo("orders-to-pg");
        assertThat(fromResource.source()).isEqualTo(bare.source());
        assertThat(fromResource.sink()).isEqualTo(bare.sink());
        assertThat(fromResource.transformations()).isEqualTo(bare.transformations());
        assertThat(fromResource.settings()).isEqualTo(bare.settings());
    }

    @Test
    void jsonIsAcceptedToo() {
        String json = "{\"source\":{\"type\":\"kafka\",\"config\":{\"brokers\":[\"b:9092\"],\"topic\":\"t\"}},"
                + "\"sink\":{\"type\":\"kafka\",\"config\":{\"brokers\":\"b:9092\",\"topic\":\"u\"}}}";
        Manifest m = parser().parse(json, "copy");
        assertThat(m.source().type()).isEqualTo("kafka");
        assertThat(m.sink().config().raw("topic")).isEqualTo("u");
        assertThat(m.sink().config().raw("brokers")).isEqualTo(List.of("b:9092"));
    }

    @Test
    void nameComesFromTheFileWhenBare() throws Exception {
        Path file = dir.resolve("clicks-raw.yaml");
        Files.writeString(file, SPEC);
        assertThat(parser().parse(file).name()).isEqualTo("clicks-raw");
    }

    /** Polling and CDC sources read once; replicas above 1 runs their transformations and sinks that wide. */
    @Test
    void replicasAboveOneIsAcceptedBehindPollingAndCdcSources() {
        String sink = "sink: {type: kafka, config: {brokers: [localhost:9092], topic: out}}\n";
        for (String source : List.of(
                "source: {type: postgresql, config: {connectionString: \"postgres://p@localhost/db\", table: t}}\n",
                "source: {type: postgresql-cdc, config: {connectionString: \"postgres://p@localhost/db\", slotName: s, "
                        + "publicationName: p, tables: [public.t]}}\n")) {
            assertThat(parser().parse("replicas: 3\n" + source + sink, "x").settings().parallelism()).as(source).isEqualTo(3);
        }
    }

    @Test
    void topLevelFieldsOfTheOriginalAreMappedOrWarnedAbout() {
        String spec = "replicas: 3\ncheckpointSaveInterval: 5s\ncheckpointReset: true\nstrictIdempotency: true\n"
                + "ackGranularity: message\nchannelBufferSize: 200\ntransformWorkers: 4\ncheckpointPersistence: false\n"
                + "resources: {requests: {cpu: 500m}}\nprocessorImage: x\n" + SPEC;
        Manifest m = parser().parse(spec, "x");
        assertThat(m.settings()).isEqualTo(new JobSettings(3, Duration.ofSeconds(5), true, true));
        assertThat(m.warnings()).hasSize(6).anySatisfy(w -> assertThat(w).startsWith("ackGranularity:"))
                .anySatisfy(w -> assertThat(w).startsWith("channelBufferSize:"))
                .anySatisfy(w -> assertThat(w).startsWith("transformWorkers:"))
                .anySatisfy(w -> assertThat(w).startsWith("checkpointPersistence:"))
                .anySatisfy(w -> assertThat(w).startsWith("resources:"))
                .anySatisfy(w -> assertThat(w).startsWith("processorImage:"));
    }

    @Test
    void maintenanceIsReadIntoTheSettingsWithoutAWarning() {
        Manifest m = parser().parse("maintenance: {suspended: true, startTime: \"2026-12-06T02:00:00+01:00\", duration: 2h, repeat: weekly,"
                + " timezone: Europe/Berlin, description: db upgrade}\n" + SPEC, "x");
        assertThat(m.warnings()).isEmpty();
        assertThat(m.settings().maintenance().suspended()).isTrue();
        MaintenanceSchedule window = m.settings().maintenance().window();
        assertThat(window.zone()).hasToString("Europe/Berlin");
        assertThat(window.description()).isEqualTo("db upgrade");
        assertThat(window.activeUntil(java.time.Instant.parse("2026-12-13T02:30:00Z"))).contains(java.time.Instant.parse("2026-12-13T03:00:00Z"));
    }

    @Test
    void badMaintenanceFieldsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> parser().parse("maintenance: {startTime: \"2026-12-06 02:00\", duration: 2 hours, repeat: yearly,"
                + " timezone: Mars/Olympus, suspended: \"yes\", window: 1}\n" + SPEC, "x"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContainingAll("maintenance.startTime: must be an RFC 3339 time", "maintenance.duration: invalid duration \"2 hours\"",
                        "maintenance.repeat: must be daily, weekly or monthly", "maintenance.timezone: unknown time zone \"Mars/Olympus\"",
                        "maintenance.suspended: must be true or false", "maintenance.window: unknown field");
        assertThatThrownBy(() -> parser().parse("maintenance: {startTime: \"2026-12-06T02:00:00Z\"}\n" + SPEC, "x"))
                .hasMessageContaining("maintenance.duration: required together with startTime");
        assertThatThrownBy(() -> parser().parse("maintenance: {duration: 1h, repeat: daily}\n" + SPEC, "x"))
                .hasMessageContaining("maintenance.startTime: required together with duration");
        assertThatThrownBy(() -> parser().parse("maintenance: {startTime: \"2026-12-06T02:00:00Z\", duration: 24h, repeat: daily}\n" + SPEC, "x"))
                .hasMessageContaining("maintenance.duration: duration must be shorter than");
        assertThatThrownBy(() -> parser().parse("maintenance: {startTime: \"2026-12-06T02:00:00Z\", duration: 0s}\n" + SPEC, "x"))
                .hasMessageContaining("maintenance.duration: must be positive");
    }

    @Test
    void secretsResolvedFromRefsAreMaskedEverywhere() throws Exception {
        Files.createDirectories(dir.resolve("secrets/pg-conn"));
        Files.writeString(dir.resolve("secrets/pg-conn/dsn"), "host=localhost dbname=shop user=app password=Tr0ub4dor&3\n");
        String spec = SPEC.replace("connectionString: \"postgres://app:pw@localhost:5432/shop?sslmode=disable\"",
                "connectionStringSecretRef: {name: pg-conn, key: dsn}");
        Manifest m = parser().parse(spec, "x");
        assertThat(m.sink().config().raw("connectionString")).isEqualTo("host=localhost dbname=shop user=app password=Tr0ub4dor&3");
        assertThat(m.masker().mask("failed: host=localhost dbname=shop user=app password=Tr0ub4dor&3")).doesNotContain("Tr0ub4dor");
    }

    @Test
    void everyExampleManifestIsValid() throws Exception {
        Path examples = Path.of(System.getProperty("dataflow.project.dir", System.getProperty("user.dir")), "jobs", "examples");
        List<Path> files;
        try (Stream<Path> s = Files.list(examples)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            Manifest m = parser().parse(f);
            assertThat(m.source()).as(f.toString()).isNotNull();
        }
    }

    @Test
    void unknownFieldsAnywhereAreErrorsNotIgnored() {
        ManifestException e = org.assertj.core.api.Assertions.catchThrowableOfType(ManifestException.class,
                () -> parser().parse(SPEC.replace("topic: orders", "topic: orders\n    topik: typo"), "x"));
        assertThat(e.errors()).extracting(ValidationErrors.Error::path).containsExactly("source.config.topik");
    }

    @Test
    void fileAndEnvReferencesResolveInConnectorSettingsOnly() throws Exception {
        Path secret = Files.writeString(dir.resolve("topic.txt"), "resolved-topic\n");
        String ref = "${file:" + secret + "}";
        String yaml = "source: {type: kafka, config: {brokers: [\"b:9092\"], topic: \"" + ref + "\"}}\n"
                + "transformations:\n"
                + "  - {type: router, config: {routes: [{condition: \"$.a == 1\", sink: {type: kafka, config: {brokers: [\"b:9092\"], topic: \"" + ref + "\"}}}]}}\n"
                + "sink: {type: kafka, config: {brokers: [\"b:9092\"], topic: \"" + ref + "\"}}\n"
                + "errors: {type: kafka, config: {brokers: [\"b:9092\"], topic: \"" + ref + "\"}}\n";
        Manifest m = parser().parse(yaml, "refs");
        assertThat(m.source().config().raw("topic")).isEqualTo("resolved-topic");
        assertThat(m.sink().config().raw("topic")).isEqualTo("resolved-topic");
        assertThat(m.routes().get(0).sink().config().raw("topic")).isEqualTo("resolved-topic");
        assertThat(m.errorSink().sink().config().raw("topic")).isEqualTo("resolved-topic");

        String reading = "source: {type: kafka, config: {brokers: [\"b:9092\"], topic: t}}\n"
                + "transformations: [{type: insertField, config: {fields: {copied: \"" + ref + "\"}}}]\n"
                + "sink: {type: kafka, config: {brokers: [\"b:9092\"], topic: u}}\n";
        assertThatThrownBy(() -> parser().parse(reading, "reads-a-file"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("transformations[0].config.fields.copied: ${file:} and ${env:} are resolved only in connector settings")
                .hasMessageNotContaining("resolved-topic");
    }
}
