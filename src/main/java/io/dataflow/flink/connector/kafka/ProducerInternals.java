package io.dataflow.flink.connector.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.internals.TransactionManager;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The things a two-phase commit needs from a {@link KafkaProducer} that kafka-clients does not offer publicly:
 * the producer id and epoch of its open transaction, committing that transaction later from another producer
 * instance (after a restart) by taking over that id and epoch instead of calling {@code initTransactions()}, which
 * would abort it, and a new epoch for a producer that is used again ({@link #allowInitTransactions}). This is how Flink's own Kafka sink does it; the public replacement (KIP-939's
 * {@code initTransactions(keepPreparedTxn)}) is not exposed by the client yet.
 *
 * <p>Everything that touches kafka-clients internals is in this class. Types are taken from the fields themselves,
 * not spelled out, so a moved class (ProducerIdAndEpoch moved package in kafka-clients 4.2) does not break it. A
 * client whose internals changed otherwise fails here with "incompatible kafka-clients", never silently.
 */
final class ProducerInternals {

    private ProducerInternals() {
    }

    record ProducerIdAndEpoch(long producerId, short epoch) {
    }

    static ProducerIdAndEpoch producerIdAndEpoch(KafkaProducer<?, ?> producer) {
        Object manager = field(KafkaProducer.class, "transactionManager").get(producer);
        Object idAndEpoch = get(manager, "producerIdAndEpoch");
        return new ProducerIdAndEpoch((long) get(idAndEpoch, "producerId"), (short) get(idAndEpoch, "epoch"));
    }

    /**
     * Makes a freshly created transactional producer (initTransactions not called) the owner of the open transaction
     * {@code producerId}/{@code epoch} of its transactional id, with records in it, so that {@code commitTransaction()}
     * ends that transaction. Follows the state changes {@code initTransactions()} makes, without its request.
     */
    static void resumeTransaction(KafkaProducer<?, ?> producer, long producerId, short epoch) {
        TransactionManager manager = (TransactionManager) field(KafkaProducer.class, "transactionManager").get(producer);
        if (manager == null) {
            throw new IllegalStateException("resuming a transaction needs a producer with a transactional.id");
        }
        synchronized (manager) {
            transitionTo(manager, "INITIALIZING");
            invoke(get(manager, "txnPartitionMap"), "reset");
            set(manager, "producerIdAndEpoch", newProducerIdAndEpoch(producerId, epoch));
            transitionTo(manager, "READY");
            transitionTo(manager, "IN_TRANSACTION");
            // commitTransaction() sends EndTxn only for a transaction that holds records; ours always do.
            set(manager, "transactionStarted", true);
        }
    }

    /**
     * Lets {@code initTransactions()} run again on a producer whose last transaction ended (committed or aborted), as
     * Flink's KafkaSink does for the producers of its pool: the coordinator then gives the producer a new epoch, so
     * each transaction of a reused producer has a producer id and epoch of its own — what a restarted job compares
     * before it commits a restored transaction, so that it never commits a later transaction of the same id.
     */
    static void allowInitTransactions(KafkaProducer<?, ?> producer) {
        TransactionManager manager = (TransactionManager) field(KafkaProducer.class, "transactionManager").get(producer);
        if (manager == null) {
            throw new IllegalStateException("initializing transactions again needs a producer with a transactional.id");
        }
        synchronized (manager) {
            Object current = get(manager, "currentState");
            if (current != state("READY")) {
                throw new IllegalStateException("the producer of " + manager.transactionalId() + " is " + current
                        + ", not between transactions");
            }
            set(manager, "currentState", state("UNINITIALIZED"));
        }
    }

    private static Object newProducerIdAndEpoch(long producerId, short epoch) {
        Class<?> type = field(TransactionManager.class, "producerIdAndEpoch").type();
        try {
            var constructor = type.getDeclaredConstructor(long.class, short.class);
            constructor.setAccessible(true);
            return constructor.newInstance(producerId, epoch);
        } catch (ReflectiveOperationException e) {
            throw incompatible(e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object state(String name) {
        Class<? extends Enum> stateType = (Class<? extends Enum>) field(TransactionManager.class, "currentState").type();
        return Enum.valueOf(stateType, name);
    }

    private static void transitionTo(TransactionManager manager, String state) {
        Object target = state(state);
        try {
            Method m = TransactionManager.class.getDeclaredMethod("transitionTo", field(TransactionManager.class, "currentState").type());
            m.setAccessible(true);
            m.invoke(manager, target);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : incompatible(e);
        } catch (ReflectiveOperationException e) {
            throw incompatible(e);
        }
    }

    private static void invoke(Object target, String method) {
        try {
            Method m = target.getClass().getDeclaredMethod(method);
            m.setAccessible(true);
            m.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw incompatible(e);
        }
    }

    private static Object get(Object target, String name) {
        return field(target.getClass(), name).get(target);
    }

    private static void set(Object target, String name, Object value) {
        field(target.getClass(), name).set(target, value);
    }

    private static Accessor field(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return new Accessor(f);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw incompatible(e);
        }
    }

    private record Accessor(Field field) {
        Class<?> type() {
            return field.getType();
        }

        Object get(Object target) {
            try {
                return field.get(target);
            } catch (IllegalAccessException e) {
                throw incompatible(e);
            }
        }

        void set(Object target, Object value) {
            try {
                field.set(target, value);
            } catch (IllegalAccessException e) {
                throw incompatible(e);
            }
        }
    }

    private static IllegalStateException incompatible(Exception e) {
        return new IllegalStateException("incompatible kafka-clients: cannot resume Kafka transactions or reuse a transactional producer (" + e + ")", e);
    }
}
