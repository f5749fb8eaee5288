package io.dataflow.flink.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.dataflow.flink.testing.ClickHouse;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.Server;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.nessie.NessieCatalog;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * target/dataflow-flink.jar as it goes onto a Flink cluster (built by {@code package} before the integration tests):
 * the libraries that Flink distributions, Hadoop class paths and users' jobs commonly carry too are relocated under
 * {@value #SHADED}, what nothing calls is not in it, and the relocated jar still runs jobs end to end
 * ({@code java -jar … run --local}) through each relocated library: Jackson's YAML (the manifest) and JSON, Avro,
 * Iceberg with Parquet and the Nessie client, and ClickHouse's client (Apache HttpClient 5, Guava, commons-lang3).
 * Also: one version, the pom's, for {@code --version}, the default image and the CHANGELOG; the Dockerfile's Flink is
 * the pom's.
 */
@RealServers({Server.KAFKA, Server.POSTGRES, Server.NESSIE, Server.CLICKHOUSE})
class ShadedJarITCase {

    private static final String SHADED = "io/dataflow/flink/shaded/";

    /** Packages of libraries a Flink cluster's lib/, a Hadoop class path or a user's job commonly carries as well. */
    private static final List<String> CLASHING = List.of(
            "com/fasterxml/jackson/", "org/yaml/snakeyaml/", "com/google/common/", "com/google/thirdparty/",
            "org/apache/avro/", "org/apache/commons/lang3/", "org/apache/commons/io/", "org/apache/commons/codec/",
            "org/apache/commons/compress/", "org/apache/commons/pool/", "org/apache/hc/", "com/github/benmanes/caffeine/",
            "org/roaringbitmap/", "io/airlift/compress/", "org/apache/parquet/", "shaded/parquet/", "org/objectweb/asm/");

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private static Path project() {
        return RealServersExtension.projectDir();
    }

    private static Path jar() {
        Path jar = project().resolve("target/dataflow-flink.jar");
        assertThat(jar).as("built by mvn package before integration tests").exists();
        return jar;
    }

    /** The entry names, with a Multi-Release jar's {@code META-INF/versions/N/} prefix taken off. */
    private static List<String> entries() throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar().toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                names.add(e.getName().replaceFirst("^META-INF/versions/\\d+/", ""));
            }
        }
        return names;
    }

    private static String pom(String xpath) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        Document pom = factory.newDocumentBuilder().parse(project().resolve("pom.xml").toFile());
        String value = XPathFactory.newInstance().newXPath().evaluate(xpath, pom).trim();
        assertThat(value).as(xpath + " in pom.xml").isNotEmpty();
        return value;
    }

    private static String pomVersion() throws Exception {
        return pom("/*[local-name()='project']/*[local-name()='version']");
    }

    @Test
    void clashingLibrariesAreRelocatedNotDropped() throws Exception {
        List<String> classes = entries().stream().filter(n -> n.endsWith(".class")).toList();
        for (String library : CLASHING) {
            assertThat(classes).as("unrelocated " + library).noneMatch(n -> n.startsWith(library));
            assertThat(classes).as("relocated " + library).anyMatch(n -> n.startsWith(SHADED + library));
        }
    }

    @Test
    void serviceFilesFollowTheRelocationWhileJdbcDriversKeepTheirNames() throws Exception {
        try (ZipFile zip = new ZipFile(jar().toFile())) {
            String jacksonModules = "META-INF/services/io.dataflow.flink.shaded.com.fasterxml.jackson.databind.Module";
            assertThat(zip.getEntry(jacksonModules)).as(jacksonModules).isNotNull();
            assertThat(new String(zip.getInputStream(zip.getEntry(jacksonModules)).readAllBytes(), StandardCharsets.UTF_8))
                    .contains("io.dataflow.flink.shaded.com.fasterxml.jackson.datatype.jsr310.JavaTimeModule")
                    .doesNotContain("\ncom.fasterxml");
            assertThat(zip.getEntry("META-INF/services/com.fasterxml.jackson.databind.Module")).isNull();
            assertThat(zip.getEntry("META-INF/services/io.dataflow.flink.shaded.org.apache.avro.SchemaFormatterFactory")).isNotNull();
            // JDBC drivers keep their own names: DriverManager finds them through java.sql.Driver
            String drivers = new String(zip.getInputStream(zip.getEntry("META-INF/services/java.sql.Driver")).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(drivers).contains("org.postgresql.Driver", "io.trino.jdbc.TrinoDriver");
        }
    }

    @Test
    void flinkConnectorBaseIsNotShipped() throws Exception {
        assertThat(entries()).as("the cluster provides Flink; nothing calls flink-connector-base")
                .noneMatch(n -> n.startsWith("org/apache/flink/"));
    }

    @Test
    void nativeLibrariesAreLinuxOnly() throws Exception {
        List<String> natives = entries().stream().filter(n -> n.matches(".*\\.(so|dll|dylib|jnilib|a)$")).toList();
        assertThat(natives).as("Flink's images are Linux").isNotEmpty()
                .allMatch(n -> n.toLowerCase().contains("linux/") && !n.contains("android"));
        assertThat(natives).as("zstd (Kafka, Parquet) on x86-64 and arm64").contains(
                "linux/amd64/libzstd-jni-1.5.6-10.so", "linux/aarch64/libzstd-jni-1.5.6-10.so");
    }

    @Test
    void commonsLang3IsAtLeastTheReleaseThatFixedCve202548924() throws Exception {
        assertThat(entries()).as("Hadoop's own copy (3.12.0) is replaced by the one below")
                .noneMatch(n -> n.startsWith("org/apache/hadoop/shaded/org/apache/commons/lang3/"));
        try (ZipFile zip = new ZipFile(jar().toFile())) {
            ZipEntry entry = zip.getEntry("META-INF/maven/org.apache.commons/commons-lang3/pom.properties");
            assertThat(entry).isNotNull();
            Properties properties = new Properties();
            try (InputStream in = zip.getInputStream(entry)) {
                properties.load(in);
            }
            String[] version = properties.getProperty("version").split("\\.");
            assertThat(Integer.parseInt(version[0]) * 1000 + Integer.parseInt(version[1])).as(properties.getProperty("version"))
                    .isGreaterThanOrEqualTo(3018);
        }
    }

    @Test
    void theVersionIsThePomsEverywhere() throws Exception {
        String version = pomVersion();
        assertThat(version).doesNotContain("${");
        Run result = run("--version");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().trim()).isEqualTo("dataflow-flink " + version);

        Run k8s = run("k8s", project().resolve("jobs/examples/kafka-to-postgres.yaml").toString());
        assertThat(k8s.exitCode()).as(k8s.output()).isZero();
        assertThat(k8s.output()).contains("  image: dataflow-flink:" + version + "\n");

        String dockerfile = Files.readString(project().resolve("Dockerfile"));
        assertThat(dockerfile).contains("docker build -t dataflow-flink:" + version + " .")
                .contains("LABEL org.opencontainers.image.version=\"" + version + "\"");
        Matcher from = Pattern.compile("(?m)^FROM (\\S+)$").matcher(dockerfile);
        assertThat(from.find()).isTrue();
        assertThat(from.group(1)).as("the Flink the jar is built against").isEqualTo("flink:" + pom(
                "/*[local-name()='project']/*[local-name()='properties']/*[local-name()='flink.version']") + "-java17");

        Matcher newest = Pattern.compile("(?m)^## (\\S+)").matcher(Files.readString(project().resolve("docs/CHANGELOG.md")));
        assertThat(newest.find()).as("docs/CHANGELOG.md has an entry").isTrue();
        assertThat(newest.group(1)).as("newest CHANGELOG entry").isEqualTo(version);
    }

    @Test
    void jsonFromKafkaReachesPostgresql() throws Exception {
        String suffix = suffix();
        String topic = "shaded-pg-" + suffix;
        String table = "public.shaded_pg_" + suffix;
        Kafka.createTopic(topic, 2);
        Kafka.produce(topic, 200, i -> "{\"id\":" + i + ",\"name\":\"n" + i + "\",\"at\":\"2026-12-04T10:00:00Z\"}");

        runToTheEnd(topic, "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + table + "\n    autoCreateTable: true\n    batchSize: 50\n");

        assertThat(Postgres.count("SELECT count(DISTINCT id) FROM " + table)).isEqualTo(200);
        assertThat(Postgres.count("SELECT count(*) FROM " + table + " WHERE name = 'n' || id")).isEqualTo(200);
    }

    @Test
    void kafkaReachesAnIcebergTableThroughNessie() throws Exception {
        String suffix = suffix();
        String topic = "shaded-nessie-" + suffix;
        String namespace = "shaded_" + suffix;
        String warehouse = Nessie.newWarehouse();
        Kafka.createTopic(topic, 2);
        Kafka.produce(topic, 300, i -> "{\"id\":" + i + "}");

        runToTheEnd(topic, "sink:\n  type: nessie\n  config:\n    baseURL: \"" + Nessie.baseUrl() + "\"\n    branch: main\n"
                + "    warehouse: \"" + warehouse + "\"\n    namespace: " + namespace + "\n    table: events\n"
                + "    autoCreateTable: true\n    authenticationType: NONE\n");

        try (NessieCatalog catalog = Nessie.catalog("main", warehouse)) {
            List<Record> rows = Nessie.rows(catalog.loadTable(Nessie.table(namespace, "events")));
            assertThat(rows).as("Parquet files the relocated writer wrote, read by the unrelocated reader").hasSize(300);
            assertThat(rows.stream().map(r -> r.getField("data")).distinct().count()).as("every record once").isEqualTo(300);
        }
    }

    @Test
    void avroFromKafkaThroughASchemaRegistryReachesPostgresql() throws Exception {
        String suffix = suffix();
        String topic = "shaded-avro-" + suffix;
        String table = "public.shaded_avro_" + suffix;
        Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Order\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"customer\",\"type\":\"string\"},"
                + "{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}");
        Kafka.createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Kafka.inputProducer(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 100; i++) {
                GenericRecord order = new GenericData.Record(schema);
                order.put("id", (long) i);
                order.put("customer", "customer " + i);
                order.put("at", 1_700_000_000_000L + i);
                producer.send(new ProducerRecord<>(topic, wireFormat(3, order, schema))).get();
            }
        }
        // the part of a Confluent-compatible registry the source asks (GET /schemas/ids/{id}), served on loopback
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/schemas/ids/3", exchange -> {
            byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("schema", schema.toString()));
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
        try {
            runToTheEnd(topic, "    format: avro\n    schemaRegistry:\n      url: http://127.0.0.1:" + registry.getAddress().getPort() + "/\n",
                    "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                            + "    table: " + table + "\n    autoCreateTable: true\n    batchSize: 50\n");
        } finally {
            registry.stop(0);
        }

        assertThat(Postgres.count("SELECT count(DISTINCT id) FROM " + table)).isEqualTo(100);
        try (Connection c = Postgres.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT customer, at FROM " + table + " WHERE id = 7")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("customer 7");
            assertThat(rs.getString(2)).isEqualTo("2023-11-14T22:13:20.007Z");
        }
    }

    @Test
    void kafkaReachesClickHouseThroughItsHttpClient() throws Exception {
        String suffix = suffix();
        String topic = "shaded-ch-" + suffix;
        String database = ClickHouse.createDatabase("shaded");
        Kafka.createTopic(topic, 2);
        Kafka.produce(topic, 250, i -> "{\"id\":" + i + ",\"name\":\"n" + i + "\"}");

        runToTheEnd(topic, "sink:\n  type: clickhouse\n  config:\n    connectionString: \"" + ClickHouse.url(database) + "\"\n"
                + "    table: events\n    autoCreateTable: true\n    batchSize: 100\n");

        assertThat(ClickHouse.count("SELECT count() FROM " + database + ".events")).isEqualTo(250);
        assertThat(ClickHouse.count("SELECT count() FROM " + database + ".events WHERE name = concat('n', toString(id))")).isEqualTo(250);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static byte[] wireFormat(int schemaId, GenericRecord datum, Schema schema) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
        new GenericDatumWriter<GenericRecord>(schema).write(datum, encoder);
        encoder.flush();
        return ByteBuffer.allocate(5 + body.size()).put((byte) 0).putInt(schemaId).put(body.toByteArray()).array();
    }

    private record Run(int exitCode, String output) {
    }

    private void runToTheEnd(String topic, String sink) throws Exception {
        runToTheEnd(topic, "", sink);
    }

    /** {@code java -jar target/dataflow-flink.jar run --local} on a bounded Kafka source; the job must end with exit 0. */
    private void runToTheEnd(String topic, String sourceExtra, String sink) throws Exception {
        Path manifest = work.resolve(topic + ".yaml");
        Files.writeString(manifest, "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlow\nmetadata: {name: " + topic + "}\nspec:\n"
                + ("source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: " + topic + "\n    bounded: true\n" + sourceExtra + sink).indent(2));
        Run result = run("run", "--local", "--web-port", "0", "--metrics-port", "0",
                "--checkpoint-dir", work.resolve("cp-" + topic).toString(), manifest.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).as("no class went missing in the relocated jar")
                .doesNotContain("ClassNotFoundException", "NoClassDefFoundError", "NoSuchMethodError");
    }

    private Run run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("java", "-jar", jar().toString()));
        command.addAll(List.of(args));
        Path log = work.resolve("run-" + UUID.randomUUID() + ".log");
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("the command ends").isTrue();
        } finally {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
