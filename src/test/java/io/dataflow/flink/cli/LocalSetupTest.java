package io.dataflow.flink.cli;

import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where a local run's settings come from: Flink's standard config.yaml (or a legacy flink-conf.yaml) read by Flink's
 * own loader; a setting in it wins over a CLI default, a CLI flag given explicitly wins over it. And the project's
 * shipped flink-conf/config.yaml, as Flink reads it.
 */
class LocalSetupTest {

    private static final Path PROJECT_FLINK_CONF = Path.of(System.getProperty("dataflow.project.dir", ".")).resolve("flink-conf");

    /** Nested keys, as Flink 1.19+ and 2.x write config.yaml. */
    private static final String CONFIG_YAML = """
            rest:
              port: 18555
            metrics:
              reporter:
                prom:
                  factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
                  port: 19555
            execution:
              checkpointing:
                interval: 42s
            """;

    private static final Manifest MANIFEST = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(
            "source: {type: kafka, config: {brokers: [\"127.0.0.1:9092\"], topic: t}}\n"
                    + "sink: {type: kafka, config: {brokers: [\"127.0.0.1:9092\"], topic: u}}\n", "setup");

    @TempDir
    Path dir;

    @Test
    void aSettingInConfigYamlWinsOverACliDefault() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), CONFIG_YAML);

        LocalSetup setup = LocalSetup.resolve(dir, null, null);

        assertThat(setup.webPort()).as("rest.port over --web-port's default").isEqualTo(18555);
        assertThat(setup.metricsPort()).as("the reporter's port over --metrics-port's default").isEqualTo(19555);
        assertThat(checkpointInterval(setup, null)).as("the file's interval over the 10 s default").isEqualTo(Duration.ofSeconds(42));
    }

    @Test
    void aCliFlagGivenExplicitlyWinsOverConfigYaml() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), CONFIG_YAML);

        LocalSetup setup = LocalSetup.resolve(dir, 8099, 0);

        assertThat(setup.webPort()).isEqualTo(8099);
        assertThat(setup.metricsPort()).isZero();
        assertThat(checkpointInterval(setup, Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void whatTheFileDoesNotSetKeepsTheCliDefault() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), "pipeline:\n  object-reuse: true\n");

        LocalSetup setup = LocalSetup.resolve(dir, null, null);

        assertThat(setup.webPort()).isEqualTo(LocalSetup.DEFAULT_WEB_PORT);
        assertThat(setup.metricsPort()).isEqualTo(LocalSetup.DEFAULT_METRICS_PORT);
        assertThat(checkpointInterval(setup, null)).isEqualTo(JobEnvironments.DEFAULT_CHECKPOINT_INTERVAL);
    }

    @Test
    void aLegacyFlinkConfYamlIsStillRead() throws Exception {
        Files.writeString(dir.resolve("flink-conf.yaml"), "rest.port: 18556\nexecution.checkpointing.interval: 43s\n");

        LocalSetup setup = LocalSetup.resolve(dir, null, null);

        assertThat(setup.webPort()).isEqualTo(18556);
        assertThat(checkpointInterval(setup, null)).isEqualTo(Duration.ofSeconds(43));
    }

    @Test
    void withBothFilesFlinkReadsTheLegacyOneAndTheRunSaysSo() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), CONFIG_YAML);
        Files.writeString(dir.resolve("flink-conf.yaml"), "rest.port: 18556\n");

        LocalSetup setup = LocalSetup.resolve(dir, null, null);

        assertThat(setup.webPort()).as("Flink 1.20's loader prefers flink-conf.yaml when it exists").isEqualTo(18556);
        assertThat(setup.warning()).isEqualTo(dir + " holds both config.yaml and the legacy flink-conf.yaml; "
                + "Flink 1.20 reads only the legacy file: remove it");
    }

    @Test
    void aFlinkConfDirectoryWithoutAFileIsRefusedByName() {
        assertThatThrownBy(() -> LocalSetup.resolve(dir, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--flink-conf " + dir + ": no config.yaml (or legacy flink-conf.yaml) in that directory");
    }

    @Test
    void aPrometheusPortRangeInTheFileGivesItsFirstPort() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), "metrics:\n  reporter:\n    prom:\n      port: 19250-19259\n");

        assertThat(LocalSetup.resolve(dir, null, null).metricsPort()).isEqualTo(19250);
    }

    @Test
    void theShippedConfigYamlIsFlinksStandardFormatWithTheProjectsSettings() {
        assertThat(PROJECT_FLINK_CONF.resolve("config.yaml")).as("Flink's standard file name").isRegularFile();
        assertThat(PROJECT_FLINK_CONF.resolve("flink-conf.yaml")).as("the legacy file is gone").doesNotExist();

        Configuration conf = GlobalConfiguration.loadConfiguration(PROJECT_FLINK_CONF.toString());

        assertThat(GlobalConfiguration.isStandardYaml()).as("read as standard YAML").isTrue();
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF)).isEqualTo(Duration.ofSeconds(1));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF)).isEqualTo(Duration.ofMinutes(1));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS)).isEqualTo(30);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(conf.get(PipelineOptions.GENERIC_TYPES)).isFalse();
        assertThat(conf.get(ConfigOptions.key("metrics.reporter.prom.factory.class").stringType().noDefaultValue()))
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(conf.get(ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue())).isEqualTo("9249");
        assertThat(conf.get(ConfigOptions.key("env.java.opts.all").stringType().noDefaultValue()))
                .startsWith("--add-exports=java.base/sun.net.util=ALL-UNNAMED ")
                .endsWith(" --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");
    }

    @Test
    void aLocalRunReadsTheShippedConfigYaml() {
        LocalSetup setup = LocalSetup.resolve(PROJECT_FLINK_CONF, null, null);

        assertThat(setup.conf().get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS)).isEqualTo(30);
        assertThat(setup.metricsPort()).isEqualTo(9249);
        assertThat(setup.warning()).isNull();
    }

    @Test
    void aLocalRunGetsTheDefaultNumberOfNetworkBuffersInAQuarterOfTheMemory() {
        Configuration conf = localConfiguration(LocalSetup.resolve(PROJECT_FLINK_CONF, null, null));

        assertThat(conf.get(TaskManagerOptions.MEMORY_SEGMENT_SIZE)).isEqualTo(MemorySize.parse("8kb"));
        assertThat(conf.get(TaskManagerOptions.NETWORK_MEMORY_MIN)).isEqualTo(MemorySize.parse("16mb"));
        assertThat(conf.get(TaskManagerOptions.NETWORK_MEMORY_MAX)).isEqualTo(MemorySize.parse("16mb"));
        // Flink's local default: 64 MiB of 32 KiB segments
        assertThat(MemorySize.parse("16mb").getBytes() / MemorySize.parse("8kb").getBytes())
                .isEqualTo(MemorySize.parse("64mb").getBytes() / MemorySize.parse("32kb").getBytes());
    }

    @Test
    void networkMemoryTheFileSetsIsLeftAsItIs() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), "taskmanager.memory.network.max: 128mb\n");

        Configuration conf = localConfiguration(LocalSetup.resolve(dir, null, null));

        assertThat(conf.get(TaskManagerOptions.NETWORK_MEMORY_MAX)).isEqualTo(MemorySize.parse("128mb"));
        assertThat(conf.contains(TaskManagerOptions.NETWORK_MEMORY_MIN)).isFalse();
        assertThat(conf.contains(TaskManagerOptions.MEMORY_SEGMENT_SIZE)).isFalse();
    }

    /** The configuration the local environment's MiniCluster starts from. */
    private static Configuration localConfiguration(LocalSetup setup) {
        StreamExecutionEnvironment env = JobEnvironments.local(setup, MANIFEST, conf -> { });
        return Configuration.fromMap(env.getConfiguration().toMap());
    }

    /** The interval the job gets: the environment built from the setup, then the CLI's --checkpoint-interval. */
    private static Duration checkpointInterval(LocalSetup setup, Duration cliInterval) {
        StreamExecutionEnvironment env = JobEnvironments.local(setup, MANIFEST, conf -> { });
        JobEnvironments.configureCheckpointing(env, MANIFEST, cliInterval);
        return Duration.ofMillis(env.getCheckpointConfig().getCheckpointInterval());
    }
}
