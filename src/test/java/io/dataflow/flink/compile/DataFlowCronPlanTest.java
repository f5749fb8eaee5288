package io.dataflow.flink.compile;

import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.config.ManifestException;
import io.dataflow.flink.manifest.ManifestParser;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A DataFlowCron's source is planned bounded without the manifest saying so; a DataFlow's is not. */
class DataFlowCronPlanTest {

    private static final String PG = "postgres://u:p@localhost:5432/db";

    private static String resource(String kind, String sourceConfig) {
        return "apiVersion: dataflow.dataflow.io/v1\nkind: " + kind + "\nmetadata: {name: nightly}\nspec:\n"
                + "  source: {type: postgresql, config: {connectionString: \"" + PG + "\", table: public.stage" + sourceConfig + "}}\n"
                + "  sink: {type: postgresql, config: {connectionString: \"" + PG + "\", table: public.fact}}\n";
    }

    private static Manifest parse(String yaml) {
        return ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(yaml, "m");
    }

    private static Object plannedSourceBounded(Manifest manifest) {
        OperatorPlan source = JobPlan.of(manifest).operators().get(0);
        assertThat(source.role()).isEqualTo("source");
        return source.config().get("bounded");
    }

    @Test
    void dataFlowCronSourcesArePlannedBounded() {
        Manifest manifest = parse(resource("DataFlowCron", ""));
        assertThat(manifest.source().config().describe()).containsEntry("bounded", true);
        assertThat(plannedSourceBounded(manifest)).isEqualTo(true);
    }

    @Test
    void dataFlowSourcesKeepTheirDefault() {
        Manifest manifest = parse(resource("DataFlow", ""));
        assertThat(plannedSourceBounded(manifest)).isNull();
        assertThat(parse(resource("DataFlow", ", bounded: true")).source().config().describe()).containsEntry("bounded", true);
    }

    @Test
    void everyBoundableSourceTypeIsBoundedInADataFlowCron() {
        String kafka = "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlowCron\nmetadata: {name: k}\nspec:\n"
                + "  source: {type: kafka, config: {brokers: [\"localhost:9092\"], topic: t, consumerGroup: g}}\n"
                + "  sink: {type: postgresql, config: {connectionString: \"" + PG + "\", table: public.fact}}\n";
        assertThat(plannedSourceBounded(parse(kafka))).isEqualTo(true);
    }

    @Test
    void anExplicitBoundedFalseContradictsTheKindAndNamesTheField() {
        assertThatThrownBy(() -> parse(resource("DataFlowCron", ", bounded: false")))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("source.config.bounded");
    }

    @Test
    void aCdcSourceIsRefusedInADataFlowCronNamingTheField() {
        String cdc = "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlowCron\nmetadata: {name: c}\nspec:\n"
                + "  source: {type: postgresql-cdc, config: {connectionString: \"" + PG + "\", tables: [public.t]}}\n"
                + "  sink: {type: postgresql, config: {connectionString: \"" + PG + "\", table: public.fact}}\n";
        assertThatThrownBy(() -> parse(cdc))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("source.type")
                .hasMessageContaining("postgresql-cdc");
    }
}
