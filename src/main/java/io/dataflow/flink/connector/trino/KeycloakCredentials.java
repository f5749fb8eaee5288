package io.dataflow.flink.connector.trino;

import io.dataflow.flink.config.ConfigValues;

import java.io.Serializable;
import java.util.Optional;

/**
 * The {@code keycloak} block: which grant gets the bearer token. Secrets stay inside this object;
 * {@link #toString()} names the grant only, so the object is safe to log.
 */
public final class KeycloakCredentials implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How the token is obtained; the order of the checks in {@link #from} follows the original. */
    public enum Grant { STATIC_TOKEN, PASSWORD, CLIENT_CREDENTIALS }

    private final Grant grant;
    private final String tokenEndpoint;
    private final String token;
    private final String username;
    private final String password;
    private final String clientId;
    private final String clientSecret;

    KeycloakCredentials(Grant grant, String tokenEndpoint, String token, String username, String password,
                        String clientId, String clientSecret) {
        this.grant = grant;
        this.tokenEndpoint = tokenEndpoint;
        this.token = token;
        this.username = username;
        this.password = password;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /** Empty when the manifest has no {@code keycloak} block (unauthenticated Trino). */
    public static Optional<KeycloakCredentials> from(ConfigValues connector) {
        Optional<ConfigValues> block = connector.getOptional(TrinoOptions.KEYCLOAK);
        if (block.isEmpty()) {
            return Optional.empty();
        }
        ConfigValues k = block.get();
        String endpoint = tokenEndpoint(k.get(TrinoOptions.KEYCLOAK_SERVER_URL), k.get(TrinoOptions.KEYCLOAK_REALM));
        String clientId = k.get(TrinoOptions.KEYCLOAK_CLIENT_ID);
        String clientSecret = k.getOptional(TrinoOptions.KEYCLOAK_CLIENT_SECRET).orElse(null);
        Optional<String> token = k.getOptional(TrinoOptions.KEYCLOAK_TOKEN).filter(t -> !t.isBlank());
        if (token.isPresent()) {
            return Optional.of(new KeycloakCredentials(Grant.STATIC_TOKEN, endpoint, token.get(), null, null, clientId, null));
        }
        Optional<String> username = k.getOptional(TrinoOptions.KEYCLOAK_USERNAME).filter(u -> !u.isBlank());
        if (username.isPresent()) {
            String password = k.getOptional(TrinoOptions.KEYCLOAK_PASSWORD).orElseThrow(() -> new IllegalArgumentException(
                    k.pathOf(TrinoOptions.KEYCLOAK_PASSWORD) + ": required with " + k.pathOf(TrinoOptions.KEYCLOAK_USERNAME)));
            return Optional.of(new KeycloakCredentials(Grant.PASSWORD, endpoint, null, username.get(), password,
                    clientId, clientSecret));
        }
        if (clientSecret != null && !clientSecret.isBlank()) {
            return Optional.of(new KeycloakCredentials(Grant.CLIENT_CREDENTIALS, endpoint, null, null, null,
                    clientId, clientSecret));
        }
        throw new IllegalArgumentException(k.path() + ": set token, username+password, or clientSecret");
    }

    static String tokenEndpoint(String serverUrl, String realm) {
        String base = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        return base + "/realms/" + realm + "/protocol/openid-connect/token";
    }

    Grant grant() {
        return grant;
    }

    String tokenEndpoint() {
        return tokenEndpoint;
    }

    String token() {
        return token;
    }

    String username() {
        return username;
    }

    String password() {
        return password;
    }

    String clientId() {
        return clientId;
    }

    String clientSecret() {
        return clientSecret;
    }

    @Override
    public String toString() {
        return "keycloak " + grant + " via " + tokenEndpoint;
    }
}
