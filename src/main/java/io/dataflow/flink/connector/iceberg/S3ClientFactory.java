package io.dataflow.flink.connector.iceberg;

import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.HttpClientProperties;
import org.apache.iceberg.aws.s3.S3FileIOAwsClientFactory;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.util.HashMap;
import java.util.Map;

/**
 * The S3 client behind Iceberg's {@code S3FileIO}: Iceberg's own S3-only factory, plus one change for S3-compatible
 * stores. Since 2.30 the AWS SDK adds a CRC checksum to every upload as an HTTP trailer ({@code x-amz-trailer},
 * {@code aws-chunked} bodies); stores that predate it (S3Proxy, older MinIO and Ceph releases, …) refuse such uploads
 * with "501 Not Implemented". With a custom endpoint, checksums are therefore sent and checked only where S3 requires
 * them; against AWS itself the SDK's default stays.
 */
public final class S3ClientFactory implements S3FileIOAwsClientFactory {

    private static final long serialVersionUID = 1L;

    private Map<String, String> properties = Map.of();

    @Override
    public void initialize(Map<String, String> props) {
        this.properties = new HashMap<>(props);
    }

    @Override
    public S3Client s3() {
        S3FileIOProperties s3 = new S3FileIOProperties(properties);
        AwsClientProperties client = new AwsClientProperties(properties);
        HttpClientProperties http = new HttpClientProperties(properties);
        S3ClientBuilder builder = S3Client.builder()
                .applyMutation(client::applyClientRegionConfiguration)
                .applyMutation(http::applyHttpClientConfigurations)
                .applyMutation(s3::applyEndpointConfigurations)
                .applyMutation(s3::applyServiceConfigurations)
                .applyMutation(b -> s3.applyCredentialConfigurations(client, b))
                .applyMutation(s3::applySignerConfiguration)
                .applyMutation(s3::applyUserAgentConfigurations)
                .applyMutation(s3::applyRetryConfigurations);
        if (s3.endpoint() != null) {
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }

    /** Only S3FileIO's optional analytics accelerator uses it; the jar bundles no asynchronous HTTP client. */
    @Override
    public S3AsyncClient s3Async() {
        throw new UnsupportedOperationException("the asynchronous S3 client is not bundled (s3.analytics-accelerator.enabled is not supported)");
    }
}
