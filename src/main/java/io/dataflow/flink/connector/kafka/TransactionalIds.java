package io.dataflow.flink.connector.kafka;

import java.util.Optional;

/**
 * The transactional ids of one exactly-once sink: {@code <prefix>-<subtask>-<n>}, where {@code n} is one more than
 * the last checkpoint the subtask took (or restored) when the transaction began. Checkpoint ids only grow, also
 * across restarts, so an id is never used for two transactions of one run, and the ids a failed attempt opened after
 * the checkpoint a restart resumes from are exactly those with {@code n} above that checkpoint's id.
 */
record TransactionalIds(String prefix, int subtask) {

    /** The default prefix: {@code dataflow-<job>-<role>} (a job may have several Kafka sinks: main, routes, errors). */
    static String defaultPrefix(String jobName, String role) {
        return "dataflow-" + jobName + "-" + role;
    }

    String id(long n) {
        return prefix + "-" + subtask + "-" + n;
    }

    /** The subtask and number of an id under {@code prefix}, or empty for any other id (another job's, say). */
    static Optional<Parsed> parse(String prefix, String transactionalId) {
        if (!transactionalId.startsWith(prefix + "-")) {
            return Optional.empty();
        }
        String[] rest = transactionalId.substring(prefix.length() + 1).split("-", -1);
        if (rest.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Parsed(Integer.parseInt(rest[0]), Long.parseLong(rest[1])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    record Parsed(int subtask, long n) {
    }
}
