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
 *       commit had not happened before the failure); ones that already ended are left alone;</li>
 *   <li>then aborts the open transactions of every transactional id it owns ({@link TransactionOwnership}) — left by
 *       an earlier attempt after the restored checkpoint, all of them on a fresh start — so that read_committed
 *       consumers are not held back until they time out. That includes the ids of former subtasks after a
 *       scale-down, and a restored id the earlier attempt had used again after committing it: its transaction is a
 *       later one (another epoch), and the restored one is committed by then, so it is never aborted before that.</li>
 * </ol>
 * Transactions are found with the admin API (listTransactions, describeTransactions). Ids of the form before the
 * transaction pool ({@code <prefix>-<subtask>-<checkpoint>}) are aborted only when opened after the restored
 * checkpoint, as that version did: pre-committed ones of that form may be in another subtask's restored state.
 */
final class TransactionRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionRecovery.class);
    private static final long ADMIN_TIMEOUT_SECONDS = 60;

    private final KafkaClientProperties producerProperties;
    private final KafkaClientProperties adminProperties;
    private final String prefix;
    private final TransactionOwnership ownership;
    private final String topic;

    TransactionRecovery(KafkaClientProperties producerProperties, KafkaClientProperties adminProperties, String prefix,
                        TransactionOwnership ownership, String topic) {
        this.producerProperties = producerProperties;
        this.adminProperties = adminProperties;
        this.prefix = prefix;
        this.ownership = ownership;
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
                // Also when a later transaction of the id committed: the pool uses an id again only after its commit.
                LOG.info("Kafka transaction {} of checkpoint {} was committed before the restart", pending.transactionalId(), pending.checkpointId());
            } else if (state != null && !isAbort(state.state())) {
                // A later transaction of the id (another epoch) is open or done: the pool used the id again, after the commit.
                LOG.info("Kafka transaction {} of checkpoint {} was committed before the restart (the id has been used again since: "
                                + "{} with producer id {} epoch {})", pending.transactionalId(), pending.checkpointId(), state.state(),
                        state.producerId(), state.producerEpoch());
            } else if (state != null && !(state.producerId() == pending.producerId() && state.producerEpoch() == pending.epoch())) {
                // Usually the failed attempt committed it, used the id again and aborted that later transaction when it
                // failed; the broker's abort after transactionTimeout (which fences with a new epoch) looks the same.
                LOG.warn("Kafka transaction {} of checkpoint {} is not open any more: the broker reports an aborted transaction of "
                                + "its id with producer id {} epoch {} (the checkpoint holds {} epoch {}) — a later transaction of the "
                                + "id if the earlier attempt committed this one, else this one aborted after transactionTimeout and its "
                                + "records lost", pending.transactionalId(), pending.checkpointId(), state.producerId(), state.producerEpoch(),
                        pending.producerId(), pending.epoch());
            } else {
                // Aborted, or expired: its records cannot be brought back.
                LOG.error("Kafka transaction {} of completed checkpoint {} cannot be committed: the broker reports it {}; its records "
                                + "are lost (transactionTimeout shorter than the time from that checkpoint to this restart?)",
                        pending.transactionalId(), pending.checkpointId(), state == null ? "unknown" : state.state());
            }
        }
    }

    private static boolean isAbort(TransactionState state) {
        return state == TransactionState.COMPLETE_ABORT || state == TransactionState.PREPARE_ABORT;
    }

    /** Lists after the commits: a restored transaction is committed (no longer ongoing) before its id is looked at. */
    private void abortLingering(Admin admin, long restoredCheckpointId) throws Exception {
        Collection<TransactionListing> open = admin.listTransactions(new ListTransactionsOptions().filterStates(Set.of(TransactionState.ONGOING)))
                .all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        int aborted = 0;
        for (TransactionListing listing : open) {
            boolean lingering = TransactionalIds.parse(prefix, listing.transactionalId())
                    .filter(parsed -> ownership.owns(parsed.subtask()) && (parsed.pooled() || parsed.n() > restoredCheckpointId))
                    .isPresent();
            if (lingering) {
                KafkaTransaction.abortOpenTransaction(producerProperties, listing.transactionalId());
                LOG.info("Aborted Kafka transaction {} left open by an earlier attempt of the job", listing.transactionalId());
                aborted++;
            }
        }
        LOG.info("Kafka transactions under {} of {}: {} left open by an earlier attempt aborted", prefix, ownership, aborted);
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
