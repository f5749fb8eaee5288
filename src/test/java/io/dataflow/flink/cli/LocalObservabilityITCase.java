package io.dataflow.flink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run --local} as an operator sees it: the running job in Flink's REST API ({@code /jobs/overview}) and the
 * connectors' metrics (records read and written, flushes, flush latency) on the Prometheus endpoint, both on
 * 127.0.0.1 at the ports the flags chose.
 */
@RealServers({Server.POSTGRES})
class LocalObservabilityITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path work;

    @Test
    void restApiShowsTheJobAndPrometheusServesItsMetrics() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String job = "observe-" + suffix;
        Postgres.execute("CREATE TABLE public.obs_src_" + suffix + " (id BIGINT PRIMARY KEY, v TEXT)");
        Postgres.execute("CREATE TABLE public.obs_dst_" + suffix + " (id BIGINT PRIMARY KEY, v TEXT)");
        Postgres.execute("INSERT INTO public.obs_src_" + suffix + " SELECT g, 'v' || g FROM generate_series(1, 1000) g");
        Path manifest = work.resolve(job + ".yaml");
        Files.writeString(manifest, "source:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: public.obs_src_" + suffix + "\n    pollInterval: 200ms\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: public.obs_dst_" + suffix + "\n    upsertMode: true\n    batchSize: 100\n");
        int webPort = freePort();
        int metricsPort = freePort();
        Process process = new ProcessBuilder(List.of("java", "-jar", jar().toString(), "run", "--local",
                "--web-port", String.valueOf(webPort), "--metrics-port", String.valueOf(metricsPort),
                "--checkpoint-dir", work.resolve("checkpoints").toString(), "--checkpoint-interval", "500ms", manifest.toString()))
                .redirectErrorStream(true).redirectOutput(work.resolve("run.log").toFile()).start();
        try {
            JsonNode overview = awaitJson("http://127.0.0.1:" + webPort + "/jobs/overview", process,
                    o -> o.path("jobs").size() == 1 && "RUNNING".equals(o.path("jobs").get(0).path("state").asText()));
            assertThat(overview.path("jobs").get(0).path("name").asText()).isEqualTo(job);

            String metrics = awaitText("http://127.0.0.1:" + metricsPort + "/metrics", process,
                    // the runtime's first flush comes with the first checkpoint, possibly after the last record is written
                    m -> value(m, "dataflow_recordsRead", job) >= 1000 && value(m, "dataflow_recordsWritten", job) >= 1000
                            && value(m, "dataflow_flushes", job) >= 1);
            assertThat(value(metrics, "dataflow_recordsRead", job)).isEqualTo(1000);
            assertThat(value(metrics, "dataflow_recordsWritten", job)).isEqualTo(1000);
            assertThat(value(metrics, "dataflow_flushes", job)).isPositive();
            assertThat(metrics).containsPattern("flink_taskmanager_job_task_operator_dataflow_flushDurationMs\\{[^}]*quantile=\"0\\.99\"");
            assertThat(metrics).contains("flink_taskmanager_job_task_operator_dataflow_pollHealthy{");
            assertThat(Postgres.count("SELECT count(*) FROM public.obs_dst_" + suffix)).isEqualTo(1000);
        } finally {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The value of one counter of the job (summed over subtasks), or -1 when it is not there yet. */
    private static double value(String metrics, String name, String job) {
        Matcher m = Pattern.compile("^flink_taskmanager_job_task_operator_" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics);
        double sum = -1;
        while (m.find()) {
            // label values are filtered to [a-zA-Z0-9:_] by Flink's reporter
            if (m.group(1).contains("job_name=\"" + job.replace('-', '_') + "\"")) {
                sum = Math.max(sum, 0) + Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    private interface Check<T> {
        boolean test(T value) throws Exception;
    }

    private JsonNode awaitJson(String url, Process process, Check<JsonNode> done) throws Exception {
        return JSON.readTree(awaitText(url, process, body -> done.test(JSON.readTree(body))));
    }

    private String awaitText(String url, Process process, Check<String> done) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        String last = null;
        while (System.currentTimeMillis() < deadline) {
            assertThat(process.isAlive()).as("the local job runs (log: %s)", log()).isTrue();
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.body();
                if (r.statusCode() == 200 && done.test(last)) {
                    return last;
                }
            } catch (IOException notYet) {
                // the endpoint comes up with the cluster
            }
            Thread.sleep(300);
        }
        throw new AssertionError("timed out on " + url + "; last answer: " + last + "\nlog: " + log());
    }

    private String log() throws IOException {
        Path file = work.resolve("run.log");
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
