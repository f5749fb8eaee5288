package io.dataflow.flink.connector.iceberg.nessie;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A {@code nessie} connector's {@code warehouse}: either a location ({@code s3://bucket/path}, {@code file:///dir}),
 * used as is, or the name of a warehouse configured in Nessie's own Iceberg REST catalog, as the original's manifests
 * give it ({@code warehouse: warehouse}, docs/ICEBERG.md#nessie). A name is resolved to its location by asking that
 * catalog, {@code GET {baseURL}/iceberg/v1/config?warehouse=NAME}, whose {@code defaults.warehouse} is the location.
 */
public final class NessieWarehouse {

    /** A bare word: no scheme, no path separator; anything else is a location. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_BODY = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private NessieWarehouse() {
    }

    /** True when {@code warehouse} names a warehouse of Nessie's Iceberg catalog rather than giving a location. */
    public static boolean isName(String warehouse) {
        return NAME.matcher(warehouse).matches();
    }

    /** The warehouse location: {@code settings.warehouse()} itself, or the location Nessie gives for that name. */
    public static String location(NessieSettings settings) throws IOException {
        String warehouse = settings.warehouse();
        if (warehouse == null || !isName(warehouse)) {
            return warehouse;
        }
        URI uri = URI.create(settings.baseUrl() + "/iceberg/v1/config?warehouse="
                + URLEncoder.encode(warehouse, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json").GET();
        settings.auth().authorizationHeader().ifPresent(h -> request.header("Authorization", h));
        String what = "Nessie's Iceberg catalog at " + settings.baseUrl() + "/iceberg";
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + what + " for warehouse '" + warehouse + "'", e);
        } catch (IOException e) {
            throw new IOException(what + " is not reachable: " + e, e);
        }
        String body = response.body() == null ? "" : response.body().strip();
        if (response.statusCode() >= 400) {
            throw new IOException(what + " does not resolve warehouse '" + warehouse + "' (config.warehouse: the name of "
                    + "a warehouse configured in Nessie, nessie.catalog.warehouses.NAME.location, or a location such as "
                    + "s3://bucket/path): HTTP " + response.statusCode() + ": "
                    + (body.length() > MAX_BODY ? body.substring(0, MAX_BODY) + "…" : body));
        }
        JsonNode location = JSON.readTree(body).path("defaults").path("warehouse");
        if (!location.isTextual() || location.asText().isBlank()) {
            throw new IOException(what + " gave no location for warehouse '" + warehouse + "' (config.warehouse)");
        }
        return location.asText();
    }
}
