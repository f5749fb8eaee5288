package io.dataflow.flink.testing;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Records that keep arriving while a test stops, rescales, resumes or breaks a job: a background thread sends
 * {@code batch} records every {@code pauseMillis}, record i with key {@code key.apply(i)} and value
 * {@code value.apply(i)}, numbered from {@code first}, until {@link #close()}, which flushes and fails if any record was
 * not written (with {@link Kafka#inputProducer()}'s settings: records of one key stay in order on one partition).
 */
public final class SteadyProducer implements AutoCloseable {

    private final String topic;
    private final IntFunction<String> key;
    private final IntFunction<String> value;
    private final int batch;
    private final long pauseMillis;
    private final AtomicInteger next;
    private final AtomicInteger acked = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;
    private int sent;

    public SteadyProducer(String topic, int first, int batch, long pauseMillis, IntFunction<String> key, IntFunction<String> value) {
        this.topic = topic;
        this.key = key;
        this.value = value;
        this.batch = batch;
        this.pauseMillis = pauseMillis;
        this.next = new AtomicInteger(first);
        this.thread = new Thread(this::produce, "steady-producer-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void produce() {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Kafka.inputProducer(), new ByteArraySerializer(), new ByteArraySerializer())) {
            while (running && failure.get() == null) {
                for (int n = 0; n < batch; n++) {
                    int i = next.getAndIncrement();
                    sent++;
                    producer.send(new ProducerRecord<>(topic, key.apply(i).getBytes(StandardCharsets.UTF_8),
                            value.apply(i).getBytes(StandardCharsets.UTF_8)), (metadata, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        } else {
                            acked.incrementAndGet();
                        }
                    });
                }
                producer.flush();
                Thread.sleep(pauseMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Records acknowledged so far. */
    public int acked() {
        return acked.get();
    }

    /** Stops sending after the current batch; fails if any record sent was not written. {@link #end()} then counts them all. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(60_000);
        if (thread.isAlive()) {
            throw new AssertionError("the producer of " + topic + " did not stop");
        }
        if (failure.get() != null || acked.get() != sent) {
            throw new AssertionError("could not load the test input into " + topic + ": " + acked.get() + " of " + sent
                    + " records written", failure.get());
        }
    }

    /** The number of the next record, i.e. one past the last one sent (after {@link #close()}: all of them). */
    public int end() {
        return next.get();
    }
}
