package io.dataflow.flink.connector.kafka;

import java.util.Optional;

/**
 * The transactional ids of one exactly-once sink subtask: {@code <prefix>-<subtask>-pool-<index>}, a small pool per
 * subtask ({@link TransactionPool}) whose ids are used again once their transaction committed. {@code subtask} is the
 * first former subtask number this subtask owns ({@link TransactionOwnership}), which after a rescale need not be
 * its own index.
 *
 * <p>Earlier versions used one id per checkpoint, {@code <prefix>-<subtask>-<n>} with {@code n} one more than the
 * last checkpoint the subtask had taken; {@link #parse} still reads those, so that a job restored from such a
 * savepoint aborts what that version left open.
 */
record TransactionalIds(String prefix, int subtask) {

    private static final String POOL = "pool";

    /** The default prefix: {@code dataflow-<job>-<role>} (a job may have several Kafka sinks: main, routes, errors). */
    static String defaultPrefix(String jobName, String role) {
        return "dataflow-" + jobName + "-" + role;
    }

    String pooled(int index) {
        return prefix + "-" + subtask + "-" + POOL + "-" + index;
    }

    /** The subtask and number of an id under {@code prefix}, either form, or empty for any other id (another job's, say). */
    static Optional<Parsed> parse(String prefix, String transactionalId) {
        if (!transactionalId.startsWith(prefix + "-")) {
            return Optional.empty();
        }
        String[] rest = transactionalId.substring(prefix.length() + 1).split("-", -1);
        boolean pooled = rest.length == 3 && POOL.equals(rest[1]);
        if (rest.length != 2 && !pooled) {
            return Optional.empty();
        }
        try {
            int subtask = Integer.parseInt(rest[0]);
            long n = Long.parseLong(rest[rest.length - 1]);
            return subtask < 0 || n < 0 ? Optional.empty() : Optional.of(new Parsed(subtask, n, pooled));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * @param n      the pool index of a pooled id, the checkpoint-based number of an id of the earlier form
     * @param pooled whether the id is of the pool form
     */
    record Parsed(int subtask, long n, boolean pooled) {
    }
}
