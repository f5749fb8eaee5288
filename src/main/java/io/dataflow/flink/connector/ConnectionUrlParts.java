package io.dataflow.flink.connector;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A connection URL after its {@code scheme://}, cut as the Go original's {@code url.Parse} cuts it: the fragment
 * dropped, then the query after the first '?', the authority up to the first '/' and the path after it; the
 * authority's user info ends at its last '@', so that an unencoded '@' in a password still works. Only the user, the
 * password and the parameters are decoded here; the caller decodes the hosts and the path its own way.
 *
 * @param userInfo {@code user[:password]} as written, null when the URL has no '@'
 * @param hosts    {@code host[:port][,host[:port]...]} as written
 * @param path     the path without its leading '/', empty when there is none
 * @param query    the query without its '?', empty when there is none
 */
public record ConnectionUrlParts(String userInfo, String hosts, String path, String query) {

    public static ConnectionUrlParts cut(String afterScheme) {
        String rest = afterScheme;
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        String path = slash >= 0 ? rest.substring(slash + 1) : "";
        int at = authority.lastIndexOf('@');
        return at >= 0 ? new ConnectionUrlParts(authority.substring(0, at), authority.substring(at + 1), path, query)
                : new ConnectionUrlParts(null, authority, path, query);
    }

    /** The user, decoded; null when the URL names none. */
    public String user() {
        if (userInfo == null) {
            return null;
        }
        int colon = userInfo.indexOf(':');
        String user = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
        return user.isEmpty() ? null : UriComponents.percentDecode(user, "user");
    }

    /** The password, decoded (empty after a bare ':'); null when the URL has none. */
    public String password() {
        int colon = userInfo == null ? -1 : userInfo.indexOf(':');
        return colon >= 0 ? UriComponents.percentDecode(userInfo.substring(colon + 1), "password") : null;
    }

    /** Without the user info: it holds the password. */
    @Override
    public String toString() {
        return "ConnectionUrlParts[hosts=" + hosts + ", path=" + path + ", query=" + query + "]";
    }

    /** The query's parameters in their order, decoded; a name without '=' has the empty value, a later one wins. */
    public Map<String, String> parameters() {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = UriComponents.percentDecode(eq >= 0 ? pair.substring(0, eq) : pair, "parameter name");
            String value = eq >= 0 ? UriComponents.percentDecode(pair.substring(eq + 1), "parameter " + key) : "";
            params.put(key, value);
        }
        return params;
    }
}
