package io.dataflow.flink.reliability;

import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Passwords planted through {@code ${env:…}}, {@code ${file:…}} and a {@code connectionStringSecretRef} appear
 * nowhere: not in a running local job's log at TRACE level, not in {@code plan} or {@code validate} output, not in the
 * failure message of a job whose server refuses it, and not in any REST answer about the job (its configuration,
 * plan, checkpoints) or the cluster's configuration. The test server trusts every client, so any password connects.
 */
@RealServers({Server.POSTGRES})
class SecretsNeverLeakITCase {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path work;

    @Test
    void plantedPasswordsAppearNowhere() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String envPassword = "EnvPw-" + UUID.randomUUID();
        String filePassword = "FilePw-" + UUID.randomUUID();
        String refPassword = "RefPw-" + UUID.randomUUID();
        List<String> secrets = List.of(envPassword, filePassword, refPassword);
        int port = RealServersExtension.port(Server.POSTGRES);

        Files.writeString(work.resolve("pw.txt"), filePassword);
        Path secretsDir = work.resolve("secrets");
        Files.createDirectories(secretsDir.resolve("pg"));
        Files.writeString(secretsDir.resolve("pg/dsn"), "postgres://postgres:" + refPassword + "@127.0.0.1:" + port + "/test?sslmode=disable");
        Postgres.execute("CREATE TABLE public.sec_src_" + suffix + " (id BIGINT PRIMARY KEY, v TEXT)");
        Postgres.execute("INSERT INTO public.sec_src_" + suffix + " SELECT g, 'v' || g FROM generate_series(1, 100) g");
        Postgres.execute("CREATE TABLE public.sec_dst_" + suffix + " (id BIGINT PRIMARY KEY, v TEXT)");
        Postgres.execute("CREATE TABLE public.sec_err_" + suffix + " (id BIGINT PRIMARY KEY, v TEXT)");
        String job = "secrets-" + suffix;
        Path manifest = work.resolve(job + ".yaml");
        Files.writeString(manifest, "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlow\nmetadata: {name: " + job + "}\nspec:\n"
                + "  source:\n    type: postgresql\n    config:\n      connectionStringSecretRef: {name: pg, key: dsn}\n"
                + "      table: public.sec_src_" + suffix + "\n      pollInterval: 300ms\n"
                + "  sink:\n    type: postgresql\n    config:\n"
                + "      connectionString: \"postgres://postgres:${file:" + work.resolve("pw.txt") + "}@127.0.0.1:" + port + "/test?sslmode=disable\"\n"
                + "      table: public.sec_dst_" + suffix + "\n      upsertMode: true\n"
                + "  errors:\n    type: postgresql\n    config:\n"
                + "      connectionString: \"postgres://postgres:${env:DATAFLOW_TEST_PASSWORD}@127.0.0.1:" + port + "/test?sslmode=disable\"\n"
                + "      table: public.sec_err_" + suffix + "\n");
        Path log4j = work.resolve("log4j2-trace.properties");
        Files.writeString(log4j, "appender.console.type = Console\nappender.console.name = console\n"
                + "appender.console.layout.type = PatternLayout\nappender.console.layout.pattern = %d %-5p %c - %m%n\n"
                + "rootLogger.level = TRACE\nrootLogger.appenderRef.console.ref = console\n");

        List<String> outputs = new ArrayList<>();
        outputs.add(cli(envPassword, secretsDir, log4j, "plan", manifest.toString()));
        outputs.add(cli(envPassword, secretsDir, log4j, "plan", "--json", manifest.toString()));
        outputs.add(cli(envPassword, secretsDir, log4j, "validate", manifest.toString()));

        // a job whose server refuses the connection: the failure message names the server, not the password
        Path refused = work.resolve("refused-" + suffix + ".yaml");
        Files.writeString(refused, Files.readString(manifest).replace("@127.0.0.1:" + port + "/test", "@127.0.0.1:1/test")
                .replace("connectionStringSecretRef: {name: pg, key: dsn}", "connectionString: \"postgres://postgres:${env:DATAFLOW_TEST_PASSWORD}@127.0.0.1:1/test\"")
                .replace(job, "refused-" + suffix));
        Path noRestarts = Files.createDirectories(work.resolve("no-restarts"));
        Files.writeString(noRestarts.resolve("flink-conf.yaml"), "restart-strategy.type: none\n");
        String refusedOutput = cli(envPassword, secretsDir, log4j, "run", "--local", "--web-port", "0", "--metrics-port", "0",
                "--checkpoint-dir", work.resolve("ck-refused").toString(), "--flink-conf", noRestarts.toString(), refused.toString());
        assertThat(refusedOutput).contains("failed");
        outputs.add(refusedOutput);

        // a running job: its log at TRACE and everything the REST API says about it
        int webPort = freePort();
        Path runLog = work.resolve("run.log");
        Process run = process(envPassword, secretsDir, log4j, List.of("run", "--local", "--web-port", String.valueOf(webPort),
                "--metrics-port", "0", "--checkpoint-dir", work.resolve("ck").toString(), "--checkpoint-interval", "500ms",
                manifest.toString())).redirectOutput(runLog.toFile()).start();
        try {
            String rest = "http://127.0.0.1:" + webPort;
            String jobId = awaitJobId(rest, run);
            long deadline = System.currentTimeMillis() + 120_000;
            while (Postgres.count("SELECT count(*) FROM public.sec_dst_" + suffix) < 100
                    || !get(rest + "/jobs/" + jobId + "/checkpoints").contains("\"completed\":")) {
                assertThat(System.currentTimeMillis()).as("rows landed and a checkpoint completed").isLessThan(deadline);
                Thread.sleep(300);
            }
            for (String path : List.of("/jobs/overview", "/jobs/" + jobId, "/jobs/" + jobId + "/config", "/jobs/" + jobId + "/plan",
                    "/jobs/" + jobId + "/checkpoints", "/jobs/" + jobId + "/checkpoints/config", "/jobs/" + jobId + "/exceptions",
                    "/jobmanager/config", "/jobmanager/environment", "/taskmanagers", "/config")) {
                String body = get(rest + path);
                assertThat(body).as("REST %s answered", path).isNotBlank();
                outputs.add("REST " + path + ": " + body);
            }
        } finally {
            run.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
            run.waitFor(30, TimeUnit.SECONDS);
        }
        String traceLog = Files.readString(runLog, StandardCharsets.UTF_8);
        assertThat(traceLog).as("the log is at TRACE level").contains(" TRACE ");
        outputs.add(traceLog);

        for (String secret : secrets) {
            for (String output : outputs) {
                assertThat(output).as("%s in %s", secret, output.length() > 200 ? output.substring(0, 200) + "…" : output)
                        .doesNotContain(secret);
            }
        }
        assertThat(String.join("\n", outputs)).contains("****");
    }

    private ProcessBuilder process(String envPassword, Path secretsDir, Path log4j, List<String> args) {
        List<String> command = new ArrayList<>(List.of("java", "-Dlog4j.configurationFile=" + log4j, "-jar",
                RealServersExtension.projectDir().resolve("target/dataflow-flink.jar").toString()));
        command.addAll(args.subList(0, 1));
        command.addAll(List.of("--secrets-dir", secretsDir.toString()));
        command.addAll(args.subList(1, args.size()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DATAFLOW_TEST_PASSWORD", envPassword);
        return builder;
    }

    private String cli(String envPassword, Path secretsDir, Path log4j, String... args) throws Exception {
        Path out = Files.createTempFile(work, "cli", ".log");
        Process p = process(envPassword, secretsDir, log4j, List.of(args)).redirectOutput(out.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " did not end: " + Files.readString(out, StandardCharsets.UTF_8));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String awaitJobId(String rest, Process run) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        Pattern id = Pattern.compile("\"jid\":\"([0-9a-f]{32})\".*?\"state\":\"RUNNING\"");
        while (System.currentTimeMillis() < deadline) {
            assertThat(run.isAlive()).as("the local job runs").isTrue();
            try {
                Matcher m = id.matcher(get(rest + "/jobs/overview"));
                if (m.find()) {
                    return m.group(1);
                }
            } catch (IOException notYet) {
                // the REST endpoint comes up with the cluster
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the job never ran");
    }

    private static String get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
