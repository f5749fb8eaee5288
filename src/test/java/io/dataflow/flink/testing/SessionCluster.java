package io.dataflow.flink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Operates jobs on the real session cluster of scripts/servers/flink-start.sh the way docs/OPERATIONS.md tells a user
 * to: submit, stop with a savepoint, take a savepoint, resume and cancel through Flink's own command line
 * (scripts/flink.sh, i.e. {@code flink run -d}, {@code flink stop}, {@code flink savepoint}, {@code flink cancel}),
 * and watches them through the REST API. It also kills a TaskManager with {@code kill -9} and starts its replacement
 * (flink-start.sh tops up missing TaskManagers). Test classes using it need {@code @RealServers(Server.FLINK)}.
 * The job's parallelism is the manifest's {@code replicas}: the compiler sets it on every operator, so it is what a
 * rescale changes (a {@code flink run -p} is overridden by it).
 */
public final class SessionCluster {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SUBMITTED = Pattern.compile("submitted: ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    private final Path work;

    /** @param work a directory for the CLI's output files (a test's {@code @TempDir}) */
    public SessionCluster(Path work) {
        this.work = work;
    }

    public static String rest() {
        return "http://127.0.0.1:" + RealServersExtension.port(Server.FLINK);
    }

    /** {@code flink run -d JAR MANIFEST}: the job id. */
    public String submit(Path manifest) throws Exception {
        return submitted(flink("run", "-d", jar(), manifest.toString()));
    }

    /** {@code flink run -d -s SAVEPOINT JAR MANIFEST}: the new job's id; every operator's state must map (no -n). */
    public String resume(Path manifest, String savepoint) throws Exception {
        return submitted(flink("run", "-d", "-s", savepoint, jar(), manifest.toString()));
    }

    /** {@code flink stop JOB}: stops the job with a savepoint in the cluster's savepoint directory; its path. */
    public String stopWithSavepoint(String jobId) throws Exception {
        String path = savepointPath(flink("stop", jobId));
        awaitState(jobId, "FINISHED");
        return path;
    }

    /** {@code flink savepoint JOB}: a savepoint of the running job, which keeps running; its path. */
    public String savepoint(String jobId) throws Exception {
        return savepointPath(flink("savepoint", jobId));
    }

    /** {@code flink cancel JOB}, then waits until the job is CANCELED. */
    public void cancel(String jobId) throws Exception {
        flink("cancel", jobId);
        awaitState(jobId, "CANCELED");
    }

    /** Cancels the job unless it already ended; for {@code finally} blocks, so a failed test leaves no job behind. */
    public void cancelIfRunning(String jobId) throws Exception {
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

    private String flink(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", RealServersExtension.projectDir().resolve("scripts/flink.sh").toString()));
        command.addAll(List.of(arguments));
        Path log = Files.createTempFile(work, "flink-" + arguments[0] + "-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not return within 300 s");
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed with exit code " + process.exitValue() + ":\n" + output);
        }
        return output;
    }

    private static String submitted(String output) {
        Matcher id = SUBMITTED.matcher(output);
        if (!id.find()) {
            throw new AssertionError("flink run printed no job id:\n" + output);
        }
        return id.group(1);
    }

    private static String savepointPath(String output) {
        Matcher path = SAVEPOINT.matcher(output);
        if (!path.find()) {
            throw new AssertionError("the Flink CLI printed no savepoint path:\n" + output);
        }
        return path.group(1);
    }

    private static String jar() {
        return RealServersExtension.projectDir().resolve("target/dataflow-flink.jar").toString();
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
