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
            } else if (state != null && (state.state() == TransactionState.COMPLETE_COMMIT || state.state() == TransactionState.PREPARE_COMMIT)
                    && state.producerId() == pending.producerId()) {
                LOG.info("Kafka transaction {} of checkpoint {} was committed before the restart", pending.transactionalId(), pending.checkpointId());
            } else if (state != null && (state.producerId() != pending.producerId() || state.producerEpoch() != pending.epoch())
                    && state.state() != TransactionState.COMPLETE_ABORT && state.state() != TransactionState.PREPARE_ABORT) {
                // The pool uses an id again only after its transaction committed; a later one has a new epoch.
                LOG.info("Kafka transaction {} of checkpoint {} was committed before the restart (the id is in use again, {} with "
                        + "producer id {} epoch {})", pending.transactionalId(), pending.checkpointId(), state.state(), state.producerId(),
                        state.producerEpoch());
            } else {
                // Aborted by the broker after transactionTimeout, or expired: its records cannot be brought back. (An
                // aborted later transaction of a reused id looks the same; that one is reported here too.)
                LOG.error("Kafka transaction {} of completed checkpoint {} cannot be committed: the broker reports it {}; its records "
                                + "are lost unless it was committed before the restart and its id used again for a transaction that "
                                + "was aborted (transactionTimeout shorter than the time from that checkpoint to this restart?)",
                        pending.transactionalId(), pending.checkpointId(), state == null ? "unknown" : state.state());
            }
        }
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
