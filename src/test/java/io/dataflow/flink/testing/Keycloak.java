package io.dataflow.flink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The test's Keycloak (started by {@code @RealServers(KEYCLOAK)} through scripts/servers/keycloak-start.sh) and the
 * test credentials of its realm (scripts/servers/keycloak/dataflow-realm.json).
 */
public final class Keycloak {

    public static final String REALM = "dataflow";
    /** Access tokens live 300 s. */
    public static final String CLIENT = "dataflow-client";
    /** Access tokens live 2 s: refresh tests. */
    public static final String SHORT_LIVED_CLIENT = "dataflow-short-lived";
    public static final String CLIENT_SECRET = "dataflow-test-client-secret";
    public static final String USER = "alice";
    public static final String PASSWORD = "alice-test-password";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Keycloak() {
    }

    /** The manifest's {@code keycloak.serverURL}. */
    public static String serverUrl() {
        return "http://127.0.0.1:" + RealServersExtension.port(Server.KEYCLOAK);
    }

    /** The claims of a JWT access token as Keycloak issued them (the signature is Trino's or Nessie's business). */
    public static JsonNode claims(String jwt) throws IOException {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a JWT");
        }
        return JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }
}
