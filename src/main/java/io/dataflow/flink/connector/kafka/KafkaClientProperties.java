package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.SecretMasker;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SecurityConfig;
import org.apache.kafka.common.config.SslConfigs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kafka-clients properties for a validated Kafka {@code config}: brokers, security (TLS from PEM files or
 * secrets, SASL PLAIN/SCRAM), client id, and the consumer- or producer-specific tuning fields.
 *
 * <p>PEM material is passed by value ({@code ssl.truststore.certificates}, {@code ssl.keystore.certificate.chain},
 * {@code ssl.keystore.key}): that works the same for {@code caFile} and for {@code caSecretRef}, and the Kafka
 * client accepts a PEM key store only as a file holding key and chain together, which Kubernetes TLS secrets are
 * not. Files are read when the properties are built, i.e. on the task manager that opens the connector.
 *
 * <p>{@link #toString()} masks passwords, JAAS config and keys; the client itself logs them as {@code [hidden]}.
 */
public final class KafkaClientProperties {

    public static final String CLIENT_ID = "dataflow-operator";

    /** Values that must never be shown. */
    private static final Set<String> SECRET_KEYS = Set.of(SaslConfigs.SASL_JAAS_CONFIG, SslConfigs.SSL_KEYSTORE_KEY_CONFIG,
            SslConfigs.SSL_KEY_PASSWORD_CONFIG, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG);

    private final Map<String, String> values;
    /** The SASL user name, for error messages (the JAAS config that holds it is secret as a whole). */
    private final String saslUser;

    private KafkaClientProperties(Map<String, String> values, String saslUser) {
        this.values = Collections.unmodifiableMap(values);
        this.saslUser = saslUser;
    }

    private KafkaClientProperties(Map<String, String> values, ConfigValues config) {
        this(values, KafkaSecurityProtocol.of(config).usesSasl() ? config.get(KafkaOptions.SASL).get(KafkaOptions.SASL_USERNAME) : null);
    }

    /** Properties of the source's consumer: offsets are managed by the connector, never committed automatically. */
    public static KafkaClientProperties forConsumer(ConfigValues config) {
        Map<String, String> p = common(config);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.get(KafkaOptions.CONSUMER_GROUP));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Used only when a seeked offset has been deleted by retention meanwhile; the original starts from oldest.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A misspelt topic must fail the job, not create an empty topic.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, config.get(KafkaOptions.ISOLATION_LEVEL));
        config.getOptional(KafkaOptions.CONSUMER_MAX_WAIT).ifPresent(d -> p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, millis(d)));
        putIfSet(p, config, KafkaOptions.FETCH_MIN_BYTES, ConsumerConfig.FETCH_MIN_BYTES_CONFIG);
        putIfSet(p, config, KafkaOptions.FETCH_MAX_BYTES, ConsumerConfig.FETCH_MAX_BYTES_CONFIG);
        putIfSet(p, config, KafkaOptions.MAX_PARTITION_FETCH_BYTES, ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG);
        requestTimeout(config).ifPresent(ms -> p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, ms));
        return new KafkaClientProperties(p, config);
    }

    public static KafkaClientProperties forProducer(ConfigValues config) {
        Map<String, String> p = common(config);
        p.put(ProducerConfig.ACKS_CONFIG, acks(config.get(KafkaOptions.REQUIRED_ACKS)));
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, String.valueOf(config.get(KafkaOptions.IDEMPOTENT)));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.get(KafkaOptions.COMPRESSION));
        putIfSet(p, config, KafkaOptions.MAX_OPEN_REQUESTS, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        putIfSet(p, config, KafkaOptions.FLUSH_BYTES, ProducerConfig.BATCH_SIZE_CONFIG);
        config.getOptional(KafkaOptions.FLUSH_FREQUENCY).ifPresent(d -> p.put(ProducerConfig.LINGER_MS_CONFIG, millis(d)));
        if (KafkaOptions.EXACTLY_ONCE.equals(config.get(KafkaOptions.DELIVERY_GUARANTEE))) {
            // transactional.id itself is set per transaction by the sink.
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, millis(config.get(KafkaOptions.TRANSACTION_TIMEOUT)));
        }
        return new KafkaClientProperties(p, config);
    }

    /** Properties of an admin client: brokers and security only. */
    public static KafkaClientProperties forAdmin(ConfigValues config) {
        return new KafkaClientProperties(common(config), config);
    }

    /** A copy with one more (or a replaced) client property, for settings the manifest does not expose. */
    public KafkaClientProperties with(String key, String value) {
        Map<String, String> copy = new TreeMap<>(values);
        copy.put(key, value);
        return new KafkaClientProperties(copy, saslUser);
    }

    public String get(String key) {
        return values.get(key);
    }

    public Map<String, String> asMap() {
        return values;
    }

    /** A fresh {@link Properties} for a client constructor. */
    public Properties toProperties() {
        Properties p = new Properties();
        p.putAll(values);
        return p;
    }

    /**
     * Where and how the client connects, for error messages, as the original's connect errors: brokers, security
     * protocol, SASL mechanism and user, whether a client certificate is used. Never a secret.
     */
    public String describeConnection() {
        StringBuilder out = new StringBuilder("brokers ").append(values.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG))
                .append(" (").append(values.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG));
        if (values.containsKey(SaslConfigs.SASL_MECHANISM)) {
            out.append(", SASL ").append(values.get(SaslConfigs.SASL_MECHANISM)).append(" as ").append(saslUser);
        }
        if (values.containsKey(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG)) {
            out.append(", client certificate");
        }
        return out.append(')').toString();
    }

    /** What may be logged: every secret value masked. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>(values);
        shown.replaceAll((k, v) -> SECRET_KEYS.contains(k) ? SecretMasker.MASK : v);
        return shown.toString();
    }

    private static Map<String, String> common(ConfigValues config) {
        Map<String, String> p = new TreeMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.get(KafkaOptions.BROKERS)));
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, CLIENT_ID);
        KafkaSecurityProtocol protocol = KafkaSecurityProtocol.of(config);
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.name());
        if (protocol.usesTls()) {
            tls(config.has(KafkaOptions.TLS) ? config.get(KafkaOptions.TLS) : ConfigValues.empty(config.pathOf(KafkaOptions.TLS)), p);
        }
        if (protocol.usesSasl()) {
            sasl(config.get(KafkaOptions.SASL), p);
        }
        return p;
    }

    private static void tls(ConfigValues tls, Map<String, String> p) {
        // Go's crypto/tls with MinVersion 1.2, as the original.
        p.put(SslConfigs.SSL_ENABLED_PROTOCOLS_CONFIG, "TLSv1.3,TLSv1.2");
        String ca = pem(tls, KafkaOptions.TLS_CA_FILE, KafkaOptions.TLS_CA);
        if (ca != null) {
            p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            p.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, ca);
        } else if (tls.get(KafkaOptions.TLS_INSECURE_SKIP_VERIFY)) {
            // The original ignores insecureSkipVerify once a CA is given; without one it trusts anything, host names too.
            p.put(SecurityConfig.SECURITY_PROVIDERS_CONFIG, TrustAllProviderCreator.class.getName());
            p.put(SslConfigs.SSL_TRUSTMANAGER_ALGORITHM_CONFIG, TrustAllProviderCreator.ALGORITHM);
            p.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
        }
        String cert = pem(tls, KafkaOptions.TLS_CERT_FILE, KafkaOptions.TLS_CERT);
        String key = pem(tls, KafkaOptions.TLS_KEY_FILE, KafkaOptions.TLS_KEY);
        if (cert != null && key != null) {
            String keyField = tls.has(KafkaOptions.TLS_KEY_FILE) ? tls.pathOf(KafkaOptions.TLS_KEY_FILE) : tls.pathOf(KafkaOptions.TLS_KEY);
            p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
            p.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, cert);
            p.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, PemPrivateKey.toPkcs8(key, keyField));
        }
    }

    /** The PEM text of a field given as a file or as content (from a secret), or null when neither is set. */
    private static String pem(ConfigValues tls, ConfigField<String> file, ConfigField<String> content) {
        if (tls.has(content)) {
            return tls.get(content);
        }
        if (!tls.has(file)) {
            return null;
        }
        Path path = Path.of(tls.get(file));
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(tls.pathOf(file) + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static void sasl(ConfigValues sasl, Map<String, String> p) {
        String mechanism = sasl.get(KafkaOptions.SASL_MECHANISM);
        String loginModule = mechanism.equals("plain")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        p.put(SaslConfigs.SASL_MECHANISM, mechanism.toUpperCase(Locale.ROOT));
        p.put(SaslConfigs.SASL_JAAS_CONFIG, loginModule + " required username=\"" + jaasQuoted(sasl.get(KafkaOptions.SASL_USERNAME))
                + "\" password=\"" + jaasQuoted(sasl.get(KafkaOptions.SASL_PASSWORD)) + "\";");
    }

    /** JAAS values are double-quoted strings in which backslash escapes (Kafka parses them with a StreamTokenizer). */
    static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String acks(String requiredAcks) {
        switch (requiredAcks) {
            case "none":
                return "0";
            case "local":
                return "1";
            default:
                return "all";
        }
    }

    /** Sarama bounds a request by a write timeout plus a read timeout; the Java client by one, their sum. */
    private static Optional<String> requestTimeout(ConfigValues config) {
        Optional<Duration> read = config.getOptional(KafkaOptions.NET_READ_TIMEOUT);
        Optional<Duration> write = config.getOptional(KafkaOptions.NET_WRITE_TIMEOUT);
        if (read.isEmpty() && write.isEmpty()) {
            return Optional.empty();
        }
        Duration total = read.orElse(Duration.ofSeconds(30)).plus(write.orElse(Duration.ZERO));
        return Optional.of(millis(total));
    }

    private static void putIfSet(Map<String, String> p, ConfigValues config, ConfigField<Integer> option, String key) {
        config.getOptional(option).ifPresent(v -> p.put(key, String.valueOf(v)));
    }

    private static String millis(Duration d) {
        return String.valueOf(d.toMillis());
    }
}
