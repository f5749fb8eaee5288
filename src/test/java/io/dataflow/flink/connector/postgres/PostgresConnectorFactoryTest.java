package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresConnectorFactoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "'connectionString':'postgres://u:pw@h/db','table':'t'";
    private final PostgresConnectorFactory factory = new PostgresConnectorFactory();

    /** Validates like the manifest validator does: declared options, then the factory's cross-field rules. */
    private ConfigValues sink(String json, ValidationErrors errors) throws Exception {
        ConfigValues config = ConfigValidator.validate("sink.config", JSON.readTree(json.replace('\'', '"')), factory.sinkOptions(), errors);
        factory.validateSink(config, errors);
        return config;
    }

    private List<String> errors(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        sink(json, errors);
        return errors.list().stream().map(ValidationErrors.Error::toString).toList();
    }

    private ConfigValues valid(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = sink(json, errors);
        assertThat(errors.list()).isEmpty();
        return c;
    }

    @Test
    void registeredAsPollingSourceAndSink() {
        assertThat(ConnectorRegistry.sink("postgresql")).isInstanceOf(PostgresConnectorFactory.class);
        assertThat(ConnectorRegistry.source("postgresql")).isInstanceOf(PostgresConnectorFactory.class);
        assertThat(factory.isSource()).isTrue();
        assertThat(factory.isPollingSource()).as("strictIdempotency applies").isTrue();
        assertThat(factory.isParallelSource(null)).as("one cursor, parallelism 1").isFalse();
    }

    @Test
    void defaultsAreTheNewestOriginals() throws Exception {
        ConfigValues c = valid("{" + BASE + "}");
        assertThat(c.get(PostgresOptions.BATCH_SIZE)).isEqualTo(100);
        assertThat(c.get(PostgresOptions.BATCH_FLUSH_INTERVAL_SECONDS)).isEqualTo(10);
        assertThat(c.get(PostgresOptions.AUTO_CREATE_TABLE)).isFalse();
        assertThat(c.get(PostgresOptions.UPSERT_MODE)).isFalse();
        assertThat(c.get(PostgresOptions.CONFLICT_KEY)).isEqualTo("id");
        assertThat(c.get(PostgresOptions.UPSERT_STRATEGY)).isEqualTo("always");
        assertThat(c.get(PostgresOptions.UPSERT_VERSION_COLUMN)).isNull();
        assertThat(c.get(PostgresOptions.SOFT_DELETE_COLUMN)).isNull();
        assertThat(c.get(PostgresOptions.RAW_MODE)).isFalse();
        assertThat(c.get(PostgresOptions.FLATTEN_METADATA_COLUMNS)).isFalse();
        assertThat(c.get(PostgresOptions.FLATTEN_METADATA_COLUMNS_PREFIX)).isEmpty();
        PostgresSinkSettings s = PostgresSinkSettings.from(c);
        assertThat(s.batchSize()).isEqualTo(100);
        assertThat(s.flushIntervalMillis()).isEqualTo(10_000);
        assertThat(s.table()).isEqualTo(new PostgresTableName("public", "t"));
        assertThat(s.connection().jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
        assertThat(factory.createSink(c, io.dataflow.flink.connector.ConnectorContext.standalone("j", "sink")).flushIntervalMillis())
                .isEqualTo(10_000);
    }

    @Test
    void batchSizeZeroIsTimerOnlyCappedAndIntervalZeroDisablesTheTimer() throws Exception {
        PostgresSinkSettings s = PostgresSinkSettings.from(valid("{" + BASE + ",'batchSize':0,'batchFlushIntervalSeconds':0}"));
        assertThat(s.batchSize()).isEqualTo(PostgresOptions.MAX_BATCH_SIZE);
        assertThat(s.flushIntervalMillis()).isZero();
    }

    @Test
    void requiredFieldsAndSecretRef() throws Exception {
        assertThat(errors("{}")).containsExactlyInAnyOrder(
                "sink.config.connectionString: required (or connectionStringSecretRef)",
                "sink.config.table: required (or tableSecretRef)");
        assertThat(PostgresOptions.CONNECTION_STRING.secret()).isTrue();
        ConfigValues c = valid("{" + BASE + "}");
        assertThat(c.describe().get("connectionString")).isEqualTo("******");
    }

    @Test
    void negativeNumbersAreRejected() throws Exception {
        assertThat(errors("{" + BASE + ",'batchSize':-1,'batchFlushIntervalSeconds':-5}")).containsExactlyInAnyOrder(
                "sink.config.batchSize: must be at least 0 (got -1)",
                "sink.config.batchFlushIntervalSeconds: must be at least 0 (got -5)");
    }

    @Test
    void ifNewerNeedsAVersionColumnOtherThanTheKey() throws Exception {
        assertThat(errors("{" + BASE + ",'upsertMode':true,'upsertStrategy':'ifNewer'}"))
                .containsExactly("sink.config.upsertVersionColumn: required when upsertStrategy is ifNewer");
        assertThat(errors("{" + BASE + ",'upsertMode':true,'upsertStrategy':'IFNEWER','upsertVersionColumn':'id'}"))
                .containsExactly("sink.config.upsertVersionColumn: must differ from conflictKey");
        ConfigValues c = valid("{" + BASE + ",'upsertMode':true,'upsertStrategy':'ifnewer','upsertVersionColumn':'version'}");
        assertThat(PostgresSinkSettings.from(c).upsertIfNewer()).isTrue();
        assertThat(errors("{" + BASE + ",'upsertStrategy':'sometimes'}")).singleElement().asString()
                .startsWith("sink.config.upsertStrategy: must be one of always, ifNewer");
    }

    @Test
    void onDuplicateKeyIsSkipOrRefuseSkipByDefault() throws Exception {
        assertThat(PostgresSinkSettings.from(valid("{" + BASE + "}")).skipDuplicateKeys()).isTrue();
        assertThat(PostgresSinkSettings.from(valid("{" + BASE + ",'onDuplicateKey':'refuse'}")).skipDuplicateKeys()).isFalse();
        assertThat(errors("{" + BASE + ",'onDuplicateKey':'ignore'}")).singleElement().asString()
                .startsWith("sink.config.onDuplicateKey: ");
    }

    @Test
    void upsertNeedsAConflictKey() throws Exception {
        assertThat(errors("{" + BASE + ",'upsertMode':true,'conflictKey':' '}"))
                .containsExactly("sink.config.conflictKey: must not be empty when upsertMode is true");
    }

    @Test
    void softDeleteColumnMustBeAnotherColumn() throws Exception {
        assertThat(errors("{" + BASE + ",'softDeleteColumn':'id'}")).containsExactly("sink.config.softDeleteColumn: must differ from conflictKey");
        assertThat(errors("{" + BASE + ",'softDeleteColumn':''}")).containsExactly("sink.config.softDeleteColumn: must not be empty");
        assertThat(PostgresSinkSettings.from(valid("{" + BASE + ",'softDeleteColumn':'deleted_at'}")).softDeleteColumn())
                .isEqualTo("deleted_at");
    }

    @Test
    void flattenedMetadataNeedsRawMode() throws Exception {
        assertThat(errors("{" + BASE + ",'flattenMetadataColumns':true}"))
                .containsExactly("sink.config.flattenMetadataColumns: requires rawMode: true");
        PostgresSinkSettings s = PostgresSinkSettings.from(
                valid("{" + BASE + ",'rawMode':true,'flattenMetadataColumns':true,'flattenMetadataColumnsPrefix':'kafka_'}"));
        assertThat(s.metadataColumn("offset")).isEqualTo("kafka_offset");
    }

    @Test
    void connectionStringAndTableAreCheckedWithoutShowingThePassword() throws Exception {
        assertThat(errors("{'connectionString':'postgres://u:hunter22@h:port/db','table':'a.'}")).containsExactlyInAnyOrder(
                "sink.config.connectionString: invalid port \"port\"",
                "sink.config.table: table name has an empty part around the dot");
    }

    @Test
    void idempotentOnlyWithUpsertOnARealKey() throws Exception {
        assertThat(factory.isIdempotentSink(valid("{" + BASE + "}"))).isFalse();
        assertThat(factory.isIdempotentSink(valid("{" + BASE + ",'upsertMode':true}"))).isTrue();
        assertThat(factory.isIdempotentSink(valid("{" + BASE + ",'upsertMode':true,'rawMode':true}"))).isFalse();
        assertThat(factory.isIdempotentSink(valid("{" + BASE + ",'upsertMode':true,'rawMode':true,'flattenMetadataColumns':true,"
                + "'conflictKey':'message_id'}"))).isTrue();
    }
}
