package io.dataflow.flink.connector.iceberg.nessie;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.Keycloak;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.ValuesConnectorFactory;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * BEARER against a Nessie that requires it, with the real Keycloak of keycloak-start.sh as its identity provider: a
 * private Nessie of nessie-start.sh with its authentication switched on ({@code nessie.server.authentication.enabled})
 * and Quarkus OIDC validating tokens against the realm {@code dataflow} ({@code quarkus.oidc.auth-server-url}: the
 * issuer and the signing keys come from Keycloak's discovery document). As in the original, BEARER uses a static
 * token given in the manifest: the test obtains it from Keycloak with the client-credentials grant and hands it over
 * the way a deployment does, as {@code tokenSecretRef} (a file in the secrets directory, a mounted Kubernetes Secret).
 */
@RealServers(Server.KEYCLOAK)
class NessieAuthITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PORT = "19360";
    private static final String BASE_URL = "http://127.0.0.1:" + PORT;
    private static final int RECORDS = 200;
    private static Map<String, String> nessie;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    @TempDir
    Path secrets;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startNessieCheckingKeycloakTokens() {
        // client-id: the application's own client in the realm, as Nessie's Keycloak guide sets it; Quarkus OIDC does
        // not need its secret to validate bearer tokens (service application: JWT signature against the realm's keys)
        nessie = Map.of("NESSIE_PORT", PORT, "NESSIE_DIR", RealServersExtension.serversBase() + "/nessie-auth",
                "NESSIE_JVM_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dnessie.server.authentication.enabled=true"
                        + " -Dquarkus.oidc.auth-server-url=" + issuer() + " -Dquarkus.oidc.client-id=" + Keycloak.CLIENT);
        RealServersExtension.runScript("nessie-start.sh", nessie, 600);
    }

    @AfterAll
    static void stopNessie() {
        RealServersExtension.runScript("nessie-stop.sh", nessie, 120);
    }

    private static String issuer() {
        return Keycloak.serverUrl() + "/realms/" + Keycloak.REALM;
    }

    @Test
    void keycloakTokenFromTheSecretsDirectoryWritesAndReadsThroughTheJob() throws Exception {
        String token = clientCredentialsToken(Keycloak.CLIENT);
        assertThat(Keycloak.claims(token).get("iss").asText()).isEqualTo(issuer());
        String warehouse = Nessie.newWarehouse();
        String namespace = "auth_it_" + suffix;
        String collection = "nessie-auth-" + suffix;
        String nessieConfig = "  type: nessie\n  config:\n    baseURL: \"" + BASE_URL + "\"\n    warehouse: \"" + warehouse + "\"\n"
                + "    namespace: " + namespace + "\n    table: events\n    authenticationType: BEARER\n"
                + "    tokenSecretRef: {name: nessie-token, key: token}\n";

        run("source:\n  type: values\n  config:\n    count: " + RECORDS + "\nsink:\n" + nessieConfig + "    autoCreateTable: true\n",
                token, "it-nessie-auth-write");
        run("source:\n" + nessieConfig + "    bounded: true\nsink:\n  type: values\n  config:\n    collection: " + collection + "\n",
                token, "it-nessie-auth-read");

        List<Long> ids = ValuesConnectorFactory.collection(collection).stream().map(NessieAuthITCase::id).sorted()
                .collect(Collectors.toList());
        assertThat(ids).isEqualTo(LongStream.range(0, RECORDS).boxed().collect(Collectors.toList()));
        assertThat(commitAuthors(token)).as("Nessie recorded the commits under the token's identity")
                .contains("service-account-" + Keycloak.CLIENT);
    }

    /**
     * No token; a token signed by another key that claims Keycloak's issuer; a Keycloak token whose claims were changed
     * after signing; and BASIC (Nessie itself authenticates bearer tokens only, so BASIC, sent as the original sends
     * it, reaches only a proxy in front of Nessie that checks it): the sink fails to connect naming the connector and
     * the server, never the credential. The sink connects as a job's would, without a job around it (a failing job per
     * case would add seconds, and the job's path is the one of the expired token below).
     */
    @Test
    void missingForgedOrTamperedTokenAndBasicAreRefusedNamingTheConnectorNeverTheSecret() throws Exception {
        String keycloakToken = clientCredentialsToken(Keycloak.CLIENT);
        String forged = signedByAnotherKey(Keycloak.claims(keycloakToken));
        String tampered = withClaim(keycloakToken, "preferred_username", "admin");
        NessieConnectorFactory factory = new NessieConnectorFactory();
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("no token", "\"authenticationType\":\"NONE\"");
        refused.put("signed by another key", "\"authenticationType\":\"BEARER\",\"bearerToken\":\"" + forged + "\"");
        refused.put("altered after signing", "\"authenticationType\":\"BEARER\",\"bearerToken\":\"" + tampered + "\"");
        refused.put("BASIC", "\"authenticationType\":\"BASIC\",\"basicAuth\":{\"username\":\"alice\",\"password\":\""
                + keycloakToken + "\"}");
        for (Map.Entry<String, String> auth : refused.entrySet()) {
            String json = "{\"baseURL\":\"" + BASE_URL + "\",\"warehouse\":\"" + Nessie.newWarehouse() + "\",\"namespace\":\"refused_"
                    + suffix + "\",\"table\":\"t\",\"autoCreateTable\":true," + auth.getValue() + "}";
            ValidationErrors errors = new ValidationErrors();
            ConfigValues config = ConfigValidator.validate("sink.config", JSON.readTree(json), factory.sinkOptions(), errors);
            factory.validateSink(config, errors);
            assertThat(errors.list()).isEmpty();
            SinkConnector sink = factory.createSink(config, ConnectorContext.standalone("it-nessie-auth", "sink"));
            try {
                assertThatThrownBy(sink::connect).as(auth.getKey())
                        .satisfies(e -> assertThat(messages(e))
                                .contains("nessie connector at sink.config: Nessie server " + BASE_URL
                                        + " answered HTTP 401 (check authenticationType and credentials)")
                                .doesNotContain(keycloakToken, forged, tampered));
            } finally {
                sink.close();
            }
        }
    }

    /**
     * The token is static, as in the original: the connector sends what the manifest gave it and never renews it.
     * Once Keycloak's expiry has passed, Nessie refuses it and the job fails at its start with the same message.
     * (A token expiring while a job runs fails the next Nessie call the same way; the resolved token travels inside the
     * job, so its restarts fail too, and the job has to be submitted again with a fresh token.)
     */
    @Test
    void anExpiredKeycloakTokenFailsTheJobNamingTheConnector() throws Exception {
        String token = clientCredentialsToken(Keycloak.SHORT_LIVED_CLIENT);
        long expiry = Keycloak.claims(token).get("exp").asLong();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (nessieStatus(token) != 401) {
            assertThat(System.nanoTime()).as("Nessie refuses the 2-second token once it expired").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(Instant.now().getEpochSecond()).as("refused because it expired").isGreaterThanOrEqualTo(expiry);

        String yaml = "source:\n  type: values\n  config:\n    count: 1\n"
                + "sink:\n  type: nessie\n  config: {baseURL: \"" + BASE_URL + "\", warehouse: \"" + Nessie.newWarehouse()
                + "\", namespace: expired_" + suffix + ", table: t, autoCreateTable: true, authenticationType: BEARER,"
                + " tokenSecretRef: {name: nessie-token, key: token}}\n";
        assertThatThrownBy(() -> run(yaml, token, "it-nessie-auth-expired"))
                .satisfies(e -> assertThat(messages(e))
                        .contains("nessie connector at sink.config: Nessie server " + BASE_URL
                                + " answered HTTP 401 (check authenticationType and credentials)")
                        .doesNotContain(token));
    }

    /** Puts {@code token} where the manifest's tokenSecretRef points (secrets/nessie-token/token) and runs the job. */
    private void run(String yaml, String token, String jobName) throws Exception {
        Files.createDirectories(secrets.resolve("nessie-token"));
        Files.writeString(secrets.resolve("nessie-token/token"), token);
        Manifest manifest = ManifestParser.forEnvironment(secrets).parse(yaml, jobName);
        MiniClusterJobs.start(manifest, JobCompiler.create(), 500, 0).getJobExecutionResult().get();
    }

    /** An access token of {@code client}'s service account from Keycloak's token endpoint (client-credentials grant). */
    private static String clientCredentialsToken(String client) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(client, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(Keycloak.CLIENT_SECRET, StandardCharsets.UTF_8);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(issuer() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("Keycloak token endpoint: " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    /** The same claims (Keycloak's issuer, subject, expiry) signed RS256 with a key Keycloak never had. */
    private static String signedByAnotherKey(JsonNode claims) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey key = generator.generateKeyPair().getPrivate();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signed = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(JSON.writeValueAsBytes(claims));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + b64.encodeToString(rsa.sign());
    }

    /** Keycloak's token with one claim changed and Keycloak's signature kept, which no longer matches. */
    private static String withClaim(String jwt, String claim, String value) throws Exception {
        String[] parts = jwt.split("\\.");
        com.fasterxml.jackson.databind.node.ObjectNode claims = (com.fasterxml.jackson.databind.node.ObjectNode) Keycloak.claims(jwt);
        claims.put(claim, value);
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(claims))
                + "." + parts[2];
    }

    private static int nessieStatus(String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(BASE_URL + "/api/v2/config")).header("Authorization", "Bearer " + token)
                .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The authors of the commits on main (Nessie sets them to the authenticated principal). */
    private static List<String> commitAuthors(String token) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(BASE_URL + "/api/v2/trees/main/history"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> authors = new ArrayList<>();
        for (JsonNode entry : JSON.readTree(r.body()).get("logEntries")) {
            entry.get("commitMeta").get("authors").forEach(a -> authors.add(a.asText()));
            JsonNode committer = entry.get("commitMeta").get("committer");
            if (committer != null) {
                authors.add(committer.asText());
            }
        }
        return authors;
    }

    /** The id of a body the values source made: the sink created a {@code data}-only table, read back as {"data": body}. */
    private static long id(Message m) {
        try {
            return JSON.readTree(m.json().get("data").asText()).get("id").asLong();
        } catch (java.io.IOException e) {
            throw new AssertionError("not a body of the values source: " + m.dataAsString(), e);
        }
    }

    private static String messages(Throwable e) {
        List<String> all = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.add(String.valueOf(t.getMessage()));
        }
        return String.join("\n", all);
    }
}
