package io.dataflow.flink.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTPS front for the local Trino, the stand-in for a Trino deployed with TLS and OAuth2: it records the
 * Authorization header of every request and forwards it to Trino (which runs without authentication on plain
 * HTTP), rewriting Trino's absolute {@code nextUri} links so that paging comes back through it. Its certificate is
 * self-signed (made by keytool, subject alternative names 127.0.0.1 and localhost, so full hostname verification
 * passes); {@link #trustStore()} holds just that certificate, for a client that must trust it.
 */
public final class TlsTrinoProxy implements AutoCloseable {

    public static final String STORE_PASSWORD = "changeit";
    private static final Set<String> HOP_HEADERS = Set.of("host", "connection", "content-length", "transfer-encoding",
            "upgrade", "keep-alive", "expect", "accept-encoding", "content-encoding"); // bodies are rewritten as text

    private final String trino;
    private final HttpsServer server;
    private final Path trustStore;
    private final HttpClient forward = HttpClient.newHttpClient();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    /** Starts a proxy in front of {@code trinoUrl} ({@code http://127.0.0.1:<port>}); key material goes to {@code dir}. */
    public TlsTrinoProxy(String trinoUrl, Path dir) throws Exception {
        this.trino = trinoUrl;
        Path keyStore = dir.resolve("proxy.p12");
        generateKeyPair(keyStore);
        KeyStore keys = load(keyStore);
        trustStore = dir.resolve("proxy-trust.p12");
        writeTrustStore(keys, trustStore);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, STORE_PASSWORD.toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", this::forwardToTrino);
        server.start();
    }

    /** The manifest's {@code serverURL}. */
    public String serverUrl() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A PKCS12 trust store (password {@link #STORE_PASSWORD}) holding the proxy's certificate. */
    public Path trustStore() {
        return trustStore;
    }

    /** The Authorization header of each request received, {@code <none>} where there was none. */
    public List<String> authorizations() {
        return authorizations;
    }

    private static void generateKeyPair(Path store) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "proxy", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    private static KeyStore load(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, STORE_PASSWORD.toCharArray());
        }
        return ks;
    }

    private static void writeTrustStore(KeyStore keys, Path target) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("proxy", keys.getCertificate("proxy"));
        try (OutputStream out = Files.newOutputStream(target)) {
            trust.store(out, STORE_PASSWORD.toCharArray());
        }
    }

    private void forwardToTrino(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(auth == null ? "<none>" : auth);
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(trino + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), body.length == 0 && !"POST".equals(exchange.getRequestMethod())
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
            }
        });
        try {
            HttpResponse<String> response = forward.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String rewritten = response.body().replace(trino, serverUrl());
            response.headers().map().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase())) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            LoopbackHttp.respond(exchange, response.statusCode(), rewritten, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LoopbackHttp.respond(exchange, 502, "interrupted", "text/plain");
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
