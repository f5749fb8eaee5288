package io.dataflow.flink.metrics;

import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.SessionCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session cluster of scripts/servers/flink-start.sh serves the original's {@code dataflow_*} series, as the image
 * and the generated FlinkDeployments do: the project's reporter ({@link DataflowPrometheusReporterFactory}) loaded as a
 * plugin beside Flink's. A Kafka → Kafka job runs on the cluster; a scrape of the TaskManagers' metrics ports
 * (flink-start.sh: the first free ports of 19250-19259) shows its records counted under the original's name, beside
 * Flink's own series. With Flink's own reporter (before) only the {@code flink_*} series were there.
 */
@RealServers({Server.KAFKA, Server.FLINK})
class SessionClusterReporterITCase {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @TempDir
    Path work;

    @Test
    void aJobOnTheSessionClusterIsScrapedWithTheOriginalSeries() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String name = "reporter" + suffix;
        String in = "reporter-in-" + suffix;
        Kafka.createTopic(in, 1);
        Kafka.createTopic("reporter-out-" + suffix, 1);
        Kafka.produce(in, 100, i -> "{\"id\":" + i + "}");
        Path manifest = work.resolve("reporter.yaml");
        Files.writeString(manifest, "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlow\nmetadata: {name: " + name + "}\nspec:\n"
                + "  source:\n    type: kafka\n    config:\n      brokers: [\"" + Kafka.bootstrap() + "\"]\n      topic: " + in + "\n"
                + "      consumerGroup: " + name + "\n"
                + "  sink:\n    type: kafka\n    config:\n      brokers: [\"" + Kafka.bootstrap() + "\"]\n      topic: reporter-out-" + suffix + "\n");
        Pattern received = Pattern.compile("dataflow_messages_received_total\\{[^}]*name=\"" + name + "\"[^}]*} 100\\.0");
        String job = SessionCluster.submit(manifest);
        String[] scrape = {""};
        try {
            SessionCluster.awaitRunning(job);
            SessionCluster.await("the job's 100 records counted in a scrape of the cluster", () -> {
                scrape[0] = scrapeAll();
                return received.matcher(scrape[0]).find();
            }, 60);
        } catch (AssertionError timedOut) {
            throw new AssertionError(timedOut.getMessage() + "; dataflow_ series in the last scrape: "
                    + scrape[0].lines().filter(l -> l.startsWith("dataflow_")).limit(10).toList(), timedOut);
        } finally {
            SessionCluster.cancelIfRunning(job);
        }
        assertThat(scrape[0]).containsPattern("flink_taskmanager_Status_JVM_Memory_Heap_Used\\{[^}]*}")
                .contains("# TYPE dataflow_messages_received_total counter");
    }

    /** The metrics of every JobManager/TaskManager port of flink-start.sh's range that answers. */
    private static String scrapeAll() throws InterruptedException {
        StringBuilder all = new StringBuilder();
        for (int port = 19250; port <= 19259; port++) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                all.append(r.body());
            } catch (java.io.IOException nothingThere) {
                // a port of the range no process serves
            }
        }
        return all.toString();
    }
}
