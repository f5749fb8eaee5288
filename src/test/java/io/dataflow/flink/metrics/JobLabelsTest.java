package io.dataflow.flink.metrics;

import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The labels of the original's series, from the manifest through the job's global parameters to the operators. */
class JobLabelsTest {

    @Test
    void namespaceNameAndRouteLabelsTravelThroughTheGlobalJobParameters() throws Exception {
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent-secrets")).parse("""
                apiVersion: dataflow.dataflow.io/v1
                kind: DataFlow
                metadata: {name: orders, namespace: shop}
                spec:
                  source: {type: kafka, config: {brokers: ["b:9092"], topic: t}}
                  transformations:
                    - type: router
                      config:
                        routes:
                          - condition: "status == 'shipped'"
                            sink: {type: kafka, config: {brokers: ["b:9092"], topic: shipped}}
                  sink: {type: kafka, config: {brokers: ["b:9092"], topic: out}}
                """, "orders.yaml");
        JobLabels labels = JobLabels.of(JobLabels.parameters(manifest), "ignored");
        assertThat(labels.namespace()).isEqualTo("shop");
        assertThat(labels.name()).isEqualTo("orders");
        assertThat(labels.route("sink")).isEqualTo("default");
        assertThat(labels.route("route-0-sink")).isEqualTo("status == 'shipped'");
        assertThat(labels.route("errors")).isEqualTo("error");
    }

    @Test
    void aManifestWithoutNamespaceIsInTheDefaultOne() throws Exception {
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent-secrets")).parse("""
                source: {type: kafka, config: {brokers: ["b:9092"], topic: t}}
                sink: {type: kafka, config: {brokers: ["b:9092"], topic: out}}
                """, "bare");
        assertThat(manifest.namespace()).isEqualTo("default");
        assertThat(JobLabels.of(Map.of(), "job").namespace()).isEqualTo("default");
        assertThat(JobLabels.of(Map.of(), "job").name()).isEqualTo("job");
    }
}
