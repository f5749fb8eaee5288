package io.dataflow.flink.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The original's metric names (docs/ORIGINAL.md#metrics) on the Prometheus endpoint of {@code run --local}, beside Flink's
 * own: two live jobs — Kafka → router → PostgreSQL with an error sink, and a polling PostgreSQL source → Kafka — are
 * scraped, and every series that jobs/monitoring's Grafana dashboard and PrometheusRule query must be there, with
 * every label the query uses. A few values prove the series count what they say.
 */
@RealServers({Server.KAFKA, Server.POSTGRES})
class OriginalMetricsITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SERIES = Pattern.compile("\\b((?:dataflow|flink)_[A-Za-z0-9_]+)\\b");
    private static final Pattern BY = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");
    private static final Pattern SELECTOR = Pattern.compile("\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("(\\w+)\\s*(?:=~|!~|!=|=)");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*[^,]+,\\s*(\\w+)\\s*\\)");
    private static final Pattern SAMPLE = Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)(?:\\{(.*)})? (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path work;

    @Test
    void everySeriesTheDashboardAndTheAlertsQueryIsServedWithItsLabels() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> scrapes = new ArrayList<>();

        String kafkaJob = "metrics-kafka-" + suffix;
        String topic = "metrics-in-" + suffix;
        Kafka.createTopic(topic, 2);
        Kafka.createTopic(topic + "-errors", 1);
        // order 7 breaks the main table's CHECK: PostgreSQL refuses it and the error sink takes it
        Postgres.execute("CREATE TABLE public.metrics_orders_" + suffix + " (order_id BIGINT PRIMARY KEY, status TEXT, amount BIGINT CHECK (amount >= 0))");
        Kafka.produce(topic, 200, i -> "{\"order_id\":" + i + ",\"status\":\"" + (i % 4 == 0 ? "shipped" : "new") + "\",\"amount\":"
                + (i == 7 ? -1 : i) + "}");
        String kafkaScrape = scrapeWhileRunning(kafkaJob, "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlow\n"
                + "metadata: {name: " + kafkaJob + ", namespace: shop}\nspec:\n"
                + "  source:\n    type: kafka\n    config:\n      brokers: [\"" + Kafka.bootstrap() + "\"]\n      topic: " + topic + "\n"
                + "      consumerGroup: " + kafkaJob + "\n"
                + "  transformations:\n"
                + "    - type: filter\n      config: {condition: \"status != 'draft'\"}\n"
                + "    - type: router\n      config:\n        routes:\n          - condition: \"status == 'shipped'\"\n"
                + "            sink:\n              type: postgresql\n              config:\n"
                + "                connectionString: \"" + Postgres.url() + "\"\n"
                + "                table: public.metrics_shipped_" + suffix + "\n                autoCreateTable: true\n"
                + "  sink:\n    type: postgresql\n    config:\n      connectionString: \"" + Postgres.url() + "\"\n"
                + "      table: public.metrics_orders_" + suffix + "\n      upsertMode: true\n      conflictKey: order_id\n"
                + "  errors:\n    type: kafka\n    config:\n      brokers: [\"" + Kafka.bootstrap() + "\"]\n      topic: " + topic + "-errors\n",
                m -> sum(m, "dataflow_messages_received_total", Map.of("name", kafkaJob)) >= 200
                        && sum(m, "dataflow_connector_errors_total", Map.of("name", kafkaJob)) >= 1
                        && sum(m, "dataflow_messages_sent_total", Map.of("name", kafkaJob, "route", "error")) >= 1);
        scrapes.add(kafkaScrape);
        Map<String, String> job = Map.of("namespace", "shop", "name", kafkaJob);
        assertThat(sum(kafkaScrape, "dataflow_messages_received_total", with(job, "source_type", "kafka"))).isEqualTo(200);
        assertThat(sum(kafkaScrape, "dataflow_connector_messages_read_total", with(job, "connector_name", "source"))).isEqualTo(200);
        assertThat(sum(kafkaScrape, "dataflow_messages_sent_total", with(job, "route", "status == 'shipped'"))).isEqualTo(50);
        assertThat(sum(kafkaScrape, "dataflow_messages_sent_total", with(job, "route", "default"))).isEqualTo(150);
        assertThat(sum(kafkaScrape, "dataflow_messages_sent_total", with(job, "route", "error"))).isEqualTo(1);
        assertThat(sum(kafkaScrape, "dataflow_connector_errors_total",
                Map.of("name", kafkaJob, "connector_name", "sink", "operation", "write", "error_type", "constraint_violation"))).isEqualTo(1);
        assertThat(sum(kafkaScrape, "dataflow_transformer_executions_total", with(job, "transformer_type", "filter"))).isEqualTo(200);
        assertThat(sum(kafkaScrape, "dataflow_processing_duration_seconds_count", job)).isEqualTo(200);
        assertThat(sum(kafkaScrape, "dataflow_processing_duration_seconds_bucket", with(job, "le", "+Inf"))).isEqualTo(200);
        assertThat(sum(kafkaScrape, "dataflow_connector_connection_status", with(job, "connector_name", "errors"))).isEqualTo(1);
        assertThat(kafkaScrape).contains("# TYPE dataflow_processing_duration_seconds histogram")
                .contains("# TYPE dataflow_messages_received_total counter")
                .contains("# TYPE dataflow_connector_connection_status gauge");
        assertThat(sum(kafkaScrape, "dataflow_kafka_consumer_lag", with(job, "topic", topic))).isGreaterThanOrEqualTo(0);

        String pollJob = "metrics-poll-" + suffix;
        Postgres.execute("CREATE TABLE public.metrics_src_" + suffix + " (id BIGINT PRIMARY KEY, v TEXT)");
        Postgres.execute("INSERT INTO public.metrics_src_" + suffix + " SELECT g, 'v' || g FROM generate_series(1, 50) g");
        String pollScrape = scrapeWhileRunning(pollJob, "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlow\n"
                + "metadata: {name: " + pollJob + ", namespace: shop}\nspec:\n"
                + "  source:\n    type: postgresql\n    config:\n      connectionString: \"" + Postgres.url() + "\"\n"
                + "      table: public.metrics_src_" + suffix + "\n      pollInterval: 200ms\n"
                + "  sink:\n    type: kafka\n    config:\n      brokers: [\"" + Kafka.bootstrap() + "\"]\n      topic: metrics-out-" + suffix + "\n",
                m -> sum(m, "dataflow_connector_messages_written_total", Map.of("name", pollJob)) >= 50
                        && sum(m, "dataflow_connector_source_poll_healthy", Map.of("name", pollJob)) == 1);
        scrapes.add(pollScrape);
        assertThat(sum(pollScrape, "dataflow_connector_source_poll_healthy",
                Map.of("namespace", "shop", "name", pollJob, "connector_type", "postgresql"))).isEqualTo(1);

        List<String> queries = new ArrayList<>(dashboardQueries());
        queries.addAll(ruleQueries());
        assertThat(queries).hasSizeGreaterThan(10);
        List<String> missing = new ArrayList<>();
        Set<String> checked = new TreeSet<>();
        for (String query : queries) {
            Set<String> labels = labelsUsed(query);
            Matcher m = SERIES.matcher(query);
            while (m.find()) {
                String series = m.group(1);
                checked.add(series);
                if (scrapes.stream().noneMatch(scrape -> servedWith(scrape, series, labels))) {
                    missing.add(series + " with labels " + labels + " (queried by: " + query + ")");
                }
            }
        }
        assertThat(checked).contains("dataflow_messages_received_total", "dataflow_messages_sent_total",
                "dataflow_connector_messages_read_total", "dataflow_connector_messages_written_total",
                "dataflow_connector_errors_total", "dataflow_connector_connection_status",
                "dataflow_connector_source_poll_healthy", "dataflow_transformer_executions_total",
                "dataflow_transformer_errors_total", "dataflow_transformer_duration_seconds_bucket",
                "dataflow_processing_duration_seconds_bucket", "dataflow_kafka_consumer_lag");
        assertThat(missing).as("series queried by jobs/monitoring that a live scrape does not serve").isEmpty();
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> all = new java.util.HashMap<>(labels);
        all.put(key, value);
        return all;
    }

    /** Runs the manifest with run --local until {@code ready} holds for a scrape of its endpoint; returns that scrape. */
    private String scrapeWhileRunning(String name, String manifestText, Predicate<String> ready) throws Exception {
        Path manifest = work.resolve(name + ".yaml");
        Files.writeString(manifest, manifestText);
        int metricsPort = freePort();
        Path log = work.resolve(name + ".log");
        Process process = new ProcessBuilder(List.of("java", "-jar", jar().toString(), "run", "--local", "--web-port", "0",
                "--progress", "0", "--metrics-port", String.valueOf(metricsPort), "--checkpoint-dir", work.resolve(name + "-checkpoints").toString(),
                "--checkpoint-interval", "500ms", manifest.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 180_000;
            String last = null;
            while (System.currentTimeMillis() < deadline) {
                assertThat(process.isAlive()).as("the local job runs (log: %s)", read(log)).isTrue();
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    last = r.body();
                    if (r.statusCode() == 200 && ready.test(last)) {
                        return last;
                    }
                } catch (IOException notYet) {
                    // the endpoint comes up with the cluster
                }
                Thread.sleep(500);
            }
            throw new AssertionError("timed out waiting for the series of " + name + "; last scrape:\n" + last + "\nlog: " + read(log));
        } finally {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The sum of a series' samples whose labels include {@code labels}; -1 when there is none. */
    private static double sum(String scrape, String series, Map<String, String> labels) {
        double sum = -1;
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            if (m.group(1).equals(series) && labelsOf(m.group(2)).entrySet().containsAll(labels.entrySet())) {
                sum = Math.max(sum, 0) + Double.parseDouble(m.group(3));
            }
        }
        return sum;
    }

    private static boolean servedWith(String scrape, String series, Set<String> labels) {
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            if (m.group(1).equals(series) && labelsOf(m.group(2)).keySet().containsAll(labels)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> labelsOf(String text) {
        Map<String, String> labels = new java.util.HashMap<>();
        if (text != null) {
            Matcher m = LABEL.matcher(text);
            while (m.find()) {
                labels.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
        }
        return labels;
    }

    /** The labels a query groups by, matches on or asks the values of. */
    static Set<String> labelsUsed(String query) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher by = BY.matcher(query);
        while (by.find()) {
            for (String label : by.group(1).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.strip());
                }
            }
        }
        Matcher selector = SELECTOR.matcher(query);
        while (selector.find()) {
            Matcher matcher = MATCHER.matcher(selector.group(1));
            while (matcher.find()) {
                labels.add(matcher.group(1));
            }
        }
        Matcher values = LABEL_VALUES.matcher(query);
        while (values.find()) {
            labels.add(values.group(1));
        }
        return labels;
    }

    private static List<String> dashboardQueries() throws IOException {
        JsonNode dashboard = JSON.readTree(monitoring("dataflow-dashboard.json").toFile());
        List<String> queries = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
        dashboard.path("templating").path("list").forEach(variable -> {
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asText() : query.asText();
            if (text.contains("label_values")) {
                queries.add(text);
            }
        });
        return queries;
    }

    private static List<String> ruleQueries() throws IOException {
        JsonNode rule = YAML.readTree(monitoring("dataflow-prometheusrule.yaml").toFile());
        assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
        List<String> queries = new ArrayList<>();
        rule.path("spec").path("groups").forEach(group -> group.path("rules").forEach(r -> queries.add(r.path("expr").asText())));
        return queries;
    }

    private static Path monitoring(String file) {
        return Path.of(System.getProperty("dataflow.project.dir", ".")).resolve("jobs/monitoring").resolve(file);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("dataflow.project.dir", ".")).resolve("target/dataflow-flink.jar");
        assertThat(jar).as("built by mvn package before integration tests").exists();
        return jar;
    }
}
