package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.connector.SchemaEvolution;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TrinoConnectorFactoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "'serverURL':'http://trino:8080','catalog':'memory','schema':'default'";
    private final TrinoConnectorFactory factory = new TrinoConnectorFactory();

    private List<String> sinkErrors(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", JSON.readTree(json.replace('\'', '"')), factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        return errors.list().stream().map(ValidationErrors.Error::toString).toList();
    }

    private List<String> sourceErrors(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("source.config", JSON.readTree(json.replace('\'', '"')), factory.sourceOptions(), errors);
        factory.validateSource(c, errors);
        return errors.list().stream().map(ValidationErrors.Error::toString).toList();
    }

    private ConfigValues sink(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", JSON.readTree(json.replace('\'', '"')), factory.sinkOptions(), errors);
        errors.throwIfAny();
        return c;
    }

    @Test
    void registeredAsPollingSourceAndSink() {
        assertThat(ConnectorRegistry.sink("trino")).isInstanceOf(TrinoConnectorFactory.class);
        assertThat(ConnectorRegistry.source("trino")).isInstanceOf(TrinoConnectorFactory.class);
        assertThat(factory.isPollingSource()).isTrue();
    }

    @Test
    void upsertsGoThroughOneCommitterAndNeedCheckpointsWhileInsertsDoNot() throws Exception {
        ConfigValues upsert = sink("{" + BASE + ",'table':'t','upsertMode':true,'conflictKey':'id'}");
        assertThat(factory.hasCommitter(upsert)).isTrue();
        assertThat(factory.fieldRequiringCheckpointing(upsert)).contains("sink.config.upsertMode");
        ConfigValues insert = sink("{" + BASE + ",'table':'t'}");
        assertThat(factory.hasCommitter(insert)).isFalse();
        assertThat(factory.fieldRequiringCheckpointing(insert)).isEmpty();
    }

    @Test
    void defaultsAreTheNewestOriginals() throws Exception {
        TrinoSinkSettings s = TrinoSinkSettings.from(sink("{" + BASE + ",'table':'events'}"));
        assertThat(s.batchSize()).isEqualTo(10);
        assertThat(s.flushIntervalMillis()).isEqualTo(10_000);
        assertThat(s.queryTimeoutSeconds()).isEqualTo(600);
        assertThat(s.table()).isEqualTo(new TrinoTableName("memory", "default", "events"));
        assertThat(TrinoSinkSettings.from(sink("{" + BASE + ",'table':'t','batchSize':0}")).batchSize()).isEqualTo(TrinoOptions.MAX_BATCH_SIZE);
        assertThat(s.toString()).isEqualTo("trino http://trino:8080 memory.default.events");
    }

    @Test
    void sinkRulesNameTheFieldToFix() throws Exception {
        assertThat(sinkErrors("{" + BASE + "}")).containsExactly("sink.config.table: required");
        assertThat(sinkErrors("{" + BASE + ",'table':'t','upsertMode':true}"))
                .containsExactly("sink.config.conflictKey: required with upsertMode (the MERGE matches rows on it)");
        assertThat(sinkErrors("{" + BASE + ",'table':'t','upsertMode':true,'conflictKey':'id','rawMode':true}"))
                .containsExactly("sink.config.upsertMode: cannot be combined with rawMode (raw rows have no key column)");
        assertThat(sinkErrors("{" + BASE + ",'table':'t','flattenMetadataColumns':true}"))
                .containsExactly("sink.config.flattenMetadataColumns: needs rawMode: true");
        assertThat(sinkErrors("{'serverURL':'trino:8080/x','catalog':'c','schema':'s','table':'t'}"))
                .containsExactly("sink.config.serverURL: expected http(s)://host:port, got trino:8080/x");
        assertThat(sinkErrors("{'serverURL':'https://etl:hunter2@trino:8443','catalog':'c','schema':'s','table':'t'}"))
                .containsExactly("sink.config.serverURL: user or password in the URL is not supported (use keycloak)");
        assertThat(sinkErrors("{'catalog':'c','table':'t'}")).contains("sink.config.serverURL: required (or serverURLSecretRef)", "sink.config.schema: required (or schemaSecretRef)");
    }

    @Test
    void schemaEvolutionDefaultsToIgnoreAndAppliesToColumnarTablesOnly() throws Exception {
        assertThat(TrinoSinkSettings.from(sink("{" + BASE + ",'table':'t'}")).schemaEvolution()).isEqualTo(SchemaEvolution.IGNORE);
        assertThat(sinkErrors("{" + BASE + ",'table':'t','schemaEvolution':'evolve','upsertMode':true,'conflictKey':'id'}")).isEmpty();
        assertThat(TrinoSinkSettings.from(sink("{" + BASE + ",'table':'t','schemaEvolution':'evolve'}")).schemaEvolution())
                .isEqualTo(SchemaEvolution.EVOLVE);
        assertThat(TrinoSinkSettings.from(sink("{" + BASE + ",'table':'t','schemaEvolution':'fail'}")).schemaEvolution())
                .isEqualTo(SchemaEvolution.FAIL);
        assertThat(sinkErrors("{" + BASE + ",'table':'t','schemaEvolution':'widen'}")).singleElement().asString()
                .startsWith("sink.config.schemaEvolution: ");
        assertThat(sinkErrors("{" + BASE + ",'table':'t','rawMode':true,'schemaEvolution':'evolve'}")).containsExactly(
                "sink.config.schemaEvolution: applies to columnar tables only; rawMode keeps each whole record in one JSON"
                        + " column, so no field can lack a column (leave it ignore or drop rawMode)");
        assertThat(sinkErrors("{" + BASE + ",'table':'t','rawMode':true,'schemaEvolution':'ignore'}")).isEmpty();
    }

    @Test
    void keycloakNeedsHttpsAndOneGrantAndNeverEchoesSecrets() throws Exception {
        String keycloak = ",'keycloak':{'serverURL':'https://sso','realm':'data','username':'etl'}";
        assertThat(sinkErrors("{" + BASE + ",'table':'t'" + keycloak + "}")).containsExactlyInAnyOrder(
                "sink.config.serverURL: keycloak authentication needs an https:// Trino URL (bearer tokens are only sent over TLS)",
                "sink.config.keycloak.password: required with sink.config.keycloak.username");
        assertThat(sinkErrors("{'serverURL':'https://trino:8443','catalog':'c','schema':'s','table':'t',"
                + "'keycloak':{'serverURL':'https://sso','realm':'data'}}"))
                .containsExactly("sink.config.keycloak: set token, username+password, or clientSecret");
        List<String> ok = sinkErrors("{'serverURL':'https://trino:8443','catalog':'c','schema':'s','table':'t',"
                + "'keycloak':{'serverURL':'https://sso','realm':'data','clientSecret':'s3cr3t-value'}}");
        assertThat(ok).isEmpty();
    }

    @Test
    void sourceNeedsATableOrAQueryAndAPositivePollInterval() throws Exception {
        assertThat(sourceErrors("{" + BASE + "}")).containsExactly("source.config.table: required (or query)");
        assertThat(sourceErrors("{" + BASE + ",'query':'SELECT 1','pollInterval':'0s'}"))
                .containsExactly("source.config.pollInterval: must be positive");
        assertThat(sourceErrors("{" + BASE + ",'table':'t','pollInterval':'250ms','readBatchSize':100}")).isEmpty();
    }

    @Test
    void onlyMergeUpsertsAreIdempotent() throws Exception {
        assertThat(factory.isIdempotentSink(sink("{" + BASE + ",'table':'t'}"))).isFalse();
        assertThat(factory.isIdempotentSink(sink("{" + BASE + ",'table':'t','upsertMode':true,'conflictKey':'id'}"))).isTrue();
    }

    @Test
    void errorsAreSortedByTrinoErrorCode() {
        assertThat(TrinoErrors.isTransient(new SQLException("Query failed (#1): busy", null, 131074))).as("QUERY_QUEUE_FULL").isTrue();
        assertThat(TrinoErrors.isTransient(new SQLException("x", null, 65548))).as("SERVER_STARTING_UP").isTrue();
        assertThat(TrinoErrors.isTransient(new SQLException("Error executing query", new java.io.IOException("refused")))).isTrue();
        assertThat(TrinoErrors.isTransient(new SQLException("Query failed (#1): line 1:1: mismatched input", null, 1))).isFalse();
        SQLException cast = new SQLException("Query failed (#20261125_1): Cannot cast VARCHAR '123456' to DECIMAL(4, 2)", null, 9);
        assertThat(TrinoErrors.isDataError(cast)).isTrue();
        assertThat(TrinoErrors.reason(cast)).isEqualTo("Cannot cast VARCHAR '123456' to DECIMAL(4, 2)");
        assertThat(TrinoErrors.isDataError(new SQLException("Table not found", null, 46))).isFalse();
    }
}
