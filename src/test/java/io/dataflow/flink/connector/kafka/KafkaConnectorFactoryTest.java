package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaConnectorFactoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaConnectorFactory factory = new KafkaConnectorFactory();

    /** Validates like the manifest validator does: declared options first, then the factory's cross-field rules. */
    static ConfigValues validate(String path, String json, List<ConfigField<?>> options, BiConsumer<ConfigValues, ValidationErrors> rules,
                           ValidationErrors errors) throws Exception {
        ConfigValues config = ConfigValidator.validate(path, JSON.readTree(json.replace('\'', '"')), options, errors);
        rules.accept(config, errors);
        return config;
    }

    private ConfigValues source(String json, ValidationErrors errors) throws Exception {
        return validate("source.config", json, factory.sourceOptions(), factory::validateSource, errors);
    }

    private ConfigValues sink(String json, ValidationErrors errors) throws Exception {
        return validate("sink.config", json, factory.sinkOptions(), factory::validateSink, errors);
    }

    private List<String> sourceErrors(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        source(json, errors);
        return errors.list().stream().map(ValidationErrors.Error::toString).toList();
    }

    private List<String> sinkErrors(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        sink(json, errors);
        return errors.list().stream().map(ValidationErrors.Error::toString).toList();
    }

    @Test
    void registeredAsSourceAndSinkOfTypeKafka() {
        assertThat(ConnectorRegistry.source("kafka")).isInstanceOf(KafkaConnectorFactory.class);
        assertThat(ConnectorRegistry.sink("kafka")).isInstanceOf(KafkaConnectorFactory.class);
        assertThat(factory.isParallelSource(ConfigValues.empty("source.config"))).isTrue();
    }

    @Test
    void sourceDefaultsAreTheOriginals() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = source("{'brokers':'a:9092, b:9092','topic':'orders'}", errors);
        assertThat(errors.list()).isEmpty();
        assertThat(c.get(KafkaOptions.BROKERS)).containsExactly("a:9092", "b:9092");
        assertThat(c.get(KafkaOptions.CONSUMER_GROUP)).isEqualTo("dataflow-operator");
        assertThat(c.get(KafkaOptions.FORMAT)).isEqualTo("json");
        assertThat(c.get(KafkaOptions.BOUNDED)).isFalse();
        assertThat(c.get(KafkaOptions.ISOLATION_LEVEL)).isEqualTo("read_uncommitted");
        assertThat(KafkaSecurityProtocol.of(c)).isEqualTo(KafkaSecurityProtocol.PLAINTEXT);
    }

    @Test
    void partitionDiscoveryIntervalIsAGoDurationAtMostAMinuteByDefaultAndZeroTurnsItOff() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues defaults = source("{'brokers':'a:9092','topic':'orders'}", errors);
        assertThat(defaults.get(KafkaOptions.PARTITION_DISCOVERY_INTERVAL)).isEqualTo(Duration.ofSeconds(30))
                .isLessThanOrEqualTo(Duration.ofMinutes(1));
        ConfigValues set = source("{'brokers':'a:9092','topic':'orders','partitionDiscoveryInterval':'1m30s'}", errors);
        assertThat(set.get(KafkaOptions.PARTITION_DISCOVERY_INTERVAL)).isEqualTo(Duration.ofSeconds(90));
        ConfigValues off = source("{'brokers':'a:9092','topic':'orders','partitionDiscoveryInterval':'0'}", errors);
        assertThat(off.get(KafkaOptions.PARTITION_DISCOVERY_INTERVAL)).isZero();
        assertThat(errors.list()).isEmpty();
        assertThat(sourceErrors("{'brokers':'a:9092','topic':'orders','partitionDiscoveryInterval':'soon'}"))
                .singleElement().asString().contains("source.config.partitionDiscoveryInterval");
    }

    @Test
    void sinkDefaultsAreTheNewestOriginals() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = sink("{'brokers':['a:9092'],'topic':'out'}", errors);
        assertThat(errors.list()).isEmpty();
        assertThat(c.get(KafkaOptions.REQUIRED_ACKS)).isEqualTo("all");
        assertThat(c.get(KafkaOptions.IDEMPOTENT)).isTrue();
        assertThat(c.get(KafkaOptions.COMPRESSION)).isEqualTo("snappy");
        assertThat(c.get(KafkaOptions.ASYNC)).isTrue();
        assertThat(c.get(KafkaOptions.DELIVERY_GUARANTEE)).isEqualTo("at-least-once");
        assertThat(KafkaConnectorFactory.flushEvery(c)).as("async: flushed on checkpoints only").isZero();
        assertThat(KafkaOptions.ASYNC.description()).contains("false: every record waits").contains("checkpoint");
    }

    @Test
    void topicNamesFollowKafkasRule() throws Exception {
        assertThat(sourceErrors("{'brokers':'a:1','topic':'orders; DROP TABLE x'}")).singleElement().asString()
                .startsWith("source.config.topic: Topic name is invalid: 'orders; DROP TABLE x' contains one or more characters other than");
        assertThat(sinkErrors("{'brokers':'a:1','topic':'..'}")).singleElement().asString().startsWith("sink.config.topic:");
        assertThat(sinkErrors("{'brokers':'a:1','topic':'" + "t".repeat(250) + "'}")).singleElement().asString()
                .startsWith("sink.config.topic:");
        assertThat(sourceErrors("{'brokers':'a:1','topic':'shop.orders-v2_ok'}")).isEmpty();
    }

    @Test
    void requiredFieldsAndUnknownKeys() throws Exception {
        assertThat(sourceErrors("{'topics':'x'}")).containsExactlyInAnyOrder(
                "source.config.topics: unknown field (known: avroSchema, avroSchemaFile, bounded, brokers, consumerGroup, "
                        + "consumerMaxWait, fetchMaxBytes, fetchMinBytes, format, isolationLevel, maxPartitionFetchBytes, netReadTimeout, "
                        + "netWriteTimeout, partitionDiscoveryInterval, sasl, schemaRegistry, securityProtocol, startFrom, tls, topic)",
                "source.config.brokers: required (or brokersSecretRef)",
                "source.config.topic: required (or topicSecretRef)");
        assertThat(sinkErrors("{'brokers':'a:1','topic':'t','consumerGroup':'g'}")).singleElement()
                .asString().startsWith("sink.config.consumerGroup: unknown field");
        assertThat(sourceErrors("{'brokers':'a:1','topic':'t','tls':{'caFile':'/x','verify':true}}")).singleElement()
                .asString().startsWith("source.config.tls.verify: unknown field");
    }

    @Test
    void securityProtocolIsNormalizedAndMustBeKnown() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = source("{'brokers':'a:1','topic':'t','securityProtocol':'sasl-ssl','sasl':{'username':'u','password':'p'}}", errors);
        assertThat(errors.list()).isEmpty();
        assertThat(KafkaSecurityProtocol.of(c)).isEqualTo(KafkaSecurityProtocol.SASL_SSL);
        assertThat(KafkaSecurityProtocol.parse("sasl plaintext")).contains(KafkaSecurityProtocol.SASL_PLAINTEXT);
        assertThat(KafkaSecurityProtocol.parse("Ssl")).contains(KafkaSecurityProtocol.SSL);
        assertThat(sourceErrors("{'brokers':'a:1','topic':'t','securityProtocol':'TLS'}")).containsExactly(
                "source.config.securityProtocol: must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL (got \"TLS\")");
    }

    @Test
    void securitySectionsMustAgreeWithTheProtocol() throws Exception {
        String base = "{'brokers':'a:1','topic':'t',";
        String tls = "'tls':{'caFile':'/ca.pem'}";
        String sasl = "'sasl':{'username':'u','password':'p'}";
        assertThat(sourceErrors(base + "'securityProtocol':'SASL_PLAINTEXT'," + tls + "}")).containsExactlyInAnyOrder(
                "source.config.tls: must not be set with securityProtocol SASL_PLAINTEXT",
                "source.config.sasl: required with securityProtocol SASL_PLAINTEXT");
        assertThat(sinkErrors(base + "'securityProtocol':'ssl'," + sasl + "}")).containsExactlyInAnyOrder(
                "sink.config.tls: required with securityProtocol SSL",
                "sink.config.sasl: must not be set with securityProtocol SSL");
        assertThat(sourceErrors(base + "'securityProtocol':'PLAINTEXT'," + tls + "," + sasl + "}")).containsExactlyInAnyOrder(
                "source.config.tls: must not be set with securityProtocol PLAINTEXT",
                "source.config.sasl: must not be set with securityProtocol PLAINTEXT");
        assertThat(sourceErrors(base + "'securityProtocol':'SASL_SSL'}")).containsExactly(
                "source.config.sasl: required with securityProtocol SASL_SSL");
        // SASL_SSL may verify brokers with the JVM's trust store, so tls is optional there.
        assertThat(sourceErrors(base + "'securityProtocol':'SASL_SSL'," + sasl + "}")).isEmpty();
    }

    @Test
    void emptyProtocolIsInferredFromTheSections() throws Exception {
        String base = "{'brokers':'a:1','topic':'t',";
        ValidationErrors errors = new ValidationErrors();
        assertThat(KafkaSecurityProtocol.of(source(base + "'tls':{'insecureSkipVerify':true}}", errors))).isEqualTo(KafkaSecurityProtocol.SSL);
        assertThat(KafkaSecurityProtocol.of(source(base + "'securityProtocol':'','sasl':{'username':'u','password':'p'}}", errors)))
                .isEqualTo(KafkaSecurityProtocol.SASL_PLAINTEXT);
        assertThat(KafkaSecurityProtocol.of(source(base + "'tls':{},'sasl':{'username':'u','password':'p'}}", errors)))
                .isEqualTo(KafkaSecurityProtocol.SASL_SSL);
        assertThat(errors.list()).isEmpty();
    }

    @Test
    void saslNeedsUserAndPasswordAndAKnownMechanism() throws Exception {
        assertThat(sourceErrors("{'brokers':'a:1','topic':'t','sasl':{'mechanism':'gssapi'}}")).containsExactlyInAnyOrder(
                "source.config.sasl.mechanism: must be one of plain, scram-sha-256, scram-sha-512 (got \"gssapi\")",
                "source.config.sasl.username: required (or usernameSecretRef)",
                "source.config.sasl.password: required (or passwordSecretRef)");
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = source("{'brokers':'a:1','topic':'t','sasl':{'mechanism':'SCRAM-SHA-512','username':'u','password':'secret-pw'}}", errors);
        assertThat(errors.list()).isEmpty();
        assertThat(c.get(KafkaOptions.SASL).get(KafkaOptions.SASL_MECHANISM)).isEqualTo("scram-sha-512");
        assertThat(c.toString()).doesNotContain("secret-pw");
    }

    @Test
    void tlsKeyMaterialMustBeWholeAndNotTwice() throws Exception {
        String base = "{'brokers':'a:1','topic':'t','tls':";
        assertThat(sourceErrors(base + "{'certFile':'/c.pem'}}")).containsExactly(
                "source.config.tls.keyFile: required with a client certificate (keyFile or keySecretRef)");
        assertThat(sourceErrors(base + "{'key':'-----BEGIN PRIVATE KEY-----'}}")).containsExactly(
                "source.config.tls.certFile: required with a client key (certFile or certSecretRef)");
        assertThat(sourceErrors(base + "{'caFile':'/ca.pem','ca':'-----BEGIN CERTIFICATE-----'}}")).containsExactly(
                "source.config.tls.ca: set either caFile or ca (caSecretRef), not both");
        // caSecretRef is resolved into 'ca' by the manifest's SecretResolver; the validator accepts the reference.
        assertThat(sourceErrors(base + "{'caSecretRef':{'name':'kafka','key':'ca.crt'},'ca':'-----BEGIN CERTIFICATE-----'}}")).isEmpty();
    }

    @Test
    void netReadTimeoutMustExceedConsumerMaxWait() throws Exception {
        assertThat(sourceErrors("{'brokers':'a:1','topic':'t','consumerMaxWait':'2s','netReadTimeout':'2s'}")).containsExactly(
                "source.config.netReadTimeout: must be greater than consumerMaxWait (2000 ms <= 2000 ms)");
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = source("{'brokers':'a:1','topic':'t','consumerMaxWait':'500ms','netReadTimeout':'10s','netWriteTimeout':5,"
                + "'fetchMinBytes':0,'fetchMaxBytes':1048576,'maxPartitionFetchBytes':65536}", errors);
        assertThat(errors.list()).isEmpty();
        assertThat(c.get(KafkaOptions.NET_READ_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
        assertThat(sourceErrors("{'brokers':'a:1','topic':'t','consumerMaxWait':'0s','fetchMaxBytes':0,'fetchMinBytes':-1}"))
                .containsExactlyInAnyOrder("source.config.consumerMaxWait: must be positive",
                        "source.config.fetchMaxBytes: must be at least 1 (got 0)",
                        "source.config.fetchMinBytes: must be at least 0 (got -1)");
    }

    @Test
    void idempotentNeedsAcksAllAndFewOpenRequests() throws Exception {
        assertThat(sinkErrors("{'brokers':'a:1','topic':'t','requiredAcks':'local'}")).containsExactly(
                "sink.config.idempotent: idempotent requires requiredAcks all (got local); set idempotent: false to use it");
        assertThat(sinkErrors("{'brokers':'a:1','topic':'t','maxOpenRequests':6}")).containsExactly(
                "sink.config.maxOpenRequests: must be at most 5 with idempotent (got 6)");
        assertThat(sinkErrors("{'brokers':'a:1','topic':'t','requiredAcks':'none','idempotent':false,'maxOpenRequests':10}")).isEmpty();
        assertThat(sinkErrors("{'brokers':'a:1','topic':'t','maxOpenRequests':0}")).containsExactly(
                "sink.config.maxOpenRequests: must be at least 1 (got 0)");
    }

    @Test
    void exactlyOnceNeedsTheIdempotentProducerAndCheckpoints() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = sink("{'brokers':'a:1','topic':'t','deliveryGuarantee':'exactly-once','transactionTimeout':'5m'}", errors);
        assertThat(errors.list()).isEmpty();
        assertThat(factory.fieldRequiringCheckpointing(c)).contains("sink.config.deliveryGuarantee");
        assertThat(KafkaClientProperties.forProducer(c).get("transaction.timeout.ms")).isEqualTo("300000");
        ConfigValues atLeastOnce = sink("{'brokers':'a:1','topic':'t'}", new ValidationErrors());
        assertThat(factory.fieldRequiringCheckpointing(atLeastOnce)).isEmpty();
        assertThat(KafkaClientProperties.forProducer(atLeastOnce).get("transaction.timeout.ms")).isNull();
        assertThat(sinkErrors("{'brokers':'a:1','topic':'t','deliveryGuarantee':'exactly-once','idempotent':false,'requiredAcks':'local'}"))
                .containsExactly("sink.config.idempotent: exactly-once needs the idempotent producer (remove idempotent: false)");
        assertThat(sinkErrors("{'brokers':'a:1','topic':'t','deliveryGuarantee':'exactly-once','transactionalIdPrefix':' '}"))
                .containsExactly("sink.config.transactionalIdPrefix: must not be blank");
        assertThat(sinkErrors("{'brokers':'a:1','topic':'t','compression':'brotli'}")).containsExactly(
                "sink.config.compression: must be one of none, gzip, snappy, lz4, zstd (got \"brotli\")");
    }

    @Test
    void transactionalIdsAreNumberedPerSubtaskAndParsedBackUnderTheirPrefixOnly() {
        assertThat(TransactionalIds.defaultPrefix("orders-job", "route-1-sink")).isEqualTo("dataflow-orders-job-route-1-sink");
        TransactionalIds ids = new TransactionalIds("dataflow-orders-job-sink", 3);
        assertThat(ids.pooled(1)).isEqualTo("dataflow-orders-job-sink-3-pool-1");
        assertThat(TransactionalIds.parse("dataflow-orders-job-sink", "dataflow-orders-job-sink-3-pool-1"))
                .contains(new TransactionalIds.Parsed(3, 1, true));
        assertThat(TransactionalIds.parse("dataflow-orders-job-sink", "dataflow-orders-job-sink-3-42")).as("the form before the pool")
                .contains(new TransactionalIds.Parsed(3, 42, false));
        assertThat(TransactionalIds.parse("dataflow-orders-job-sink", "dataflow-orders-job-sink-3-spool-1")).isEmpty();
        assertThat(TransactionalIds.parse("dataflow-orders-job-sink", "dataflow-orders-job-sink-x-42")).isEmpty();
        assertThat(TransactionalIds.parse("dataflow-orders-job", "dataflow-orders-job-sink-3-42")).as("another sink's prefix").isEmpty();
        assertThat(TransactionalIds.parse("dataflow-orders", "dataflow-orders-job-sink-3-42")).isEmpty();
    }

    @Test
    void pendingTransactionRoundTripsAndRejectsForeignBytes() {
        PendingTransaction p = new PendingTransaction("dataflow-j-sink-0-7", 4001L, (short) 3, 7L);
        assertThat(PendingTransaction.decode(p.encode())).isEqualTo(p);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PendingTransaction.decode("{\"version\":2}".getBytes()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported pending Kafka transaction");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PendingTransaction.decode("not json".getBytes()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sinkFieldsAreAccepted() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = sink("{'brokers':'a:1','topic':'t','async':false,'flushMessages':100,'flushBytes':65536,'flushFrequency':'100ms',"
                + "'compression':'ZSTD','requiredAcks':'all','maxOpenRequests':1}", errors);
        assertThat(errors.list()).isEmpty();
        assertThat(c.get(KafkaOptions.FLUSH_FREQUENCY)).isEqualTo(Duration.ofMillis(100));
        assertThat(c.get(KafkaOptions.COMPRESSION)).isEqualTo("zstd");
    }
}
