package io.dataflow.flink.connector.iceberg.nessie;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.connector.iceberg.IcebergOptions;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * How the connector authenticates to Nessie, resolved from {@code authenticationType} and the credentials present
 * (AUTO: bearer when a token is set, else basic when username and password are, else none). {@link #toString()}
 * never shows a credential.
 */
public final class NessieAuth implements Serializable {

    private static final long serialVersionUID = 1L;

    public enum Kind { BEARER, BASIC, NONE }

    private final Kind kind;
    private final String token;
    private final String username;
    private final String password;

    private NessieAuth(Kind kind, String token, String username, String password) {
        this.kind = kind;
        this.token = token;
        this.username = username;
        this.password = password;
    }

    /** Resolves the configured type; fails naming the missing field when the chosen type lacks its credentials. */
    public static NessieAuth from(ConfigValues config) {
        String token = nonBlank(config.getOptional(IcebergOptions.TOKEN))
                .or(() -> nonBlank(config.getOptional(NessieOptions.BEARER_TOKEN))).orElse(null);
        Optional<ConfigValues> basic = config.getOptional(NessieOptions.BASIC_AUTH);
        String user = basic.flatMap(b -> nonBlank(b.getOptional(NessieOptions.BASIC_USERNAME))).orElse(null);
        String password = basic.flatMap(b -> nonBlank(b.getOptional(NessieOptions.BASIC_PASSWORD))).orElse(null);
        switch (config.get(NessieOptions.AUTHENTICATION_TYPE).toUpperCase(java.util.Locale.ROOT)) {
            case NessieOptions.AUTH_BEARER:
                if (token == null) {
                    throw new IllegalArgumentException("authenticationType BEARER needs bearerToken or tokenSecretRef");
                }
                return new NessieAuth(Kind.BEARER, token, null, null);
            case NessieOptions.AUTH_BASIC:
                if (user == null || password == null) {
                    throw new IllegalArgumentException("authenticationType BASIC needs basicAuth.username and basicAuth.password");
                }
                return new NessieAuth(Kind.BASIC, null, user, password);
            case NessieOptions.AUTH_NONE:
                return new NessieAuth(Kind.NONE, null, null, null);
            default:
                if (token != null) {
                    return new NessieAuth(Kind.BEARER, token, null, null);
                }
                if (user != null && password != null) {
                    return new NessieAuth(Kind.BASIC, null, user, password);
                }
                return new NessieAuth(Kind.NONE, null, null, null);
        }
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP Authorization header value, if any. */
    public Optional<String> authorizationHeader() {
        switch (kind) {
            case BEARER:
                return Optional.of("Bearer " + token);
            case BASIC:
                return Optional.of("Basic " + Base64.getEncoder().encodeToString(
                        (username + ":" + password).getBytes(StandardCharsets.UTF_8)));
            default:
                return Optional.empty();
        }
    }

    /** Nessie client settings (the {@code nessie.authentication.*} keys Iceberg's NessieCatalog passes on). */
    public void addClientProperties(Map<String, String> properties) {
        properties.put("nessie.authentication.type", kind.name());
        if (kind == Kind.BEARER) {
            properties.put("nessie.authentication.token", token);
        } else if (kind == Kind.BASIC) {
            properties.put("nessie.authentication.username", username);
            properties.put("nessie.authentication.password", password);
        }
    }

    private static Optional<String> nonBlank(Optional<String> value) {
        return value.filter(v -> !v.isBlank());
    }

    @Override
    public String toString() {
        return "NessieAuth{" + kind + "}";
    }
}
