package io.dataflow.flink.metrics;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.DirectoryBasedPluginFinder;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.metrics.MetricRegistryConfiguration;
import org.apache.flink.runtime.metrics.MetricRegistryImpl;
import org.apache.flink.runtime.metrics.ReporterSetup;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reporter as a cluster loads it (the Dockerfile's layout): Flink's {@code metrics-prometheus} plugin directory
 * holding Flink's reporter jar and a link to the job jar, loaded by Flink's own plugin manager in a class loader of its
 * own whose parent has neither (Flink's {@code lib/}), configured by the FlinkDeployments' factory class. The metrics
 * come from Flink's metric registry, registered from this class loader as a job's operators register theirs.
 */
class ReporterPluginITCase {

    @TempDir
    Path work;

    @Test
    void theJarBesideFlinksReporterInItsPluginDirectoryServesTheOriginalSeriesAndFlinks() throws Exception {
        Path plugin = Files.createDirectories(work.resolve("plugins/metrics-prometheus"));
        Path flinkReporter = Path.of(AbstractPrometheusReporter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.copy(flinkReporter, plugin.resolve(flinkReporter.getFileName()));
        Files.createSymbolicLink(plugin.resolve("dataflow-flink.jar"), jar().toAbsolutePath());

        Configuration conf = new Configuration();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        conf.setString("metrics.reporter.prom.factory.class", DataflowPrometheusReporterFactory.class.getName());
        conf.setString("metrics.reporter.prom.port", String.valueOf(port));
        DefaultPluginManager plugins = new DefaultPluginManager(new DirectoryBasedPluginFinder(work.resolve("plugins")).findPlugins(),
                new FlinkLibOnly(getClass().getClassLoader()), CoreOptions.getPluginParentFirstLoaderPatterns(conf));
        // Flink also looks for reporter factories on the thread's class path (its lib/); this test's class path has
        // the project's, a TaskManager's lib/ has not: look there through FlinkLibOnly, which hides them.
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        List<ReporterSetup> reporters;
        Thread.currentThread().setContextClassLoader(new FlinkLibOnly(getClass().getClassLoader()));
        try {
            reporters = ReporterSetup.fromConfiguration(conf, plugins);
        } finally {
            Thread.currentThread().setContextClassLoader(context);
        }
        assertThat(reporters).hasSize(1);
        assertThat(reporters.get(0).getReporter().getClass().getName()).isEqualTo(DataflowPrometheusReporter.class.getName());
        assertThat(reporters.get(0).getReporter().getClass().getClassLoader()).as("loaded from the plugin directory")
                .isNotSameAs(DataflowPrometheusReporter.class.getClassLoader());

        MetricRegistryImpl registry = new MetricRegistryImpl(MetricRegistryConfiguration.fromConfiguration(conf, Long.MAX_VALUE), reporters);
        TaskManagerMetricGroup taskManager = TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "localhost", ResourceID.generate());
        try {
            new JobLabels("shop", "orders", java.util.Map.of()).group(taskManager).addGroup("source_type", "kafka")
                    .counter("dataflow_messages_received_total").inc(3);
            new SecondsHistogram(new JobLabels("shop", "orders", java.util.Map.of()).group(taskManager),
                    "dataflow_processing_duration_seconds", "0.001", 10).observeNanos(3_000_000);
            taskManager.counter("flinkSideCounter").inc(5);

            String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(scrape).contains("dataflow_messages_received_total{namespace=\"shop\",name=\"orders\",source_type=\"kafka\",} 3.0")
                    .contains("# TYPE dataflow_processing_duration_seconds histogram")
                    .contains("dataflow_processing_duration_seconds_bucket{namespace=\"shop\",name=\"orders\",le=\"0.002\",} 0.0")
                    .contains("dataflow_processing_duration_seconds_bucket{namespace=\"shop\",name=\"orders\",le=\"0.004\",} 1.0")
                    .contains("dataflow_processing_duration_seconds_bucket{namespace=\"shop\",name=\"orders\",le=\"+Inf\",} 1.0")
                    .contains("dataflow_processing_duration_seconds_count{namespace=\"shop\",name=\"orders\",} 1.0")
                    .containsPattern("flink_taskmanager_flinkSideCounter\\{[^}]*} 5\\.0")
                    .doesNotContain("flink_taskmanager_namespace_name");
        } finally {
            taskManager.close();
            registry.closeAsync().get();
        }
    }

    /**
     * The class path of a Flink process's {@code lib/}: no Prometheus reporter, no simpleclient, no job classes and no
     * reporter factories to find.
     */
    private static final class FlinkLibOnly extends ClassLoader {
        private static final List<String> ABSENT = List.of("org.apache.flink.metrics.prometheus.", "io.prometheus.", "io.dataflow.");

        FlinkLibOnly(ClassLoader parent) {
            super(parent);
        }

        @Override
        public java.util.Enumeration<java.net.URL> getResources(String name) throws IOException {
            return name.equals("META-INF/services/" + MetricReporterFactory.class.getName())
                    ? java.util.Collections.emptyEnumeration() : super.getResources(name);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (ABSENT.stream().anyMatch(name::startsWith)) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("dataflow.project.dir", ".")).resolve("target/dataflow-flink.jar");
        assertThat(jar).as("built by mvn package before integration tests").exists();
        return jar;
    }
}
