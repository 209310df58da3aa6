// The transaction coordinator (Kafka 3.9, Transactions V1; Transactions V2 on
// Kafka 4.0+ with transaction.version=2: EndTxn bumps the epoch and answers
// with it, the partition leader adds a partition to the transaction, see
// txn_verify_partition), on a fixed broker.
// Sources: core/.../coordinator/transaction/TransactionCoordinator.scala
// (handleInitProducerId, handleAddPartitionsToTransaction,
// handleEndTransaction: the EndTxn answer is sent once PrepareCommit/PrepareAbort
// is written, the markers follow asynchronously), TransactionMetadata.scala (the
// states, through the TransactionCoordinator machine), and
// TransactionMarkerChannelManager.scala (WriteTxnMarkers to each partition's
// leader, re-looked up and retried until answered; the leader answers once the
// marker is replicated: ReplicaManager.appendRecords with requiredAcks -1,
// KafkaApis.handleWriteTxnMarkersRequest), then TransactionStateManager writes
// CompleteCommit/CompleteAbort.
//
// Simplifications (docs/model.md "Transactions"): the coordinator runs on the
// leader of the transactional.id's __transaction_state partition, whose
// replication and failover are transaction_state_log.cpp's; a request to a
// dead broker is answered COORDINATOR_NOT_AVAILABLE, to a live one that no
// longer hosts it NOT_COORDINATOR (the client then finds the coordinator
// again). The marker channel is polled every
// ModelParameters::marker_channel_interval_ms (10 ms: its request and response latency), not a message on the
// wire of its own.
#include <fmt/core.h>

#include <algorithm>

#include "model/sim_time.hpp"
#include "model/step_text.hpp"
#include "model/transaction_log.hpp"
#include "model/world.hpp"

namespace kafka_model {
namespace {

Errors error_of(TransactionCoordinator::Error e) {
  using E = TransactionCoordinator::Error;
  switch (e) {
    case E::NONE: return Errors::NONE;
    case E::CONCURRENT_TRANSACTIONS: return Errors::CONCURRENT_TRANSACTIONS;
    case E::INVALID_TXN_STATE: return Errors::INVALID_TXN_STATE;
    case E::PRODUCER_FENCED: return Errors::PRODUCER_FENCED;
    case E::INVALID_PRODUCER_EPOCH: return Errors::INVALID_PRODUCER_EPOCH;
    case E::TRANSACTIONAL_ID_NOT_FOUND: return Errors::INVALID_TXN_STATE;
  }
  return Errors::INVALID_TXN_STATE;
}

}  // namespace

const char* to_string(TxnApi api) {
  switch (api) {
    case TxnApi::InitProducerId: return "InitProducerId";
    case TxnApi::AddPartitionsToTxn: return "AddPartitionsToTxn";
    case TxnApi::EndTxn: return "EndTxn";
    case TxnApi::AddOffsetsToTxn: return "AddOffsetsToTxn";
    case TxnApi::TxnOffsetCommit: return "TxnOffsetCommit";
  }
  return "?";
}

// A request reaches the coordinator's broker. A dead broker refuses the
// connection (the client's FindCoordinator then finds no coordinator:
// COORDINATOR_NOT_AVAILABLE); a paused one reads it when it resumes.
void World::coordinator_receive(const TxnRequest& request) {
  TransactionCoordinatorNode& c = state_.coordinator;
  const BrokerNode& broker = state_.brokers.at(static_cast<std::size_t>(request.broker));
  TxnResponse response{request, Errors::NONE, -1, -1};
  if (!broker.alive || request.broker != coordinator_broker()) {
    response.error = broker.alive ? Errors::NOT_COORDINATOR : Errors::COORDINATOR_NOT_AVAILABLE;
    coordinator_respond(response);
    return;
  }
  if (broker.stalled_until_ms > state_.now_ms) {
    c.held.push_back(request);
    return;
  }
  // The coordinator's own answers before it looks at the request
  // (TransactionStateManager.getTransactionState while the partition loads;
  // a write it could not replicate below transaction.state.log.min.isr). A
  // request that would write nothing is refused too: the model checks first.
  if (request.api != TxnApi::TxnOffsetCommit && (coordinator_loading() || !coordinator_can_write())) {
    response.error = coordinator_loading() ? Errors::COORDINATOR_LOAD_IN_PROGRESS : Errors::COORDINATOR_NOT_AVAILABLE;
    coordinator_respond(response);
    return;
  }
  for (const ModelParameters::CoordinatorAnswer& answer : parameters_.coordinator_answers)
    if (answer.instance == request.instance && answer.correlation_id == request.correlation_id) {
      response.error = answer.error;  // the test-only seam: answered without being processed
      coordinator_respond(response);
      return;
    }
  using E = TransactionCoordinator::Error;
  const std::string before =
      c.metadata ? TransactionCoordinator::name(c.metadata->state()) : std::string("(no metadata)");
  switch (request.api) {
    case TxnApi::InitProducerId: {
      if (!c.metadata) {  // the first InitProducerId of the transactional.id allocates its producer id
        c.metadata.emplace(config_.producer.transactional_id, state_.next_producer_id++, config_.version,
                           config_.transactions_v2());
      }
      const bool was_ongoing = c.metadata->state() == TransactionCoordinator::State::Ongoing;
      const std::int16_t epoch_before = c.metadata->producer_epoch();
      const auto result = c.metadata->init_producer_id();
      response.error = error_of(result.error);
      response.producer_id = result.producer_id;
      response.producer_epoch = result.producer_epoch;
      if (was_ongoing && c.metadata->state() == TransactionCoordinator::State::PrepareAbort) {
        // prepareFenceProducerEpoch: the open transaction is aborted under the bumped epoch.
        // epoch + 1; + 2 on Kafka 4.0 under Transactions V2 (the abort bumps again, KAFKA-19367).
        coordinator_log_state(
            fmt::format("{} (fenced by InitProducerId: epoch + {})", before, c.metadata->producer_epoch() - epoch_before));
        coordinator_queue_markers(false);
      } else if (result.error == E::NONE) {
        coordinator_log_state(before);
      }
      break;
    }
    case TxnApi::TxnOffsetCommit:
      response.error = group_txn_offset_commit(request);
      break;
    // handleAddOffsetsToTransaction: handleAddPartitionsToTransaction with
    // the group's __consumer_offsets partition (request.partitions holds it).
    case TxnApi::AddOffsetsToTxn:
    case TxnApi::AddPartitionsToTxn: {
      if (!c.metadata) {
        response.error = Errors::INVALID_TXN_STATE;
        break;
      }
      response.error = error_of(coordinator_add_partitions(static_cast<std::int16_t>(request.producer_epoch),
                                                           request.partitions, request.transaction));
      break;
    }
    case TxnApi::EndTxn: {
      if (!c.metadata) {
        response.error = Errors::INVALID_TXN_STATE;
        break;
      }
      const TransactionCoordinator::State was = c.metadata->state();
      const E error = c.metadata->end_txn(static_cast<std::int16_t>(request.producer_epoch), request.commit);
      response.error = error_of(error);
      // EndTxnResponse v5+ (Transactions V2) carries the producer id and the
      // epoch the coordinator bumped to (KAFKA-14562, PR 17402): the client adopts it.
      if (error == E::NONE && config_.transactions_v2()) {
        response.producer_id = c.metadata->producer_id();
        response.producer_epoch = c.metadata->producer_epoch();
      }
      // V2: an abort from Empty/Complete* starts (and at once ends) an
      // empty transaction of its own.
      if (error == E::NONE && was != TransactionCoordinator::State::Ongoing && c.metadata->state() != was)
        c.transaction = request.transaction;
      // A retried EndTxn of a transaction already completed the same way
      // (CompleteCommit + commit, CompleteAbort + abort) is answered NONE
      // with no transition and no markers (TransactionCoordinator.
      // handleEndTransaction, 3.9 TransactionCoordinator.scala:544-553:
      // `case CompleteAbort => if (txnMarkerResult ==
      // TransactionResult.ABORT) Left(Errors.NONE)`): only a move into
      // PrepareCommit/PrepareAbort writes markers.
      if (error == E::NONE && c.metadata->state() != was) {
        coordinator_log_state(before);
        coordinator_queue_markers(request.commit);
      }
      break;
    }
  }
  coordinator_respond(response);
}

// handleAddPartitionsToTransaction: Empty/Ongoing/Complete* -> Ongoing; a
// transaction that opens here starts its transaction.timeout.ms clock.
TransactionCoordinator::Error World::coordinator_add_partitions(std::int16_t producer_epoch,
                                                                const std::vector<std::int32_t>& partitions,
                                                                std::int64_t transaction) {
  TransactionCoordinatorNode& c = state_.coordinator;
  const TransactionCoordinator::State state = c.metadata->state();
  const std::string before = TransactionCoordinator::name(state);
  const TransactionCoordinator::Error error = c.metadata->add_partitions_to_txn(producer_epoch, partitions);
  if (error == TransactionCoordinator::Error::NONE && state != TransactionCoordinator::State::Ongoing) {
    c.transaction = transaction;
    c.txn_start_ms = state_.now_ms;
    coordinator_log_state(before);
    coordinator_schedule_timeout_check(after(c.txn_start_ms, config_.producer.transaction_timeout_ms));
  }
  return error;
}

// A paused broker resumes: it reads the coordinator requests that arrived
// meanwhile, in order.
void World::coordinator_resume(std::int32_t broker) {
  std::vector<TxnRequest> held;
  std::vector<TxnRequest> keep;
  for (TxnRequest& request : state_.coordinator.held) {
    if (!state_.brokers.at(static_cast<std::size_t>(request.broker)).alive) continue;  // lost with the process
    (request.broker == broker ? held : keep).push_back(std::move(request));
  }
  state_.coordinator.held = std::move(keep);
  for (const TxnRequest& request : held) coordinator_receive(request);
}

void World::coordinator_respond(const TxnResponse& response) {
  const std::int64_t id = state_.next_message++;
  state_.txn_responses_on_wire.emplace(id, response);
  schedule(deliver_in_order(3, response.request.instance, response.request.broker, network_delay()),
           EventKind::TxnResponseArrives, id);
}

void World::coordinator_log_state(const std::string& from) {
  const TransactionCoordinatorNode& c = state_.coordinator;
  const std::int32_t host = coordinator_broker();
  Step& step = log_step(StepKind::TransactionStateChanged, broker_node(host));
  step.broker = host;
  step.producer_id = c.metadata->producer_id();
  step.producer_epoch = c.metadata->producer_epoch();
  step.transaction = c.transaction;
  step.detail = fmt::format("{} -> {}", from, TransactionCoordinator::name(c.metadata->state()));
}

// TransactionStateManager runs abortTimedOutTransactions every
// transaction.abort.timed.out.transaction.cleanup.interval.ms (10 s, from
// the broker's start): the first run after `after_ms`.
void World::coordinator_schedule_timeout_check(std::int64_t after_ms) {
  constexpr std::int64_t kCleanupIntervalMs = 10000;
  schedule((after_ms / kCleanupIntervalMs + 1) * kCleanupIntervalMs, EventKind::TxnTimeoutCheck,
           state_.coordinator.txn_start_ms);
}

// TransactionCoordinator.abortTimedOutTransactions: an Ongoing transaction
// older than the producer's transaction.timeout.ms (txnStartTimestamp +
// txnTimeoutMs < now) is fenced and aborted: epoch + 1
// (prepareFenceProducerEpoch; + 2 on Kafka 4.0 under Transactions V2, whose
// abort bumps again), PrepareAbort, markers. The producer's next
// AddPartitionsToTxn or EndTxn under the old epoch is PRODUCER_FENCED: the
// ProducerFencedException of an application with one producer.
void World::coordinator_timeout_check(std::int64_t txn_start_ms) {
  TransactionCoordinatorNode& c = state_.coordinator;
  if (!c.metadata || c.metadata->state() != TransactionCoordinator::State::Ongoing || c.txn_start_ms != txn_start_ms)
    return;  // that transaction has ended (a later one has its own check)
  const std::int32_t host = coordinator_broker();
  if (host < 0 || !broker_available(host) || coordinator_loading() || !coordinator_can_write() ||
      c.txn_start_ms + config_.producer.transaction_timeout_ms >= state_.now_ms) {
    coordinator_schedule_timeout_check(state_.now_ms);
    return;
  }
  const std::int16_t epoch_before = c.metadata->producer_epoch();
  c.metadata->transaction_timed_out();
  if (c.metadata->state() != TransactionCoordinator::State::PrepareAbort) return;  // epoch exhausted: not modelled
  coordinator_log_state(fmt::format("Ongoing (transaction.timeout.ms={} expired: epoch + {})",
                                    config_.producer.transaction_timeout_ms, c.metadata->producer_epoch() - epoch_before));
  coordinator_queue_markers(false);
}

// TransactionMarkerChannelManager.addTxnMarkersToSend: one marker per
// partition of the transaction, with the metadata's (possibly bumped) epoch.
void World::coordinator_queue_markers(bool commit) {
  TransactionCoordinatorNode& c = state_.coordinator;
  for (std::int32_t partition : c.metadata->partitions())
    c.markers.push_back(PendingMarker{partition, c.metadata->producer_id(), c.metadata->producer_epoch(), commit,
                                      c.transaction});
  if (c.markers.empty()) {  // nothing to write: complete at once
    c.metadata->markers_written();
    coordinator_log_state(commit ? "PrepareCommit" : "PrepareAbort");
    c.transaction = -1;
    return;
  }
  coordinator_schedule_tick();
}

void World::coordinator_schedule_tick() {
  TransactionCoordinatorNode& c = state_.coordinator;
  if (c.tick_scheduled) return;
  c.tick_scheduled = true;
  schedule(after(state_.now_ms, parameters_.marker_channel_interval_ms), EventKind::TxnCoordinatorTick);
}

// The marker channel's round: each pending marker goes to its partition's
// current leader; written there once (a retry after a leadership change or a
// truncation writes it again on the new leader), answered once the high
// watermark has passed it. All answered: CompleteCommit / CompleteAbort.
void World::coordinator_tick() {
  TransactionCoordinatorNode& c = state_.coordinator;
  c.tick_scheduled = false;
  if (!c.completing()) {
    c.markers.clear();  // markers only belong to a Prepare* state (coordinator_load rebuilds them)
    return;
  }
  const std::int32_t host = coordinator_broker();
  if (host < 0 || !broker_available(host) || coordinator_loading()) {
    coordinator_schedule_tick();
    return;
  }
  std::vector<PendingMarker> still;
  for (const PendingMarker& marker : c.markers) {
    if (marker.partition == kConsumerOffsetsPartition) {
      // The group coordinator leads the group's __consumer_offsets partition
      // and it is hosted here: the marker is answered at once
      // (KafkaApis.handleWriteTxnMarkersRequest ->
      // GroupCoordinator.scheduleHandleTxnCompletion for the offsets topic).
      group_complete_txn(marker.producer_id, marker.commit);
      continue;
    }
    const PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(marker.partition));
    if (partition.leader < 0 || !broker_available(partition.leader)) {
      still.push_back(marker);
      continue;
    }
    const Replica& leader = state_.brokers.at(static_cast<std::size_t>(partition.leader)).replicas.at(marker.partition);
    // From the end: the marker, once written, is among the last batches (and
    // a transaction has one marker per partition: a retried EndTxn of a
    // completed transaction writes none).
    const auto written = std::find_if(leader.log.batches.rbegin(), leader.log.batches.rend(), [&](const LogBatch& b) {
      return b.is_control() && b.producer_id == marker.producer_id && b.producer_epoch == marker.producer_epoch &&
             b.transaction == marker.transaction;
    });
    if (written == leader.log.batches.rend()) {
      write_txn_marker(partition.leader, marker);
      still.push_back(marker);
    } else if (written->base_offset >= leader.high_watermark) {
      still.push_back(marker);  // written, not yet replicated: the leader has not answered
    }
  }
  c.markers = std::move(still);
  if (!c.markers.empty() || !coordinator_can_write()) {  // CompleteCommit/CompleteAbort is a write too
    coordinator_schedule_tick();
    return;
  }
  const bool commit = c.metadata->state() == TransactionCoordinator::State::PrepareCommit;
  c.metadata->markers_written();
  coordinator_log_state(commit ? "PrepareCommit" : "PrepareAbort");
  c.transaction = -1;
}

// The leader appends the control batch (ProducerAppendInfo.appendEndTxnMarker:
// the producer's transaction completes; a new epoch resets its sequence state).
void World::write_txn_marker(std::int32_t leader_id, const PendingMarker& marker) {
  PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(marker.partition));
  Replica& replica = state_.brokers.at(static_cast<std::size_t>(leader_id)).replicas.at(marker.partition);
  const std::int64_t log_end = replica.log.log_end_offset();
  LogBatch control{log_end, partition.leader_epoch, -1, -1, marker.producer_id, marker.producer_epoch, -1, -1,
                   {LogRecord{}}, state_.now_ms};
  control.transactional = true;
  control.control = marker.commit ? ControlType::Commit : ControlType::Abort;
  control.transaction = marker.transaction;
  replica.log.batches.push_back(std::move(control));
  auto [entry, fresh] = replica.producers.try_emplace(marker.producer_id, config_.broker.producer_state_batches_to_retain);
  entry->second.marker_written(static_cast<std::int16_t>(marker.producer_epoch));
  Step& step = log_step(StepKind::MarkerWritten, broker_node(leader_id));
  step.partition = marker.partition;
  step.broker = leader_id;
  step.offset = log_end;
  step.producer_id = marker.producer_id;
  step.producer_epoch = marker.producer_epoch;
  step.transaction = marker.transaction;
  step.detail = marker.commit ? "COMMIT marker" : "ABORT marker";
  maybe_advance_high_watermark(marker.partition);
  // WriteTxnMarkers appends through ReplicaManager.appendRecords (origin
  // COORDINATOR), whose completion actions (addCompletePurgatoryAction) wake
  // the partition's parked follower fetches, as a produce's append does.
  complete_delayed_fetches(leader_id, marker.partition, false);
}

// KIP-890 part 1, Kafka 3.6+ (transaction.partition.verification.enable,
// default true): before the first batch of a producer's transaction on a
// partition (no transaction of it open there: UnifiedLog
// .maybeStartTransactionVerification), the leader asks the coordinator
// (AddPartitionsToTxnManager, AddPartitionsToTxn verifyOnly;
// TransactionCoordinator.handleVerifyPartitionsInTransaction): another epoch
// is PRODUCER_FENCED (answered INVALID_PRODUCER_EPOCH), a completing
// transaction CONCURRENT_TRANSACTIONS and an unreachable coordinator
// COORDINATOR_NOT_AVAILABLE (both answered NOT_ENOUGH_REPLICAS, retriable:
// ReplicaManager's postVerificationCallback), a partition not in the
// transaction INVALID_TXN_STATE ("Partition was not added to the
// transaction"). The model asks at once (no round trip); 2.8 has no verification.
//
// Transactions V2 (KIP-890 part 2, KAFKA-14563, Kafka 4.0): the client sends
// no AddPartitionsToTxn; a produce request v12+ makes the leader's request
// add the partition (AddPartitionsToTxnManager with verifyOnly = false,
// TransactionSupportedOperation addPartition), so a partition not yet in the
// transaction is added (handleAddPartitionsToTransaction: Empty/Complete* ->
// Ongoing). The leader skips the request only for an open transaction of the
// producer at an epoch at least the batch's (UnifiedLog.hasOngoingTransaction
// (producerId, producerEpoch)): a write of an older epoch, such as a late
// write of the previous transaction, is checked, and refused: the coordinator
// has bumped the epoch at its EndTxn (PRODUCER_FENCED, answered
// INVALID_PRODUCER_EPOCH), and so has the marker on this leader
// (ProducerAppendInfo.checkProducerEpoch) if the next transaction is open here.
std::optional<std::pair<Errors, std::string>> World::txn_verify_partition(const Replica& replica,
                                                                          const WireBatch& batch) {
  if (config_.version == KafkaVersion::V2_8) return std::nullopt;
  if (has_ongoing_transaction(replica.log, batch.producer_id)) {
    const auto entry = replica.producers.find(batch.producer_id);
    const bool open_at_older_epoch = config_.transactions_v2() && entry != replica.producers.end() &&
                                     entry->second.producer_epoch() < batch.producer_epoch;
    if (!open_at_older_epoch) return std::nullopt;
  }
  if (!config_.transactions_v2()) return txn_verify(batch.producer_id, batch.producer_epoch, batch.partition);
  return txn_verify_or_add(batch.producer_id, batch.producer_epoch, batch.partition, batch.transaction);
}

// Transactions V2: the verification adds the partition (verifyOnly = false):
// the leader's produce, and the group coordinator's TxnOffsetCommit for
// __consumer_offsets (4.0's TransactionManager.sendOffsetsToTransaction sends
// no AddOffsetsToTxn under V2: "the client will skip sending AddOffsetsToTxn
// before sending txnOffsetCommit").
std::optional<std::pair<Errors, std::string>> World::txn_verify_or_add(std::int64_t producer_id,
                                                                       std::int32_t producer_epoch,
                                                                       std::int32_t partition, std::int64_t transaction) {
  if (auto refused = txn_verify_transaction(producer_id, producer_epoch)) return refused;
  const auto& partitions = state_.coordinator.metadata->partitions();
  if (std::find(partitions.begin(), partitions.end(), partition) != partitions.end()) return std::nullopt;
  if (!coordinator_can_write())
    return std::pair{Errors::NOT_ENOUGH_REPLICAS,
                     std::string("transaction: COORDINATOR_NOT_AVAILABLE (__transaction_state below its min.isr)")};
  using E = TransactionCoordinator::Error;
  const E added = coordinator_add_partitions(static_cast<std::int16_t>(producer_epoch), {partition}, transaction);
  if (added == E::NONE) return std::nullopt;
  const std::string name = partition == kConsumerOffsetsPartition ? std::string("__consumer_offsets") : fmt::format("p{}", partition);
  return std::pair{added == E::CONCURRENT_TRANSACTIONS ? Errors::NOT_ENOUGH_REPLICAS : Errors::INVALID_TXN_STATE,
                   fmt::format("transaction: adding {} answered {}", name, TransactionCoordinator::name(added))};
}

// The coordinator's checks of handleVerifyPartitionsInTransaction before it
// looks at the partitions: reachable, the producer id's metadata, its epoch,
// no transaction being completed.
std::optional<std::pair<Errors, std::string>> World::txn_verify_transaction(std::int64_t producer_id,
                                                                            std::int32_t producer_epoch) const {
  const TransactionCoordinatorNode& c = state_.coordinator;
  const std::int32_t host = coordinator_broker();
  if (host < 0 || !broker_available(host))
    return std::pair{Errors::NOT_ENOUGH_REPLICAS, std::string("transaction verification: COORDINATOR_NOT_AVAILABLE")};
  if (coordinator_loading())
    return std::pair{Errors::NOT_ENOUGH_REPLICAS, std::string("transaction verification: COORDINATOR_LOAD_IN_PROGRESS")};
  if (!c.metadata || c.metadata->producer_id() != producer_id)
    return std::pair{Errors::INVALID_TXN_STATE, std::string("transaction verification: INVALID_PRODUCER_ID_MAPPING")};
  if (c.metadata->producer_epoch() != producer_epoch)
    return std::pair{Errors::INVALID_PRODUCER_EPOCH,
                     fmt::format("transaction verification: PRODUCER_FENCED (the coordinator's epoch is {})",
                                 c.metadata->producer_epoch())};
  if (c.completing())
    return std::pair{Errors::NOT_ENOUGH_REPLICAS, std::string("transaction verification: CONCURRENT_TRANSACTIONS")};
  return std::nullopt;
}

// The coordinator's side of the verification (handleVerifyPartitionsInTransaction).
std::optional<std::pair<Errors, std::string>> World::txn_verify(std::int64_t producer_id, std::int32_t producer_epoch,
                                                                std::int32_t partition) const {
  if (auto refused = txn_verify_transaction(producer_id, producer_epoch)) return refused;
  const TransactionCoordinatorNode& c = state_.coordinator;
  const auto& partitions = c.metadata->partitions();
  if (std::find(partitions.begin(), partitions.end(), partition) == partitions.end())
    return std::pair{Errors::INVALID_TXN_STATE,
                     fmt::format("transaction verification: {} was not added to the transaction (coordinator: {})",
                                 partition == kConsumerOffsetsPartition ? std::string("__consumer_offsets")
                                                                        : fmt::format("p{}", partition),
                                 TransactionCoordinator::name(c.metadata->state()))};
  return std::nullopt;
}

bool World::coordinator_idle() const {
  const bool holds = std::any_of(state_.coordinator.held.begin(), state_.coordinator.held.end(), [&](const TxnRequest& r) {
    return state_.brokers.at(static_cast<std::size_t>(r.broker)).alive;
  });
  return state_.coordinator.markers.empty() && !holds && state_.txn_requests_on_wire.empty() &&
         state_.txn_responses_on_wire.empty();
}

}  // namespace kafka_model
