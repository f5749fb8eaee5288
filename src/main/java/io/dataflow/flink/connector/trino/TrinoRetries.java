package io.dataflow.flink.connector.trino;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Retries a call to Trino on transient failures ({@link TrinoErrors#isTransient}): {@link #MAX_ATTEMPTS} attempts,
 * {@code delay} doubling, as the original sink. Shared by the sink's writers and its committer.
 */
final class TrinoRetries {

    static final int MAX_ATTEMPTS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(TrinoRetries.class);

    private final TrinoTableName table;
    private final Duration delay;

    TrinoRetries(TrinoTableName table, Duration delay) {
        this.table = table;
        this.delay = delay;
    }

    @FunctionalInterface
    interface Call<T> {
        T run() throws SQLException;
    }

    <T> T run(Call<T> call) throws SQLException {
        RetryPolicy<T> transientFailures = RetryPolicy.<T>builder()
                .handleIf(e -> e instanceof SQLException s && TrinoErrors.isTransient(s))
                .withBackoff(delay, delay.multipliedBy(16))
                .withMaxAttempts(MAX_ATTEMPTS)
                .onRetry(event -> LOG.warn("Trino sink {}: transient failure (attempt {} of {}), retrying: {}",
                        table, event.getAttemptCount(), MAX_ATTEMPTS,
                        event.getLastException() == null ? "" : event.getLastException().getMessage()))
                .build();
        try {
            return Failsafe.with(transientFailures).get(call::run);
        } catch (FailsafeException e) {
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            throw e;
        }
    }
}
