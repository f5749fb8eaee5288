package io.dataflow.flink.deploy;

import io.dataflow.flink.testing.ConsumerGroupProgress;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.SessionCluster;
import io.dataflow.flink.testing.SteadyProducer;

import java.util.function.IntFunction;

/**
 * Where the records of a cluster scenario ({@link ClusterRescaleITCase}, {@link TaskManagerLossITCase}) come from:
 * the manifest's source section, records 0, 1, 2, … that keep arriving while the scenario stops, rescales or breaks
 * the job, and the moment a completed checkpoint covers all of them (so that the job can be stopped and its output
 * counted without guessing how long it needs). The same scenario runs over a Kafka topic or a PostgreSQL CDC slot.
 */
interface ScenarioInput {

    /** The source section of the manifest. */
    String source();

    /** Whether the source runs at the job's parallelism; a non-parallel one (a replication slot) runs at 1. */
    boolean parallel();

    /** Starts records arriving in the background, numbered from 0; call it once the job runs. */
    default Arrivals arrive() {
        return arrive(0);
    }

    /** Starts records arriving in the background, numbered from {@code first} (more after an earlier {@link Arrivals} ended). */
    Arrivals arrive(int first);

    /** Waits until a completed checkpoint of the job covers records 0 to {@code end} - 1. */
    void awaitRead(int end) throws Exception;

    /** Records arriving in the background until closed. */
    interface Arrivals extends AutoCloseable {
        /** Stops the arrivals; fails if a record could not be written. */
        @Override
        void close() throws InterruptedException;

        /** One past the number of the last record (after {@link #close()}: how many arrived). */
        int end();
    }

    /**
     * A new 6-partition topic read by the Kafka source with {@code group}; record i has the given key and value, a
     * batch of 10 every 100 ms. Read means: the group committed the topic's end offsets (the source commits on
     * completed checkpoints, docs/KAFKA.md).
     */
    static ScenarioInput kafka(String topic, String group, IntFunction<String> key, IntFunction<String> value) throws Exception {
        Kafka.createTopic(topic, 6);
        return new ScenarioInput() {
            @Override
            public String source() {
                return ClusterRescaleITCase.kafkaSource(topic, group);
            }

            @Override
            public boolean parallel() {
                return true;
            }

            @Override
            public Arrivals arrive(int first) {
                SteadyProducer producer = new SteadyProducer(topic, first, 10, 100, key, value);
                return new Arrivals() {
                    @Override
                    public void close() throws InterruptedException {
                        producer.close();
                    }

                    @Override
                    public int end() {
                        return producer.end();
                    }
                };
            }

            @Override
            public void awaitRead(int end) throws Exception {
                ConsumerGroupProgress.awaitAtEnd(group, topic);
            }
        };
    }

    /**
     * Changes of a new table {@code id BIGINT PRIMARY KEY, seq BIGINT} read through replication slot {@code slot}
     * (dropped by {@link #dropSlot}): change i upserts row i mod 50 with seq i, each its own transaction, 10 every
     * 100 ms. Read means: {@code committedSeqs} (what the exactly-once output holds for a committed reader) contains
     * the last change — the slot's position alone does not say which checkpoint covered it.
     */
    static ScenarioInput postgresCdc(String table, String slot, String publication, CommittedSeqs committedSeqs) throws Exception {
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL)");
        return new ScenarioInput() {
            @Override
            public String source() {
                return "  source:\n    type: postgresql-cdc\n    config:\n"
                        + "      connectionString: \"" + Postgres.url() + "\"\n      slotName: " + slot + "\n"
                        + "      publicationName: " + publication + "\n      tables: [" + table + "]\n      heartbeatIntervalSeconds: 1\n";
            }

            @Override
            public boolean parallel() {
                return false;
            }

            @Override
            public Arrivals arrive(int first) {
                return new SteadyChanges(table, 50, 10, 100, first);
            }

            @Override
            public void awaitRead(int end) throws Exception {
                int last = end - 1;
                SessionCluster.await("the last change (seq " + last + ") is committed to the output",
                        () -> committedSeqs.get().contains(last), 180);
            }
        };
    }

    /** Drops a CDC input's replication slot and publication (the job that used them has ended). */
    static void dropSlot(String slot, String publication) throws Exception {
        Postgres.dropReplicationSlot(slot);
        Postgres.execute("DROP PUBLICATION IF EXISTS " + publication);
    }

    /** The seq of every change an output holds, as a committed reader sees it. */
    @FunctionalInterface
    interface CommittedSeqs {
        java.util.List<Integer> get() throws Exception;
    }
}
