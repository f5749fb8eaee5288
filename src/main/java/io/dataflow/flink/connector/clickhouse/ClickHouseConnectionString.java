package io.dataflow.flink.connector.clickhouse;

import io.dataflow.flink.connector.ConnectionUrlParts;
import io.dataflow.flink.connector.UriComponents;
import io.dataflow.flink.config.GoDuration;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the connection strings the original's users write into the HTTP endpoint the official client talks to.
 * The original used clickhouse-go, whose DSNs name the native protocol:
 * <ul>
 *   <li>{@code clickhouse://user:pass@host:9000/db?dial_timeout=10s&max_execution_time=60}</li>
 *   <li>{@code tcp://host:9000?username=u&password=p&database=db} (clickhouse-go v1)</li>
 *   <li>{@code http://host:8123/db} / {@code https://host:8443/db}</li>
 * </ul>
 * Native ports map onto their HTTP twins (9000 → 8123, 9440 → 8443; {@code secure=true} means https); any other
 * port is taken to be the HTTP port already, and {@code http_port=N} overrides the mapping. clickhouse-go's
 * client-side parameters ({@code dial_timeout}, {@code read_timeout}, pool sizes, …) become client settings or
 * are dropped; every other parameter is a server setting sent with each request ({@code max_execution_time}).
 *
 * <p>{@link #toString()} and every parse error leave the password out.
 */
public final class ClickHouseConnectionString {

    static final int NATIVE_PORT = 9000;
    static final int NATIVE_SECURE_PORT = 9440;
    static final int HTTP_PORT = 8123;
    static final int HTTPS_PORT = 8443;

    /** clickhouse-go parameters that only configure the Go client; the server would refuse them as settings. */
    private static final Set<String> CLIENT_ONLY = Set.of("debug", "compress", "compress_level", "block_buffer_size",
            "connection_open_strategy", "max_open_conns", "max_idle_conns", "conn_max_lifetime", "max_compression_buffer",
            "client_info_product", "alt_hosts", "protocol", "skip_verify", "http_proxy", "no_delay", "pool_size",
            "write_timeout", "block_size", "debugf", "read_timeout", "dial_timeout", "secure", "username", "user",
            "password", "database", "http_port");

    private final boolean https;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final Duration connectTimeout;
    private final Duration socketTimeout;
    private final Map<String, String> serverSettings;

    private ClickHouseConnectionString(boolean https, String host, int port, String database, String user, String password,
                                       Duration connectTimeout, Duration socketTimeout, Map<String, String> serverSettings) {
        this.https = https;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.connectTimeout = connectTimeout;
        this.socketTimeout = socketTimeout;
        this.serverSettings = Collections.unmodifiableMap(serverSettings);
    }

    /**
     * @throws IllegalArgumentException naming the wrong part (scheme, host, port, parameter), never the password
     */
    public static ClickHouseConnectionString parse(String connectionString) {
        if (connectionString == null || connectionString.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        String s = connectionString.trim();
        int schemeEnd = s.indexOf("://");
        if (schemeEnd < 0) {
            throw new IllegalArgumentException("is not a URL (expected clickhouse://, tcp://, http:// or https://)");
        }
        String scheme = s.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!Set.of("clickhouse", "tcp", "http", "https").contains(scheme)) {
            throw new IllegalArgumentException("unsupported scheme \"" + scheme + "\" (expected clickhouse://, tcp://, http:// or https://)");
        }
        boolean nativeDsn = scheme.equals("clickhouse") || scheme.equals("tcp");
        ConnectionUrlParts parts = ConnectionUrlParts.cut(s.substring(schemeEnd + 3));
        String user = parts.user();
        String password = parts.password();
        String authority = parts.hosts();
        if (authority.contains(",")) {
            // clickhouse-go accepts several hosts; the HTTP client talks to one endpoint
            authority = authority.substring(0, authority.indexOf(','));
        }
        String[] hostPort = splitHostPort(UriComponents.percentDecode(authority, "host"));
        String host = hostPort[0];
        if (host.isEmpty()) {
            throw new IllegalArgumentException("has no host");
        }
        Map<String, String> params = parts.parameters();
        if (params.containsKey("username") || params.containsKey("user")) {
            user = params.containsKey("username") ? params.get("username") : params.get("user");
        }
        if (params.containsKey("password")) {
            password = params.get("password");
        }
        String database = UriComponents.percentDecode(parts.path().replaceAll("/+$", ""), "database name");
        if (params.containsKey("database")) {
            database = params.get("database");
        }
        if (database.isBlank()) {
            database = "default";
        }
        boolean https = scheme.equals("https") || isTrue(params.get("secure"));
        int port = port(hostPort[1], nativeDsn, https, params.get("http_port"));
        Duration connectTimeout = duration(params.get("dial_timeout"), "dial_timeout");
        Duration socketTimeout = duration(params.get("read_timeout"), "read_timeout");
        Map<String, String> settings = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (!CLIENT_ONLY.contains(k)) {
                settings.put(k, v);
            }
        });
        return new ClickHouseConnectionString(https, host, port, database, user, password, connectTimeout, socketTimeout, settings);
    }

    private static int port(String given, boolean nativeDsn, boolean https, String httpPort) {
        if (httpPort != null) {
            return parsePort(httpPort, "http_port");
        }
        if (given.isEmpty()) {
            return https ? HTTPS_PORT : HTTP_PORT;
        }
        int port = parsePort(given, "port");
        if (nativeDsn && port == NATIVE_PORT) {
            return HTTP_PORT;
        }
        if (nativeDsn && port == NATIVE_SECURE_PORT) {
            return HTTPS_PORT;
        }
        return port;
    }

    private static int parsePort(String text, String part) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + part + " \"" + text + "\" (expected 1-65535)");
        }
    }

    private static Duration duration(String text, String name) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return text.trim().matches("\\d+") ? Duration.ofSeconds(Long.parseLong(text.trim())) : GoDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter " + name + ": " + e.getMessage());
        }
    }

    private static boolean isTrue(String value) {
        return value != null && (value.equalsIgnoreCase("true") || value.equals("1"));
    }

    /** host, port (empty when absent); handles [IPv6] literals. */
    private static String[] splitHostPort(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("invalid host: unclosed '[' in an IPv6 address");
            }
            String after = hostPort.substring(close + 1);
            return new String[] {hostPort.substring(0, close + 1), after.startsWith(":") ? after.substring(1) : ""};
        }
        int colon = hostPort.lastIndexOf(':');
        return colon >= 0 ? new String[] {hostPort.substring(0, colon), hostPort.substring(colon + 1)} : new String[] {hostPort, ""};
    }

    /** The same target with the user and password of the manifest's own fields, where they are set. */
    ClickHouseConnectionString withCredentials(String user, String password) {
        return new ClickHouseConnectionString(https, host, port, database, user != null ? user : this.user,
                password != null ? password : this.password, connectTimeout, socketTimeout, serverSettings);
    }

    /** {@code http://host:8123/}: what the client connects to. */
    public String endpoint() {
        return (https ? "https" : "http") + "://" + host + ":" + port + "/";
    }

    public boolean https() {
        return https;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    /** The user; ClickHouse's {@code default} when the string names none. */
    public String user() {
        return user == null || user.isEmpty() ? "default" : user;
    }

    public String password() {
        return password == null ? "" : password;
    }

    /** From {@code dial_timeout}; null when not given. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** From {@code read_timeout}; null when not given. */
    public Duration socketTimeout() {
        return socketTimeout;
    }

    /** Parameters that are not the client's: sent to the server as settings of every request. */
    public Map<String, String> serverSettings() {
        return serverSettings;
    }

    /** The endpoint, database and user; never the password. */
    @Override
    public String toString() {
        return endpoint() + database + " (user " + user() + ")";
    }
}
