package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.testing.KafkaSecure;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kafka security against a real broker with SASL and mutual-TLS listeners (scripts/servers/kafka-secure-start.sh):
 * a Kafka → Kafka job connects with SASL PLAIN, SASL SCRAM-SHA-512 and a TLS client certificate and moves every
 * record; wrong credentials fail at connect with an error that says where and as whom, never the password.
 */
@RealServers(Server.KAFKA_SECURE)
class KafkaSecurityITCase {

    private static final int RECORDS = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static String unique(String name) {
        return "sec-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String sasl(String mechanism, String user, String password) {
        return "    sasl:\n      mechanism: " + mechanism + "\n      username: " + user + "\n      password: " + password + "\n";
    }

    private static String tls(String ca) {
        return "    tls:\n      caFile: " + KafkaSecure.tlsDir().resolve(ca) + "\n      certFile: " + KafkaSecure.tlsDir().resolve("client.pem")
                + "\n      keyFile: " + KafkaSecure.tlsDir().resolve("client.key") + "\n";
    }

    /** Loads RECORDS records into a new topic, copies it with a job whose source and sink use {@code security}, reads the copy. */
    private static List<String> copyThroughAJob(String name, String brokers, String security) throws Exception {
        String in = unique(name + "-in");
        String out = unique(name + "-out");
        KafkaSecure.createTopic(in, 2);
        KafkaSecure.createTopic(out, 2);
        KafkaSecure.produce(in, RECORDS);
        String yaml = "source:\n  type: kafka\n  config:\n    brokers: \"" + brokers + "\"\n    topic: " + in + "\n    bounded: true\n" + security
                + "sink:\n  type: kafka\n  config:\n    brokers: \"" + brokers + "\"\n    topic: " + out + "\n" + security;
        MiniClusterJobs.run(yaml, "sec-" + out, JobCompiler.create(), 500, 0);
        return KafkaSecure.readAll(out);
    }

    private static List<String> expected() {
        return IntStream.range(0, RECORDS).mapToObj(i -> "{\"i\":" + i + "}").toList();
    }

    @Test
    void saslPlainMovesData() throws Exception {
        List<String> copied = copyThroughAJob("plain", KafkaSecure.saslBootstrap(),
                sasl("plain", KafkaSecure.PLAIN_USER, KafkaSecure.PLAIN_PASSWORD));
        assertThat(copied).containsExactlyInAnyOrderElementsOf(expected());
    }

    @Test
    void saslScramSha512MovesData() throws Exception {
        List<String> copied = copyThroughAJob("scram", KafkaSecure.saslBootstrap(),
                "    securityProtocol: sasl-plaintext\n" + sasl("scram-sha-512", KafkaSecure.SCRAM_USER, KafkaSecure.SCRAM_PASSWORD));
        assertThat(copied).containsExactlyInAnyOrderElementsOf(expected());
    }

    @Test
    void tlsWithClientCertificateMovesData() throws Exception {
        List<String> copied = copyThroughAJob("tls", KafkaSecure.sslBootstrap(), "    securityProtocol: SSL\n" + tls("ca.pem"));
        assertThat(copied).containsExactlyInAnyOrderElementsOf(expected());
    }

    private KafkaSourceConnector source(String json) throws Exception {
        KafkaConnectorFactory factory = new KafkaConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        ConfigValues config = ConfigValidator.validate("source.config", JSON.readTree(json), factory.sourceOptions(), errors);
        factory.validateSource(config, errors);
        assertThat(errors.list()).isEmpty();
        return (KafkaSourceConnector) factory.createSource(config, ConnectorContext.standalone("it", "source"));
    }

    @Test
    void wrongPasswordsFailAtConnectWithoutShowingThePassword() throws Exception {
        String topic = unique("auth");
        KafkaSecure.createTopic(topic, 1);
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[]{"plain", KafkaSecure.PLAIN_USER, "SASL PLAIN as alice"});
        cases.add(new String[]{"scram-sha-512", KafkaSecure.SCRAM_USER, "SASL SCRAM-SHA-512 as bob"});
        for (String[] c : cases) {
            String wrong = "not-" + c[1] + "-pw-" + UUID.randomUUID().toString().substring(0, 6);
            long start = System.nanoTime();
            try (KafkaSourceConnector source = source("{\"brokers\":\"" + KafkaSecure.saslBootstrap() + "\",\"topic\":\"" + topic
                    + "\",\"sasl\":{\"mechanism\":\"" + c[0] + "\",\"username\":\"" + c[1] + "\",\"password\":\"" + wrong + "\"}}")) {
                assertThatThrownBy(source::connect)
                        .hasMessageStartingWith("cannot connect to Kafka brokers " + KafkaSecure.saslBootstrap() + " (SASL_PLAINTEXT, " + c[2]
                                + ") to read topic " + topic + ": ")
                        .hasMessageContaining("Authentication failed")
                        .hasMessageNotContaining(wrong);
            }
            assertThat((System.nanoTime() - start) / 1_000_000).as("fails at once, without retrying").isLessThan(15_000);
        }
    }

    @Test
    void brokerCertificateFromAnotherCaFailsAtConnect() throws Exception {
        String topic = unique("ca");
        KafkaSecure.createTopic(topic, 1);
        try (KafkaSourceConnector source = source("{\"brokers\":\"" + KafkaSecure.sslBootstrap() + "\",\"topic\":\"" + topic + "\",\"tls\":{"
                + "\"caFile\":\"" + KafkaSecure.tlsDir().resolve("other-ca.pem") + "\",\"certFile\":\"" + KafkaSecure.tlsDir().resolve("client.pem")
                + "\",\"keyFile\":\"" + KafkaSecure.tlsDir().resolve("client.key") + "\"}}")) {
            assertThatThrownBy(source::connect)
                    .hasMessageStartingWith("cannot connect to Kafka brokers " + KafkaSecure.sslBootstrap() + " (SSL, client certificate) to read topic ")
                    .hasMessageContaining("SSL handshake failed");
        }
    }

    @Test
    void sinkWithAWrongPasswordFailsTheJobWithoutShowingThePassword() throws Exception {
        String in = unique("sink-in");
        KafkaSecure.createTopic(in, 1);
        KafkaSecure.produce(in, 10);
        String wrong = "wrong-pw-" + UUID.randomUUID().toString().substring(0, 6);
        String yaml = "source:\n  type: kafka\n  config:\n    brokers: \"" + KafkaSecure.saslBootstrap() + "\"\n    topic: " + in + "\n    bounded: true\n"
                + sasl("plain", KafkaSecure.PLAIN_USER, KafkaSecure.PLAIN_PASSWORD)
                + "sink:\n  type: kafka\n  config:\n    brokers: \"" + KafkaSecure.saslBootstrap() + "\"\n    topic: " + unique("sink-out") + "\n"
                + sasl("scram-sha-512", KafkaSecure.SCRAM_USER, wrong);
        Throwable failure = null;
        try {
            MiniClusterJobs.run(yaml, "sec-wrong-sink", JobCompiler.create(), 500, 0);
        } catch (Exception e) {
            failure = e;
        }
        assertThat(failure).as("the job fails").isNotNull();
        StringBuilder chain = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            chain.append(t).append('\n');
        }
        assertThat(chain.toString()).contains("(SASL_PLAINTEXT, SASL SCRAM-SHA-512 as bob)").contains("Authentication failed").doesNotContain(wrong);
    }
}
