package io.dataflow.flink.connector.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What an exactly-once sink subtask does before it writes, after a restart or on a fresh start:
 * <ol>
 *   <li>commits the restored pre-committed transactions that are still open (their checkpoint completed, but the
 *       commit had not happened before the failure); ones the broker already committed are left alone;</li>
 *   <li>aborts the transactions an earlier attempt of the job opened after the restored checkpoint (all of them on a
 *       fresh start) and left open, so that read_committed consumers are not held back until they time out.</li>
 * </ol>
 * Transactions are found with the admin API (listTransactions, describeTransactions); a subtask aborts those of its
 * own subtask number, and those of subtasks that no longer exist after a down-scale whose number modulo the
 * parallelism is its own — so two subtasks never touch the same transactional id.
 */
final class TransactionRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionRecovery.class);
    private static final long ADMIN_TIMEOUT_SECONDS = 60;

    private final KafkaClientProperties producerProperties;
    private final KafkaClientProperties adminProperties;
    private final TransactionalIds ids;
    private final int parallelism;
    private final String topic;

    TransactionRecovery(KafkaClientProperties producerProperties, KafkaClientProperties adminProperties, TransactionalIds ids,
                        int parallelism, String topic) {
        this.producerProperties = producerProperties;
        this.adminProperties = adminProperties;
        this.ids = ids;
        this.parallelism = parallelism;
        this.topic = topic;
    }

    void recover(long restoredCheckpointId, List<PendingTransaction> restored) throws Exception {
        try (Admin admin = Admin.create(adminProperties.toProperties())) {
            commitRestored(admin, restored);
            abortLingering(admin, restoredCheckpointId);
        }
    }

    private void commitRestored(Admin admin, List<PendingTransaction> restored) throws Exception {
        if (restored.isEmpty()) {
            return;
        }
        Map<String, TransactionDescription> states = describe(admin, restored.stream().map(PendingTransaction::transactionalId).toList());
        for (PendingTransaction pending : restored) {
            TransactionDescription state = states.get(pending.transactionalId());
            if (state != null && state.state() == TransactionState.ONGOING && state.producerId() == pending.producerId()
                    && state.producerEpoch() == pending.epoch()) {
                try (KafkaTransaction transaction = KafkaTransaction.resume(producerProperties, pending, topic)) {
                    transaction.commit();
                }
                LOG.info("Committed Kafka transaction {} of checkpoint {} after the restart", pending.transactionalId(), pending.checkpointId());
            } else if (state != null && (state.state() == TransactionState.COMPLETE_COMMIT || state.state() == TransactionState.PREPARE_COMMIT)) {
                LOG.info("Kafka transaction {} of checkpoint {} was committed before the restart", pending.transactionalId(), pending.checkpointId());
            } else {
                // Aborted by the broker after transactionTimeout, or expired: its records cannot be brought back.
                LOG.error("Kafka transaction {} of completed checkpoint {} cannot be committed: the broker reports it {}; its records "
                                + "are lost (transactionTimeout shorter than the time from that checkpoint to this restart?)",
                        pending.transactionalId(), pending.checkpointId(), state == null ? "unknown" : state.state());
            }
        }
    }

    private void abortLingering(Admin admin, long restoredCheckpointId) throws Exception {
        Collection<TransactionListing> open = admin.listTransactions(new ListTransactionsOptions().filterStates(Set.of(TransactionState.ONGOING)))
                .all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        for (TransactionListing listing : open) {
            TransactionalIds.parse(ids.prefix(), listing.transactionalId())
                    .filter(parsed -> parsed.n() > restoredCheckpointId && isMine(parsed.subtask()))
                    .ifPresent(parsed -> {
                        KafkaTransaction.abortOpenTransaction(producerProperties, listing.transactionalId());
                        LOG.info("Aborted Kafka transaction {} left open by an earlier attempt of the job", listing.transactionalId());
                    });
        }
    }

    private boolean isMine(int subtask) {
        return subtask == ids.subtask() || (subtask >= parallelism && subtask % parallelism == ids.subtask());
    }

    private static Map<String, TransactionDescription> describe(Admin admin, List<String> transactionalIds)
            throws InterruptedException, TimeoutException, ExecutionException {
        Map<String, TransactionDescription> out = new java.util.HashMap<>();
        var result = admin.describeTransactions(transactionalIds);
        for (String id : transactionalIds) {
            try {
                out.put(id, result.description(id).get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TransactionalIdNotFoundException)) {
                    throw e;
                }
            }
        }
        return out;
    }
}
