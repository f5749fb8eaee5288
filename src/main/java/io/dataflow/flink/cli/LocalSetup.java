package io.dataflow.flink.cli;

import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Flink configuration of a local run and the ports it serves, from the Flink configuration file and the CLI's
 * flags. Precedence: a flag given explicitly wins over the file, the file wins over the flag's default. A flag that
 * was not given is {@code null} here, so "given" and "defaulted" stay apart.
 *
 * @param conf        the configuration the MiniCluster starts with (the file's settings, then the flags')
 * @param webPort     port of the web UI and REST API on 127.0.0.1; 0 runs without the web UI
 * @param metricsPort port of the Prometheus endpoint on 127.0.0.1; 0 turns it off
 * @param warning     what the run should tell about the file it read, or null
 */
record LocalSetup(Configuration conf, int webPort, int metricsPort, String warning) {

    static final Path DEFAULT_FLINK_CONF_DIR = Path.of("flink-conf");
    static final int DEFAULT_WEB_PORT = 8081;
    static final int DEFAULT_METRICS_PORT = 9249;

    /**
     * @param flinkConfDir --flink-conf, or null for {@link #DEFAULT_FLINK_CONF_DIR} (read only when it holds a file)
     * @param webPort      --web-port, or null when not given
     * @param metricsPort  --metrics-port, or null when not given
     * @throws IllegalArgumentException naming the option, when --flink-conf names a directory without a file or the
     *                                  file's Prometheus port is not a port
     */
    static LocalSetup resolve(Path flinkConfDir, Integer webPort, Integer metricsPort) {
        Path dir = flinkConfDir != null ? flinkConfDir : DEFAULT_FLINK_CONF_DIR;
        Configuration conf = load(flinkConfDir);
        int web = webPort != null ? webPort : conf.get(RestOptions.PORT, DEFAULT_WEB_PORT);
        int metrics = metricsPort != null ? metricsPort : filePrometheusPort(conf).orElse(DEFAULT_METRICS_PORT);
        conf.set(RestOptions.PORT, Math.max(web, 0));
        return new LocalSetup(conf, web, metrics, bothFiles(dir)
                ? dir + " holds both " + GlobalConfiguration.FLINK_CONF_FILENAME + " and the legacy "
                        + GlobalConfiguration.LEGACY_FLINK_CONF_FILENAME + "; Flink 1.20 reads only the legacy file: remove it"
                : null);
    }

    /**
     * Flink's own loader reads the directory, as a Flink 1.20 cluster would: {@code config.yaml} (Flink's standard
     * YAML, 1.19+), but the legacy {@code flink-conf.yaml} instead when that exists (1.20 keeps old set-ups as they
     * were). The default directory may be absent (a run outside the project); one named with --flink-conf must hold
     * a file.
     */
    static Configuration load(Path flinkConfDir) {
        Path dir = flinkConfDir != null ? flinkConfDir : DEFAULT_FLINK_CONF_DIR;
        boolean hasFile = Files.isRegularFile(dir.resolve(GlobalConfiguration.FLINK_CONF_FILENAME))
                || Files.isRegularFile(dir.resolve(GlobalConfiguration.LEGACY_FLINK_CONF_FILENAME));
        if (!hasFile) {
            if (flinkConfDir != null) {
                throw new IllegalArgumentException("--flink-conf " + dir + ": no " + GlobalConfiguration.FLINK_CONF_FILENAME
                        + " (or legacy " + GlobalConfiguration.LEGACY_FLINK_CONF_FILENAME + ") in that directory");
            }
            return new Configuration();
        }
        return GlobalConfiguration.loadConfiguration(dir.toString());
    }

    private static boolean bothFiles(Path dir) {
        return Files.isRegularFile(dir.resolve(GlobalConfiguration.FLINK_CONF_FILENAME))
                && Files.isRegularFile(dir.resolve(GlobalConfiguration.LEGACY_FLINK_CONF_FILENAME));
    }

    /** The port of the file's Prometheus reporter; a cluster's port range ({@code 9249-9259}) gives its first port. */
    private static Optional<Integer> filePrometheusPort(Configuration conf) {
        String key = JobEnvironments.PROMETHEUS_REPORTER + "port";
        Optional<String> value = conf.getOptional(ConfigOptions.key(key).stringType().noDefaultValue());
        try {
            return value.map(v -> Integer.parseInt(v.split("-", 2)[0].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " in the Flink configuration file: " + value.get()
                    + " is not a port (nor a range such as 9249-9259)");
        }
    }
}
