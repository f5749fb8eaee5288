package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import org.apache.avro.Schema;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fetches Avro writer schemas by id from a Confluent-compatible Schema Registry ({@code GET {url}/schemas/ids/{id}},
 * answer {@code {"schema": "<Avro JSON>"}}) and keeps each one: an id names one schema forever, so the cache never
 * expires. 30 s per request, as the original. Unlike the original, an https registry without a {@code tls} section is
 * verified against the JVM's trust store (the original skipped verification); {@code insecureSkipVerify} skips it.
 * A client certificate ({@code certFile}/{@code keyFile} or their secret refs) is presented to a registry that asks
 * for one (mutual TLS).
 */
final class SchemaRegistryClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String authorization;
    private final HttpClient http;
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

    SchemaRegistryClient(ConfigValues registry) {
        String url = registry.get(KafkaOptions.REGISTRY_URL);
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (registry.has(KafkaOptions.REGISTRY_BASIC_AUTH)) {
            ConfigValues auth = registry.get(KafkaOptions.REGISTRY_BASIC_AUTH);
            String pair = auth.get(KafkaOptions.REGISTRY_USERNAME) + ":" + auth.get(KafkaOptions.REGISTRY_PASSWORD);
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        } else {
            this.authorization = null;
        }
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (registry.has(KafkaOptions.REGISTRY_TLS)) {
            builder.sslContext(sslContext(registry.get(KafkaOptions.REGISTRY_TLS)));
        }
        this.http = builder.build();
    }

    /** The schema with this id, from the cache or the registry. */
    Schema schema(int id) throws IOException {
        Schema cached = schemas.get(id);
        if (cached != null) {
            return cached;
        }
        Schema fetched = fetch(id);
        schemas.putIfAbsent(id, fetched);
        return fetched;
    }

    private Schema fetch(int id) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/schemas/ids/" + id)).timeout(TIMEOUT)
                .header("Accept", "application/vnd.schemaregistry.v1+json, application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching schema " + id + " from the schema registry", e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("schema registry answered HTTP " + response.statusCode() + " for schema id " + id);
        }
        JsonNode body = JSON.readTree(response.body());
        if (body == null || !body.path("schema").isTextual()) {
            throw new IOException("schema registry answer for schema id " + id + " has no \"schema\" text");
        }
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new IOException("schema id " + id + " is a " + type + " schema, not Avro");
        }
        try {
            return AvroPayloadDecoder.parseSchema(body.path("schema").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException("schema id " + id + ": " + e.getMessage(), e);
        }
    }

    private static SSLContext sslContext(ConfigValues tls) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManager[] trust = null;
            String ca = pem(tls, KafkaOptions.TLS_CA_FILE, KafkaOptions.TLS_CA);
            if (ca != null) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(ca.getBytes(StandardCharsets.UTF_8)))) {
                    store.setCertificateEntry("ca-" + i++, c);
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trust = factory.getTrustManagers();
            } else if (tls.get(KafkaOptions.TLS_INSECURE_SKIP_VERIFY)) {
                trust = new TrustManager[]{new TrustAll()};
            }
            String cert = pem(tls, KafkaOptions.TLS_CERT_FILE, KafkaOptions.TLS_CERT);
            String key = pem(tls, KafkaOptions.TLS_KEY_FILE, KafkaOptions.TLS_KEY);
            KeyManager[] keys = cert != null && key != null ? PemKeyManagers.of(cert, key,
                    tls.has(KafkaOptions.TLS_KEY) ? tls.pathOf(KafkaOptions.TLS_KEY) : tls.pathOf(KafkaOptions.TLS_KEY_FILE)) : null;
            context.init(keys, trust, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(tls.path() + ": cannot set up TLS to the schema registry (" + e.getMessage() + ")", e);
        }
    }

    /** The PEM text given as content (from a secret) or as a file read here, on the task manager; null when neither. */
    private static String pem(ConfigValues tls, ConfigField<String> file, ConfigField<String> content) throws IOException {
        if (tls.has(content)) {
            return tls.get(content);
        }
        return tls.has(file) ? Files.readString(Path.of(tls.get(file)), StandardCharsets.UTF_8) : null;
    }

    /** insecureSkipVerify: any certificate. (Host names are still checked by the JDK's HTTP client.) */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
