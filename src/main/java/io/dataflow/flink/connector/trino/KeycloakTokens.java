package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Hands out the current bearer token and fetches a new one when it is due: password-grant tokens at 80% of
 * {@code expires_in} (at least one minute, but always before the token expires, see {@link #refreshDelay})
 * through the refresh token, falling back to a fresh password grant when the refresh fails; client-credentials
 * tokens every 5 minutes, or as password-grant tokens when that comes sooner; a static token never changes.
 * Not thread-safe: each Flink subtask owns one. Token values never appear in exceptions or logs.
 */
public final class KeycloakTokens {

    static final Duration MIN_REFRESH = Duration.ofMinutes(1);
    static final Duration CLIENT_CREDENTIALS_REFRESH = Duration.ofMinutes(5);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeycloakCredentials credentials;
    private final Clock clock;
    private final Duration minRefresh;
    private final HttpClient http;
    private String accessToken;
    private String refreshToken;
    private Instant refreshAt = Instant.MIN;

    public KeycloakTokens(KeycloakCredentials credentials) {
        this(credentials, Clock.systemUTC(), MIN_REFRESH);
    }

    /** Tests shorten {@code minRefresh} to see refreshes within seconds. */
    KeycloakTokens(KeycloakCredentials credentials, Clock clock, Duration minRefresh) {
        this.credentials = credentials;
        this.clock = clock;
        this.minRefresh = minRefresh;
        this.http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
        if (credentials.grant() == KeycloakCredentials.Grant.STATIC_TOKEN) {
            accessToken = credentials.token();
            refreshAt = Instant.MAX;
        }
    }

    /** True when {@link #current()} would fetch a new token, i.e. open connections carry a stale one. */
    public boolean due() {
        return !clock.instant().isBefore(refreshAt);
    }

    /** The token to send now, fetched or refreshed first when due. */
    public String current() throws IOException {
        if (due()) {
            fetch();
        }
        return accessToken;
    }

    /**
     * How long after the token request a password-grant token is refreshed: 80% of {@code expires_in}, at least
     * {@code minRefresh}, but at most {@code expires_in} minus one second. Keycloak sets the token's {@code exp} to
     * its issue time in whole seconds plus {@code expires_in}, so a token lives between {@code expires_in - 1} and
     * {@code expires_in} seconds after the request; without the cap a 60-second token would be refreshed at the
     * one-minute floor, up to a second after the server started refusing it.
     */
    static Duration refreshDelay(long expiresInSeconds, Duration minRefresh) {
        if (expiresInSeconds <= 0) {
            return minRefresh;
        }
        Duration wanted = Duration.ofMillis(expiresInSeconds * 800);
        if (wanted.compareTo(minRefresh) < 0) {
            wanted = minRefresh;
        }
        Duration lastSafe = Duration.ofSeconds(Math.max(0, expiresInSeconds - 1));
        return wanted.compareTo(lastSafe) > 0 ? lastSafe : wanted;
    }

    private void fetch() throws IOException {
        // the token's lifetime counts from Keycloak's issue time, which lies after the request was sent
        Instant requested = clock.instant();
        Map<String, String> form = new LinkedHashMap<>();
        switch (credentials.grant()) {
            case PASSWORD -> {
                if (refreshToken != null) {
                    form.put("grant_type", "refresh_token");
                    form.put("refresh_token", refreshToken);
                    addClient(form);
                    try {
                        accept(post(form), requested, true);
                        return;
                    } catch (IOException refreshFailed) {
                        // the refresh token expired or was revoked: log in again with the password
                        refreshToken = null;
                        form.clear();
                    }
                }
                form.put("grant_type", "password");
                form.put("username", credentials.username());
                form.put("password", credentials.password());
                addClient(form);
                accept(post(form), requested, true);
            }
            case CLIENT_CREDENTIALS -> {
                form.put("grant_type", "client_credentials");
                addClient(form);
                accept(post(form), requested, false);
            }
            default -> throw new IllegalStateException("static token is never fetched");
        }
    }

    private void addClient(Map<String, String> form) {
        form.put("client_id", credentials.clientId());
        if (credentials.clientSecret() != null && !credentials.clientSecret().isBlank()) {
            form.put("client_secret", credentials.clientSecret());
        }
    }

    /** Takes the token of {@code body}, the answer to a request sent at {@code requested}. */
    private void accept(JsonNode body, Instant requested, boolean passwordGrant) throws IOException {
        String token = body.path("access_token").asText("");
        if (token.isEmpty()) {
            throw new IOException("Keycloak answered without access_token (" + credentials + ")");
        }
        accessToken = token;
        Duration delay = refreshDelay(body.path("expires_in").asLong(0), minRefresh);
        if (passwordGrant) {
            refreshToken = body.path("refresh_token").asText(null);
        } else if (delay.compareTo(CLIENT_CREDENTIALS_REFRESH) > 0) {
            // every 5 minutes as the original, but sooner for shorter tokens: Keycloak's default lifespan is 5 minutes
            delay = CLIENT_CREDENTIALS_REFRESH;
        }
        refreshAt = requested.plus(delay);
    }

    private JsonNode post(Map<String, String> form) throws IOException {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(credentials.tokenEndpoint()))
                .timeout(HTTP_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching a token (" + credentials + ")", e);
        }
        if (response.statusCode() != 200) {
            // the body may echo the request; only the status is reported
            throw new IOException("Keycloak token request (" + form.get("grant_type") + ") failed with HTTP "
                    + response.statusCode() + " (" + credentials + ")");
        }
        return JSON.readTree(response.body());
    }
}
