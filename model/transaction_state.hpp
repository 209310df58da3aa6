// The transactional components of the world, as plain values (copyable,
// comparable, hashed in world_hash.cpp): the transaction coordinator, the
// producer's transactional half (TransactionManager's request side) and the
// application's transaction loop, plus the coordinator requests on the wire.
// Behaviour: transaction_coordinator_node.cpp, transactional_client.cpp.
// Transactions V1 (Kafka 3.9): AddPartitionsToTxn from the client, the
// producer epoch stays the same across transactions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "model/errors.hpp"
#include "statemachines/transaction_coordinator.hpp"

namespace kafka_model {

// The coordinator APIs the client calls (TransactionManager's handlers:
// InitProducerIdHandler, AddPartitionsToTxnHandler, EndTxnHandler, and for
// sendOffsetsToTransaction AddOffsetsToTxnHandler to the transaction
// coordinator, then TxnOffsetCommitHandler to the group coordinator).
enum class TxnApi : std::uint8_t { InitProducerId, AddPartitionsToTxn, EndTxn, AddOffsetsToTxn, TxnOffsetCommit };
const char* to_string(TxnApi api);

// The partition of __consumer_offsets that holds the application's group
// (GroupMetadataManager.partitionFor(group.id)), as the transaction
// coordinator lists it among the transaction's partitions after
// AddOffsetsToTxn (TransactionCoordinator.handleAddPartitionsToTransaction
// with that one partition). Not a partition of the model's topic: its leader
// is the group coordinator, co-located with the transaction coordinator
// (docs/model.md "Transactions"), and its marker completes the group's
// pending offsets (group_coordinator_node.cpp).
inline constexpr std::int32_t kConsumerOffsetsPartition = -2;

struct TxnRequest {
  TxnApi api = TxnApi::InitProducerId;
  std::int64_t correlation_id = 0;  // the client's; a response to an abandoned request is ignored
  std::int32_t instance = 0;       // the producer instance that sent it
  std::int32_t broker = 0;         // the broker it was sent to (the coordinator FindCoordinator named)
  std::int64_t producer_id = -1;
  std::int32_t producer_epoch = -1;
  std::vector<std::int32_t> partitions;  // AddPartitionsToTxn
  bool commit = false;                   // EndTxn
  std::int64_t transaction = -1;         // model bookkeeping: the application's transaction ordinal
  std::int64_t offset = -1;              // TxnOffsetCommit: the input partition's offset to commit
  bool operator==(const TxnRequest&) const = default;
};

struct TxnResponse {
  TxnRequest request;  // what it answers
  Errors error = Errors::NONE;
  std::int64_t producer_id = -1;  // InitProducerId
  std::int32_t producer_epoch = -1;
  bool operator==(const TxnResponse&) const = default;
};

// One WriteTxnMarkers entry the coordinator still has to get written:
// TransactionMarkerChannelManager keeps it (retrying, re-looking up the
// leader) until the partition leader answers, which it does once the marker
// is replicated (the marker append uses acks=all).
struct PendingMarker {
  std::int32_t partition = 0;
  std::int64_t producer_id = -1;
  std::int32_t producer_epoch = -1;
  bool commit = false;
  std::int64_t transaction = -1;
  bool operator==(const PendingMarker&) const = default;
};

// The transaction coordinator for the run's one transactional.id, on the
// leader of its __transaction_state partition (World::coordinator_broker,
// TransactionStateLog below). Its fields are the leader's in-memory cache
// (TransactionStateManager.transactionMetadataCache) of what that partition
// holds: a broker that becomes its leader loads them from its own replica.
struct TransactionCoordinatorNode {
  std::optional<TransactionCoordinator> metadata;  // TransactionMetadata; created by the first InitProducerId
  std::int64_t transaction = -1;                   // the transaction the metadata's Ongoing/Prepare* belongs to
  std::int64_t txn_start_ms = -1;                  // TransactionMetadata.txnStartTimestamp of the Ongoing one
  std::vector<PendingMarker> markers;              // WriteTxnMarkers not yet answered
  std::vector<TxnRequest> held;                    // arrived at a paused broker: read when it resumes
  bool tick_scheduled = false;
  bool operator==(const TransactionCoordinatorNode&) const = default;

  // PrepareCommit/PrepareAbort: the markers are being written.
  bool completing() const {
    using S = TransactionCoordinator::State;
    return metadata && (metadata->state() == S::PrepareCommit || metadata->state() == S::PrepareAbort);
  }
  // Ongoing or completing: `transaction` and `txn_start_ms` belong to it.
  bool transaction_open() const {
    return completing() || (metadata && metadata->state() == TransactionCoordinator::State::Ongoing);
  }
};

// One broker's replica of the transactional.id's __transaction_state
// partition, as TransactionStateManager loads it: the partition is compacted
// by transactional.id, so only the key's last record counts
// (loadTransactionMetadata keeps the latest TransactionMetadata per key).
// `log_end` counts the records written to this replica.
struct TxnStateReplica {
  std::int64_t log_end = 0;
  std::optional<TransactionCoordinator> metadata;  // none: no record yet (no InitProducerId written)
  std::int64_t transaction = -1;                   // of an Ongoing/Prepare* record
  std::int64_t txn_start_ms = -1;
  bool operator==(const TxnStateReplica&) const = default;
};

// The transactional.id's __transaction_state partition
// (TransactionStateManager.partitionFor(transactional.id)), with
// transaction.state.log.replication.factor replicas and
// transaction.state.log.min.isr. A write goes to every live in-sync replica
// at once and is refused below min.isr (appendTransactionToLog,
// requiredAcks -1: NOT_ENOUGH_REPLICAS -> COORDINATOR_NOT_AVAILABLE). Its
// leader is the coordinator; a new leader (elected from the ISR: the model
// never elects this partition uncleanly) loads the state from its replica, answering
// COORDINATOR_LOAD_IN_PROGRESS meanwhile, and sends the markers of a
// PrepareCommit/PrepareAbort again (TransactionCoordinator.onElection).
// transaction_state_log.cpp.
struct TransactionStateLog {
  std::vector<std::int32_t> replicas;  // broker ids; empty: the run has no transactional.id
  std::int32_t leader = -1;            // -1: offline (no live in-sync replica)
  std::int32_t coordinator_epoch = 0;  // the partition's leader epoch: TransactionStateManager's coordinatorEpoch
  std::set<std::int32_t> isr;
  std::map<std::int32_t, TxnStateReplica> copies;  // by broker
  std::int64_t loaded_at_ms = 0;  // the leader answers COORDINATOR_LOAD_IN_PROGRESS before this
  bool operator==(const TransactionStateLog&) const = default;
};

// A TxnOffsetCommit the group coordinator has stored, pending its
// transaction's marker (GroupMetadata.pendingTransactionalOffsetCommits,
// keyed by producer id): a COMMIT marker makes it the committed offset, an
// ABORT marker drops it (GroupMetadataManager.handleTxnCompletion ->
// GroupMetadata.completePendingTxnOffsetCommit).
struct PendingTxnOffset {
  std::int64_t offset = -1;
  std::int32_t producer_epoch = -1;
  std::int64_t transaction = -1;
  bool operator==(const PendingTxnOffset&) const = default;
};

// The group coordinator of the application's consumer group, for its one
// input partition: co-located with the transaction coordinator (the leader
// of the group's __consumer_offsets partition is taken to be the lowest live
// broker too) and, like it, never losing a write (docs/model.md).
struct GroupCoordinatorNode {
  // The group's committed offset: the next input offset to consume. A group
  // with none starts at 0, as auto.offset.reset=earliest does (Kafka's
  // default "latest" would skip the input written before the group first ran).
  std::int64_t committed_offset = 0;
  std::map<std::int64_t, PendingTxnOffset> pending;  // by producer id
  bool operator==(const GroupCoordinatorNode&) const = default;
};

// The producer's transactional requests (TransactionManager's request queue):
// one at a time, in Kafka's order (Sender.maybeSendAndPollTransactionalRequest).
struct TransactionalClient {
  bool init_needed = false;          // initTransactions called (or an epoch bump required), not yet answered
  bool request_in_flight = false;    // a coordinator request is out
  std::int64_t correlation_id = 0;   // of the request out (or the last one)
  std::int64_t sent_ms = 0;          // when it was sent (request.timeout.ms)
  std::int64_t retry_at_ms = 0;      // backoff after a retriable coordinator error
  std::set<std::int32_t> partitions_in_transaction;  // partitionsInTransaction
  std::set<std::int32_t> new_partitions;             // newPartitionsInTransaction: to add
  std::set<std::int32_t> pending_partitions;         // pendingPartitionsInTransaction: being added
  bool end_txn_needed = false;       // commitTransaction / abortTransaction called
  bool committing = false;           // EndTxn(commit) rather than abort
  bool epoch_bump_required = false;  // TransactionManager.epochBumpRequired: InitProducerId after the abort
  bool fenced = false;               // PRODUCER_FENCED: fatal, the instance stops
  TxnApi in_flight_api = TxnApi::InitProducerId;  // the request out (request_in_flight)
  // sendOffsetsToTransaction: AddOffsetsToTxnHandler queued, then (once it
  // is answered) TxnOffsetCommitHandler with the offset; the call returns
  // when the TxnOffsetCommit is answered.
  bool add_offsets_needed = false;
  bool offset_commit_needed = false;
  std::int64_t offsets_position = -1;
  bool offsets_added = false;  // AddOffsetsToTxn answered: transactionStarted
  // TransactionManager.lastError behind ABORTABLE_ERROR / FATAL_ERROR, as far
  // as maybeFailWithError tells them apart (model/producer_transactions.hpp);
  // NONE in FATAL_ERROR: an invalid Sender-thread transition (KAFKA-14831).
  Errors last_error = Errors::NONE;
  bool operator==(const TransactionalClient&) const = default;
};

// The application's transaction loop: initTransactions, then
// beginTransaction, records_per_transaction sends, commitTransaction (or
// abortTransaction for every abort_every-th), waiting for each to return.
struct TransactionalApp {
  std::int64_t transaction = -1;         // the open transaction, -1 between transactions
  std::vector<std::int64_t> records;     // records sent in it
  std::int32_t sends = 0;                // send() calls made in it
  bool send_failed = false;              // a callback of it reported an error (KAFKA-9279: commit must fail)
  bool completing = false;               // commitTransaction / abortTransaction called, not returned
  std::int64_t progress_ms = 0;          // when a transaction or initTransactions last returned
  // Consume-transform-produce (Configuration::consume_process_produce; input
  // offset i becomes output record i): the consumer's position in the input,
  // -1 until the instance has fetched the group's committed offset (after
  // initTransactions returned, so no transaction of the transactional.id is
  // still completing: the offset is stable, as KIP-447's requireStable
  // OffsetFetch waits for); where the open transaction's poll started (the
  // application seeks back there after abortTransaction); the
  // sendOffsetsToTransaction call; the consumer's auto-commit timer
  // (ConsumerCoordinator.nextAutoCommitTimer) and its close().
  std::int64_t position = -1;
  std::int64_t transaction_start = 0;
  bool sending_offsets = false;  // sendOffsetsToTransaction called, not returned
  bool offsets_sent = false;     // it returned for the open transaction
  std::int64_t last_auto_commit_ms = 0;
  bool consumer_closed = false;  // the input is done and close() has run
  bool operator==(const TransactionalApp&) const = default;
};

}  // namespace kafka_model
