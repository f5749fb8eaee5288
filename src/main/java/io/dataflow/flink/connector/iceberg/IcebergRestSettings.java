package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.connector.UriComponents;

import io.dataflow.flink.config.ConfigValues;

import java.io.Serializable;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where an {@code iceberg} connector's catalog is and how it authenticates: a bearer token wins, then OAuth2 client
 * credentials, then basic, else none. {@link #toString()} never shows a credential.
 */
public final class IcebergRestSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    public enum Auth { BEARER, OAUTH2, BASIC, NONE }

    private final URI catalogUri;
    private final String prefix;
    private final String warehouse;
    private final Auth auth;
    private final String token;
    private final String clientId;
    private final String clientSecret;
    private final String scope;
    private final String oauth2ServerUri;
    private final String username;
    private final String password;
    /** Null when the files are not in S3 (or the catalog prescribes its own FileIO and credentials). */
    private final S3Storage s3;

    private IcebergRestSettings(ConfigValues config) {
        this.catalogUri = UriComponents.httpUrl(config.get(IcebergRestOptions.CATALOG_URI));
        this.prefix = nonBlank(config.getOptional(IcebergRestOptions.PREFIX)).orElse(null);
        this.warehouse = nonBlank(config.getOptional(IcebergRestOptions.WAREHOUSE)).orElse(null);
        this.token = nonBlank(config.getOptional(IcebergOptions.TOKEN))
                .or(() -> nonBlank(config.getOptional(IcebergRestOptions.BEARER_TOKEN))).orElse(null);
        this.clientId = nonBlank(config.getOptional(IcebergRestOptions.OAUTH2_CLIENT_ID)).orElse(null);
        this.clientSecret = nonBlank(config.getOptional(IcebergRestOptions.OAUTH2_CLIENT_SECRET)).orElse(null);
        this.scope = config.get(IcebergRestOptions.OAUTH2_SCOPE);
        this.oauth2ServerUri = nonBlank(config.getOptional(IcebergRestOptions.OAUTH2_SERVER_URI)).orElse(null);
        Optional<ConfigValues> basic = config.getOptional(IcebergRestOptions.BASIC_AUTH);
        this.username = basic.flatMap(b -> nonBlank(b.getOptional(IcebergRestOptions.BASIC_USERNAME))).orElse(null);
        this.password = basic.flatMap(b -> nonBlank(b.getOptional(IcebergRestOptions.BASIC_PASSWORD))).orElse(null);
        if (clientId != null && clientSecret == null || clientId == null && clientSecret != null) {
            throw new IllegalArgumentException("OAuth2 client credentials need both oauth2ClientID and oauth2ClientSecret");
        }
        if (username != null && password == null || username == null && password != null) {
            throw new IllegalArgumentException("basicAuth needs both username and password");
        }
        this.s3 = S3Storage.from(config, "iceberg", false).orElse(null);
        this.auth = token != null ? Auth.BEARER : clientId != null ? Auth.OAUTH2 : username != null ? Auth.BASIC : Auth.NONE;
    }

    public static IcebergRestSettings from(ConfigValues config) {
        return new IcebergRestSettings(config);
    }


    public URI catalogUri() {
        return catalogUri;
    }

    public Auth auth() {
        return auth;
    }

    /** The S3 store this connector writes and reads files in itself, if any. */
    public Optional<S3Storage> s3() {
        return Optional.ofNullable(s3);
    }

    /** Properties for Iceberg's {@code RESTCatalog}. */
    public Map<String, String> catalogProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("uri", catalogUri.toString());
        if (prefix != null) {
            p.put("prefix", prefix);
        }
        if (warehouse != null) {
            p.put("warehouse", warehouse);
        }
        // The catalog's own configuration (its overrides, or credentials it vends per table) wins over these.
        if (s3 != null) {
            s3.addFileIoProperties(p);
        } else {
            p.put("io-impl", "org.apache.iceberg.hadoop.HadoopFileIO");
        }
        switch (auth) {
            case BEARER:
                p.put("rest.auth.type", "oauth2"); // Iceberg's OAuth2 manager sends a static token as is
                p.put("token", token);
                // only used to refresh the token where the catalog supports it; explicit to avoid a deprecation warning
                p.put("oauth2-server-uri", oauth2ServerUri != null ? oauth2ServerUri : catalogUri + "/v1/oauth/tokens");
                break;
            case OAUTH2:
                p.put("rest.auth.type", "oauth2");
                p.put("credential", clientId + ":" + clientSecret);
                p.put("scope", scope);
                // Iceberg's implicit default, made explicit (the implicit one is deprecated and logs a warning)
                p.put("oauth2-server-uri", oauth2ServerUri != null ? oauth2ServerUri : catalogUri + "/v1/oauth/tokens");
                break;
            case BASIC:
                p.put("rest.auth.type", "basic");
                p.put("rest.auth.basic.username", username);
                p.put("rest.auth.basic.password", password);
                break;
            default:
                p.put("rest.auth.type", "none");
        }
        return p;
    }

    private static Optional<String> nonBlank(Optional<String> value) {
        return value.filter(v -> !v.isBlank());
    }

    @Override
    public String toString() {
        return "IcebergRestSettings{" + catalogUri + ", auth " + auth + (s3 != null ? ", " + s3 : "") + "}";
    }
}
