package io.dataflow.flink.connector;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Parts of the URIs that connection strings are written as (user, password, host, database), decoded. */
public final class UriComponents {

    private UriComponents() {
    }

    /** Strict %XX decoding; unlike {@link URLDecoder}, '+' stays a plus (passwords contain them). */
    public static String percentDecode(String s, String part) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw new IllegalArgumentException("invalid percent-encoding in the " + part);
                }
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    bytes = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.writeBytes(bytes);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * An {@code http(s)://host[:port][/path]} address as a manifest gives it (a catalog, a Nessie server, an S3
     * endpoint), without a trailing slash; fails naming what is wrong (never quoting a secret: none is in it).
     */
    public static URI httpUrl(String text) {
        URI uri;
        try {
            uri = URI.create(text.trim().replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("must be an http:// or https:// URL with a host");
        }
        return uri;
    }
}
