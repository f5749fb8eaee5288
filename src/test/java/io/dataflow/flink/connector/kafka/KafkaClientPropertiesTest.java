package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ValidationErrors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaClientPropertiesTest {

    private final KafkaConnectorFactory factory = new KafkaConnectorFactory();

    private ConfigValues source(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = KafkaConnectorFactoryTest.validate("source.config", json, factory.sourceOptions(), factory::validateSource, errors);
        assertThat(errors.list()).isEmpty();
        return c;
    }

    private ConfigValues sink(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = KafkaConnectorFactoryTest.validate("sink.config", json, factory.sinkOptions(), factory::validateSink, errors);
        assertThat(errors.list()).isEmpty();
        return c;
    }

    @Test
    void plaintextConsumer() throws Exception {
        KafkaClientProperties p = KafkaClientProperties.forConsumer(source("{'brokers':['a:9092','b:9092'],'topic':'t',"
                + "'consumerMaxWait':'250ms','fetchMinBytes':1,'fetchMaxBytes':2000000,'maxPartitionFetchBytes':100000,"
                + "'netReadTimeout':'10s','netWriteTimeout':'5s','isolationLevel':'READ_COMMITTED'}"));
        assertThat(p.asMap()).containsEntry("bootstrap.servers", "a:9092,b:9092")
                .containsEntry("client.id", "dataflow-operator")
                .containsEntry("security.protocol", "PLAINTEXT")
                .containsEntry("group.id", "dataflow-operator")
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("auto.offset.reset", "earliest")
                .containsEntry("allow.auto.create.topics", "false")
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("fetch.max.wait.ms", "250")
                .containsEntry("fetch.min.bytes", "1")
                .containsEntry("fetch.max.bytes", "2000000")
                .containsEntry("max.partition.fetch.bytes", "100000")
                .containsEntry("request.timeout.ms", "15000")
                .doesNotContainKeys("sasl.jaas.config", "ssl.truststore.type");
        // The client accepts every key and value.
        Properties props = p.toProperties();
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        assertThat(new ConsumerConfig(props).getString("client.id")).isEqualTo("dataflow-operator");
    }

    @Test
    void producerMapping() throws Exception {
        KafkaClientProperties p = KafkaClientProperties.forProducer(sink("{'brokers':'a:1','topic':'t','requiredAcks':'local',"
                + "'idempotent':false,'maxOpenRequests':1,'compression':'lz4','flushBytes':65536,'flushFrequency':'100ms','flushMessages':10}"));
        assertThat(p.asMap()).containsEntry("acks", "1").containsEntry("enable.idempotence", "false")
                .containsEntry("max.in.flight.requests.per.connection", "1").containsEntry("compression.type", "lz4")
                .containsEntry("batch.size", "65536").containsEntry("linger.ms", "100").containsEntry("client.id", "dataflow-operator");
        KafkaClientProperties defaults = KafkaClientProperties.forProducer(sink("{'brokers':'a:1','topic':'t'}"));
        assertThat(defaults.asMap()).containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
                .containsEntry("compression.type", "snappy").doesNotContainKeys("batch.size", "linger.ms");
        assertThat(KafkaClientProperties.forProducer(sink("{'brokers':'a:1','topic':'t','requiredAcks':'none','idempotent':false}"))
                .get("acks")).isEqualTo("0");
    }

    @Test
    @SuppressWarnings("unchecked")
    void saslPlainBuildsAJaasConfigAndMasksIt() throws Exception {
        KafkaClientProperties p = KafkaClientProperties.forConsumer(source(
                "{'brokers':'a:1','topic':'t','securityProtocol':'SASL_PLAINTEXT','sasl':{'username':'alice','password':'pa\\\\\\\"ss-w0rd'}}"));
        assertThat(p.get("security.protocol")).isEqualTo("SASL_PLAINTEXT");
        assertThat(p.get("sasl.mechanism")).isEqualTo("PLAIN");
        assertThat(p.get("sasl.jaas.config")).isEqualTo(
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"pa\\\\\\\"ss-w0rd\";");
        assertThat(p.toString()).doesNotContain("ss-w0rd").contains("sasl.jaas.config=******");
        // Kafka's own parser reads the escaped password back exactly.
        javax.security.auth.login.AppConfigurationEntry entry = org.apache.kafka.common.security.JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new org.apache.kafka.common.config.types.Password(p.get("sasl.jaas.config")))).configurationEntries().get(0);
        assertThat((Map<String, Object>) entry.getOptions()).containsEntry("username", "alice").containsEntry("password", "pa\\\"ss-w0rd");
    }

    @Test
    void scramSha512OverTls() throws Exception {
        KafkaClientProperties p = KafkaClientProperties.forProducer(sink(
                "{'brokers':'a:1','topic':'t','sasl':{'mechanism':'scram-sha-512','username':'bob','password':'s3cr3t-pass'},'tls':{}}"));
        assertThat(p.get("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(p.get("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        assertThat(p.get("sasl.jaas.config")).isEqualTo(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"bob\" password=\"s3cr3t-pass\";");
        assertThat(p.get("ssl.enabled.protocols")).isEqualTo("TLSv1.3,TLSv1.2");
        // No CA: the JVM's trust store, host names verified (the client's default).
        assertThat(p.asMap()).doesNotContainKeys("ssl.truststore.type", "ssl.endpoint.identification.algorithm", "ssl.trustmanager.algorithm");
        assertThat(p.toString()).doesNotContain("s3cr3t-pass");
        assertThat(p.with("max.block.ms", "1000").toString()).doesNotContain("s3cr3t-pass").contains("max.block.ms=1000");
        assertThat(p.describeConnection()).isEqualTo("brokers a:1 (SASL_SSL, SASL SCRAM-SHA-512 as bob)");
        assertThat(p.with("max.block.ms", "1000").describeConnection()).as("kept by copies").isEqualTo("brokers a:1 (SASL_SSL, SASL SCRAM-SHA-512 as bob)");
        assertThat(KafkaClientProperties.forAdmin(sink("{'brokers':'a:1,b:2','topic':'t'}")).describeConnection()).isEqualTo("brokers a:1,b:2 (PLAINTEXT)");
    }

    @Test
    void sslWithPemFilesBuildsAWorkingSslEngine(@TempDir Path dir) throws Exception {
        Pem pem = Pem.generate(dir);
        KafkaClientProperties p = KafkaClientProperties.forConsumer(source("{'brokers':'a:1','topic':'t','securityProtocol':'SSL','tls':{"
                + "'caFile':'" + pem.certFile + "','certFile':'" + pem.certFile + "','keyFile':'" + pem.keyFile + "'}}"));
        assertThat(p.get("security.protocol")).isEqualTo("SSL");
        assertThat(p.get("ssl.truststore.type")).isEqualTo("PEM");
        assertThat(p.get("ssl.truststore.certificates")).isEqualTo(Files.readString(pem.certFile));
        assertThat(p.get("ssl.keystore.type")).isEqualTo("PEM");
        assertThat(p.get("ssl.keystore.certificate.chain")).contains("BEGIN CERTIFICATE");
        assertThat(p.get("ssl.keystore.key")).contains("BEGIN PRIVATE KEY");
        assertThat(p.toString()).doesNotContain("PRIVATE KEY").contains("ssl.keystore.key=******");

        SSLEngine engine = sslEngine(p);
        assertThat(engine.getUseClientMode()).isTrue();
        assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    }

    @Test
    void pkcs1RsaKeysFromSecretsAreConvertedToPkcs8(@TempDir Path dir) throws Exception {
        Pem pem = Pem.generate(dir);
        String pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pem.pkcs1()) + "\n-----END RSA PRIVATE KEY-----\n";
        assertThat(PemPrivateKey.wrapRsa(pem.pkcs1())).isEqualTo(pem.key.getEncoded());

        KafkaClientProperties p = KafkaClientProperties.forConsumer(source("{'brokers':'a:1','topic':'t','tls':{"
                + "'cert':" + jsonString(Files.readString(pem.certFile)) + ",'key':" + jsonString(pkcs1) + ",'insecureSkipVerify':true}}"));
        assertThat(p.get("ssl.keystore.key")).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(sslEngine(p)).isNotNull();
    }

    @Test
    void unreadablePemFileNamesTheField() throws Exception {
        ConfigValues c = source("{'brokers':'a:1','topic':'t','tls':{'caFile':'/does/not/exist.pem'}}");
        assertThatThrownBy(() -> KafkaClientProperties.forConsumer(c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("source.config.tls.caFile: cannot read /does/not/exist.pem");
        ConfigValues ec = source("{'brokers':'a:1','topic':'t','tls':{'cert':'x','key':'-----BEGIN EC PRIVATE KEY-----\\nAAAA\\n-----END EC PRIVATE KEY-----'}}");
        assertThatThrownBy(() -> KafkaClientProperties.forConsumer(ec)).hasMessageContaining("source.config.tls.key: EC keys")
                .hasMessageNotContaining("AAAA");
    }

    @Test
    void insecureSkipVerifyTrustsAnyCertificateUnlessACaIsGiven(@TempDir Path dir) throws Exception {
        KafkaClientProperties p = KafkaClientProperties.forConsumer(source("{'brokers':'a:1','topic':'t','tls':{'insecureSkipVerify':true}}"));
        assertThat(p.get("security.protocol")).isEqualTo("SSL");
        assertThat(p.get("ssl.trustmanager.algorithm")).isEqualTo(TrustAllProviderCreator.ALGORITHM);
        assertThat(p.get("ssl.endpoint.identification.algorithm")).isEmpty();
        assertThat(sslEngine(p)).isNotNull(); // Kafka installs the provider from security.providers
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustAllProviderCreator.ALGORITHM);
        tmf.init((KeyStore) null);
        X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
        tm.checkServerTrusted(new X509Certificate[]{Pem.generate(dir).cert}, "RSA"); // a self-signed stranger passes

        Pem pem = Pem.generate(dir.resolve("ca"));
        KafkaClientProperties withCa = KafkaClientProperties.forConsumer(source("{'brokers':'a:1','topic':'t','tls':{"
                + "'insecureSkipVerify':true,'caFile':'" + pem.certFile + "'}}"));
        assertThat(withCa.asMap()).doesNotContainKeys("ssl.trustmanager.algorithm", "ssl.endpoint.identification.algorithm");
    }

    /** Configures Kafka's own SSL engine factory with the properties, as the client does at connect. */
    private static SSLEngine sslEngine(KafkaClientProperties p) throws Exception {
        Properties props = p.toProperties();
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        ConsumerConfig parsed = new ConsumerConfig(props);
        // What the client's channel builder passes: parsed values, plus originals it does not know (security.providers).
        Map<String, Object> configs = new java.util.HashMap<>(parsed.originals());
        configs.putAll(parsed.values());
        try (DefaultSslEngineFactory f = new DefaultSslEngineFactory()) {
            f.configure(configs);
            return f.createClientSslEngine("localhost", 9093, "https");
        }
    }

    private static String jsonString(String s) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s).replace('"', '\'');
    }

    /** A self-signed certificate and its key, made with the JDK's keytool and written as PEM files. */
    record Pem(Path certFile, Path keyFile, X509Certificate cert, PrivateKey key) {

        static Pem generate(Path dir) throws Exception {
            Files.createDirectories(dir);
            Path p12 = dir.resolve("client.p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", "changeit")
                    .redirectErrorStream(true).start();
            String out = new String(keytool.getInputStream().readAllBytes());
            assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(keytool.exitValue()).as(out).isZero();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (FileInputStream in = new FileInputStream(p12.toFile())) {
                ks.load(in, "changeit".toCharArray());
            }
            X509Certificate cert = (X509Certificate) ks.getCertificate("client");
            PrivateKey key = (PrivateKey) ks.getKey("client", "changeit".toCharArray());
            Path certFile = dir.resolve("client.crt");
            Path keyFile = dir.resolve("client.key");
            Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
            return new Pem(certFile, keyFile, cert, key);
        }

        /** The PKCS#1 RSAPrivateKey inside the JDK's PKCS#8 encoding: the OCTET STRING after a 26-byte header. */
        byte[] pkcs1() {
            byte[] pkcs8 = key.getEncoded();
            assertThat(pkcs8[22]).isEqualTo((byte) 0x04); // OCTET STRING with a two-byte length (2048-bit key)
            return Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
        }

        private static String pem(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        }
    }
}
