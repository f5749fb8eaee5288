package io.dataflow.flink.reliability;

import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.Nessie;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.RealServersExtension;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * S3 keys given as the original's {@code accessKeySecretRef} / {@code secretAccessKeySecretRef} reach the store (a
 * private S3Proxy that accepts only this run's random key pair) and appear nowhere else: not in {@code plan} output, not in a Kafka → Nessie-on-S3 job's log at TRACE level (AWS SDK and Iceberg included), and
 * not in the failure output of a job whose secret key the store refuses.
 */
@RealServers({Server.KAFKA, Server.NESSIE})
class S3SecretsNeverLeakITCase {

    private static final String SERVERS = RealServersExtension.serversBase().toString();
    private static final String ACCESS_KEY = "AKIA" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
    private static final String SECRET_KEY = "S3Secret-" + UUID.randomUUID();
    /** A private store on its own port, so that its random keys do not disturb the shared one. */
    private static final Map<String, String> S3 = Map.of("S3_PORT", "19901", "S3_DIR", SERVERS + "/s3-secrets",
            "S3_ACCESS_KEY", ACCESS_KEY, "S3_SECRET_KEY", SECRET_KEY);

    @TempDir
    Path work;

    @BeforeAll
    static void startPrivateStore() {
        RealServersExtension.runScript("s3-start.sh", S3, 300);
    }

    @AfterAll
    static void stopPrivateStore() {
        RealServersExtension.runScript("s3-stop.sh", S3, 120);
    }

    @Test
    void plantedS3KeysReachTheStoreAndAppearNowhere() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String wrongSecret = "WrongS3Secret-" + UUID.randomUUID();
        String topic = "s3-secrets-" + suffix;
        Kafka.createTopic(topic, 1);
        Kafka.produce(topic, 300, i -> "{\"id\":" + i + "}");
        Path secrets = work.resolve("secrets");
        Files.createDirectories(secrets.resolve("lake-s3"));
        Files.writeString(secrets.resolve("lake-s3/AWS_ACCESS_KEY_ID"), ACCESS_KEY + "\n");
        Files.writeString(secrets.resolve("lake-s3/AWS_SECRET_ACCESS_KEY"), SECRET_KEY + "\n");
        Files.writeString(secrets.resolve("lake-s3/WRONG_SECRET"), wrongSecret + "\n");
        Path good = manifest("s3-secrets-" + suffix, topic, "AWS_SECRET_ACCESS_KEY");
        Path bad = manifest("s3-refused-" + suffix, topic, "WRONG_SECRET");
        Path log4j = work.resolve("log4j2-trace.properties");
        Files.writeString(log4j, "appender.console.type = Console\nappender.console.name = console\n"
                + "appender.console.layout.type = PatternLayout\nappender.console.layout.pattern = %d %-5p %c - %m%n\n"
                + "rootLogger.level = TRACE\nrootLogger.appenderRef.console.ref = console\n");
        Path noRestarts = Files.createDirectories(work.resolve("no-restarts"));
        Files.writeString(noRestarts.resolve("flink-conf.yaml"), "restart-strategy.type: none\n");

        List<String> outputs = new ArrayList<>();
        outputs.add(cli(log4j, "plan", "--json", "--secrets-dir", secrets.toString(), good.toString()));
        String run = cli(log4j, "run", "--local", "--secrets-dir", secrets.toString(), "--web-port", "0", "--metrics-port", "0",
                "--checkpoint-dir", work.resolve("ck").toString(), "--checkpoint-interval", "1s", good.toString());
        assertThat(run).as("the job committed to the store with the planted keys").contains("committed checkpoint")
                .contains("software.amazon.awssdk").contains(" TRACE ");
        outputs.add(run);
        String refused = cli(log4j, "run", "--local", "--secrets-dir", secrets.toString(), "--web-port", "0", "--metrics-port", "0",
                "--flink-conf", noRestarts.toString(), "--checkpoint-dir", work.resolve("ck-refused").toString(), bad.toString());
        assertThat(refused).as("the store refused the wrong secret key").contains("S3Exception: Forbidden").contains("Status Code: 403")
                .contains("failed");
        outputs.add(refused);

        for (String secret : List.of(ACCESS_KEY, SECRET_KEY, wrongSecret)) {
            for (String output : outputs) {
                assertThat(output).as("%s in %s", secret, output.length() > 200 ? output.substring(0, 200) + "…" : output)
                        .doesNotContain(secret);
            }
        }
        assertThat(outputs.get(0)).contains("\"secretAccessKey\" : \"******\"");
    }

    private Path manifest(String name, String topic, String secretKeyFile) throws Exception {
        Path file = work.resolve(name + ".yaml");
        Files.writeString(file, "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlow\nmetadata: {name: " + name + "}\nspec:\n"
                + "  source:\n    type: kafka\n    config:\n      brokers: [\"" + Kafka.bootstrap() + "\"]\n      topic: " + topic + "\n"
                + "      consumerGroup: " + name + "\n      bounded: true\n"
                + "  sink:\n    type: nessie\n    config:\n      baseURL: \"" + Nessie.baseUrl() + "\"\n"
                + "      warehouse: \"s3://dataflow-it/" + name + "\"\n      namespace: it_s3_secrets\n      table: " + name.replace('-', '_') + "\n"
                + "      autoCreateTable: true\n      authenticationType: NONE\n"
                + "      s3Endpoint: \"http://127.0.0.1:19901\"\n      s3Region: us-east-1\n"
                + "      accessKeySecretRef: {name: lake-s3, key: AWS_ACCESS_KEY_ID}\n"
                + "      secretAccessKeySecretRef: {name: lake-s3, key: " + secretKeyFile + "}\n");
        return file;
    }

    private String cli(Path log4j, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("java", "-Dlog4j.configurationFile=" + log4j, "-jar",
                RealServersExtension.projectDir().resolve("target/dataflow-flink.jar").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "cli", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " did not end: " + Files.readString(out, StandardCharsets.UTF_8));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
