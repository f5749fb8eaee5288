package io.dataflow.flink.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Keycloak's token endpoint ({@code /realms/<realm>/protocol/openid-connect/token}) on a loopback
 * port: it records every form it receives and answers with {@code access-N}/{@code refresh-N} tokens, N counting
 * from 1, that expire after {@code expiresInSeconds}. Keycloak itself does not run on these machines.
 */
public final class LoopbackKeycloak implements AutoCloseable {

    private final HttpServer server;
    private final int expiresInSeconds;
    private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();

    public LoopbackKeycloak(String realm, int expiresInSeconds) throws IOException {
        this.expiresInSeconds = expiresInSeconds;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/realms/" + realm + "/protocol/openid-connect/token", this::token);
        server.start();
    }

    /** The manifest's {@code keycloak.serverURL}. */
    public String serverUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The forms received, in order (grant_type, client_id, client_secret, …). */
    public List<Map<String, String>> tokenRequests() {
        return tokenRequests;
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
        LoopbackHttp.respond(exchange, 200, "{\"access_token\":\"access-" + n + "\",\"refresh_token\":\"refresh-" + n
                + "\",\"expires_in\":" + expiresInSeconds + ",\"token_type\":\"Bearer\"}", "application/json");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
