package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.SelfSignedTls;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * format: avro end to end: Avro records on the real Kafka broker → JSON rows in the real PostgreSQL. The Confluent
 * wire format is resolved through a real Apicurio Registry (its Confluent-compatible API, started by
 * scripts/servers/apicurio-start.sh), and, for basic auth and https, which that in-memory registry is not set up
 * for, through a registry this test serves on loopback (JDK HttpServer implementing GET /schemas/ids/{id}, the part
 * of the API the source uses). Records that do not decode reach the error sink with the reason; the job goes on.
 */
@RealServers({Server.KAFKA, Server.POSTGRES, Server.APICURIO})
class KafkaAvroITCase {

    private static final int RECORDS = 1000;
    private static final int SCHEMA_ID = 7;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private HttpServer registry;
    private final AtomicInteger schemaRequests = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private String suffix;

    @TempDir
    Path tlsDir;

    @BeforeEach
    void startRegistry(org.junit.jupiter.api.TestInfo test) throws Exception {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        String method = test.getTestMethod().orElseThrow().getName();
        registry = method.contains("ClientCertificate") ? httpsServerRequiringClientCertificate()
                : method.contains("Https") ? httpsServer() : HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String expectedAuth = "Basic " + Base64.getEncoder().encodeToString("registry-user:registry-pw".getBytes(StandardCharsets.UTF_8));
        registry.createContext("/schemas/ids/", exchange -> {
            byte[] body;
            int status;
            if (!expectedAuth.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                unauthorized.incrementAndGet();
                status = 401;
                body = "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
            } else if (exchange.getRequestURI().getPath().equals("/schemas/ids/" + SCHEMA_ID)) {
                schemaRequests.incrementAndGet();
                status = 200;
                body = JSON.writeValueAsBytes(JSON.createObjectNode().put("schema", AvroTesting.ORDER_SCHEMA));
            } else {
                status = 404;
                body = "{\"error_code\":40403,\"message\":\"Schema not found\"}".getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
    }

    /** An https registry whose self-signed certificate is written to {@code registry-ca.pem} for the manifest's {@code tls.caFile}. */
    private HttpServer httpsServer() throws Exception {
        SelfSignedTls tls = SelfSignedTls.generate(tlsDir, "registry");
        tls.writeCertificatePem(tlsDir.resolve("registry-ca.pem"));
        return tls.httpsServer();
    }

    /**
     * An https registry that accepts only the client certificate written to {@code client-cert.pem} / {@code client-key.pem};
     * its own certificate is in {@code registry-ca.pem}.
     */
    private HttpServer httpsServerRequiringClientCertificate() throws Exception {
        SelfSignedTls server = SelfSignedTls.generate(tlsDir, "registry");
        server.writeCertificatePem(tlsDir.resolve("registry-ca.pem"));
        SelfSignedTls client = SelfSignedTls.generate(tlsDir, "client");
        client.writeCertificatePem(tlsDir.resolve("client-cert.pem"));
        client.writePrivateKeyPem(tlsDir.resolve("client-key.pem"));
        return server.httpsServerRequiringClientCertificate(client);
    }

    @AfterEach
    void stopRegistry() {
        registry.stop(0);
    }

    private static void produce(String topic, int count, IntFunction<byte[]> value) throws Exception {
        List<Future<?>> sends = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Kafka.inputProducer(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, value.apply(i))));
            }
            producer.flush();
        }
        for (Future<?> f : sends) {
            f.get();
        }
    }

    private String manifest(String topic, String table, String avro, String errorTopic) {
        return "replicas: 2\n"
                + "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    bounded: true\n    format: avro\n" + avro
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: public." + table + "\n    autoCreateTable: true\n    batchSize: 200\n"
                + (errorTopic == null ? "" : "errors:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + errorTopic + "\n");
    }

    @Test
    void wireFormatThroughTheRegistryBecomesJsonRowsAndBadRecordsReachTheErrorSink() throws Exception {
        String topic = "avro-wire-" + suffix;
        String table = "avro_wire_" + suffix;
        String errors = "avro-errors-" + suffix;
        Kafka.createTopic(topic, 2);
        Kafka.createTopic(errors, 1);
        produce(topic, RECORDS, i -> AvroTesting.wire(SCHEMA_ID, AvroTesting.order(i), AvroTesting.orderSchema()));
        produce(topic, 1, i -> "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8));
        produce(topic, 1, i -> AvroTesting.wire(99, AvroTesting.order(0), AvroTesting.orderSchema()));

        String avro = "    schemaRegistry:\n      url: http://127.0.0.1:" + registry.getAddress().getPort() + "/\n"
                + "      basicAuth:\n        username: registry-user\n        password: registry-pw\n";
        MiniClusterJobs.run(manifest(topic, table, avro, errors), "avro-" + suffix, JobCompiler.create(), 500, 2);

        assertThat(Postgres.count("SELECT count(*) FROM public." + table)).isEqualTo(RECORDS);
        assertThat(Postgres.count("SELECT count(DISTINCT id) FROM public." + table)).isEqualTo(RECORDS);
        try (Connection c = Postgres.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT customer, note::text, tags::text, status, attrs::text, raw, at, price, score FROM public."
                     + table + " WHERE id = 5")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("customer 5");
            assertThat(rs.getString(2)).isNull();
            assertThat(JSON.readTree(rs.getString(3))).as("the union's {\"array\": [...]} normalised").isEqualTo(JSON.readTree("[\"a\",\"b5\"]"));
            assertThat(rs.getString(4)).isEqualTo("PAID");
            assertThat(JSON.readTree(rs.getString(5))).isEqualTo(JSON.readTree("{\"qty\":5}"));
            assertThat(rs.getString(6)).isEqualTo("AQIF");
            assertThat(rs.getString(7)).isEqualTo("2023-11-14T22:13:20.005Z");
            assertThat(rs.getString(8)).isEqualTo("20.04");
            assertThat(rs.getDouble(9)).isEqualTo(1.25);
        }
        assertThat(Postgres.count("SELECT count(*) FROM public." + table + " WHERE note::jsonb->>'string' = 'note ' || id")).isEqualTo(RECORDS / 2);

        List<JsonNode> envelopes = new ArrayList<>();
        for (String e : Kafka.readAll(errors)) {
            envelopes.add(JSON.readTree(e));
        }
        assertThat(envelopes).hasSize(2);
        assertThat(envelopes).extracting(e -> e.path("error").path("message").asText()).containsExactlyInAnyOrder(
                "Avro decoding failed: not in the Confluent wire format (magic byte 0 and a 4-byte schema id) and no static schema",
                "Avro decoding failed: cannot get Avro schema id 99: schema registry answered HTTP 404 for schema id 99");
        assertThat(envelopes).allSatisfy(e -> assertThat(e.path("error").path("metadata").path("topic").asText()).isEqualTo(topic));
        assertThat(schemaRequests.get()).as("schema 7 is fetched once per source subtask, then cached").isBetween(1, 2);
        assertThat(unauthorized).hasValue(0);
    }

    @Test
    void wireFormatThroughARealApicurioRegistry() throws Exception {
        String topic = "avro-apicurio-" + suffix;
        String table = "avro_apicurio_" + suffix;
        Kafka.createTopic(topic, 2);
        String ccompat = "http://127.0.0.1:" + io.dataflow.flink.testing.RealServersExtension.port(Server.APICURIO) + "/apis/ccompat/v7";
        java.net.http.HttpResponse<String> registered = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(ccompat + "/subjects/" + topic + "-value/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                JSON.writeValueAsString(JSON.createObjectNode().put("schema", AvroTesting.ORDER_SCHEMA)))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        int id = JSON.readTree(registered.body()).path("id").asInt(-1);
        assertThat(id).isNotNegative();
        produce(topic, RECORDS, i -> AvroTesting.wire(id, AvroTesting.order(i), AvroTesting.orderSchema()));
        produce(topic, 1, i -> AvroTesting.wire(id + 1000, AvroTesting.order(0), AvroTesting.orderSchema()));

        String errors = "avro-apicurio-errors-" + suffix;
        Kafka.createTopic(errors, 1);
        MiniClusterJobs.run(manifest(topic, table, "    schemaRegistry:\n      url: " + ccompat + "\n", errors), "avro-apicurio-" + suffix,
                JobCompiler.create(), 500, 2);

        assertThat(Postgres.count("SELECT count(DISTINCT id) FROM public." + table)).isEqualTo(RECORDS);
        assertThat(Postgres.count("SELECT count(*) FROM public." + table + " WHERE customer = 'customer ' || id AND status IN ('NEW', 'PAID')"))
                .isEqualTo(RECORDS);
        assertThat(Kafka.readAll(errors)).singleElement().asString()
                .contains("cannot get Avro schema id " + (id + 1000) + ": schema registry answered HTTP 404");
    }

    @Test
    void wireFormatThroughAnHttpsRegistryTrustedByItsCaFile() throws Exception {
        String topic = "avro-https-" + suffix;
        String table = "avro_https_" + suffix;
        Kafka.createTopic(topic, 1);
        produce(topic, 100, i -> AvroTesting.wire(SCHEMA_ID, AvroTesting.order(i), AvroTesting.orderSchema()));

        String avro = "    schemaRegistry:\n      url: https://127.0.0.1:" + registry.getAddress().getPort() + "\n"
                + "      basicAuth:\n        username: registry-user\n        password: registry-pw\n"
                + "      tls:\n        caFile: " + tlsDir.resolve("registry-ca.pem") + "\n";
        MiniClusterJobs.run(manifest(topic, table, avro, null), "avro-https-" + suffix, JobCompiler.create(), 500, 2);

        assertThat(Postgres.count("SELECT count(DISTINCT id) FROM public." + table)).isEqualTo(100);
        assertThat(schemaRequests.get()).isPositive();
    }

    /** schemaRegistry.tls.certFile / keyFile: the registry refuses any client without that certificate. */
    @Test
    void wireFormatThroughAnHttpsRegistryThatRequiresAClientCertificate() throws Exception {
        String topic = "avro-mtls-" + suffix;
        String table = "avro_mtls_" + suffix;
        Kafka.createTopic(topic, 1);
        produce(topic, 100, i -> AvroTesting.wire(SCHEMA_ID, AvroTesting.order(i), AvroTesting.orderSchema()));
        String url = "https://127.0.0.1:" + registry.getAddress().getPort();
        ConfigValues withoutCertificate = registryConfig(url, "");
        assertThatThrownBy(() -> new SchemaRegistryClient(withoutCertificate).schema(SCHEMA_ID))
                .as("the registry asks for a client certificate").isInstanceOf(java.io.IOException.class);

        String avro = "    schemaRegistry:\n      url: " + url + "\n"
                + "      basicAuth:\n        username: registry-user\n        password: registry-pw\n"
                + "      tls:\n        caFile: " + tlsDir.resolve("registry-ca.pem") + "\n"
                + "        certFile: " + tlsDir.resolve("client-cert.pem") + "\n        keyFile: " + tlsDir.resolve("client-key.pem") + "\n";
        MiniClusterJobs.run(manifest(topic, table, avro, null), "avro-mtls-" + suffix, JobCompiler.create(), 500, 2);

        assertThat(Postgres.count("SELECT count(DISTINCT id) FROM public." + table)).isEqualTo(100);
        assertThat(schemaRequests.get()).isPositive();
    }

    private ConfigValues registryConfig(String url, String extraTls) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        String json = "{\"url\":\"" + url + "\",\"basicAuth\":{\"username\":\"registry-user\",\"password\":\"registry-pw\"},"
                + "\"tls\":{\"caFile\":\"" + tlsDir.resolve("registry-ca.pem") + "\"" + extraTls + "}}";
        ConfigValues c = ConfigValidator.validate("schemaRegistry", JSON.readTree(json), KafkaOptions.SCHEMA_REGISTRY.children(), errors);
        assertThat(errors.list()).isEmpty();
        return c;
    }

    @Test
    void staticSchemaFileDecodesPlainAvroAndWithoutAnErrorSinkBadRecordsAreSkipped(@TempDir Path dir) throws Exception {
        String topic = "avro-static-" + suffix;
        String table = "avro_static_" + suffix;
        Kafka.createTopic(topic, 2);
        Path schema = dir.resolve("order.avsc");
        Files.writeString(schema, AvroTesting.ORDER_SCHEMA);
        produce(topic, RECORDS, i -> AvroTesting.binary(AvroTesting.order(i), AvroTesting.orderSchema()));
        produce(topic, 3, i -> ("garbage " + i).getBytes(StandardCharsets.UTF_8));

        MiniClusterJobs.run(manifest(topic, table, "    avroSchemaFile: " + schema + "\n", null), "avro-static-" + suffix, JobCompiler.create(), 500, 2);

        assertThat(Postgres.count("SELECT count(*) FROM public." + table)).isEqualTo(RECORDS);
        assertThat(Postgres.count("SELECT sum(id) FROM public." + table)).isEqualTo((long) RECORDS * (RECORDS - 1) / 2);
        assertThat(Postgres.count("SELECT count(*) FROM public." + table + " WHERE status = 'NEW'")).isEqualTo(RECORDS / 2);
    }
}
