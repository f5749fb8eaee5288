package io.dataflow.flink.connector.iceberg;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.io.IOException;

/**
 * The AWS SDK's default credential chain, which S3 storage without {@code accessKey}/{@code secretAccessKey} uses (as
 * the original's processor did when the manifest gave no keys: the SDK found them in the pod's environment). Checked
 * once when a connector opens its catalog, so that an empty chain fails there with the connector named, rather than
 * at the first file written with the SDK's bare message. The credentials found stay inside the SDK: nothing here
 * keeps, logs or returns them.
 */
public final class AwsDefaultCredentials {

    /** The chain's steps in the SDK's order, as a user sets them up. */
    static final String CHAIN = "the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY[, AWS_SESSION_TOKEN]), "
            + "the system properties aws.accessKeyId and aws.secretAccessKey, web identity (AWS_WEB_IDENTITY_TOKEN_FILE and "
            + "AWS_ROLE_ARN, as Kubernetes service-account roles set them), the profile file (~/.aws/credentials or "
            + "AWS_SHARED_CREDENTIALS_FILE, profile AWS_PROFILE), container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI "
            + "or _RELATIVE_URI) and the EC2 instance metadata";

    private AwsDefaultCredentials() {
    }

    /**
     * Fails when the chain finds no credentials.
     *
     * @param connector names the connector for the message, e.g. {@code nessie connector at sink.config}
     */
    public static void require(String connector) throws IOException {
        try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
            chain.resolveCredentials();
        } catch (SdkClientException e) {
            // The SDK's message lists each step's reason (names of variables and files, never a credential).
            throw new IOException(connector + ": S3 storage without accessKey/secretAccessKey uses the AWS SDK's default "
                    + "credential chain, and it found no credentials. It tries " + CHAIN + ". Set accessKeySecretRef and "
                    + "secretAccessKeySecretRef, or provide one of these where the job runs. The SDK says: " + e.getMessage());
        }
    }
}
