package io.dataflow.flink.connector.iceberg.nessie;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.RealServersExtension;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.nessie.NessieCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * BEARER against a Nessie that requires it: a private Nessie of nessie-start.sh with its authentication switched on
 * ({@code nessie.server.authentication.enabled}) and Quarkus OIDC checking tokens against a local RSA public key
 * ({@code quarkus.oidc.public-key}) instead of an identity provider; the test signs the tokens with the private key.
 */
class NessieAuthITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ISSUER = "dataflow-test";
    private static final String PORT = "19360";
    private static final String BASE_URL = "http://127.0.0.1:" + PORT;
    private static KeyPair keys;
    private static Map<String, String> nessie;

    @BeforeAll
    static void startNessieWithAuthentication() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        String publicKey = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
        nessie = Map.of("NESSIE_PORT", PORT, "NESSIE_DIR", RealServersExtension.serversBase() + "/nessie-auth",
                "NESSIE_JVM_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dnessie.server.authentication.enabled=true"
                        + " -Dquarkus.oidc.public-key=" + publicKey + " -Dquarkus.oidc.token.issuer=" + ISSUER);
        RealServersExtension.runScript("nessie-start.sh", nessie, 600);
    }

    @AfterAll
    static void stopNessie() {
        RealServersExtension.runScript("nessie-stop.sh", nessie, 120);
    }

    /** An RS256 JWT for {@code subject} from the test's issuer, valid for an hour. */
    private static String token(String subject) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(JSON.writeValueAsBytes(Map.of("iss", ISSUER, "sub", subject, "upn", subject,
                "iat", now, "exp", now + 3600)));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(keys.getPrivate());
        rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + b64.encodeToString(rsa.sign());
    }

    private static NessieSettings settings(String auth) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        String json = "{\"baseURL\":\"" + BASE_URL + "\",\"namespace\":\"auth_it\",\"table\":\"t\",\"warehouse\":\""
                + Nessie.newWarehouse() + "\"," + auth + "}";
        NessieConnectorFactory factory = new NessieConnectorFactory();
        ConfigValues config = ConfigValidator.validate("sink.config", JSON.readTree(json), factory.sinkOptions(), errors);
        factory.validateSink(config, errors);
        assertThat(errors.list()).isEmpty();
        return NessieSettings.from(config);
    }

    @Test
    void bearerTokenIsAcceptedAndCommitsReachTheBranch() throws Exception {
        String table = "t_" + UUID.randomUUID().toString().substring(0, 8);
        NessieSettings settings = settings("\"authenticationType\":\"BEARER\",\"bearerToken\":\"" + token("alice") + "\"");
        try (NessieCatalog catalog = NessieCatalogs.open(settings)) {
            catalog.createNamespace(Namespace.of("auth_it_" + table));
            catalog.createTable(TableIdentifier.of("auth_it_" + table, table),
                    new Schema(Types.NestedField.optional(1, "data", Types.StringType.get())));
            assertThat(catalog.tableExists(TableIdentifier.of("auth_it_" + table, table))).isTrue();
        }
    }

    /**
     * A missing token, a token not signed by the trusted key, and BASIC: Nessie itself authenticates bearer tokens
     * only, so BASIC (sent as the original sends it) reaches only a proxy in front of Nessie that checks it.
     */
    @Test
    void missingOrForeignTokenAndBasicAreRefusedNamingTheServerNeverTheSecret() throws Exception {
        String foreign = token("alice").replaceAll("\\.[^.]+$", ".c2lnbmF0dXJl");
        for (String auth : new String[] {"\"authenticationType\":\"NONE\"",
                "\"authenticationType\":\"BEARER\",\"bearerToken\":\"" + foreign + "\"",
                "\"authenticationType\":\"BASIC\",\"basicAuth\":{\"username\":\"alice\",\"password\":\"" + foreign + "\"}"}) {
            NessieSettings settings = settings(auth);
            assertThatThrownBy(() -> NessieCatalogs.open(settings).close())
                    .hasMessageContaining("Nessie server " + BASE_URL + " answered HTTP 401 (check authenticationType and credentials)")
                    .hasMessageNotContaining(foreign);
        }
    }
}
