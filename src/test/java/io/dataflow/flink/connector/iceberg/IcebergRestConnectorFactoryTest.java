package io.dataflow.flink.connector.iceberg;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IcebergRestConnectorFactoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "'catalogURI':'https://catalog.example.net/','namespace':'iot','table':'readings'";
    private final IcebergRestConnectorFactory factory = new IcebergRestConnectorFactory();

    private ConfigValues sink(String json, ValidationErrors errors) throws Exception {
        ConfigValues config = ConfigValidator.validate("sink.config", JSON.readTree(json.replace('\'', '"')), factory.sinkOptions(), errors);
        factory.validateSink(config, errors);
        return config;
    }

    private List<String> errors(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        sink(json, errors);
        return errors.list().stream().map(ValidationErrors.Error::toString).toList();
    }

    private IcebergRestSettings settings(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = sink(json, errors);
        assertThat(errors.list()).isEmpty();
        return IcebergRestSettings.from(c);
    }

    @Test
    void registeredAsSourceAndSink() {
        assertThat(ConnectorRegistry.sink("iceberg")).isInstanceOf(IcebergRestConnectorFactory.class);
        assertThat(ConnectorRegistry.source("iceberg")).isInstanceOf(IcebergRestConnectorFactory.class);
        assertThat(factory.isPollingSource()).isTrue();
    }

    @Test
    void theOriginalsOAuth2ExampleBecomesClientCredentials() throws Exception {
        IcebergRestSettings s = settings("{" + BASE + ",'prefix':'prod','warehouse':'lake','oauth2ClientID':'id',"
                + "'oauth2ClientSecret':'secret','autoCreateTable':true,'rawMode':true}");
        assertThat(s.auth()).isEqualTo(IcebergRestSettings.Auth.OAUTH2);
        Map<String, String> p = s.catalogProperties();
        assertThat(p).containsEntry("uri", "https://catalog.example.net").containsEntry("prefix", "prod")
                .containsEntry("warehouse", "lake").containsEntry("credential", "id:secret").containsEntry("scope", "catalog")
                .doesNotContainKey("token");
        assertThat(s.toString()).doesNotContain("secret");
    }

    @Test
    void s3FieldsSelectS3FileIoAndNeedRegionAndBothKeysOrNeither() throws Exception {
        IcebergRestSettings s = settings("{" + BASE + ",'warehouse':'lake','s3Endpoint':'http://minio:9000','s3Region':'us-east-1',"
                + "'accessKey':'AKIATEST','secretAccessKey':'Secr3tKey'}");
        assertThat(s.catalogProperties()).containsEntry("warehouse", "lake")
                .containsEntry("io-impl", S3Storage.S3_FILE_IO).containsEntry("s3.endpoint", "http://minio:9000")
                .containsEntry("s3.path-style-access", "true").containsEntry("client.region", "us-east-1")
                .containsEntry("s3.access-key-id", "AKIATEST").containsEntry("s3.secret-access-key", "Secr3tKey");
        assertThat(s.toString()).doesNotContain("AKIATEST", "Secr3tKey");
        assertThat(settings("{" + BASE + ",'warehouse':'lake'}").catalogProperties())
                .as("a warehouse name alone: the catalog's files, local or prescribed by the catalog")
                .containsEntry("io-impl", "org.apache.iceberg.hadoop.HadoopFileIO");
        assertThat(errors("{" + BASE + ",'s3Endpoint':'http://minio:9000'}")).as("no keys: the SDK's default credential chain")
                .singleElement().satisfies(e -> assertThat(e).contains("sink.config.s3Region", "required"));
        assertThat(errors("{" + BASE + ",'s3Endpoint':'http://minio:9000','s3Region':'us-east-1','accessKey':'AKIATEST'}"))
                .singleElement().satisfies(e -> assertThat(e).contains("sink.config.secretAccessKey", "secretAccessKeySecretRef"));
        assertThat(settings("{" + BASE + ",'s3Endpoint':'http://minio:9000','s3Region':'us-east-1'}").catalogProperties())
                .containsEntry("io-impl", S3Storage.S3_FILE_IO).doesNotContainKeys("s3.access-key-id", "s3.secret-access-key");
        assertThat(errors("{" + BASE + ",'warehouse':'s3://not-checked-here/w'}"))
                .as("a REST catalog's warehouse is a name or the catalog's business, not a location this client writes to")
                .isEmpty();
    }

    @Test
    void bearerWinsThenOAuth2ThenBasicThenNone() throws Exception {
        assertThat(settings("{" + BASE + ",'token':'t','oauth2ClientID':'i','oauth2ClientSecret':'s'}").catalogProperties())
                .containsEntry("token", "t").doesNotContainKey("credential");
        assertThat(settings("{" + BASE + ",'basicAuth':{'username':'u','password':'p'}}").catalogProperties())
                .containsEntry("rest.auth.type", "basic").containsEntry("rest.auth.basic.username", "u");
        assertThat(settings("{" + BASE + "}").catalogProperties()).containsEntry("rest.auth.type", "none");
        assertThat(settings("{" + BASE + ",'oauth2ClientID':'i','oauth2ClientSecret':'s','oauth2Scope':'PRINCIPAL_ROLE:ALL',"
                + "'oauth2ServerURI':'https://idp/token'}").catalogProperties())
                .containsEntry("scope", "PRINCIPAL_ROLE:ALL").containsEntry("oauth2-server-uri", "https://idp/token");
    }

    @Test
    void invalidConfigurationsNameTheirField() throws Exception {
        assertThat(errors("{'namespace':'n','table':'t'}")).anyMatch(e -> e.contains("sink.config.catalogURI") && e.contains("required"));
        assertThat(errors("{" + BASE + ",'catalogURI':'catalog.example.net'}")).anyMatch(e -> e.contains("sink.config.catalogURI"));
        assertThat(errors("{" + BASE + ",'oauth2ClientID':'only-id'}")).anyMatch(e -> e.contains("sink.config.oauth2ClientID"));
        assertThat(errors("{" + BASE + ",'basicAuth':{'username':'u'}}")).anyMatch(e -> e.contains("sink.config.basicAuth"));
        assertThat(errors("{" + BASE + ",'warehouse':'lake'}")).as("a warehouse name is fine for a REST catalog").isEmpty();
        assertThat(errors("{" + BASE + ",'flattenMetadataColumns':true}")).anyMatch(e -> e.contains("rawMode"));
    }
}
