package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.connector.UriComponents;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;

import java.io.Serializable;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where an Iceberg connector's data and metadata files live when they are in S3 (or an S3-compatible store):
 * endpoint, region and the access key pair, turned into the properties of Iceberg's {@code S3FileIO}. S3 is used
 * when the warehouse is an {@code s3://} location or any S3 field is set. {@link #toString()} never shows a key.
 *
 * <p>The original passed these fields to the processor as the AWS environment variables; here they stay in the
 * connector's settings (like every other credential), so two connectors of one job may use different stores. Without
 * keys the original's processor had no such variables and the AWS SDK found credentials itself; so does this class:
 * no keys means the SDK's default credential chain ({@link AwsDefaultCredentials}), e.g. a Kubernetes
 * service-account role.
 */
public final class S3Storage implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String S3_FILE_IO = "org.apache.iceberg.aws.s3.S3FileIO";
    private static final Set<String> S3_SCHEMES = Set.of("s3", "s3a", "s3n");

    private final URI endpoint;
    private final String region;
    /** Both null: the SDK's default credential chain. */
    private final String accessKeyId;
    private final String secretAccessKey;
    /** Names the connector in errors, e.g. {@code nessie connector at sink.config}. */
    private final String connector;

    private S3Storage(URI endpoint, String region, String accessKeyId, String secretAccessKey, String connector) {
        this.endpoint = endpoint;
        this.region = region;
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.connector = connector;
    }

    /**
     * The connector's S3 storage, or empty when it uses none. Assumes {@link #validate} passed; fails naming the
     * field otherwise.
     *
     * @param connectorType       the connector's type, for error messages
     * @param warehouseIsLocation true when {@code warehouse} is a location (Nessie), false when a REST catalog names it
     */
    public static Optional<S3Storage> from(ConfigValues config, String connectorType, boolean warehouseIsLocation) {
        if (!wanted(config, warehouseIsLocation)) {
            return Optional.empty();
        }
        String problem = problem(config);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        URI endpoint = value(config, IcebergOptions.S3_ENDPOINT).map(UriComponents::httpUrl).orElse(null);
        return Optional.of(new S3Storage(endpoint, value(config, IcebergOptions.S3_REGION).orElseThrow().trim(),
                value(config, IcebergOptions.ACCESS_KEY).orElse(null), value(config, IcebergOptions.SECRET_ACCESS_KEY).orElse(null),
                connectorType + " connector at " + config.path()));
    }

    /** Every missing or malformed S3 field, named, when the connector uses S3. */
    public static void validate(ConfigValues config, ValidationErrors errors, boolean warehouseIsLocation) {
        if (!wanted(config, warehouseIsLocation)) {
            return;
        }
        String why = warehouseIsLocation && isS3Location(config.getOptional(IcebergOptions.WAREHOUSE).orElse(""))
                ? "an s3:// warehouse" : "S3 storage (s3Endpoint, s3Region or an access key is set)";
        if (value(config, IcebergOptions.S3_REGION).isEmpty()) {
            errors.add(config.pathOf(IcebergOptions.S3_REGION), "required for " + why
                    + ": the region requests are signed for (any name an S3-compatible store accepts, e.g. us-east-1)");
        }
        boolean accessKey = value(config, IcebergOptions.ACCESS_KEY).isPresent();
        boolean secretKey = value(config, IcebergOptions.SECRET_ACCESS_KEY).isPresent();
        // neither: the SDK's default credential chain
        if (secretKey && !accessKey) {
            errors.add(config.pathOf(IcebergOptions.ACCESS_KEY), "required with secretAccessKey: set accessKeySecretRef "
                    + "(or accessKey), or neither key to use the AWS SDK's default credential chain");
        }
        if (accessKey && !secretKey) {
            errors.add(config.pathOf(IcebergOptions.SECRET_ACCESS_KEY), "required with accessKey: set secretAccessKeySecretRef "
                    + "(or secretAccessKey), or neither key to use the AWS SDK's default credential chain");
        }
        value(config, IcebergOptions.S3_ENDPOINT).ifPresent(e -> {
            try {
                UriComponents.httpUrl(e);
            } catch (IllegalArgumentException bad) {
                errors.add(config.pathOf(IcebergOptions.S3_ENDPOINT), bad.getMessage());
            }
        });
    }

    /** True for {@code s3://}, {@code s3a://} and {@code s3n://} locations (the schemes S3FileIO reads). */
    public static boolean isS3Location(String location) {
        int colon = location.indexOf("://");
        return colon > 0 && S3_SCHEMES.contains(location.substring(0, colon).trim().toLowerCase(Locale.ROOT));
    }

    private static boolean wanted(ConfigValues config, boolean warehouseIsLocation) {
        if (warehouseIsLocation && isS3Location(config.getOptional(IcebergOptions.WAREHOUSE).orElse(""))) {
            return true;
        }
        return anyFieldSet(config);
    }

    /** True when s3Endpoint, s3Region or an access key is set. */
    private static boolean anyFieldSet(ConfigValues config) {
        return IcebergOptions.S3.stream().anyMatch(o -> value(config, castString(o)).isPresent());
    }

    private static String problem(ConfigValues config) {
        if (value(config, IcebergOptions.S3_REGION).isEmpty()) {
            return "S3 storage needs s3Region";
        }
        if (value(config, IcebergOptions.ACCESS_KEY).isEmpty() != value(config, IcebergOptions.SECRET_ACCESS_KEY).isEmpty()) {
            return "S3 storage needs both accessKey and secretAccessKey (accessKeySecretRef, secretAccessKeySecretRef) or neither";
        }
        return null;
    }


    @SuppressWarnings("unchecked")
    private static ConfigField<String> castString(ConfigField<?> option) {
        return (ConfigField<String>) option;
    }

    private static Optional<String> value(ConfigValues config, ConfigField<String> option) {
        return config.getOptional(option).filter(v -> !v.isBlank());
    }

    /**
     * The FileIO properties: Iceberg's {@code S3FileIO} with the static credentials, if any (without them Iceberg
     * builds the SDK's default credential chain for each client), the JDK's HTTP client (the jar bundles no other),
     * and path-style requests for a custom endpoint (S3-compatible stores rarely serve bucket subdomains).
     */
    public void addFileIoProperties(Map<String, String> properties) {
        properties.put("io-impl", S3_FILE_IO);
        // An S3-only client factory (Iceberg's default one also loads STS, Glue, KMS and DynamoDB classes, whose SDK
        // modules the jar leaves out), with checksums S3-compatible stores accept.
        properties.put("s3.client-factory-impl", S3ClientFactory.class.getName());
        properties.put("client.region", region);
        if (accessKeyId != null) {
            properties.put("s3.access-key-id", accessKeyId);
            properties.put("s3.secret-access-key", secretAccessKey);
        }
        properties.put("http-client.type", "urlconnection");
        if (endpoint != null) {
            properties.put("s3.endpoint", endpoint.toString());
            properties.put("s3.path-style-access", "true");
        }
    }

    /**
     * Without keys: fails, naming the connector and the chain's steps, when the SDK's default credential chain finds no
     * credentials where the job runs. With keys there is nothing to check before the store answers.
     */
    public void checkCredentials() throws java.io.IOException {
        if (accessKeyId == null) {
            AwsDefaultCredentials.require(connector);
        }
    }

    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    public String region() {
        return region;
    }

    @Override
    public String toString() {
        return "S3Storage{" + (endpoint != null ? endpoint : "AWS") + ", region " + region
                + (accessKeyId == null ? ", default credential chain" : "") + "}";
    }
}
