package io.dataflow.flink.connector;

import io.dataflow.flink.message.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BufferedBatchWriterTest {

    private final List<List<String>> written = new CopyOnWriteArrayList<>();
    private final List<String> writerThreads = new CopyOnWriteArrayList<>();
    private final List<String> refused = new ArrayList<>();
    private final List<String> refusedOnThread = new ArrayList<>();

    private List<String> write(List<Message> batch) {
        writerThreads.add(Thread.currentThread().getName());
        List<String> bodies = batch.stream().map(Message::dataAsString).toList();
        written.add(bodies);
        return bodies.stream().filter(b -> b.startsWith("bad")).toList();
    }

    private void refuse(String record) {
        refused.add(record);
        refusedOnThread.add(Thread.currentThread().getName());
    }

    @Test
    void aFullBatchIsWrittenInTheBackgroundAndAFlushWritesTheRestAndWaits() throws Exception {
        try (BufferedBatchWriter<String> batches = new BufferedBatchWriter<>("bg-writer", "t", 3, this::write, this::refuse)) {
            batches.add(Message.of("a"));
            batches.add(Message.of("b"));
            assertThat(batches.buffered()).isEqualTo(2);
            assertThat(written).isEmpty();
            batches.add(Message.of("c"));
            assertThat(batches.buffered()).isZero();
            batches.add(Message.of("d"));
            batches.flush();
            assertThat(written).containsExactly(List.of("a", "b", "c"), List.of("d"));
            assertThat(writerThreads).containsOnly("bg-writer");
            batches.flush();
            assertThat(written).as("an empty flush writes nothing").hasSize(2);
        }
    }

    @Test
    void refusedRecordsReachTheConsumerOnTheCallersThread() throws Exception {
        try (BufferedBatchWriter<String> batches = new BufferedBatchWriter<>("bg-writer", "t", 2, this::write, this::refuse)) {
            batches.add(Message.of("bad-1"));
            batches.add(Message.of("ok"));
            batches.add(Message.of("bad-2"));
            batches.flush();
        }
        assertThat(refused).containsExactly("bad-1", "bad-2");
        assertThat(refusedOnThread).containsOnly(Thread.currentThread().getName());
    }

    @Test
    void aFailedWriteIsThrownByTheNextFlushAndItsRecordsAreNotWrittenAgain() throws Exception {
        List<List<String>> attempts = new CopyOnWriteArrayList<>();
        BufferedBatchWriter.BatchWrite<String> failing = batch -> {
            attempts.add(batch.stream().map(Message::dataAsString).toList());
            throw new IllegalStateException("server refused the batch");
        };
        try (BufferedBatchWriter<String> batches = new BufferedBatchWriter<>("bg-writer", "t", 2, failing, this::refuse)) {
            batches.add(Message.of("a"));
            batches.add(Message.of("b"));
            assertThatThrownBy(batches::flush).isInstanceOf(IllegalStateException.class).hasMessage("server refused the batch");
            batches.flush();
            assertThat(attempts).as("Flink replays these records; the buffer must not keep them").containsExactly(List.of("a", "b"));
        }
    }

    @Test
    void addingWaitsForTheBatchInFlightSoAtMostOneIsWrittenAtATime() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        BufferedBatchWriter.BatchWrite<String> slow = batch -> {
            order.add("start " + batch.get(0).dataAsString());
            release.await(5, TimeUnit.SECONDS);
            order.add("end " + batch.get(0).dataAsString());
            return List.of();
        };
        try (BufferedBatchWriter<String> batches = new BufferedBatchWriter<>("bg-writer", "t", 1, slow, this::refuse)) {
            batches.add(Message.of("first"));
            Thread releaser = new Thread(() -> {
                sleep(200);
                release.countDown();
            });
            releaser.start();
            batches.add(Message.of("second"));
            batches.flush();
            releaser.join();
        }
        assertThat(order).containsExactly("start first", "end first", "start second", "end second");
    }

    @Test
    void closeDropsWhatIsBufferedWithoutWritingIt() throws Exception {
        BufferedBatchWriter<String> batches = new BufferedBatchWriter<>("bg-writer", "t", 10, this::write, this::refuse);
        batches.add(Message.of("a"));
        batches.close();
        assertThat(batches.buffered()).isZero();
        assertThat(written).isEmpty();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
