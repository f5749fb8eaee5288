package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClickHouseConnectorFactoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "'connectionString':'clickhouse://u:pw@h:9000/db'";
    private final ClickHouseConnectorFactory factory = new ClickHouseConnectorFactory();

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
        assertThat(ConnectorRegistry.sink("clickhouse")).isInstanceOf(ClickHouseConnectorFactory.class);
        assertThat(ConnectorRegistry.source("clickhouse")).isInstanceOf(ClickHouseConnectorFactory.class);
        assertThat(factory.isPollingSource()).isTrue();
        assertThat(factory.isParallelSource(null)).isFalse();
    }

    @Test
    void defaultsAreTheNewestOriginals() throws Exception {
        ClickHouseSinkSettings s = ClickHouseSinkSettings.from(sink("{" + BASE + ",'table':'events'}"));
        assertThat(s.batchSize()).isEqualTo(500);
        assertThat(s.flushIntervalMillis()).isEqualTo(10_000);
        assertThat(s.compression()).as("18.16 answers compressed requests with empty bodies").isFalse();
        assertThat(s.table()).isEqualTo(new ClickHouseTableName("db", "events"));
        assertThat(s.connection().endpoint()).isEqualTo("http://h:8123/");
        assertThat(ClickHouseSinkSettings.from(sink("{" + BASE + ",'table':'t','batchSize':0}")).batchSize())
                .isEqualTo(ClickHouseOptions.MAX_BATCH_SIZE);
    }

    @Test
    void theOriginalsHighVolumeManifestIsValid() throws Exception {
        assertThat(sinkErrors("{'connectionString':'clickhouse://writer:pw@ch:9000/metrics?dial_timeout=10s&max_execution_time=60',"
                + "'table':'telemetry_events','autoCreateTable':true,'upsertMode':true,'conflictKey':'event_id',"
                + "'replacingVersionColumn':'updated_at','batchSize':1000,'batchFlushIntervalSeconds':5}")).isEmpty();
        assertThat(sourceErrors("{'connectionString':'clickhouse://reader:pw@ch:9000/shop?dial_timeout=10s','table':'products',"
                + "'changeTrackingColumn':'created_at','orderByColumn':'product_id','readBatchSize':5000,'pollInterval':15}")).isEmpty();
    }

    @Test
    void badFieldsAreNamedWithTheirPaths() throws Exception {
        assertThat(sinkErrors("{'connectionString':'mysql://u:secret@h/db','table':'t','tableEngine':'Log',"
                + "'flattenMetadataColumns':true}"))
                .anySatisfy(e -> assertThat(e).startsWith("sink.config.connectionString: unsupported scheme \"mysql\"").doesNotContain("secret"))
                .anySatisfy(e -> assertThat(e).startsWith("sink.config.tableEngine: must be one of MergeTree, ReplacingMergeTree"))
                .anySatisfy(e -> assertThat(e).startsWith("sink.config.flattenMetadataColumns: is not supported"));
        assertThat(sinkErrors("{" + BASE + ",'table':'t','tableEngine':'MergeTree','replacingVersionColumn':'v'}"))
                .containsExactly("sink.config.replacingVersionColumn: needs tableEngine ReplacingMergeTree (or upsertMode)");
        assertThat(sinkErrors("{" + BASE + "}")).containsExactly("sink.config.table: required (or tableSecretRef)");
    }

    @Test
    void theSourceWantsTableOrQueryAndNoFormatClause() throws Exception {
        assertThat(sourceErrors("{" + BASE + "}")).containsExactly("source.config.table: required (or query)");
        assertThat(sourceErrors("{" + BASE + ",'table':'t','query':'SELECT 1'}"))
                .containsExactly("source.config.query: table and query cannot both be set");
        assertThat(sourceErrors("{" + BASE + ",'query':'SELECT * FROM t FORMAT TSV'}"))
                .containsExactly("source.config.query: must not end in a FORMAT clause (the source reads JSONEachRow)");
        assertThat(sourceErrors("{" + BASE + ",'table':'db.t','pollInterval':'250ms','bounded':true}")).isEmpty();
    }

    @Test
    void replacingMergeTreeWithAKeyCountsAsIdempotent() throws Exception {
        assertThat(factory.isIdempotentSink(sink("{" + BASE + ",'table':'t','upsertMode':true,'conflictKey':'id'}"))).isTrue();
        assertThat(factory.isIdempotentSink(sink("{" + BASE + ",'table':'t','upsertMode':true}"))).isFalse();
        assertThat(factory.isIdempotentSink(sink("{" + BASE + ",'table':'t','conflictKey':'id'}"))).isFalse();
    }
}
