package io.dataflow.flink.connector.iceberg.nessie;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The original's checks before connecting (docs/ORIGINAL.md#nessie): {@code GET /api/v2/config} (server reachable,
 * credentials accepted) and {@code GET /api/v2/trees/{branch}} (the branch exists), 5 s each. Failures name the
 * server, the branch and the HTTP status with the server's message, never the credentials.
 */
public final class NessiePreflight {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_BODY = 300;

    private NessiePreflight() {
    }

    public static void check(NessieSettings settings) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        get(http, settings, URI.create(settings.apiV2() + "/config"), "Nessie server " + settings.baseUrl());
        String branch = URLEncoder.encode(settings.branch(), StandardCharsets.UTF_8);
        int status = get(http, settings, URI.create(settings.apiV2() + "/trees/" + branch),
                "Nessie branch '" + settings.branch() + "' on " + settings.baseUrl());
        if (status == 404) {
            throw new IOException("Nessie branch '" + settings.branch() + "' does not exist on " + settings.baseUrl()
                    + " (config.branch): create it first");
        }
    }

    /** Returns the status of a 2xx or 404 answer; throws on anything else. */
    private static int get(HttpClient http, NessieSettings settings, URI uri, String what) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json").GET();
        settings.auth().authorizationHeader().ifPresent(h -> request.header("Authorization", h));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while checking " + what, e);
        } catch (IOException e) {
            throw new IOException(what + " is not reachable: " + e, e);
        }
        int status = response.statusCode();
        if (status == 404 && uri.getPath().contains("/trees/")) {
            return status;
        }
        if (status >= 400) {
            String body = response.body() == null ? "" : response.body().strip();
            throw new IOException(what + " answered HTTP " + status
                    + (status == 401 || status == 403 ? " (check authenticationType and credentials)" : "")
                    + ": " + (body.length() > MAX_BODY ? body.substring(0, MAX_BODY) + "…" : body));
        }
        return status;
    }
}
