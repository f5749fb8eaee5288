package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.connector.ConnectionUrlParts;
import io.dataflow.flink.connector.UriComponents;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Turns the connection strings the original's users write (pgx accepts libpq URLs {@code postgres://…} /
 * {@code postgresql://…} and key=value DSNs) and plain pgjdbc URLs into what pgjdbc needs: a JDBC URL without
 * credentials, and {@link Properties} holding user, password, TLS and the other settings.
 *
 * <p>Keeping credentials out of the URL means the URL can be logged and put into error messages as is. Parse
 * errors say which part is wrong and never repeat the password.
 */
public final class PostgresConnectionString {

    public static final String DEFAULT_APPLICATION_NAME = "dataflow-flink";
    private static final int DEFAULT_PORT = 5432;

    static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** libpq parameter → pgjdbc property, where both mean the same. */
    private static final Map<String, String> LIBPQ_TO_PGJDBC = Map.ofEntries(
            Map.entry("sslmode", "sslmode"),
            Map.entry("sslrootcert", "sslrootcert"),
            Map.entry("sslcert", "sslcert"),
            Map.entry("sslkey", "sslkey"),
            Map.entry("sslpassword", "sslpassword"),
            Map.entry("connect_timeout", "connectTimeout"),
            Map.entry("application_name", "ApplicationName"),
            Map.entry("options", "options"),
            Map.entry("target_session_attrs", "targetServerType"),
            Map.entry("keepalives", "tcpKeepAlive"),
            Map.entry("gssencmode", "gssEncMode"),
            Map.entry("krbsrvname", "kerberosServerName"),
            Map.entry("channel_binding", "channelBinding"));

    /**
     * Client-side settings of libpq or pgx that have no pgjdbc equivalent (pool sizes, statement cache modes,
     * keepalive timers). pgx consumes them itself, so passing them to the server would fail the connection.
     */
    private static final Set<String> CLIENT_ONLY = Set.of(
            "pool_max_conns", "pool_min_conns", "pool_max_conn_lifetime", "pool_max_conn_idle_time",
            "pool_health_check_period", "pool_max_conn_lifetime_jitter", "statement_cache_capacity",
            "description_cache_capacity", "default_query_exec_mode", "keepalives_idle", "keepalives_interval",
            "keepalives_count", "tcp_user_timeout", "passfile", "service", "servicefile", "requiressl", "sslcompression",
            "sslcrl", "sslcrldir", "sslsni", "ssl_min_protocol_version", "ssl_max_protocol_version", "requirepeer",
            "min_read_buffer_size", "hostaddr", "load_balance_hosts", "fallback_application_name",
            "replication", "client_encoding");

    private final String jdbcUrl;
    private final Properties properties;

    private PostgresConnectionString(String jdbcUrl, Properties properties) {
        this.jdbcUrl = jdbcUrl;
        this.properties = properties;
    }

    /** The JDBC URL, without user or password: safe to log. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** A copy of the connection properties (user, password, sslmode, ApplicationName, …). */
    public Properties properties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    public String user() {
        return properties.getProperty("user");
    }

    /**
     * Parses any accepted form.
     *
     * @throws IllegalArgumentException naming the wrong part (host, port, sslmode, …), never quoting the password
     */
    public static PostgresConnectionString parse(String connectionString) {
        if (connectionString == null || connectionString.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        String s = connectionString.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return fromJdbcUrl(s);
        }
        if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
            return fromUrl(s);
        }
        if (lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
            throw new IllegalArgumentException("unsupported scheme \"" + lower.substring(0, lower.indexOf("://"))
                    + "\" (expected postgres://, postgresql://, jdbc:postgresql:// or key=value pairs)");
        }
        if (!s.contains("=")) {
            throw new IllegalArgumentException("is neither a postgres:// URL nor key=value pairs");
        }
        return fromKeyValues(parseKeyValues(s));
    }

    // ----------------------------------------------------------------- postgres:// URLs

    private static PostgresConnectionString fromUrl(String url) {
        ConnectionUrlParts parts = ConnectionUrlParts.cut(url.substring(url.indexOf("://") + 3));
        Map<String, String> params = new LinkedHashMap<>();
        String user = parts.user();
        if (user != null) {
            params.put("user", user);
        }
        String password = parts.password();
        if (password != null) {
            params.put("password", password);
        }
        String authority = parts.hosts();
        if (!authority.isEmpty()) {
            List<String> hosts = new ArrayList<>();
            List<String> ports = new ArrayList<>();
            for (String hostPort : authority.split(",")) {
                String[] hp = splitHostPort(UriComponents.percentDecode(hostPort, "host"));
                hosts.add(hp[0]);
                ports.add(hp[1]);
            }
            params.put("host", String.join(",", hosts));
            params.put("port", String.join(",", ports));
        }
        if (!parts.path().isEmpty()) {
            params.put("dbname", UriComponents.percentDecode(parts.path(), "database name"));
        }
        params.putAll(parts.parameters());
        return fromKeyValues(params);
    }

    /** host, port (empty when absent); handles [IPv6] literals. */
    private static String[] splitHostPort(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("invalid host: unclosed '[' in an IPv6 address");
            }
            String host = hostPort.substring(0, close + 1);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw new IllegalArgumentException("invalid host: unexpected text after an IPv6 address");
            }
            return new String[] {host, after.isEmpty() ? "" : after.substring(1)};
        }
        int colon = hostPort.lastIndexOf(':');
        return colon >= 0 ? new String[] {hostPort.substring(0, colon), hostPort.substring(colon + 1)}
                : new String[] {hostPort, ""};
    }

    // ----------------------------------------------------------------- key=value DSNs

    /** libpq rules: {@code key = value} pairs separated by spaces; single-quoted values with \' and \\ escapes. */
    static Map<String, String> parseKeyValues(String dsn) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = 0;
        int n = dsn.length();
        while (true) {
            while (i < n && Character.isWhitespace(dsn.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return params;
            }
            int keyStart = i;
            while (i < n && dsn.charAt(i) != '=' && !Character.isWhitespace(dsn.charAt(i))) {
                i++;
            }
            String key = dsn.substring(keyStart, i);
            while (i < n && Character.isWhitespace(dsn.charAt(i))) {
                i++;
            }
            if (i >= n || dsn.charAt(i) != '=') {
                // the text could be the tail of a badly quoted password: give its position, not the text
                throw new IllegalArgumentException("missing \"=\" after the parameter name at offset " + keyStart);
            }
            i++;
            while (i < n && Character.isWhitespace(dsn.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && dsn.charAt(i) == '\'') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = dsn.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(dsn.charAt(i++));
                    } else if (c == '\'') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated quoted value for \"" + printableKey(key) + "\"");
                }
            } else {
                while (i < n && !Character.isWhitespace(dsn.charAt(i))) {
                    char c = dsn.charAt(i++);
                    if (c == '\\' && i < n) {
                        c = dsn.charAt(i++);
                    }
                    value.append(c);
                }
            }
            if (key.isEmpty()) {
                throw new IllegalArgumentException("empty parameter name");
            }
            params.put(key, value.toString());
        }
    }

    /** Keys are echoed in errors; cap them so that a mistyped secret pasted without '=' is not echoed whole. */
    private static String printableKey(String key) {
        return key.length() > 30 ? key.substring(0, 30) + "…" : key;
    }

    // ----------------------------------------------------------------- jdbc:postgresql:// URLs

    private static PostgresConnectionString fromJdbcUrl(String url) {
        Properties props = defaults();
        String base = url;
        int q = url.indexOf('?');
        if (q >= 0) {
            base = url.substring(0, q);
            for (String pair : url.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = eq >= 0 ? pair.substring(0, eq) : pair;
                String value = eq >= 0 ? formDecode(pair.substring(eq + 1), key) : "";
                props.setProperty(key, value);
            }
        }
        if (base.contains("@")) {
            throw new IllegalArgumentException("user info (user:password@) is not allowed in a jdbc:postgresql URL; "
                    + "use ?user=…&password=… or a postgres:// URL");
        }
        String sslmode = props.getProperty("sslmode");
        if (sslmode != null && !SSL_MODES.contains(sslmode)) {
            throw invalidSslMode(sslmode);
        }
        return new PostgresConnectionString(base, props);
    }

    /** pgjdbc decodes its URL parameters with {@link URLDecoder}; its error text would quote the value. */
    private static String formDecode(String value, String key) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid percent-encoding in parameter " + printableKey(key));
        }
    }

    // ----------------------------------------------------------------- common

    private static PostgresConnectionString fromKeyValues(Map<String, String> params) {
        Properties props = defaults();
        List<String> runtimeParams = new ArrayList<>();
        String hosts = "localhost";
        String ports = "";
        String dbname = null;
        for (Map.Entry<String, String> e : params.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            switch (key) {
                case "host":
                    if (!value.isEmpty()) {
                        hosts = value;
                    }
                    break;
                case "port":
                    ports = value;
                    break;
                case "dbname":
                case "database":
                    dbname = value;
                    break;
                case "user":
                    props.setProperty("user", value);
                    break;
                case "password":
                    props.setProperty("password", value);
                    break;
                default:
                    mapParameter(key, value, props, runtimeParams);
            }
        }
        if (!runtimeParams.isEmpty()) {
            String options = props.getProperty("options", "");
            props.setProperty("options", (options + " " + String.join(" ", runtimeParams)).trim());
        }
        StringBuilder url = new StringBuilder("jdbc:postgresql://");
        url.append(hostList(hosts, ports)).append('/');
        if (dbname != null && !dbname.isEmpty()) {
            url.append(URLEncoder.encode(dbname, StandardCharsets.UTF_8).replace("+", "%20"));
        } else if (props.getProperty("user") != null) {
            // libpq's default database is the user name
            url.append(URLEncoder.encode(props.getProperty("user"), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return new PostgresConnectionString(url.toString(), props);
    }

    private static void mapParameter(String key, String value, Properties props, List<String> runtimeParams) {
        String pgjdbc = LIBPQ_TO_PGJDBC.get(key);
        if (pgjdbc != null) {
            props.setProperty(pgjdbc, convertValue(key, value));
        } else if (CLIENT_ONLY.contains(key)) {
            return;
        } else if (key.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
            // pgx sends unknown keys to the server as run-time parameters (search_path, timezone, …);
            // pgjdbc does that through "options".
            runtimeParams.add("-c " + key + "=" + value.replace("\\", "\\\\").replace(" ", "\\ "));
        } else {
            throw new IllegalArgumentException("invalid parameter name \"" + printableKey(key) + "\"");
        }
    }

    private static String convertValue(String key, String value) {
        switch (key) {
            case "sslmode":
                if (!SSL_MODES.contains(value)) {
                    throw invalidSslMode(value);
                }
                return value;
            case "connect_timeout":
                if (!value.matches("\\d{1,9}")) {
                    throw new IllegalArgumentException("invalid connect_timeout \"" + value + "\" (whole seconds expected)");
                }
                return value;
            case "keepalives":
                return String.valueOf(!"0".equals(value));
            case "target_session_attrs":
                switch (value) {
                    case "any":
                        return "any";
                    case "read-write":
                    case "primary":
                        return "primary";
                    case "read-only":
                    case "standby":
                        return "secondary";
                    case "prefer-standby":
                        return "preferSecondary";
                    default:
                        throw new IllegalArgumentException("invalid target_session_attrs \"" + value + "\"");
                }
            default:
                return value;
        }
    }

    private static IllegalArgumentException invalidSslMode(String value) {
        return new IllegalArgumentException("invalid sslmode \"" + value + "\" (expected one of disable, allow, prefer, "
                + "require, verify-ca, verify-full)");
    }

    private static String hostList(String hosts, String ports) {
        String[] hostArray = hosts.split(",");
        String[] portArray = ports.isEmpty() ? new String[0] : ports.split(",", -1);
        if (portArray.length > 1 && portArray.length != hostArray.length) {
            throw new IllegalArgumentException("invalid port: " + portArray.length + " ports for " + hostArray.length + " hosts");
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hostArray.length; i++) {
            String host = hostArray[i].trim();
            if (host.isEmpty() || host.startsWith("/")) {
                // An empty host or a directory means a Unix socket in libpq; pgjdbc speaks TCP only.
                host = "localhost";
            }
            if (host.contains(":") && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            String port = portArray.length == 0 ? "" : portArray[portArray.length == 1 ? 0 : i].trim();
            int portNumber = DEFAULT_PORT;
            if (!port.isEmpty()) {
                if (!port.matches("\\d{1,5}") || Integer.parseInt(port) == 0 || Integer.parseInt(port) > 65535) {
                    throw new IllegalArgumentException("invalid port \"" + port + "\"");
                }
                portNumber = Integer.parseInt(port);
            }
            if (i > 0) {
                out.append(',');
            }
            out.append(host).append(':').append(portNumber);
        }
        return out.toString();
    }

    private static Properties defaults() {
        Properties props = new Properties();
        props.setProperty("ApplicationName", DEFAULT_APPLICATION_NAME);
        // Without this pgjdbc puts the server's DETAIL ("Failing row contains (…)") into exception messages,
        // which would copy record payloads into logs and error envelopes.
        props.setProperty("logServerErrorDetail", "false");
        return props;
    }

    /** The URL and the user; never the password. */
    @Override
    public String toString() {
        String user = user();
        return jdbcUrl + (user == null ? "" : " (user " + user + ")");
    }
}
