package io.dataflow.flink.connector.trino;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keycloak flows against the real Trino: a loopback OAuth2 token endpoint issues and refreshes tokens, and a
 * loopback HTTPS proxy in front of Trino records the Authorization header of every Trino request. Trino itself
 * runs without authentication (plain HTTP), so the proxy is where the bearer token is observed. The proxy speaks
 * TLS (self-signed, made by keytool) because trino-jdbc sends access tokens over TLS only.
 */
@RealServers({Server.TRINO})
class KeycloakTrinoITCase {

    private static final String TRINO = "http://127.0.0.1:8080";
    private static final Set<String> HOP_HEADERS = Set.of("host", "connection", "content-length", "transfer-encoding",
            "upgrade", "keep-alive", "expect", "accept-encoding", "content-encoding"); // bodies are rewritten as text

    private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    private final HttpClient forward = HttpClient.newHttpClient();
    private HttpServer keycloak;
    private HttpsServer proxy;

    @BeforeEach
    void startServers(@TempDir Path dir) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        keycloak = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        keycloak.createContext("/realms/test/protocol/openid-connect/token", this::token);
        keycloak.start();
        proxy = HttpsServer.create(new InetSocketAddress(loopback, 0), 0);
        proxy.setHttpsConfigurator(new HttpsConfigurator(selfSigned(dir)));
        proxy.createContext("/", this::forwardToTrino);
        proxy.start();
    }

    @AfterEach
    void stopServers() {
        keycloak.stop(0);
        proxy.stop(0);
    }

    @Test
    void passwordGrantTokenIsSentAndRefreshedWithTheRefreshToken() throws Exception {
        KeycloakCredentials credentials = new KeycloakCredentials(KeycloakCredentials.Grant.PASSWORD,
                KeycloakCredentials.tokenEndpoint("http://127.0.0.1:" + keycloak.getAddress().getPort(), "test"),
                null, "alice", "s3cret", "trino-client", "client-secret");
        // expires_in 1 s → due after 800 ms; the 1-minute floor is lowered so the test sees a refresh
        KeycloakTokens tokens = new KeycloakTokens(credentials, Clock.systemUTC(), Duration.ofMillis(100));
        TrinoConnections connections = new TrinoConnections(proxyJdbcUrl(), tokens);

        Connection first = connections.open();
        assertThat(selectOne(first)).isEqualTo(1);
        assertThat(authorizations).isNotEmpty().allMatch("Bearer access-1"::equals);
        assertThat(tokenRequests.get(0)).containsEntry("grant_type", "password").containsEntry("username", "alice")
                .containsEntry("password", "s3cret").containsEntry("client_id", "trino-client")
                .containsEntry("client_secret", "client-secret");

        Thread.sleep(1_000);
        assertThat(connections.stale(first)).isTrue();
        authorizations.clear();
        Connection second = connections.fresh(first);
        assertThat(second).isNotSameAs(first);
        assertThat(first.isClosed()).isTrue();
        assertThat(selectOne(second)).isEqualTo(1);
        assertThat(authorizations).isNotEmpty().allMatch("Bearer access-2"::equals);
        assertThat(tokenRequests.get(1)).containsEntry("grant_type", "refresh_token")
                .containsEntry("refresh_token", "refresh-1");
        second.close();
    }

    @Test
    void clientCredentialsGrantTokenIsSent() throws Exception {
        KeycloakCredentials credentials = new KeycloakCredentials(KeycloakCredentials.Grant.CLIENT_CREDENTIALS,
                KeycloakCredentials.tokenEndpoint("http://127.0.0.1:" + keycloak.getAddress().getPort(), "test"),
                null, null, null, "svc", "svc-secret");
        TrinoConnections connections = new TrinoConnections(proxyJdbcUrl(), new KeycloakTokens(credentials));
        try (Connection c = connections.open()) {
            assertThat(selectOne(c)).isEqualTo(1);
        }
        assertThat(authorizations).isNotEmpty().allMatch("Bearer access-1"::equals);
        assertThat(tokenRequests).hasSize(1);
        assertThat(tokenRequests.get(0)).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_id", "svc").containsEntry("client_secret", "svc-secret");
    }

    private String proxyJdbcUrl() {
        return TrinoConnections.jdbcUrl("https://127.0.0.1:" + proxy.getAddress().getPort(), "memory", "default")
                + "&SSLVerification=NONE";
    }

    private static SSLContext selfSigned(Path dir) throws Exception {
        Path store = dir.resolve("proxy.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "proxy", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("keytool: %s", out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        return ssl;
    }

    private static int selectOne(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = new HashMap<>();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        tokenRequests.add(form);
        int n = issued.incrementAndGet();
        respond(exchange, 200, "{\"access_token\":\"access-" + n + "\",\"refresh_token\":\"refresh-" + n
                + "\",\"expires_in\":1,\"token_type\":\"Bearer\"}", "application/json");
    }

    /** Forwards to Trino and rewrites Trino's absolute nextUri links so that paging comes back here too. */
    private void forwardToTrino(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(auth == null ? "<none>" : auth);
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TRINO + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), body.length == 0 && !"POST".equals(exchange.getRequestMethod())
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
            }
        });
        try {
            HttpResponse<String> response = forward.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String rewritten = response.body().replace(TRINO, "https://127.0.0.1:" + proxy.getAddress().getPort());
            List<String> skip = new ArrayList<>(HOP_HEADERS);
            response.headers().map().forEach((name, values) -> {
                if (!skip.contains(name.toLowerCase())) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            respond(exchange, response.statusCode(), rewritten, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(exchange, 502, "interrupted", "text/plain");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body, String contentType) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } else {
            exchange.close();
        }
    }
}
