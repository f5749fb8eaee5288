package io.dataflow.flink.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts each server a test class asks for through the project's own scripts, once per JVM (the root store
 * keeps it), and stops it when the whole run ends — unless it was already running before the run (a developer's
 * server is left alone).
 */
public final class RealServersExtension implements BeforeAllCallback {

    private static final Map<Server, Integer> PORTS = new ConcurrentHashMap<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        RealServers wanted = context.getRequiredTestClass().getAnnotation(RealServers.class);
        if (wanted == null) {
            return;
        }
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.create(RealServersExtension.class));
        for (Server server : wanted.value()) {
            store.getOrComputeIfAbsent(server, s -> start(server), StartedServer.class);
        }
    }

    /** The port of a server started for this run; fails when no test class asked for it. */
    public static int port(Server server) {
        Integer port = PORTS.get(server);
        if (port == null) {
            throw new IllegalStateException(server + " was not started: annotate the test class with @RealServers(" + server + ")");
        }
        return port;
    }

    public static Path projectDir() {
        return Path.of(System.getProperty("dataflow.project.dir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    public static Path serversBase() {
        String base = System.getenv("SERVERS_BASE");
        if (base != null && !base.isBlank()) {
            return Path.of(base);
        }
        // Same default as scripts/servers/lib.sh: root keeps server state where the postgres OS user can reach it.
        return "root".equals(System.getProperty("user.name")) ? Path.of("/var/tmp/dataflow-servers")
                : Path.of(System.getProperty("user.home"), ".cache", "dataflow-servers");
    }

    private static StartedServer start(Server server) {
        boolean alreadyRunning = isRunning(server);
        String out = runScript(server.scriptName + "-start.sh", 600);
        int port = Integer.parseInt(out.lines().reduce((a, b) -> b).orElseThrow().trim());
        PORTS.put(server, port);
        return new StartedServer(server, !alreadyRunning);
    }

    private static boolean isRunning(Server server) {
        Path pid = serversBase().resolve(server.scriptName).resolve(server.pidFile);
        try {
            long p = Long.parseLong(Files.readString(pid).trim());
            return ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Runs a server script; its stderr goes to the test log, its stdout is returned. Fails loudly. */
    public static String runScript(String script, int timeoutSeconds) {
        return runScript(script, Map.of(), timeoutSeconds);
    }

    /** The same with extra environment variables (a private instance: other port, other directory). */
    public static String runScript(String script, Map<String, String> environment, int timeoutSeconds) {
        Path path = projectDir().resolve("scripts/servers").resolve(script);
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", path.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().putAll(environment);
            Process p = builder.start();
            byte[] stdout = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(script + " did not finish within " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(script + " failed with exit code " + p.exitValue() + " (see the log above)");
            }
            return new String(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    /** Stops the server at the end of the run, if this run started it. */
    private static final class StartedServer implements ExtensionContext.Store.CloseableResource {
        private final Server server;
        private final boolean stopAtEnd;

        StartedServer(Server server, boolean stopAtEnd) {
            this.server = server;
            this.stopAtEnd = stopAtEnd && !"true".equals(System.getenv("DATAFLOW_KEEP_SERVERS"));
        }

        @Override
        public void close() {
            if (stopAtEnd) {
                runScript(server.scriptName + "-stop.sh", 120);
            }
        }
    }
}
