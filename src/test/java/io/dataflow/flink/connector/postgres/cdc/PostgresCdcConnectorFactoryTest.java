package io.dataflow.flink.connector.postgres.cdc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresCdcConnectorFactoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "'connectionString':'postgres://u:pw@h/db','slotName':'df_slot','publicationName':'df_pub'";
    private final PostgresCdcConnectorFactory factory = new PostgresCdcConnectorFactory();

    private ConfigValues source(String json, ValidationErrors errors) throws Exception {
        ConfigValues config = ConfigValidator.validate("source.config", JSON.readTree(json.replace('\'', '"')), factory.sourceOptions(), errors);
        factory.validateSource(config, errors);
        return config;
    }

    private List<String> errors(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        source(json, errors);
        return errors.list().stream().map(ValidationErrors.Error::toString).toList();
    }

    @Test
    void registeredAsASourceOnly() {
        assertThat(ConnectorRegistry.source("postgresql-cdc")).isInstanceOf(PostgresCdcConnectorFactory.class);
        assertThat(ConnectorRegistry.sinkTypes()).doesNotContain("postgresql-cdc");
        assertThat(factory.isParallelSource(null)).as("one slot, one reader").isFalse();
        assertThat(factory.isPollingSource()).as("replays after a restart: strictIdempotency applies").isTrue();
    }

    @Test
    void defaultsAreTheOriginals() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = source("{" + BASE + ",'tables':['public.orders']}", errors);
        assertThat(errors.list()).isEmpty();
        assertThat(c.get(PostgresCdcOptions.SNAPSHOT_MODE)).isEqualTo("initial");
        assertThat(c.get(PostgresCdcOptions.CREATE_SLOT_IF_NOT_EXISTS)).isTrue();
        assertThat(c.get(PostgresCdcOptions.CREATE_PUBLICATION_IF_NOT_EXISTS)).isTrue();
        assertThat(c.get(PostgresCdcOptions.PLUGIN)).isEqualTo("pgoutput");
        assertThat(c.get(PostgresCdcOptions.HEARTBEAT_INTERVAL_SECONDS)).isEqualTo(10);
        assertThat(c.get(PostgresCdcOptions.PRIMARY_KEY_COLUMN)).isEqualTo("id");
        assertThat(c.get(PostgresCdcOptions.ENVELOPE_FORMAT)).isEqualTo("row");
    }

    @Test
    void namesTheFieldOfEachMistake() throws Exception {
        assertThat(errors("{'connectionString':'postgres://u:pw@h/db'}"))
                .anyMatch(e -> e.contains("source.config.slotName"))
                .anyMatch(e -> e.contains("source.config.publicationName"))
                .anyMatch(e -> e.contains("source.config.tables"));
        assertThat(errors("{" + BASE.replace("df_slot", "Bad-Slot") + ",'tables':['t']}"))
                .anyMatch(e -> e.contains("source.config.slotName") && e.contains("lower-case letters"));
        assertThat(errors("{" + BASE + ",'tables':[]}")).anyMatch(e -> e.contains("source.config.tables") && e.contains("at least one"));
        assertThat(errors("{" + BASE + ",'tables':['ok','sales.']}")).anyMatch(e -> e.contains("source.config.tables[1]") && e.contains("empty part"));
        assertThat(errors("{" + BASE + ",'tables':['t'],'snapshotMode':'sometimes'}")).anyMatch(e -> e.contains("source.config.snapshotMode"));
        assertThat(errors("{" + BASE + ",'tables':['t'],'plugin':'wal2json'}")).anyMatch(e -> e.contains("source.config.plugin"));
        assertThat(errors("{" + BASE + ",'tables':['t'],'heartbeatIntervalSeconds':-1}")).anyMatch(e -> e.contains("heartbeatIntervalSeconds"));
    }

    @Test
    void theConnectionStringPasswordIsSecret() {
        assertThat(PostgresCdcOptions.CONNECTION_STRING.secret()).isTrue();
    }
}
