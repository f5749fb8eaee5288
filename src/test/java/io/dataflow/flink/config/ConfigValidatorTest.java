package io.dataflow.flink.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigValidatorTest {

    private static final ConfigField<List<String>> BROKERS = ConfigField.stringList("brokers").required().build();
    private static final ConfigField<String> GROUP = ConfigField.string("consumerGroup").defaultValue("dataflow-operator").build();
    private static final ConfigField<Integer> BATCH = ConfigField.integer("batchSize").defaultValue(100).min(0).build();
    private static final ConfigField<Duration> WAIT = ConfigField.duration("consumerMaxWait").min(1).build();
    private static final ConfigField<Boolean> UPSERT = ConfigField.bool("upsertMode").defaultValue(false).build();
    private static final ConfigField<String> ACKS = ConfigField.enumOf("requiredAcks", "all", "local", "none").defaultValue("all").build();
    private static final ConfigField<String> PASSWORD = ConfigField.string("password").secret().build();
    private static final ConfigField<ConfigValues> SASL = ConfigField.object("sasl", PASSWORD, ConfigField.string("username").required().build()).build();
    private static final List<ConfigField<?>> OPTIONS = List.of(BROKERS, GROUP, BATCH, WAIT, UPSERT, ACKS, SASL);

    private static ConfigValues validate(String json, ValidationErrors errors) throws Exception {
        return ConfigValidator.validate("source.config", new ObjectMapper().readTree(json), OPTIONS, errors);
    }

    @Test
    void defaultsApplyWhenAbsent() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = validate("{\"brokers\":[\"a:9092\"]}", errors);
        assertThat(errors.list()).isEmpty();
        assertThat(c.get(GROUP)).isEqualTo("dataflow-operator");
        assertThat(c.get(BATCH)).isEqualTo(100);
        assertThat(c.get(UPSERT)).isFalse();
        assertThat(c.get(ACKS)).isEqualTo("all");
        assertThat(c.has(GROUP)).isFalse();
        assertThat(c.getOptional(WAIT)).isEmpty();
    }

    @Test
    void valuesAreConverted() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = validate("{\"brokers\":\"a:9092, b:9092\",\"batchSize\":\"250\",\"consumerMaxWait\":\"1m30s\","
                + "\"upsertMode\":\"TRUE\",\"requiredAcks\":\"LOCAL\",\"sasl\":{\"username\":\"u\",\"password\":\"p\"}}", errors);
        assertThat(errors.list()).isEmpty();
        assertThat(c.get(BROKERS)).containsExactly("a:9092", "b:9092");
        assertThat(c.get(BATCH)).isEqualTo(250);
        assertThat(c.get(WAIT)).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.get(UPSERT)).isTrue();
        assertThat(c.get(ACKS)).isEqualTo("local");
        assertThat(c.get(SASL).get(PASSWORD)).isEqualTo("p");
        assertThat(c.toString()).doesNotContain("\"p\"").contains(SecretMasker.MASK);
    }

    @Test
    void numbersAreSecondsForDurations() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = validate("{\"brokers\":[\"a\"],\"consumerMaxWait\":2.5}", errors);
        assertThat(c.get(WAIT)).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void everyProblemIsReportedWithItsPath() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        validate("{\"topicz\":\"x\",\"batchSize\":-1,\"consumerMaxWait\":\"soon\",\"upsertMode\":\"yes\","
                + "\"requiredAcks\":\"some\",\"sasl\":{\"password\":\"p\"},\"consumerGroup\":{}}", errors);
        assertThat(errors.list()).extracting(ValidationErrors.Error::path).containsExactlyInAnyOrder(
                "source.config.topicz", "source.config.batchSize", "source.config.consumerMaxWait", "source.config.upsertMode",
                "source.config.requiredAcks", "source.config.sasl.username", "source.config.consumerGroup", "source.config.brokers");
        assertThat(errors.list().toString()).contains("unknown field (known: batchSize, brokers, consumerGroup, consumerMaxWait, requiredAcks, sasl, upsertMode)",
                "must be at least 0", "must be one of all, local, none", "required (or brokersSecretRef)");
    }

    @Test
    void secretRefSiblingsAreAcceptedOnlyForStringFields() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        validate("{\"brokers\":[\"a\"],\"brokersSecretRef\":{\"name\":\"k\",\"key\":\"b\"},\"batchSizeSecretRef\":{}}", errors);
        assertThat(errors.list()).extracting(ValidationErrors.Error::path).containsExactly("source.config.batchSizeSecretRef");
    }

    @Test
    void goDurations() {
        assertThat(GoDuration.parse("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(GoDuration.parse("2h45m")).isEqualTo(Duration.ofMinutes(165));
        assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(GoDuration.parse("10µs")).isEqualTo(Duration.ofNanos(10_000));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GoDuration.parse("5 minutes")).hasMessageContaining("invalid duration");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GoDuration.parse("")).hasMessageContaining("invalid duration");
    }
}
