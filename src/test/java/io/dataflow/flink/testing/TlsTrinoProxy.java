package io.dataflow.flink.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTPS front for the local Trino, the stand-in for a Trino deployed with TLS and OAuth2: it records the
 * Authorization header of every request and forwards it to Trino (which runs without authentication on plain
 * HTTP), rewriting Trino's absolute {@code nextUri} links so that paging comes back through it. Its certificate is
 * self-signed ({@link SelfSignedTls}: names 127.0.0.1 and localhost, so full hostname verification passes);
 * {@link #trustStore()} holds just that certificate, for a client that must trust it.
 */
public final class TlsTrinoProxy implements AutoCloseable {

    public static final String STORE_PASSWORD = SelfSignedTls.PASSWORD;
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
        SelfSignedTls tls = SelfSignedTls.generate(dir, "proxy");
        trustStore = tls.writeTrustStore(dir.resolve("proxy-trust.p12"));
        server = tls.httpsServer();
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
