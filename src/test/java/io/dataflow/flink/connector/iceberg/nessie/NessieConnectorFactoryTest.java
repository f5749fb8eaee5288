package io.dataflow.flink.connector.iceberg.nessie;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.connector.SchemaEvolution;
import io.dataflow.flink.connector.iceberg.IcebergSinkSettings;
import io.dataflow.flink.connector.iceberg.IcebergSourceSettings;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NessieConnectorFactoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "'baseURL':'http://nessie:19120','namespace':'analytics.daily','table':'totals'";
    private final NessieConnectorFactory factory = new NessieConnectorFactory();

    private ConfigValues sink(String json, ValidationErrors errors) throws Exception {
        ConfigValues config = ConfigValidator.validate("sink.config", JSON.readTree(json.replace('\'', '"')), factory.sinkOptions(), errors);
        factory.validateSink(config, errors);
        return config;
    }

    private ConfigValues source(String json, ValidationErrors errors) throws Exception {
        ConfigValues config = ConfigValidator.validate("source.config", JSON.readTree(json.replace('\'', '"')), factory.sourceOptions(), errors);
        factory.validateSource(config, errors);
        return config;
    }

    private List<String> sinkErrors(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        sink(json, errors);
        return errors.list().stream().map(ValidationErrors.Error::toString).toList();
    }

    private List<String> sourceErrors(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        source(json, errors);
        return errors.list().stream().map(ValidationErrors.Error::toString).toList();
    }

    private ConfigValues validSink(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = sink(json, errors);
        assertThat(errors.list()).isEmpty();
        return c;
    }

    @Test
    void registeredAsPollingSourceAndSink() {
        assertThat(ConnectorRegistry.sink("nessie")).isInstanceOf(NessieConnectorFactory.class);
        assertThat(ConnectorRegistry.source("nessie")).isInstanceOf(NessieConnectorFactory.class);
        assertThat(factory.isPollingSource()).isTrue();
        assertThat(factory.isParallelSource(null)).as("one position, parallelism 1").isFalse();
        assertThat(factory.isIdempotentSink(null)).as("commits are bound to completed checkpoints").isTrue();
    }

    @Test
    void catalogPropertiesFollowTheManifest() throws Exception {
        NessieSettings s = NessieSettings.from(validSink("{" + BASE + ",'baseURL':'https://nessie.example.net/','branch':'dev',"
                + "'warehouse':'file:///lake','bearerToken':'t0ken'}"));
        assertThat(s.apiV2()).hasToString("https://nessie.example.net/api/v2");
        Map<String, String> p = s.catalogProperties();
        assertThat(p).containsEntry("uri", "https://nessie.example.net/api/v2").containsEntry("ref", "dev")
                .containsEntry("warehouse", "file:///lake").containsEntry("nessie.authentication.type", "BEARER")
                .containsEntry("nessie.authentication.token", "t0ken");
        assertThat(s.toString()).doesNotContain("t0ken");
        assertThat(NessieSettings.from(validSink("{" + BASE + "}")).catalogProperties())
                .containsEntry("ref", "main").containsEntry("nessie.authentication.type", "NONE");
    }

    @Test
    void authenticationAutoPicksBearerThenBasicThenNone() throws Exception {
        assertThat(NessieAuth.from(validSink("{" + BASE + ",'token':'a','basicAuth':{'username':'u','password':'p'}}")).kind())
                .isEqualTo(NessieAuth.Kind.BEARER);
        NessieAuth basic = NessieAuth.from(validSink("{" + BASE + ",'basicAuth':{'username':'u','password':'p'}}"));
        assertThat(basic.kind()).isEqualTo(NessieAuth.Kind.BASIC);
        assertThat(basic.authorizationHeader()).hasValue("Basic dTpw");
        Map<String, String> props = new HashMap<>();
        basic.addClientProperties(props);
        assertThat(props).containsEntry("nessie.authentication.username", "u").containsEntry("nessie.authentication.password", "p");
        assertThat(NessieAuth.from(validSink("{" + BASE + "}")).authorizationHeader()).isEmpty();
        assertThat(NessieAuth.from(validSink("{" + BASE + ",'token':'tk','bearerToken':'other'}")).authorizationHeader())
                .as("token (from tokenSecretRef) wins").hasValue("Bearer tk");
    }

    @Test
    void invalidConfigurationsNameTheirField() throws Exception {
        assertThat(sinkErrors("{'namespace':'n','table':'t'}")).anyMatch(e -> e.contains("sink.config.baseURL") && e.contains("required"));
        assertThat(sinkErrors("{" + BASE + ",'baseURL':'nessie:19120'}")).anyMatch(e -> e.contains("sink.config.baseURL") && e.contains("http"));
        assertThat(sinkErrors("{" + BASE + ",'authenticationType':'BEARER'}"))
                .anyMatch(e -> e.contains("sink.config.authenticationType") && e.contains("bearerToken or tokenSecretRef"));
        assertThat(sinkErrors("{" + BASE + ",'authenticationType':'BASIC','basicAuth':{'username':'u'}}"))
                .anyMatch(e -> e.contains("basicAuth.password"));
        assertThat(sinkErrors("{" + BASE + ",'authenticationType':'KERBEROS'}")).anyMatch(e -> e.contains("sink.config.authenticationType"));
        assertThat(sinkErrors("{" + BASE + ",'flattenMetadataColumns':true}"))
                .anyMatch(e -> e.contains("sink.config.flattenMetadataColumns") && e.contains("rawMode"));
        assertThat(sinkErrors("{" + BASE + ",'warehouse':'hdfs://nn/lake'}"))
                .anyMatch(e -> e.contains("sink.config.warehouse") && e.contains("s3:// and file://"));
        assertThat(sinkErrors("{" + BASE + ",'namespace':'a..b'}")).anyMatch(e -> e.contains("sink.config.namespace"));
        assertThat(sinkErrors("{" + BASE + ",'table':'a.b'}")).anyMatch(e -> e.contains("sink.config.table"));
        assertThat(sinkErrors("{" + BASE + ",'branch':' '}")).anyMatch(e -> e.contains("sink.config.branch"));
        assertThat(sourceErrors("{" + BASE + ",'startSnapshotID':'-5'}")).anyMatch(e -> e.contains("source.config.startSnapshotID"));
        assertThat(sourceErrors("{" + BASE + ",'incrementalBySnapshot':true,'query':'x > 1'}"))
                .anyMatch(e -> e.contains("source.config.query") && e.contains("incrementalBySnapshot"));
        assertThat(sourceErrors("{" + BASE + ",'pollInterval':'0s'}")).anyMatch(e -> e.contains("source.config.pollInterval"));
        assertThat(sourceErrors("{" + BASE + ",'query':'ignored'}")).as("query alone is ignored, as by the original").isEmpty();
    }

    private static final String S3_KEYS = ",'s3Region':'eu-central-1','accessKey':'AKIATEST','secretAccessKey':'Secr3tKey'";

    @Test
    void schemaEvolutionIsIgnoreByDefaultAndOnlyIgnoreEvolveOrFail() throws Exception {
        assertThat(IcebergSinkSettings.from(validSink("{" + BASE + "}"), "nessie").schemaEvolution())
                .isEqualTo(SchemaEvolution.IGNORE);
        assertThat(IcebergSinkSettings.from(validSink("{" + BASE + ",'schemaEvolution':'evolve'}"), "nessie").schemaEvolution())
                .isEqualTo(SchemaEvolution.EVOLVE);
        assertThat(IcebergSinkSettings.from(validSink("{" + BASE + ",'schemaEvolution':'fail'}"), "nessie").schemaEvolution())
                .isEqualTo(SchemaEvolution.FAIL);
        assertThat(sinkErrors("{" + BASE + ",'schemaEvolution':'sometimes'}")).containsExactly(
                "sink.config.schemaEvolution: must be one of ignore, evolve, fail (got \"sometimes\")");
        assertThat(sinkErrors("{" + BASE + ",'schemaEvolution':true}"))
                .anyMatch(e -> e.startsWith("sink.config.schemaEvolution: "));
    }

    @Test
    void anS3WarehouseNeedsRegionAndBothKeysOrNeitherEachNamed() throws Exception {
        assertThat(sinkErrors("{" + BASE + ",'warehouse':'s3://lake/warehouse'}"))
                .as("no keys: the AWS SDK's default credential chain; the region is still needed")
                .singleElement().satisfies(e -> assertThat(e).contains("sink.config.s3Region", "an s3:// warehouse"));
        assertThat(sinkErrors("{" + BASE + ",'warehouse':'s3://lake/warehouse','s3Region':'eu-central-1','accessKey':'AKIATEST'}"))
                .singleElement().satisfies(e -> assertThat(e).contains("sink.config.secretAccessKey", "secretAccessKeySecretRef",
                        "default credential chain"));
        assertThat(sourceErrors("{" + BASE + ",'warehouse':'s3a://lake/w','s3Region':'eu-central-1','secretAccessKey':'Secr3tKey'}"))
                .as("the source reads S3 files too").singleElement()
                .satisfies(e -> assertThat(e).contains("source.config.accessKey", "accessKeySecretRef"));
        assertThat(sourceErrors("{" + BASE + ",'warehouse':'s3a://lake/w','s3Region':'eu-central-1'}")).isEmpty();
        assertThat(sinkErrors("{" + BASE + ",'warehouse':'s3://lake/warehouse'" + S3_KEYS + ",'s3Endpoint':'minio:9000'}"))
                .anyMatch(e -> e.contains("sink.config.s3Endpoint") && e.contains("http"));
        assertThat(sinkErrors("{" + BASE + ",'warehouse':'s3:///warehouse'" + S3_KEYS + "}"))
                .anyMatch(e -> e.contains("sink.config.warehouse") && e.contains("bucket"));
        assertThat(sinkErrors("{" + BASE + ",'warehouse':'warehouse'" + S3_KEYS + "}"))
                .as("a warehouse name, as the original's example G has, validates (it only matters for new tables)").isEmpty();
        assertThat(sinkErrors("{" + BASE + ",'s3Endpoint':'http://minio:9000'}"))
                .as("S3 fields without an s3:// warehouse still mean S3 (tables created elsewhere)")
                .anyMatch(e -> e.contains("sink.config.s3Region") && e.contains("S3 storage"));
        assertThat(sinkErrors("{" + BASE + ",'warehouse':'s3://lake/warehouse'" + S3_KEYS + ",'s3Endpoint':'https://s3.example.net/'}"))
                .isEmpty();
        assertThat(sinkErrors("{" + BASE + ",'warehouse':'file:///tmp/lake'}")).as("local warehouses as before").isEmpty();
    }

    @Test
    void anS3WarehouseConfiguresS3FileIoAndKeepsTheKeysOutOfToString() throws Exception {
        NessieSettings s = NessieSettings.from(validSink("{" + BASE + ",'warehouse':'s3://lake/warehouse'" + S3_KEYS
                + ",'s3Endpoint':'http://minio:9000/'}"));
        assertThat(s.catalogProperties())
                .containsEntry("warehouse", "s3://lake/warehouse")
                .containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
                .containsEntry("s3.client-factory-impl", io.dataflow.flink.connector.iceberg.S3ClientFactory.class.getName())
                .containsEntry("s3.endpoint", "http://minio:9000")
                .containsEntry("s3.path-style-access", "true")
                .containsEntry("client.region", "eu-central-1")
                .containsEntry("s3.access-key-id", "AKIATEST")
                .containsEntry("s3.secret-access-key", "Secr3tKey")
                .containsEntry("http-client.type", "urlconnection");
        assertThat(s.toString()).contains("http://minio:9000", "eu-central-1").doesNotContain("AKIATEST", "Secr3tKey");
        Map<String, String> aws = NessieSettings.from(validSink("{" + BASE + ",'warehouse':'s3://lake/w'" + S3_KEYS + "}"))
                .catalogProperties();
        assertThat(aws).as("AWS itself: the SDK's endpoint, virtual-host requests").doesNotContainKeys("s3.endpoint", "s3.path-style-access")
                .containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
        assertThat(NessieSettings.from(validSink("{" + BASE + ",'warehouse':'file:///lake'}")).catalogProperties())
                .containsEntry("io-impl", "org.apache.iceberg.hadoop.HadoopFileIO").doesNotContainKeys("s3.access-key-id");
    }

    @Test
    void withoutKeysS3FileIoIsLeftToTheDefaultCredentialChain() throws Exception {
        NessieSettings s = NessieSettings.from(validSink("{" + BASE + ",'warehouse':'s3://lake/w','s3Region':'eu-central-1'}"));
        assertThat(s.catalogProperties()).containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
                .containsEntry("client.region", "eu-central-1")
                .as("no static keys: Iceberg builds the SDK's DefaultCredentialsProvider")
                .doesNotContainKeys("s3.access-key-id", "s3.secret-access-key", "client.credentials-provider");
        assertThat(s.toString()).contains("default credential chain");
    }

    @Test
    void theOriginalsS3SecretRefsArePartOfTheSchema() {
        assertThat(factory.sinkOptions()).extracting(o -> o.name())
                .contains("s3Endpoint", "s3Region", "accessKey", "secretAccessKey");
        assertThat(factory.sinkOptions()).filteredOn(o -> o.name().endsWith("ccessKey"))
                .allSatisfy(o -> assertThat(o.secret()).as(o.name() + " is masked").isTrue())
                .allSatisfy(o -> assertThat(o.acceptsSecretRef()).as(o.name() + "SecretRef").isTrue());
    }

    @Test
    void sourceSettingsDefaultsAndUnsignedSnapshotIds() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        IcebergSourceSettings s = IcebergSourceSettings.from(source("{" + BASE + ",'startSnapshotID':'17341029947718230911'}", errors), "nessie");
        assertThat(errors.list()).isEmpty();
        assertThat(Long.toUnsignedString(s.startSnapshotId())).isEqualTo("17341029947718230911");
        assertThat(s.pollInterval()).hasSeconds(10);
        assertThat(s.incremental()).isFalse();
        assertThat(s.maxRowsPerPoll()).isEqualTo(IcebergSourceSettings.DEFAULT_MAX_ROWS_PER_POLL);
        assertThat(s.bounded()).isFalse();
        assertThat(s.table().icebergNamespace().levels()).containsExactly("analytics", "daily");
    }

    @Test
    void connectorsCloseWithoutConnectAndRefuseConnectAfterClose() throws Exception {
        ConfigValues sinkConfig = validSink("{" + BASE + ",'baseURL':'http://127.0.0.1:1'}");
        var sink = factory.createSink(sinkConfig, ConnectorContext.standalone("j", "sink"));
        sink.close();
        sink.close();
        assertThatThrownBy(sink::connect).isInstanceOf(io.dataflow.flink.connector.ConnectorClosedException.class);
        var src = factory.createSource(source("{" + BASE + ",'baseURL':'http://127.0.0.1:1'}", new ValidationErrors()),
                ConnectorContext.standalone("j", "source"));
        src.close();
        src.close();
        assertThatThrownBy(src::connect).isInstanceOf(io.dataflow.flink.connector.ConnectorClosedException.class);
    }

    @Test
    void anUnreachableServerFailsThePreflightNamingIt() throws Exception {
        var sink = factory.createSink(validSink("{" + BASE + ",'baseURL':'http://127.0.0.1:1','bearerToken':'s3cret'}"),
                ConnectorContext.standalone("j", "sink"));
        assertThatThrownBy(sink::connect).hasMessageContaining("Nessie server http://127.0.0.1:1 is not reachable")
                .satisfies(e -> assertThat(org.apache.flink.util.ExceptionUtils.stringifyException(e)).doesNotContain("s3cret"));
        sink.close();
    }
}
