package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.config.ConfigValues;

import java.util.Locale;
import java.util.Optional;

/** Kafka's four security protocols, and how the original reads and infers them. */
public enum KafkaSecurityProtocol {
    PLAINTEXT(false, false),
    SSL(true, false),
    SASL_PLAINTEXT(false, true),
    SASL_SSL(true, true);

    private final boolean tls;
    private final boolean sasl;

    KafkaSecurityProtocol(boolean tls, boolean sasl) {
        this.tls = tls;
        this.sasl = sasl;
    }

    public boolean usesTls() {
        return tls;
    }

    public boolean usesSasl() {
        return sasl;
    }

    /** Case-insensitive, with {@code -} or a space standing for {@code _}, as the original accepts. */
    public static Optional<KafkaSecurityProtocol> parse(String text) {
        String normalized = text.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        for (KafkaSecurityProtocol p : values()) {
            if (p.name().equals(normalized)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Without an explicit protocol the sections decide: {@code tls} turns TLS on, {@code sasl} turns SASL on. */
    public static KafkaSecurityProtocol inferred(boolean tls, boolean sasl) {
        for (KafkaSecurityProtocol p : values()) {
            if (p.tls == tls && p.sasl == sasl) {
                return p;
            }
        }
        throw new AssertionError("every combination has a protocol");
    }

    /** The protocol of a validated config: the explicit one, else the inferred one. */
    public static KafkaSecurityProtocol of(ConfigValues config) {
        String explicit = config.get(KafkaOptions.SECURITY_PROTOCOL);
        if (explicit != null && !explicit.isBlank()) {
            return parse(explicit).orElseThrow(() -> new IllegalArgumentException(
                    config.pathOf(KafkaOptions.SECURITY_PROTOCOL) + ": unknown security protocol"));
        }
        return inferred(config.has(KafkaOptions.TLS), config.has(KafkaOptions.SASL));
    }
}
