package io.dataflow.flink.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;

/**
 * Checks the loopback ports of a local run before the MiniCluster starts. Taken ports would otherwise show up as
 * a MiniCluster start failure (web UI) or as an error logged with a stack trace while the job runs without metrics
 * (Prometheus): one line naming the option is clearer.
 */
final class LocalPorts {

    private LocalPorts() {
    }

    /** The error line for {@code option} when {@code port} (> 0) cannot be bound on 127.0.0.1, else empty. */
    static Optional<String> unavailable(String option, int port, String whatZeroDoes) {
        if (port <= 0) {
            return Optional.empty();
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("error: " + option + " " + port + ": 127.0.0.1:" + port + " is in use (" + e.getMessage()
                    + "); choose another port, or 0 " + whatZeroDoes);
        }
    }
}
