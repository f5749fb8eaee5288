package io.dataflow.flink.connector;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Guards a connector's lifecycle: one lock and a {@code closed} flag, so that connect and close never run at the
 * same time, close is idempotent, and connect after close fails. Connectors extend it (or
 * {@link ReadWriteLifecycleGuard}) and call the guards at the start of connect and close.
 *
 * <pre>{@code
 * public void connect() {
 *     if (!guardConnect()) throw new ConnectorClosedException();
 *     try { ... } finally { unlock(); }
 * }
 * public void close() {
 *     if (guardClose()) return;          // already closed
 *     try { ... } finally { unlock(); }
 * }
 * }</pre>
 */
public abstract class LifecycleGuard {

    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;

    /**
     * Takes the lock. Answers false (lock released) when the connector is closed; the caller must then fail with
     * "connector is closed". Answers true with the lock held otherwise; the caller releases it with
     * {@link #unlock()}.
     */
    protected final boolean guardConnect() {
        lock.lock();
        if (closed) {
            lock.unlock();
            return false;
        }
        return true;
    }

    /**
     * Takes the lock. Answers true (lock released) when the connector was already closed, so close is a no-op.
     * Otherwise marks it closed and answers false with the lock held; the caller releases it with
     * {@link #unlock()} after releasing its resources.
     */
    protected final boolean guardClose() {
        lock.lock();
        if (closed) {
            lock.unlock();
            return true;
        }
        closed = true;
        return false;
    }

    protected final void lock() {
        lock.lock();
    }

    protected final void unlock() {
        lock.unlock();
    }

    public final boolean isClosed() {
        return closed;
    }
}
