package io.dataflow.flink.connector;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LifecycleGuardTest {

    /** A connector that counts how often its connect and close bodies really run. */
    static final class CountingConnector extends LifecycleGuard {
        final AtomicInteger connects = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        volatile boolean open;

        void connect() {
            if (!guardConnect()) {
                throw new ConnectorClosedException();
            }
            try {
                connects.incrementAndGet();
                open = true;
            } finally {
                unlock();
            }
        }

        void close() {
            if (guardClose()) {
                return;
            }
            try {
                closes.incrementAndGet();
                open = false;
            } finally {
                unlock();
            }
        }
    }

    static final class CountingRWConnector extends ReadWriteLifecycleGuard {
        final AtomicInteger closes = new AtomicInteger();

        void connect() {
            if (!guardConnect()) {
                throw new ConnectorClosedException();
            }
            unlock();
        }

        void close() {
            if (guardClose()) {
                return;
            }
            try {
                closes.incrementAndGet();
            } finally {
                unlock();
            }
        }

        boolean readWhileOpen() {
            readLock();
            try {
                return !isClosed();
            } finally {
                readUnlock();
            }
        }
    }

    @Test
    void connectAfterCloseFails() {
        CountingConnector c = new CountingConnector();
        c.close();
        assertThatThrownBy(c::connect).isInstanceOf(ConnectorClosedException.class).hasMessage("connector is closed");
        assertThat(c.connects).hasValue(0);
    }

    @Test
    void closeIsIdempotentAndSafeWithoutConnect() {
        CountingConnector c = new CountingConnector();
        c.close();
        c.close();
        assertThat(c.closes).hasValue(1);
        assertThat(c.isClosed()).isTrue();
    }

    @Test
    void lockIsReleasedAfterEveryPath() throws Exception {
        CountingConnector c = new CountingConnector();
        c.connect();
        c.close();
        c.close();
        assertThatThrownBy(c::connect).isInstanceOf(ConnectorClosedException.class);
        // If any path leaked the lock, another thread could not take it.
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            assertThat(other.submit(() -> {
                c.lock();
                c.unlock();
                return true;
            }).get(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            other.shutdownNow();
        }
    }

    @RepeatedTest(20)
    void concurrentConnectAndCloseNeverInterleave() throws Exception {
        CountingConnector c = new CountingConnector();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger closedErrors = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            boolean closer = i % 2 == 0;
            futures.add(pool.submit(() -> {
                start.await();
                if (closer) {
                    c.close();
                } else {
                    try {
                        c.connect();
                    } catch (ConnectorClosedException e) {
                        closedErrors.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(c.closes).hasValue(1);
        assertThat(c.connects.get() + closedErrors.get()).isEqualTo(threads / 2);
        assertThat(c.open).as("no connect may run after the close").isFalse();
    }

    @Test
    void readWriteVariantHasTheSameGuards() {
        CountingRWConnector c = new CountingRWConnector();
        c.connect();
        assertThat(c.readWhileOpen()).isTrue();
        c.close();
        c.close();
        assertThat(c.closes).hasValue(1);
        assertThat(c.readWhileOpen()).isFalse();
        assertThatThrownBy(c::connect).hasMessage("connector is closed");
    }

    @Test
    void readersDoNotBlockEachOther() throws Exception {
        CountingRWConnector c = new CountingRWConnector();
        c.readLock();
        try {
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                assertThat(other.submit(c::readWhileOpen).get(5, TimeUnit.SECONDS)).isTrue();
            } finally {
                other.shutdownNow();
            }
        } finally {
            c.readUnlock();
        }
    }
}
