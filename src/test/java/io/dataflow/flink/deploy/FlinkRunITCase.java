package io.dataflow.flink.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped jar on a real Flink 1.20.5 session cluster (JobManager and TaskManager processes started by
 * scripts/servers/flink-start.sh), submitted through Flink's own command line ({@code CliFrontend run}, via
 * scripts/flink.sh), watched through the REST API, and cancelled.
 */
@RealServers({Server.POSTGRES, Server.FLINK})
class FlinkRunITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path work;

    @Test
    void flinkRunSubmitsTheJarAndTheJobMovesRowsUntilCancelled() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String job = "flink-run-" + suffix;
        String source = "public.frun_src_" + suffix;
        String target = "public.frun_dst_" + suffix;
        Postgres.execute("CREATE TABLE " + source + " (id BIGINT PRIMARY KEY, v TEXT)");
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, v TEXT)");
        Postgres.execute("INSERT INTO " + source + " SELECT g, 'v' || g FROM generate_series(1, 2000) g");
        Path manifest = work.resolve(job + ".yaml");
        Files.writeString(manifest, "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlow\nmetadata: {name: " + job + "}\nspec:\n"
                + "  source:\n    type: postgresql\n    config:\n      connectionString: \"" + Postgres.url() + "\"\n"
                + "      table: " + source + "\n      pollInterval: 300ms\n"
                + "  sink:\n    type: postgresql\n    config:\n      connectionString: \"" + Postgres.url() + "\"\n"
                + "      table: " + target + "\n      upsertMode: true\n      batchSize: 200\n      batchFlushIntervalSeconds: 1\n");

        String rest = "http://127.0.0.1:" + RealServersExtension.port(Server.FLINK);
        Path log = work.resolve("flink-run.log");
        Process submit = new ProcessBuilder(List.of("bash", project().resolve("scripts/flink.sh").toString(), "run", "-d",
                project().resolve("target/dataflow-flink.jar").toString(), manifest.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(submit.waitFor(180, TimeUnit.SECONDS)).as("flink run returns (detached)").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(submit.exitValue()).as(output).isZero();
        Matcher id = Pattern.compile("submitted: ([0-9a-f]{32})").matcher(output);
        assertThat(id.find()).as(output).isTrue();
        String jobId = id.group(1);
        try {
            await("the job runs", () -> "RUNNING".equals(get(rest + "/jobs/" + jobId).path("state").asText()));
            assertThat(get(rest + "/jobs/" + jobId).path("name").asText()).isEqualTo(job);
            await("the first rows landed", () -> Postgres.count("SELECT count(*) FROM " + target) == 2000);
            Postgres.execute("INSERT INTO " + source + " SELECT g, 'v' || g FROM generate_series(2001, 2500) g");
            await("the later rows landed", () -> Postgres.count("SELECT count(*) FROM " + target) == 2500);
            await("a checkpoint completed", () -> get(rest + "/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asInt() > 0);
            assertThat(Postgres.count("SELECT count(*) FROM " + target + " t JOIN " + source + " s USING (id) WHERE t.v = s.v")).isEqualTo(2500);
        } finally {
            HTTP.send(HttpRequest.newBuilder(URI.create(rest + "/jobs/" + jobId + "?mode=cancel"))
                    .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        }
        await("the job is cancelled", () -> "CANCELED".equals(get(rest + "/jobs/" + jobId).path("state").asText()));
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!condition.call()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(300);
        }
    }

    private static Path project() {
        return RealServersExtension.projectDir();
    }
}
