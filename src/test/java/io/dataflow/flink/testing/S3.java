package io.dataflow.flink.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The test's S3-compatible server (started by {@code @RealServers(S3)}: S3Proxy through scripts/servers/s3-start.sh),
 * its bucket and test key pair, the manifest fields that point a connector at it, and a plain S3 client to look
 * at what landed in the bucket.
 */
public final class S3 {

    /** Defaults of scripts/servers/s3-start.sh. */
    public static final String BUCKET = "dataflow-it";
    public static final String ACCESS_KEY = "dataflow-test-access-key";
    public static final String SECRET_KEY = "dataflow-test-secret-key";
    public static final String REGION = "us-east-1";

    private S3() {
    }

    public static String endpoint() {
        return "http://127.0.0.1:" + RealServersExtension.port(Server.S3);
    }

    /** The YAML lines (at the connector's config indentation, 4 spaces) of the S3 fields for this server. */
    public static String configYaml() {
        return "    s3Endpoint: \"" + endpoint() + "\"\n    s3Region: " + REGION + "\n"
                + "    accessKey: " + ACCESS_KEY + "\n    secretAccessKey: " + SECRET_KEY + "\n";
    }

    /** The FileIO properties a test's own catalog needs to read what a connector wrote. */
    public static Map<String, String> fileIoProperties() {
        return Map.of("io-impl", "org.apache.iceberg.aws.s3.S3FileIO", "s3.endpoint", endpoint(),
                "s3.path-style-access", "true", "client.region", REGION, "s3.access-key-id", ACCESS_KEY,
                "s3.secret-access-key", SECRET_KEY, "http-client.type", "urlconnection",
                "s3.client-factory-impl", io.dataflow.flink.connector.iceberg.S3ClientFactory.class.getName());
    }

    public static S3Client client() {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .forcePathStyle(true)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                // S3Proxy predates the SDK's default upload checksums (an HTTP trailer), as S3ClientFactory explains
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** Every object key under {@code prefix} in the test bucket. */
    public static List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        try (S3Client s3 = client()) {
            s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(BUCKET).prefix(prefix).build())
                    .contents().stream().map(S3Object::key).forEach(keys::add);
        }
        return keys;
    }
}
