package io.dataflow.flink.connector;

import java.net.URI;
import java.util.Locale;

/**
 * Whether credentials sent to a URL would cross the network in clear text: an {@code http://} URL whose host is not
 * a loopback address. Plain http to 127.0.0.1 / ::1 / localhost never leaves the machine (a sidecar, a local token
 * endpoint, tests), so it is allowed; everything else that carries passwords, client secrets or tokens needs https.
 */
public final class ClearTextCredentials {

    /** The validation message for a URL that {@link #wouldExpose} them. */
    public static final String NEEDS_HTTPS = "must be an https:// URL: credentials sent to an http:// URL cross the "
            + "network in clear text (http:// is accepted only for loopback hosts)";

    private ClearTextCredentials() {
    }

    public static boolean wouldExpose(String url) {
        if (url == null) {
            return false;
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            return false; // not a URL: the field's own check says so
        }
        if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals("http")) {
            return false;
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
    }
}
