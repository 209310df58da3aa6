// The group coordinator of the consume-transform-produce application's
// consumer group (Kafka 3.9, the classic GroupCoordinator): the group's
// committed offset for its one input partition, and the transactional offset
// commits pending their transaction's marker. Sources:
// core/.../coordinator/group/GroupCoordinator.scala (handleTxnCommitOffsets:
// the transaction verification of the group's __consumer_offsets partition,
// KIP-890 part 1, then doTxnCommitOffsets; handleCommitOffsets for the
// consumer's own commits; scheduleHandleTxnCompletion), and
// GroupMetadataManager.scala (storeOffsets with a producer id ->
// GroupMetadata.prepareTxnOffsetCommit: pendingTransactionalOffsetCommits;
// handleTxnCompletion -> completePendingTxnOffsetCommit: committed on COMMIT,
// dropped on ABORT).
//
// Simplifications (docs/model.md "Transactions"): the coordinator is
// co-located with the transaction coordinator (both on the lowest live
// broker, the leader their internal topics would elect) and, like
// __transaction_state, __consumer_offsets never loses a write; the group has
// one member (no rebalance, no generation: KIP-447's group metadata fencing
// is not exercised).
#include <fmt/core.h>

#include "model/step_text.hpp"
#include "model/world.hpp"

namespace kafka_model {

// handleTxnCommitOffsets. The verification's errors reach the client as
// GroupMetadataManager.maybeConvertOffsetCommitError has them:
// NOT_ENOUGH_REPLICAS (an unreachable or completing transaction) ->
// COORDINATOR_NOT_AVAILABLE (retried after a coordinator lookup); an older
// epoch is INVALID_PRODUCER_EPOCH, which TxnOffsetCommitHandler takes for
// PRODUCER_FENCED. Kafka 2.8 has no verification: the __consumer_offsets
// append of an older epoch is refused by its producer state (INVALID_PRODUCER_EPOCH).
Errors World::group_txn_offset_commit(const TxnRequest& request) {
  const TransactionCoordinatorNode& c = state_.coordinator;
  Errors error = Errors::NONE;
  std::string why;
  if (config_.version == KafkaVersion::V2_8) {
    if (c.metadata && c.metadata->producer_id() == request.producer_id &&
        c.metadata->producer_epoch() > request.producer_epoch) {
      error = Errors::INVALID_PRODUCER_EPOCH;
      why = "an older producer epoch";
    }
  } else if (auto refused = config_.transactions_v2()
                                 ? txn_verify_or_add(request.producer_id, request.producer_epoch,
                                                     kConsumerOffsetsPartition, request.transaction)
                                 : txn_verify(request.producer_id, request.producer_epoch, kConsumerOffsetsPartition)) {
    error = refused->first == Errors::NOT_ENOUGH_REPLICAS ? Errors::COORDINATOR_NOT_AVAILABLE : refused->first;
    why = refused->second;
  }
  const std::int32_t host = coordinator_broker();
  Step& step = log_step(StepKind::OffsetsPending, broker_node(host));
  step.broker = host;
  step.offset = request.offset;
  step.producer_id = request.producer_id;
  step.producer_epoch = request.producer_epoch;
  step.transaction = request.transaction;
  if (error != Errors::NONE) {
    step.error = error;
    step.detail = "TxnOffsetCommit refused: " + why;
    return error;
  }
  state_.group.pending[request.producer_id] =
      PendingTxnOffset{request.offset, request.producer_epoch, request.transaction};
  step.detail = fmt::format("TxnOffsetCommit group.id={}: offset {} pending until the transaction's marker",
                            config_.consumer.group_id, request.offset);
  return Errors::NONE;
}

// handleTxnCompletion: the marker on the group's __consumer_offsets partition.
void World::group_complete_txn(std::int64_t producer_id, bool commit) {
  GroupCoordinatorNode& g = state_.group;
  const auto it = g.pending.find(producer_id);
  if (it == g.pending.end()) return;
  const PendingTxnOffset pending = it->second;
  g.pending.erase(it);
  const std::int32_t host = coordinator_broker();
  Step& step = log_step(commit ? StepKind::OffsetsCommitted : StepKind::OffsetsDiscarded, broker_node(host));
  step.broker = host;
  step.offset = pending.offset;
  step.producer_id = producer_id;
  step.producer_epoch = pending.producer_epoch;
  step.transaction = pending.transaction;
  if (commit) {
    step.detail = fmt::format("COMMIT marker: group.id={} committed offset {} -> {}", config_.consumer.group_id,
                              g.committed_offset, pending.offset);
    g.committed_offset = pending.offset;
  } else {
    step.detail = fmt::format("ABORT marker: pending offset {} dropped, group.id={} stays at {}", pending.offset,
                              config_.consumer.group_id, g.committed_offset);
  }
}

// The consumer's own OffsetCommit (auto-commit, or close()): applied when the
// group coordinator is reachable; a failed auto-commit is logged and not
// retried (ConsumerCoordinator: "consistent with async auto-commit failures,
// we do not propagate the exception"). The request's own network trip is
// not modelled.
void World::group_commit_offset(std::int64_t offset, const std::string& why) {
  GroupCoordinatorNode& g = state_.group;
  const std::int32_t host = coordinator_broker();
  if (host < 0 || !broker_available(host) || offset == g.committed_offset) return;
  Step& step = log_step(StepKind::OffsetsCommitted, broker_node(host));
  step.broker = host;
  step.offset = offset;
  step.instance = state_.producer.instance;
  step.detail = fmt::format("OffsetCommit ({}): group.id={} committed offset {} -> {}, outside any transaction", why,
                            config_.consumer.group_id, g.committed_offset, offset);
  g.committed_offset = offset;
}

}  // namespace kafka_model
