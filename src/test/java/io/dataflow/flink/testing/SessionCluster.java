package io.dataflow.flink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Operates jobs on the real session cluster of scripts/servers/flink-start.sh through its REST API — the calls Flink's
 * command line and web UI make (docs/OPERATIONS.md gives the {@code flink run -s}, {@code flink stop},
 * {@code flink savepoint} and {@code flink cancel} equivalents; {@code FlinkRunITCase} covers submission by the command
 * line itself): upload the shaded jar, run it with a manifest (optionally from a savepoint), stop with a savepoint, take
 * a savepoint, cancel, and watch jobs. It also kills a TaskManager with {@code kill -9} and starts its replacement
 * (flink-start.sh tops up missing TaskManagers). Test classes using it need {@code @RealServers(Server.FLINK)}.
 * The job's parallelism is the manifest's {@code replicas}: the compiler sets it on every operator, so it is what a
 * rescale changes (a {@code flink run -p} is overridden by it).
 */
public final class SessionCluster {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The jar uploaded to the running JobManager by this JVM, reused by every submission (96 MB: once is enough). */
    private static String uploadedJar;

    private SessionCluster() {
    }

    public static String rest() {
        return "http://127.0.0.1:" + RealServersExtension.port(Server.FLINK);
    }

    /** Runs the jar with the manifest (as {@code flink run -d JAR MANIFEST}): the job id. */
    public static String submit(Path manifest) throws Exception {
        return run(manifest, null);
    }

    /** Runs the jar with the manifest from a savepoint (as {@code flink run -d -s SAVEPOINT}, every state must map): the job id. */
    public static String resume(Path manifest, String savepoint) throws Exception {
        return run(manifest, savepoint);
    }

    /** Stops the job with a savepoint in the cluster's savepoint directory (as {@code flink stop JOB}); its path. */
    public static String stopWithSavepoint(String jobId) throws Exception {
        String path = savepointOf(jobId, post("/jobs/" + jobId + "/stop", "{\"drain\":false}"));
        awaitState(jobId, "FINISHED");
        return path;
    }

    /** A savepoint of the running job, which keeps running (as {@code flink savepoint JOB}); its path. */
    public static String savepoint(String jobId) throws Exception {
        return savepointOf(jobId, post("/jobs/" + jobId + "/savepoints", "{\"cancel-job\":false}"));
    }

    /** Cancels the job (as {@code flink cancel JOB}) and waits until it is CANCELED. */
    public static void cancel(String jobId) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(rest() + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new AssertionError("cancelling job " + jobId + ": HTTP " + r.statusCode() + " " + r.body());
        }
        awaitState(jobId, "CANCELED");
    }

    /** Cancels the job unless it already ended; for {@code finally} blocks, so a failed test leaves no job behind. */
    public static void cancelIfRunning(String jobId) throws Exception {
        if (jobId != null && !isTerminal(state(jobId))) {
            cancel(jobId);
        }
    }

    public static String state(String jobId) throws Exception {
        return get(rest() + "/jobs/" + jobId).path("state").asText();
    }

    /** Waits until the job is RUNNING and so is every subtask of every vertex (a RUNNING job may still deploy tasks). */
    public static void awaitRunning(String jobId) throws Exception {
        await("job " + jobId + " and all its tasks run", () -> {
            JsonNode job = get(rest() + "/jobs/" + jobId);
            if (!"RUNNING".equals(job.path("state").asText())) {
                return false;
            }
            for (JsonNode vertex : job.path("vertices")) {
                if (vertex.path("tasks").path("RUNNING").asInt() != vertex.path("parallelism").asInt()) {
                    return false;
                }
            }
            return true;
        }, 180);
    }

    /** The parallelism of every vertex of the job, as the cluster runs it. */
    public static List<Integer> vertexParallelisms(String jobId) throws Exception {
        List<Integer> parallelisms = new ArrayList<>();
        get(rest() + "/jobs/" + jobId).path("vertices").forEach(v -> parallelisms.add(v.path("parallelism").asInt()));
        return parallelisms;
    }

    /** The parallelism of each vertex of the job by the vertex's name (operator names chained with " -> "). */
    public static java.util.Map<String, Integer> vertexParallelismsByName(String jobId) throws Exception {
        java.util.Map<String, Integer> parallelisms = new java.util.LinkedHashMap<>();
        get(rest() + "/jobs/" + jobId).path("vertices").forEach(v -> parallelisms.put(v.path("name").asText(), v.path("parallelism").asInt()));
        return parallelisms;
    }

    public static int completedCheckpoints(String jobId) throws Exception {
        return get(rest() + "/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asInt();
    }

    /** Waits until {@code more} checkpoints completed after this call. */
    public static void awaitCheckpoints(String jobId, int more) throws Exception {
        int target = completedCheckpoints(jobId) + more;
        await(target + " completed checkpoints of job " + jobId, () -> completedCheckpoints(jobId) >= target, 120);
    }

    /** Failures the job restarted from (its exception history). */
    public static int failures(String jobId) throws Exception {
        return get(rest() + "/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries").size();
    }

    /** The resource ids of the TaskManagers the job's subtasks run on. */
    public static List<String> taskManagersOf(String jobId) throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode vertex : get(rest() + "/jobs/" + jobId).path("vertices")) {
            for (JsonNode tm : get(rest() + "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers")
                    .path("taskmanagers")) {
                String id = tm.path("taskmanager-id").asText();
                if (!ids.contains(id)) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    /** The resource ids of the TaskManagers registered with the JobManager (flink-start.sh: taskmanager-i-&lt;start ms&gt;). */
    public static List<String> taskManagers() throws Exception {
        List<String> ids = new ArrayList<>();
        get(rest() + "/taskmanagers").path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText()));
        return ids;
    }

    /**
     * {@code kill -9} of TaskManager {@code index} (1-based, its pid file taskmanager-INDEX.pid); returns once the
     * process is gone, with the resource id it had.
     */
    public static String killTaskManager(int index) throws Exception {
        List<String> registered = taskManagers();
        String id = registered.stream().filter(t -> t.startsWith("taskmanager-" + index + "-")).findFirst()
                .orElseThrow(() -> new AssertionError("no TaskManager " + index + " registered: " + registered));
        long pid = Long.parseLong(Files.readString(RealServersExtension.serversBase().resolve("flink/taskmanager-" + index + ".pid")).trim());
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("TaskManager " + index + " (pid " + pid + ") is not running"));
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -9 " + pid + " failed");
        }
        process.onExit().get(30, TimeUnit.SECONDS);
        return id;
    }

    /** Runs flink-start.sh again, which starts the TaskManagers whose process is gone and waits until they registered. */
    public static void startMissingTaskManagers() {
        RealServersExtension.runScript("flink-start.sh", 300);
    }

    /** Waits until the JobManager no longer lists a TaskManager (a killed one is dropped after missed heartbeats). */
    public static void awaitTaskManagerGone(String id) throws Exception {
        await("TaskManager " + id + " is no longer registered", () -> !taskManagers().contains(id), 180);
    }

    private static void awaitState(String jobId, String wanted) throws Exception {
        await("job " + jobId + " is " + wanted, () -> wanted.equals(state(jobId)), 120);
    }

    private static boolean isTerminal(String state) {
        return List.of("FINISHED", "CANCELED", "FAILED").contains(state);
    }

    private static String run(Path manifest, String savepoint) throws Exception {
        ObjectNode request = JSON.createObjectNode();
        request.putArray("programArgsList").add(manifest.toString());
        if (savepoint != null) {
            request.put("savepointPath", savepoint);
            request.put("allowNonRestoredState", false);
        }
        JsonNode answer = post("/jars/" + jar() + "/run", request.toString());
        if (!answer.hasNonNull("jobid")) {
            throw new AssertionError("running " + manifest + (savepoint == null ? "" : " from " + savepoint) + " failed: " + answer);
        }
        return answer.path("jobid").asText();
    }

    /** Waits for the savepoint an asynchronous operation (stop, savepoint) was triggered for; its path. */
    private static String savepointOf(String jobId, JsonNode trigger) throws Exception {
        String requestId = trigger.path("request-id").asText();
        if (requestId.isEmpty()) {
            throw new AssertionError("no savepoint of job " + jobId + " was triggered: " + trigger);
        }
        JsonNode[] done = new JsonNode[1];
        await("the savepoint of job " + jobId + " completes", () -> {
            JsonNode status = get(rest() + "/jobs/" + jobId + "/savepoints/" + requestId);
            done[0] = status;
            return "COMPLETED".equals(status.path("status").path("id").asText());
        }, 180);
        JsonNode operation = done[0].path("operation");
        if (!operation.hasNonNull("location")) {
            throw new AssertionError("the savepoint of job " + jobId + " failed: " + operation);
        }
        return operation.path("location").asText();
    }

    /** The id of the shaded jar on the JobManager, uploaded on first use (and again after a cluster restart). */
    private static synchronized String jar() throws Exception {
        if (uploadedJar != null) {
            for (JsonNode file : get(rest() + "/jars").path("files")) {
                if (uploadedJar.equals(file.path("id").asText())) {
                    return uploadedJar;
                }
            }
        }
        Path jar = RealServersExtension.projectDir().resolve("target/dataflow-flink.jar");
        String boundary = "dataflow-" + System.nanoTime();
        HttpRequest upload = HttpRequest.newBuilder(URI.create(rest() + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; "
                                + "filename=\"dataflow-flink.jar\"\r\nContent-Type: application/x-java-archive\r\n\r\n"),
                        HttpRequest.BodyPublishers.ofFile(jar),
                        HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
                .build();
        JsonNode answer = JSON.readTree(HTTP.send(upload, HttpResponse.BodyHandlers.ofString()).body());
        if (!"success".equals(answer.path("status").asText())) {
            throw new AssertionError("uploading " + jar + " failed: " + answer);
        }
        String filename = answer.path("filename").asText();
        uploadedJar = filename.substring(filename.lastIndexOf('/') + 1);
        return uploadedJar;
    }

    private static JsonNode post(String path, String json) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(rest() + path)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(180)).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(r.body());
        if (r.statusCode() >= 300) {
            throw new AssertionError("POST " + path + " " + json + ": HTTP " + r.statusCode() + " " + answer);
        }
        return answer;
    }

    public static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /** Polls {@code condition} every 300 ms; fails naming {@code what} after {@code seconds}. */
    public static void await(String what, Callable<Boolean> condition, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting until " + what);
            }
            Thread.sleep(300);
        }
    }
}
