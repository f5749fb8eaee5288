package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Kafka rules that involve more than one field (docs/ORIGINAL.md#kafka), reported with the path of the field to fix.
 * Single-field checks (types, enums, minimums, required) are already done by the declared options.
 */
final class KafkaValidation {

    /** The idempotent producer keeps ordering with at most this many in-flight requests per connection. */
    static final int IDEMPOTENT_MAX_OPEN_REQUESTS = 5;

    private KafkaValidation() {
    }

    static void validateSource(ConfigValues config, ValidationErrors errors) {
        validateAddress(config, errors);
        validateTopic(config, errors);
        validateSecurity(config, errors);
        try {
            StartPosition.parse(config.get(KafkaOptions.START_FROM));
        } catch (IllegalArgumentException e) {
            errors.add(config.pathOf(KafkaOptions.START_FROM), e.getMessage());
        }
        if ("avro".equals(config.get(KafkaOptions.FORMAT))) {
            validateAvro(config, errors);
        }
        Optional<Duration> read = config.getOptional(KafkaOptions.NET_READ_TIMEOUT);
        Optional<Duration> maxWait = config.getOptional(KafkaOptions.CONSUMER_MAX_WAIT);
        if (read.isPresent() && maxWait.isPresent() && read.get().compareTo(maxWait.get()) <= 0) {
            // The broker holds a fetch for up to consumerMaxWait; a shorter read timeout would abort every idle fetch.
            errors.add(config.pathOf(KafkaOptions.NET_READ_TIMEOUT), "must be greater than consumerMaxWait ("
                    + read.get().toMillis() + " ms <= " + maxWait.get().toMillis() + " ms)");
        }
    }

    /** format avro needs a schema source; a static schema must parse; the registry URL must be http(s). */
    /** Kafka's own rule (legal characters, length, not "." or ".."), so a bad name fails before the job starts. */
    private static void validateTopic(ConfigValues config, ValidationErrors errors) {
        String topic = config.get(KafkaOptions.TOPIC);
        if (topic == null || topic.isBlank()) {
            return; // validateAddress says so
        }
        try {
            org.apache.kafka.common.internals.Topic.validate(topic);
        } catch (org.apache.kafka.common.errors.InvalidTopicException e) {
            errors.add(config.pathOf(KafkaOptions.TOPIC), e.getMessage());
        }
    }

    private static void validateAvro(ConfigValues config, ValidationErrors errors) {
        boolean inline = config.has(KafkaOptions.AVRO_SCHEMA);
        boolean file = config.has(KafkaOptions.AVRO_SCHEMA_FILE);
        if (inline && file) {
            errors.add(config.pathOf(KafkaOptions.AVRO_SCHEMA_FILE), "set either avroSchema (avroSchemaSecretRef) or avroSchemaFile, not both");
        }
        if (!inline && !file && !config.has(KafkaOptions.SCHEMA_REGISTRY)) {
            errors.add(config.pathOf(KafkaOptions.FORMAT), "avro needs schemaRegistry, avroSchema (avroSchemaSecretRef) or avroSchemaFile");
        }
        if (inline) {
            try {
                AvroPayloadDecoder.parseSchema(config.get(KafkaOptions.AVRO_SCHEMA));
            } catch (IllegalArgumentException e) {
                errors.add(config.pathOf(KafkaOptions.AVRO_SCHEMA), e.getMessage());
            }
        }
        if (config.has(KafkaOptions.SCHEMA_REGISTRY)) {
            ConfigValues registry = config.get(KafkaOptions.SCHEMA_REGISTRY);
            String url = registry.get(KafkaOptions.REGISTRY_URL);
            if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
                errors.add(registry.pathOf(KafkaOptions.REGISTRY_URL), "must be an http:// or https:// URL");
            }
            if (registry.has(KafkaOptions.REGISTRY_TLS)) {
                validateTls(registry.get(KafkaOptions.REGISTRY_TLS), errors);
            }
        }
    }

    static void validateSink(ConfigValues config, ValidationErrors errors) {
        validateAddress(config, errors);
        config.getOptional(KafkaOptions.KEY).ifPresent(path -> {
            try {
                if (RecordKeys.byPath(path).isWholeRecord()) {
                    errors.add(config.pathOf(KafkaOptions.KEY), "must be the dot path of a field (e.g. customer.id)");
                }
            } catch (IllegalArgumentException e) {
                errors.add(config.pathOf(KafkaOptions.KEY), e.getMessage());
            }
        });
        validateTopic(config, errors);
        validateSecurity(config, errors);
        if (config.get(KafkaOptions.IDEMPOTENT)) {
            if (!"all".equals(config.get(KafkaOptions.REQUIRED_ACKS))) {
                errors.add(config.pathOf(KafkaOptions.IDEMPOTENT),
                        "idempotent requires requiredAcks all (got " + config.get(KafkaOptions.REQUIRED_ACKS) + "); set idempotent: false to use it");
            }
            Integer open = config.get(KafkaOptions.MAX_OPEN_REQUESTS);
            if (open != null && open > IDEMPOTENT_MAX_OPEN_REQUESTS) {
                errors.add(config.pathOf(KafkaOptions.MAX_OPEN_REQUESTS),
                        "must be at most " + IDEMPOTENT_MAX_OPEN_REQUESTS + " with idempotent (got " + open + ")");
            }
        }
        if (KafkaOptions.EXACTLY_ONCE.equals(config.get(KafkaOptions.DELIVERY_GUARANTEE)) && !config.get(KafkaOptions.IDEMPOTENT)) {
            errors.add(config.pathOf(KafkaOptions.IDEMPOTENT), "exactly-once needs the idempotent producer (remove idempotent: false)");
        }
        if (KafkaOptions.EXACTLY_ONCE.equals(config.get(KafkaOptions.DELIVERY_GUARANTEE))) {
            // A transaction's records become visible when the checkpoint commits it; sending them one by one earlier
            // would cost a round trip per record and make nothing visible sooner.
            if (!config.get(KafkaOptions.ASYNC)) {
                errors.add(config.pathOf(KafkaOptions.ASYNC), "false cannot be used with deliveryGuarantee exactly-once (records "
                        + "become visible when the checkpoint's transaction commits); remove async: false, or use at-least-once");
            }
            if (config.getOptional(KafkaOptions.FLUSH_MESSAGES).orElse(0) > 0) {
                errors.add(config.pathOf(KafkaOptions.FLUSH_MESSAGES), "cannot be used with deliveryGuarantee exactly-once (records "
                        + "become visible when the checkpoint's transaction commits); remove it, or use at-least-once");
            }
        }
        String prefix = config.get(KafkaOptions.TRANSACTIONAL_ID_PREFIX);
        if (prefix != null && prefix.isBlank()) {
            errors.add(config.pathOf(KafkaOptions.TRANSACTIONAL_ID_PREFIX), "must not be blank");
        }
    }

    /** Present but empty brokers or topic would pass "required" and fail only when the job connects. */
    static void validateAddress(ConfigValues config, ValidationErrors errors) {
        java.util.List<String> brokers = config.get(KafkaOptions.BROKERS);
        if (brokers != null && brokers.stream().allMatch(String::isBlank)) {
            errors.add(config.pathOf(KafkaOptions.BROKERS), "must name at least one broker (host:port)");
        } else if (brokers != null) {
            brokers.stream().map(String::trim).filter(b -> !b.isEmpty() && !isHostAndPort(b)).findFirst().ifPresent(b ->
                    errors.add(config.pathOf(KafkaOptions.BROKERS), "\"" + b + "\" is not host:port (every broker needs a host "
                            + "and a port, e.g. kafka:9092)"));
        }
        String topic = config.get(KafkaOptions.TOPIC);
        if (topic != null && topic.isBlank()) {
            errors.add(config.pathOf(KafkaOptions.TOPIC), "must not be empty");
        }
    }

    /**
     * {@code host:port} with a port 1–65535 ({@code [v6 address]:port} too). The client would otherwise take
     * {@code 9092} for a host name and fail only at connect time, with an unresolvable address.
     */
    static boolean isHostAndPort(String broker) {
        int colon = broker.lastIndexOf(':');
        if (colon <= 0 || colon == broker.length() - 1) {
            return false;
        }
        String host = broker.substring(0, colon);
        if (host.startsWith("[") != host.endsWith("]") || host.equals("[]") || host.contains(" ")) {
            return false;
        }
        if (!host.startsWith("[") && host.contains(":")) {
            return false; // an IPv6 address without brackets: its port cannot be told apart
        }
        try {
            int port = Integer.parseInt(broker.substring(colon + 1));
            return port >= 1 && port <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** securityProtocol must be known and agree with the tls and sasl sections; TLS key material must be whole. */
    static void validateSecurity(ConfigValues config, ValidationErrors errors) {
        String explicit = config.get(KafkaOptions.SECURITY_PROTOCOL);
        boolean hasTls = config.has(KafkaOptions.TLS);
        boolean hasSasl = config.has(KafkaOptions.SASL);
        if (explicit != null && !explicit.isBlank()) {
            Optional<KafkaSecurityProtocol> protocol = KafkaSecurityProtocol.parse(explicit);
            if (protocol.isEmpty()) {
                errors.add(config.pathOf(KafkaOptions.SECURITY_PROTOCOL), "must be one of "
                        + Arrays.stream(KafkaSecurityProtocol.values()).map(Enum::name).collect(Collectors.joining(", "))
                        + " (got \"" + explicit + "\")");
            } else {
                checkSection(config, KafkaOptions.TLS, hasTls, protocol.get().usesTls(), protocol.get(), errors);
                checkSection(config, KafkaOptions.SASL, hasSasl, protocol.get().usesSasl(), protocol.get(), errors);
            }
        }
        if (hasTls) {
            validateTls(config.get(KafkaOptions.TLS), errors);
        }
    }

    /**
     * A protocol without SASL forbids the sasl section and one with SASL requires it; a protocol without TLS forbids
     * the tls section. SASL_SSL may omit tls (the JVM's trust store verifies the brokers), SSL requires it as the
     * original does.
     */
    private static void checkSection(ConfigValues config, ConfigField<ConfigValues> section, boolean present, boolean used,
                                     KafkaSecurityProtocol protocol, ValidationErrors errors) {
        if (present && !used) {
            errors.add(config.pathOf(section), "must not be set with securityProtocol " + protocol);
        } else if (!present && used && (section == KafkaOptions.SASL || protocol == KafkaSecurityProtocol.SSL)) {
            errors.add(config.pathOf(section), "required with securityProtocol " + protocol);
        }
    }

    private static void validateTls(ConfigValues tls, ValidationErrors errors) {
        exclusive(tls, KafkaOptions.TLS_CA_FILE, KafkaOptions.TLS_CA, errors);
        exclusive(tls, KafkaOptions.TLS_CERT_FILE, KafkaOptions.TLS_CERT, errors);
        exclusive(tls, KafkaOptions.TLS_KEY_FILE, KafkaOptions.TLS_KEY, errors);
        boolean cert = tls.has(KafkaOptions.TLS_CERT_FILE) || tls.has(KafkaOptions.TLS_CERT);
        boolean key = tls.has(KafkaOptions.TLS_KEY_FILE) || tls.has(KafkaOptions.TLS_KEY);
        if (cert && !key) {
            errors.add(tls.pathOf(KafkaOptions.TLS_KEY_FILE), "required with a client certificate (keyFile or keySecretRef)");
        } else if (key && !cert) {
            errors.add(tls.pathOf(KafkaOptions.TLS_CERT_FILE), "required with a client key (certFile or certSecretRef)");
        }
    }

    private static void exclusive(ConfigValues tls, ConfigField<String> file, ConfigField<String> content, ValidationErrors errors) {
        if (tls.has(file) && tls.has(content)) {
            errors.add(tls.pathOf(content), "set either " + file.name() + " or " + content.name() + " (" + content.name()
                    + "SecretRef), not both");
        }
    }
}
