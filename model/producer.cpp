// KafkaProducer as the world runs it: RecordAccumulator (batching, linger.ms,
// buffer.memory), Sender (drain per leader, in-flight limit, retries,
// request.timeout.ms, delivery.timeout.ms) and, for idempotence, the
// sequence bookkeeping of TransactionManager (TxnPartitionMap, canRetry,
// KIP-360 unresolved sequences and epoch bumps). Batch lifecycles and the
// client's state go through the machines in statemachines/.
#include <fmt/core.h>

#include <algorithm>

#include "model/partitioner.hpp"
#include "model/step_text.hpp"
#include "model/sim_time.hpp"
#include "model/world.hpp"

namespace kafka_model {
namespace {

constexpr std::int32_t kMaxProducerEpoch = 32767;  // Short.MAX_VALUE


}  // namespace

// ---- lifecycle of the producer instance ------------------------------------

void World::producer_start() {
  ProducerClient& p = state_.producer;
  p = ProducerClient{};
  p.instance = state_.next_instance++;
  p.alive = true;
  p.transaction_manager = TransactionManager(config_.producer.transactional_id, config_.version);
  for (const BrokerNode& broker : state_.brokers) {
    p.connection[broker.id] = 1;
    p.node_state[broker.id] = NodeConnection{.connected = true, .last_connect_attempt_ms = state_.now_ms};
  }
  refresh_metadata();
  log_step(StepKind::ProducerStarted, producer_node(p.instance)).instance = p.instance;
  if (!config_.idempotent()) return;
  if (config_.transactional()) {  // initTransactions: InitProducerId from the coordinator
    txn_init_transactions();
    return;
  }
  // InitProducerId. A transactional.id keeps its producer id across
  // restarts and bumps the epoch (fencing the old instance); without one,
  // every instance gets a new producer id: a new "PID session".
  p.transaction_manager.transition_to(TransactionManager::State::INITIALIZING);
  if (config_.transactional()) {
    auto [it, fresh] = state_.transactional_ids.try_emplace(config_.producer.transactional_id,
                                                             state_.next_producer_id, -1);
    if (fresh) ++state_.next_producer_id;
    it->second.second += 1;
    p.producer_id = it->second.first;
    p.producer_epoch = it->second.second;
  } else {
    p.producer_id = state_.next_producer_id++;
    p.producer_epoch = 0;
  }
  p.transaction_manager.transition_to(TransactionManager::State::READY);
  Step& step = log_step(StepKind::ProducerIdAssigned, producer_node(p.instance));
  step.instance = p.instance;
  step.producer_id = p.producer_id;
  step.producer_epoch = p.producer_epoch;
}

// The process dies: the accumulator and every callback are gone. Requests
// already on the wire still arrive; their responses find no one.
void World::producer_crash() {
  ProducerClient& p = state_.producer;
  Step& step = log_step(StepKind::ProducerCrashed, producer_node(p.instance));
  step.instance = p.instance;
  step.detail = fmt::format("{} unfinished batches lost", p.batches.size());
  p.alive = false;
  p.batches.clear();
  p.accumulator.clear();
  p.in_flight.clear();
}

void World::refresh_metadata() {
  for (const PartitionState& partition : state_.partitions) {
    state_.producer.metadata[partition.id] = partition.leader;
    state_.producer.metadata_leader_epoch[partition.id] = partition.leader < 0 ? -1 : partition.leader_epoch;
  }
  state_.producer.metadata_stale = false;
}

// ---- RecordAccumulator -----------------------------------------------------

std::int32_t World::choose_partition(std::int64_t record) {
  const std::int32_t partitions = config_.broker.partitions;
  if (workload_.keys > 0) return partition_for_key(fmt::format("k{}", record % workload_.keys), partitions);
  // KIP-480 sticky partitioning for null keys: stay on one partition until
  // its batch is sent.
  ProducerClient& p = state_.producer;
  if (p.sticky_partition < 0)
    p.sticky_partition = static_cast<std::int32_t>(chooser_->choose(static_cast<std::uint64_t>(partitions), "sticky.partition"));
  return p.sticky_partition;
}

// RecordAccumulator.append; false when buffer.memory is exhausted (send()
// blocks, up to max.block.ms).
bool World::producer_append(std::int64_t record, std::int64_t send, std::int32_t partition) {
  ProducerClient& p = state_.producer;
  const std::int32_t size = workload_.record_size_bytes;
  if (p.buffered_bytes + size > config_.producer.buffer_memory) return false;
  std::deque<std::int64_t>& queue = p.accumulator[partition];
  ClientBatch* batch = nullptr;
  if (!queue.empty()) {
    ClientBatch& last = p.batches.at(queue.back());
    if (last.lifecycle.state() == ProducerBatchLifecycle::State::Open) {
      if (last.bytes + size <= config_.producer.batch_size) {
        batch = &last;
      } else {
        last.lifecycle.close();  // full: the next record needs a new batch
      }
    }
  }
  if (batch == nullptr) {
    const std::int64_t id = state_.next_batch++;
    ClientBatch fresh{.id = id, .partition = partition, .created_ms = state_.now_ms,
                      .lifecycle = ProducerBatchLifecycle(config_.producer.retries)};
    batch = &p.batches.emplace(id, std::move(fresh)).first->second;
    queue.push_back(id);
    Step& step = log_step(StepKind::BatchCreated, producer_node(p.instance));
    step.batch = id;
    step.partition = partition;
  }
  batch->records.push_back(LogRecord{record, send});
  batch->bytes += size;
  p.buffered_bytes += size;
  if (batch->bytes + size > config_.producer.batch_size) batch->lifecycle.close();
  wake_sender_at(state_.now_ms);
  return true;
}

void World::wake_sender_at(std::int64_t at_ms) {
  at_ms = std::max(at_ms, state_.now_ms);
  if (state_.wakeups.insert(at_ms).second) schedule(at_ms, EventKind::SenderWakeup, process_tag());
}

// ---- Sender.runOnce ----------------------------------------------------------

// One wake-up of the Sender thread. NetworkClient.poll, which ended the
// previous iteration, handles timed-out requests first; then Sender.runOnce
// (Sender.java:314-349): maybeResolveSequences, bumpIdempotentEpochAndResetIdIfNeeded,
// sendProducerData — again at once (poll timeout 0) while it drained something.
void World::sender_run() {
  ProducerClient& p = state_.producer;
  if (!p.alive) return;
  expire_blocked_sends();
  sender_handle_timeouts();
  bool again = true;
  while (again && p.alive) {
    if (config_.idempotent()) {
      sender_maybe_resolve_sequences();
      sender_bump_epoch_if_needed();
    }
    if (config_.transactional() && sender_send_transactional_request()) break;
    // Metadata is refreshed after an error that says the leader may have moved
    // (Sender.completeBatch -> metadata.requestUpdate) or while a partition
    // has no known leader; otherwise the producer keeps sending where it was.
    const bool leader_unknown = std::any_of(p.metadata.begin(), p.metadata.end(),
                                            [](const auto& m) { return m.second < 0; });
    if (p.metadata_stale || leader_unknown) refresh_metadata();
    again = sender_send_producer_data();
  }
  // Sleep until the next deadline: linger, backoff, reconnect, request or delivery timeout.
  std::int64_t next = -1;
  auto consider = [&](std::int64_t t) {
    if (t > state_.now_ms && (next < 0 || t < next)) next = t;
  };
  for (const auto& [id, batch] : p.batches) {
    consider(after(batch.created_ms, config_.producer.delivery_timeout_ms));
    if (batch.lifecycle.state() == ProducerBatchLifecycle::State::Open) consider(after(batch.created_ms, config_.producer.linger_ms));
    if (batch.lifecycle.state() == ProducerBatchLifecycle::State::WaitingToRetry) consider(batch.retry_at_ms);
  }
  for (const auto& [partition, queue] : p.accumulator) {
    if (queue.empty()) continue;
    const auto leader = p.metadata.find(partition);
    // A partition with batches and no known leader: Sender.sendProducerData
    // requests a metadata update (unknownLeaderTopics, Sender.java:372-382),
    // which NetworkClient sends once Metadata.timeToNextUpdate allows it: the
    // refresh backoff grows from retry.backoff.ms to retry.backoff.max.ms
    // while the answers show no leader (Metadata.timeToAllowUpdate,
    // equivalentResponseCount). The model looks again after retry.backoff.max.ms,
    // the steady state of that backoff, so a leader that comes back (a broker
    // restart) is found without another event waking the Sender.
    if (leader == p.metadata.end() || leader->second < 0) {
      consider(after(state_.now_ms, config_.producer.retry_backoff_max_ms));
      continue;
    }
    const NodeConnection& node = p.node_state[leader->second];
    if (!node.connected) consider(after(node.last_connect_attempt_ms, node.reconnect_backoff_ms));
  }
  // InFlightRequests.hasExpiredRequest: elapsed > request.timeout.ms.
  for (const auto& [n, request] : p.in_flight) consider(after(request.sent_ms, config_.producer.request_timeout_ms) + 1);
  for (const auto& [send, since, partition] : state_.app.blocked) consider(after(since, config_.producer.max_block_ms));
  if (next >= 0) wake_sender_at(next);
}

// KafkaProducer.send blocks while buffer.memory is full, up to max.block.ms,
// then throws TimeoutException to the caller.
void World::expire_blocked_sends() {
  ApplicationState& app = state_.app;
  while (!app.blocked.empty() && state_.now_ms >= after(std::get<1>(app.blocked.front()), config_.producer.max_block_ms)) {
    const std::int64_t send = std::get<0>(app.blocked.front());
    app.blocked.pop_front();
    Step& step = log_step(StepKind::SendFailed, "app");
    step.send = send;
    step.record = record_of_send(send);
    step.error = Errors::TIMEOUT;
    step.detail = "buffer.memory full for max.block.ms";
    app_callback(send, -1, Errors::TIMEOUT);
  }
}

// NetworkClient.handleTimedOutRequests (NetworkClient.java:866-873,
// InFlightRequests.nodesWithTimedOutRequests): a node with a request in
// flight longer than request.timeout.ms (strictly: elapsed > timeout) is
// disconnected, and every request in flight to it times out.
void World::sender_handle_timeouts() {
  ProducerClient& p = state_.producer;
  std::map<std::int32_t, std::int64_t> timed_out;  // node -> its oldest timed-out request
  for (const auto& [n, request] : p.in_flight)
    if (state_.now_ms - request.sent_ms > config_.producer.request_timeout_ms) timed_out.try_emplace(request.broker, n);
  for (const auto& [broker, n] : timed_out) {
    Step& step = log_step(StepKind::RequestTimedOut, producer_node(p.instance));
    step.request = n;
    step.broker = broker;
    producer_connection_failed(broker, n);
  }
}

// One expired batch: Sender.sendProducerData's failBatch(TimeoutException,
// adjustSequenceNumbers=false) -> handleFailedBatch removes it from the
// in-flight sequences; then, only for a batch already in retry
// (expiredBatch.inRetry()), markSequenceUnresolved (KIP-360). `request`: the
// request it is in (or about to go in), -1 for none.
void World::expire_batch(ClientBatch& batch, std::int64_t request) {
  ProducerClient& p = state_.producer;
  batch.lifecycle.expire();
  const bool unknown = batch.lifecycle.outcome_unknown();
  Step& step = log_step(StepKind::BatchExpired, producer_node(p.instance));
  step.batch = batch.id;
  step.partition = batch.partition;
  step.detail = unknown ? "outcome unknown: it was sent and may be in the log" : "never sent";
  if (auto found = p.in_flight.find(request); found != p.in_flight.end())
    found->second.expired[batch.id] = ExpiredBatch{batch.partition, batch.base_sequence < 0 ? -1 : batch.last_sequence(),
                                                   static_cast<std::int32_t>(batch.records.size())};
  if (config_.idempotent() && batch.base_sequence >= 0) {
    TxnPartitionEntry& entry = p.sequences[batch.partition];
    entry.in_flight.erase({batch.base_sequence, batch.id});
    const bool in_retry = batch.lifecycle.retries_used() > 0;
    if (in_retry) {
      // markSequenceUnresolved: the next sequence after it (lastSequence + 1), the max of those marked.
      const std::int32_t next = batch.last_sequence() + 1;
      entry.unresolved_sequence = entry.unresolved ? std::max(entry.unresolved_sequence, next) : next;
      entry.unresolved = true;
    }
  }
  finish_batch(batch, -1, Errors::TIMEOUT);
}

// RecordAccumulator.expiredBatches then Sender.getExpiredInflightBatches
// (Sender.java:186-215, RecordAccumulator.java:487-508): per partition, in
// order, up to the first batch still within delivery.timeout.ms; the
// accumulator's are failed first, then the in-flight ones.
void World::sender_expire_batches(const std::map<std::int64_t, std::int64_t>& drained_requests) {
  ProducerClient& p = state_.producer;
  auto reached = [&](const ClientBatch& batch) {  // ProducerBatch.hasReachedDeliveryTimeout
    return config_.producer.delivery_timeout_ms <= state_.now_ms - batch.created_ms;
  };
  std::vector<std::int64_t> in_flight_expired;
  for (auto& [partition, ids] : p.in_flight_batches)
    for (std::int64_t id : ids) {
      if (!reached(p.batches.at(id))) break;
      in_flight_expired.push_back(id);
    }
  std::vector<std::int64_t> expired;
  for (auto& [partition, queue] : p.accumulator)
    while (!queue.empty() && reached(p.batches.at(queue.front()))) {
      expired.push_back(queue.front());
      queue.pop_front();
    }
  expired.insert(expired.end(), in_flight_expired.begin(), in_flight_expired.end());
  for (std::int64_t id : expired) {
    ClientBatch& batch = p.batches.at(id);
    const auto drained = drained_requests.find(id);
    expire_batch(batch, drained != drained_requests.end() ? drained->second : batch.request);
  }
}

// TransactionManager.maybeResolveSequences (TransactionManager.java:738-776):
// once nothing is in flight for a partition with an unresolved sequence,
// it is resolved if lastAckedSequence is nextSequence - 1 (later batches
// succeeded, so the expired one was written), else the epoch is bumped.
// Either way the partition leaves the unresolved set.
void World::sender_maybe_resolve_sequences() {
  ProducerClient& p = state_.producer;
  for (auto& [partition, entry] : p.sequences) {
    if (!entry.unresolved || !entry.in_flight.empty()) continue;
    const bool is_next_sequence = static_cast<std::int64_t>(entry.next_sequence) - entry.last_acked_sequence == 1;
    if (!is_next_sequence && !config_.transactional()) request_epoch_bump_for_partition(partition);
    // The transactional producer: "It is safe to abort the transaction and
    // continue": an epoch bump after the abort, and an abortable error now.
    if (!is_next_sequence && config_.transactional()) txn_sequence_unresolvable();
    entry.unresolved = false;
    entry.unresolved_sequence = -1;
  }
}

// bumpIdempotentEpochAndResetIdIfNeeded / bumpIdempotentProducerEpoch: the
// KIP-360 local epoch bump of the idempotent (non-transactional) producer.
// An ordinary bump changes only the epoch; an exhausted epoch resets the
// producer id through the TransactionManager machine
// (READY -> UNINITIALIZED -> INITIALIZING -> READY): a new PID session.
void World::sender_bump_epoch_if_needed() {
  ProducerClient& p = state_.producer;
  if (!p.epoch_bump_requested || config_.transactional()) return;
  const bool exhausted = p.producer_epoch == kMaxProducerEpoch;
  if (exhausted) {
    // resetIdempotentProducerId: ProducerIdAndEpoch.NONE, UNINITIALIZED.
    p.producer_id = -1;
    p.producer_epoch = -1;
    p.transaction_manager.transition_to(TransactionManager::State::UNINITIALIZED, TransactionManager::Origin::Sender);
  } else {
    p.producer_epoch += 1;
  }
  // Rewrite the in-flight sequences of the partitions that asked, under the
  // producer id and epoch as they now are (TransactionManager.java:536-539):
  // after exhaustion that is NONE (-1/-1), not the id InitProducerId brings.
  std::string partitions;
  for (std::int32_t partition : p.partitions_to_rewrite) {
    partitions += (partitions.empty() ? "" : ",") + std::to_string(partition);
    start_sequences_at_beginning(partition);
    p.sequences[partition].unresolved = false;  // partitionsWithUnresolvedSequences.remove
    p.sequences[partition].unresolved_sequence = -1;
  }
  if (exhausted) {
    // bumpIdempotentEpochAndResetIdIfNeeded: no producer id -> InitProducerId
    // (answered at once in the model): a new PID session.
    using S = TransactionManager::State;
    for (S target : {S::INITIALIZING, S::READY}) p.transaction_manager.transition_to(target, TransactionManager::Origin::Sender);
    p.producer_id = state_.next_producer_id++;
    p.producer_epoch = 0;
    Step& step = log_step(StepKind::ProducerIdAssigned, producer_node(p.instance));
    step.instance = p.instance;
    step.producer_id = p.producer_id;
    step.producer_epoch = p.producer_epoch;
    step.detail = "epoch exhausted: new producer id";
  }
  Step& step = log_step(StepKind::EpochBumped, producer_node(p.instance));
  step.producer_id = p.producer_id;
  step.producer_epoch = p.producer_epoch;
  step.detail = "sequences restart at 0 for partitions " + partitions;
  p.partitions_to_rewrite.clear();
  p.epoch_bump_requested = false;
}

// TxnPartitionEntry.startSequencesAtBeginning (TxnPartitionEntry.java:115-124):
// the in-flight batches are renumbered from 0 under the producer's current id
// and epoch, in order, and marked reset (ProducerBatch.resetProducerState:
// reopened = true); lastAckedSequence is forgotten, lastAckedOffset and the
// unresolved mark (TransactionManager's own map) are kept.
void World::start_sequences_at_beginning(std::int32_t partition) {
  ProducerClient& p = state_.producer;
  TxnPartitionEntry& entry = p.sequences[partition];
  std::set<std::pair<std::int32_t, std::int64_t>> renumbered;
  std::int32_t sequence = 0;
  for (const auto& [old_sequence, id] : entry.in_flight) {
    ClientBatch& batch = p.batches.at(id);
    batch.producer_id = p.producer_id;
    batch.producer_epoch = p.producer_epoch;
    batch.base_sequence = sequence;
    batch.sequence_has_been_reset = true;
    renumbered.insert({sequence, id});
    log_sequence_assigned(batch, fmt::format("renumbered after epoch bump (was seq {})", old_sequence));
    sequence += static_cast<std::int32_t>(batch.records.size());
  }
  entry.in_flight = std::move(renumbered);
  entry.producer_id = p.producer_id;
  entry.producer_epoch = p.producer_epoch;
  entry.next_sequence = sequence;
  entry.last_acked_sequence = -1;
}

}  // namespace kafka_model
