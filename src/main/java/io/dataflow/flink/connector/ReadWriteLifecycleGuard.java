package io.dataflow.flink.connector;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * {@link LifecycleGuard} with a read-write lock: connect and close take the write lock, long reads take the read
 * lock ({@link #readLock()}) so they do not block each other, and check {@link #isClosed()} to stop early.
 */
public abstract class ReadWriteLifecycleGuard {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** See {@link LifecycleGuard#guardConnect()}; takes the write lock. */
    protected final boolean guardConnect() {
        lock.writeLock().lock();
        if (closed) {
            lock.writeLock().unlock();
            return false;
        }
        return true;
    }

    /** See {@link LifecycleGuard#guardClose()}; takes the write lock. */
    protected final boolean guardClose() {
        lock.writeLock().lock();
        if (closed) {
            lock.writeLock().unlock();
            return true;
        }
        closed = true;
        return false;
    }

    protected final void lock() {
        lock.writeLock().lock();
    }

    protected final void unlock() {
        lock.writeLock().unlock();
    }

    protected final void readLock() {
        lock.readLock().lock();
    }

    protected final void readUnlock() {
        lock.readLock().unlock();
    }

    public final boolean isClosed() {
        return closed;
    }
}
