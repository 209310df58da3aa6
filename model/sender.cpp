// The Sender's request path: drain ready batches per leader within the
// in-flight limit, put produce requests on the wire, and complete batches
// from responses, disconnects and timeouts (Sender.completeBatch, canRetry,
// TransactionManager.canRetry).
#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

#include "model/step_text.hpp"
#include "model/sim_time.hpp"
#include "model/world.hpp"

namespace kafka_model {
namespace {

std::int8_t acks_on_wire(Acks acks) { return static_cast<std::int8_t>(acks); }

// Errors after which the client refreshes its metadata (the leader may have moved).
bool invalidates_metadata(Errors e) {
  return e == Errors::NOT_LEADER_OR_FOLLOWER || e == Errors::NETWORK_EXCEPTION || e == Errors::REQUEST_TIMED_OUT;
}

}  // namespace

void World::log_sequence_assigned(const ClientBatch& batch, std::string detail) {
  Step& step = log_step(StepKind::SequenceAssigned, producer_node(state_.producer.instance));
  step.batch = batch.id;
  step.partition = batch.partition;
  step.producer_id = batch.producer_id;
  step.producer_epoch = batch.producer_epoch;
  step.sequence = batch.base_sequence;
  step.last_sequence = batch.last_sequence();
  step.detail = std::move(detail);
}

// ExponentialBackoff.backoff (clients/.../common/utils/ExponentialBackoff.java:
// 48-62) with multiplier 2 and jitter 0.2, as RecordAccumulator (retries,
// CommonClientConfigs.RETRY_BACKOFF_EXP_BASE/JITTER) and ClusterConnectionStates
// (reconnects) use it: initial * 2^attempts capped at max, times a random
// factor in [0.8, 1.2), truncated, never above max; no jitter at all when
// max <= initial. In integers (no libm, so every platform agrees): the draw is
// an integer in [floor(0.8 t), ceil(1.2 t) - 1], through the Chooser.
std::int64_t World::exponential_backoff(std::int64_t initial_ms, std::int64_t max_ms, std::int64_t attempts,
                                        std::string_view what) {
  const std::int64_t initial = std::min(initial_ms, max_ms);
  // expMax = log(max / max(initial, 1)) / log 2 is 0 when max <= max(initial, 1).
  if (max_ms <= std::max<std::int64_t>(initial, 1)) return initial;
  if (initial == 0) return 0;
  std::int64_t term = initial;
  for (std::int64_t i = 0; i < attempts && term < max_ms; ++i) term = term > max_ms / 2 ? max_ms : term * 2;
  term = std::min(term, max_ms);
  const std::int64_t lo = term * 8 / 10;
  const std::int64_t hi = (term * 12 - 1) / 10;
  const std::int64_t drawn = lo + static_cast<std::int64_t>(chooser_->choose(static_cast<std::uint64_t>(hi - lo + 1), what));
  return std::min(drawn, max_ms);
}

// ProducerBatch.maybeUpdateLeaderEpoch (KIP-951, 3.7+): called for a
// partition's first batch in ready() and drain.
void World::maybe_update_leader_epoch(ClientBatch& batch) {
  const auto known = state_.producer.metadata_leader_epoch.find(batch.partition);
  if (known == state_.producer.metadata_leader_epoch.end() || known->second < 0) return;
  if (batch.current_leader_epoch < 0 || batch.current_leader_epoch < known->second) {
    batch.attempts_when_leader_last_changed = batch.lifecycle.retries_used();
    batch.current_leader_epoch = known->second;
  }
}

// RecordAccumulator.shouldBackoff (RecordAccumulator.java:813-830): a retry
// waits its backoff, unless (3.7+, KIP-951, ProducerBatch.hasLeaderChangedForTheOngoingRetry)
// it goes to a new leader. Kafka's attempts() counts re-enqueues: retries_used.
// The backoff was drawn once, at reenqueue (retry_at_ms); Kafka draws a fresh
// jitter at each check, which reaches the same waits.
bool World::should_backoff(ClientBatch& batch) {
  const std::int32_t attempts = batch.lifecycle.retries_used();
  const bool should_wait_more = attempts > 0 && state_.now_ms < batch.retry_at_ms;
  const bool leader_changed = config_.version != KafkaVersion::V2_8 && attempts >= 1 &&
                              attempts == batch.attempts_when_leader_last_changed;
  return !leader_changed && should_wait_more;
}

// RecordAccumulator.ready (partitionReady + batchReady, RecordAccumulator.java:
// 626-761): the leaders of partitions whose first batch is sendable (full,
// lingered, or memory exhausted) and not backing off, unmuted.
std::set<std::int32_t> World::sender_ready_nodes() {
  ProducerClient& p = state_.producer;
  using S = ProducerBatchLifecycle::State;
  std::set<std::int32_t> ready;
  const bool exhausted = !state_.app.blocked.empty();  // BufferPool.queued() > 0
  for (auto& [partition, queue] : p.accumulator) {
    if (queue.empty()) continue;
    ClientBatch& head = p.batches.at(queue.front());
    maybe_update_leader_epoch(head);
    const bool backing_off = should_backoff(head);
    const std::int32_t leader = p.metadata[partition];
    if (leader < 0) continue;  // unknown leader: metadata is refreshed
    if (ready.contains(leader) || p.muted.contains(partition)) continue;
    // A closed batch (full, or drained before: retried batches are closed) or more than one in the deque.
    const bool full = queue.size() > 1 || head.lifecycle.state() != S::Open;
    const bool lingered = state_.now_ms >= after(head.created_ms, config_.producer.linger_ms);
    if ((full || lingered || exhausted) && !backing_off) ready.insert(leader);
  }
  return ready;
}

// NetworkClient.ready: connected (a closed connection reconnects once
// reconnect.backoff has passed, ClusterConnectionStates.canConnect) and
// fewer than max.in.flight.requests.per.connection requests in flight
// (InFlightRequests.canSendMore). The model connects instantly: no
// connection setup or ApiVersions round trip.
bool World::node_ready(std::int32_t broker) {
  ProducerClient& p = state_.producer;
  NodeConnection& node = p.node_state[broker];
  if (!node.connected) {
    if (state_.now_ms - node.last_connect_attempt_ms < node.reconnect_backoff_ms) return false;
    node.connected = true;  // ClusterConnectionStates.connecting
    node.last_connect_attempt_ms = state_.now_ms;
  }
  const auto in_flight = std::count_if(p.in_flight.begin(), p.in_flight.end(),
                                       [&](const auto& r) { return r.second.broker == broker; });
  return in_flight < config_.producer.max_in_flight_requests_per_connection;
}

// RecordAccumulator.shouldStopDrainBatchesForPartition (RecordAccumulator.java:832-868).
bool World::should_stop_drain_batches_for_partition(const ClientBatch& first) {
  ProducerClient& p = state_.producer;
  if (!config_.idempotent()) return false;
  if (p.producer_id < 0) return true;  // !producerIdAndEpoch.isValid()
  if (config_.transactional() && !txn_send_to_partition_allowed(first.partition)) return true;
  TxnPartitionEntry& entry = p.sequences[first.partition];
  const bool has_in_flight = !entry.in_flight.empty();
  if (first.base_sequence < 0) {
    // In-flight batches of another producer id / epoch: wait for them.
    if (has_in_flight && (entry.producer_id != p.producer_id || entry.producer_epoch != p.producer_epoch)) return true;
    if (entry.unresolved) return true;  // KIP-360: no new sequences until the unknown one resolves
  }
  // A retry goes only as the first in-flight sequence: effectively one in flight.
  const std::int32_t first_in_flight = has_in_flight ? entry.in_flight.begin()->first : -1;
  return first_in_flight != -1 && first.base_sequence >= 0 && first.base_sequence != first_in_flight;
}

// RecordAccumulator.drainBatchesForOneNode (RecordAccumulator.java:870-950):
// every partition the node leads, from the node's drainIndex round; a muted,
// empty or backing-off partition is skipped, but one that must stop draining
// ends the node's drain for this round. The stored drainIndex is the last
// partition visited (so the next round starts there).
std::vector<std::int64_t> World::drain_batches_for_one_node(std::int32_t broker) {
  ProducerClient& p = state_.producer;
  using S = ProducerBatchLifecycle::State;
  std::vector<std::int32_t> parts;  // Cluster.partitionsForNode
  for (const auto& [partition, leader] : p.metadata)
    if (leader == broker) parts.push_back(partition);
  std::vector<std::int64_t> ready;
  if (parts.empty()) return ready;
  const auto n = static_cast<std::int32_t>(parts.size());
  std::int32_t drain_index = p.drain_index[broker] % n;
  const std::int32_t start = drain_index;
  do {
    const std::int32_t partition = parts[static_cast<std::size_t>(drain_index)];
    p.drain_index[broker] = drain_index;
    drain_index = (drain_index + 1) % n;
    if (p.muted.contains(partition)) continue;
    std::deque<std::int64_t>& queue = p.accumulator[partition];
    if (queue.empty()) continue;
    ClientBatch& first = p.batches.at(queue.front());
    maybe_update_leader_epoch(first);
    if (should_backoff(first)) continue;
    if (should_stop_drain_batches_for_partition(first)) break;
    queue.pop_front();
    ClientBatch& batch = first;
    if (batch.lifecycle.state() == S::WaitingToRetry) batch.lifecycle.backoff_elapsed();
    if (batch.lifecycle.state() == S::Open) batch.lifecycle.close();
    batch.lifecycle.drain();
    if (partition == p.sticky_partition) p.sticky_partition = -1;  // KIP-480: a new sticky partition next
    if (config_.idempotent() && batch.base_sequence < 0) {
      TxnPartitionEntry& entry = p.sequences[partition];
      // TransactionManager.maybeUpdateProducerIdAndEpoch: a stale entry with
      // nothing in flight restarts at sequence 0 under the current id/epoch.
      if ((entry.producer_id != p.producer_id || entry.producer_epoch != p.producer_epoch) && entry.in_flight.empty())
        start_sequences_at_beginning(partition);
      batch.producer_id = p.producer_id;
      batch.producer_epoch = p.producer_epoch;
      batch.base_sequence = entry.next_sequence;
      entry.next_sequence = increment_sequence(entry.next_sequence, static_cast<std::int32_t>(batch.records.size()));
      entry.in_flight.insert({batch.base_sequence, batch.id});
      log_sequence_assigned(batch, "");
    }
    batch.sequence_has_been_reset = false;  // ProducerBatch.close(): reopened = false
    ready.push_back(batch.id);
  } while (start != drain_index);
  return ready;
}

// Sender.sendProducerData (Sender.java:365-447): ready nodes, drain, mute
// (max.in.flight=1), expire (after the drain: a batch drained this round can
// expire and still be sent), then send. True when something was drained
// (Kafka then polls with timeout 0 and runs again).
bool World::sender_send_producer_data() {
  ProducerClient& p = state_.producer;
  std::map<std::int32_t, std::vector<std::int64_t>> drained;
  for (std::int32_t broker : sender_ready_nodes()) {
    if (!node_ready(broker)) continue;
    std::vector<std::int64_t> batches = drain_batches_for_one_node(broker);
    if (!batches.empty()) drained.emplace(broker, std::move(batches));
  }
  for (const auto& [broker, batches] : drained)
    for (std::int64_t id : batches) {
      const ClientBatch& batch = p.batches.at(id);
      p.in_flight_batches[batch.partition].push_back(id);  // Sender.addToInflightBatches
      // guaranteeMessageOrder (max.in.flight.requests.per.connection=1): mute
      // the partition until its batch completes (Sender.java:406-411).
      if (config_.producer.max_in_flight_requests_per_connection == 1) p.muted.insert(batch.partition);
    }
  std::vector<ProduceRequest> requests;
  std::map<std::int64_t, std::int64_t> drained_requests;  // batch -> request it is about to go in
  for (const auto& [broker, batches] : drained) {
    requests.push_back(build_produce_request(broker, batches));
    for (std::int64_t id : batches) drained_requests[id] = requests.back().request;
  }
  sender_expire_batches(drained_requests);
  for (const ProduceRequest& request : requests) transmit_produce_request(request);
  return !drained.empty();
}

ProduceRequest World::build_produce_request(std::int32_t broker, const std::vector<std::int64_t>& batch_ids) {
  ProducerClient& p = state_.producer;
  ProduceRequest request{.request = state_.next_request++, .instance = p.instance, .broker = broker,
                         .connection = p.connection[broker], .acks = acks_on_wire(config_.producer.acks),
                         .timeout_ms = config_.producer.request_timeout_ms};
  for (std::int64_t id : batch_ids) {
    ClientBatch& batch = p.batches.at(id);
    batch.request = request.request;
    request.batches.push_back(WireBatch{batch.partition, id, batch.producer_id, batch.producer_epoch,
                                        batch.base_sequence,
                                        batch.base_sequence < 0 ? -1 : batch.last_sequence(), batch.records,
                                        config_.transactional(), config_.transactional() ? state_.txn_app.transaction : -1});
  }
  if (config_.producer.acks != Acks::Zero)
    p.in_flight.emplace(request.request,
                        InFlightRequest{request.request, broker, request.connection, state_.now_ms, batch_ids, {}});
  return request;
}

void World::transmit_produce_request(const ProduceRequest& request) {
  ProducerClient& p = state_.producer;
  const std::int32_t broker = request.broker;
  std::string detail;
  for (const WireBatch& batch : request.batches)
    detail += fmt::format("{}p{}:batch {} ({} records)", detail.empty() ? "" : ", ", batch.partition, batch.batch,
                          batch.records.size());
  Step& step = log_step(StepKind::ProduceRequestSent, producer_node(p.instance));
  step.request = request.request;
  step.broker = broker;
  step.detail = detail + fmt::format(" acks={}", to_string(config_.producer.acks));
  const auto connection = std::tuple{p.instance, broker, request.connection};
  if (message_fault(FaultKind::DropRequest, request.request)) state_.black_holed.insert(connection);
  if (state_.black_holed.contains(connection)) {
    Step& dropped = log_step(StepKind::ProduceRequestDropped, "network");
    dropped.request = request.request;
    dropped.broker = broker;
    dropped.detail = message_fault(FaultKind::DropRequest, request.request)
                         ? "fault: lost, and the connection with it (nothing more gets through until it is closed)"
                         : "the connection lost an earlier message: nothing gets through";
  } else {
    const std::int64_t id = state_.next_message++;
    const std::int64_t at = deliver_in_order(0, p.instance, broker, network_delay());
    state_.requests_on_wire.emplace(id, request);
    schedule(at, EventKind::RequestArrives, id);
  }
  if (config_.producer.acks == Acks::Zero) {
    // acks=0: no response will come; the batch is done once sent, offset -1.
    for (const WireBatch& wire : request.batches) {
      auto it = p.batches.find(wire.batch);
      if (it == p.batches.end() || it->second.lifecycle.is_done()) continue;  // expired this round
      it->second.lifecycle.succeed();
      p.muted.erase(wire.partition);
      finish_batch(it->second, -1, Errors::NONE);
    }
  }
}

void World::producer_receive(const ProduceResponse& response) {
  ProducerClient& p = state_.producer;
  if (!p.alive || response.instance != p.instance || response.connection != p.connection[response.broker]) {
    Step& step = log_step(StepKind::ProduceResponseDropped, "network");
    step.request = response.request;
    step.broker = response.broker;
    step.detail = "its connection is gone";
    return;
  }
  check_response_order(response);
  // A response proves the connection is up: ClusterConnectionStates.ready
  // resets the reconnect backoff (the model has no ApiVersions exchange).
  p.node_state[response.broker].failed_attempts = 0;
  InFlightRequest request;
  if (auto found = p.in_flight.find(response.request); found != p.in_flight.end()) request = found->second;
  p.in_flight.erase(response.request);
  for (const PartitionResponse& result : response.partitions) {
    Step& step = log_step(StepKind::ProduceResponseReceived, producer_node(p.instance));
    step.request = response.request;
    step.broker = response.broker;
    step.partition = result.partition;
    step.batch = result.batch;
    step.offset = result.base_offset;
    step.error = result.error;
    auto it = p.batches.find(result.batch);
    if (it == p.batches.end() || it->second.request != response.request || it->second.lifecycle.is_done()) {
      complete_done_batch(request, result.batch, result.error, result.base_offset);
      continue;
    }
    complete_batch(it->second, result.error, result.base_offset);
  }
  wake_sender_at(state_.now_ms);
}

// NetworkClient pairs a response with the OLDEST request in flight on its
// connection (InFlightRequests.completeNext; a mismatch is
// CorrelationIdMismatchException). The broker serves a connection one request
// at a time, so responses cannot overtake each other; if one does, the model
// is wrong, and every verdict built on the run with it.
void World::check_response_order(const ProduceResponse& response) const {
  const ProducerClient& p = state_.producer;
  for (const auto& [n, request] : p.in_flight) {
    if (request.broker != response.broker || request.connection != response.connection) continue;
    if (n == response.request) return;
    throw std::logic_error(fmt::format("model bug: the response to request {} from broker-{} overtook request {} "
                                       "on the same connection (Kafka's SocketServer answers in request order)",
                                       response.request, response.broker, n));
  }
  throw std::logic_error(fmt::format("model bug: a response to request {} from broker-{} that is not in flight",
                                     response.request, response.broker));
}

// Sender.completeBatch for a batch that is already done (it expired while its
// request was out; Kafka's request still holds the ProducerBatch): canRetry is
// false (!batch.isDone()), so NONE and DUPLICATE_SEQUENCE_NUMBER reach
// handleCompletedBatch, which still updates lastAckedSequence and
// lastAckedOffset (Sender.java:749-752, TransactionManager.java:636-645); any
// other error reaches failBatch, where completeExceptionally refuses a done
// batch and nothing happens. The partition is unmuted either way.
void World::complete_done_batch(const InFlightRequest& request, std::int64_t batch, Errors error,
                                std::int64_t base_offset) {
  ProducerClient& p = state_.producer;
  const auto expired = request.expired.find(batch);
  if (expired == request.expired.end()) return;  // not this request's batch any more
  const ExpiredBatch& done = expired->second;
  if (invalidates_metadata(error)) p.metadata_stale = true;
  if (config_.producer.max_in_flight_requests_per_connection == 1) p.muted.erase(done.partition);
  if (!config_.idempotent() || done.last_sequence < 0) return;
  if (error == Errors::NONE || error == Errors::DUPLICATE_SEQUENCE_NUMBER)
    handle_completed_batch(done.partition, done.last_sequence, done.records, error == Errors::NONE ? base_offset : -1);
}

// The connection to `broker` closed: NetworkClient.cancelInFlightRequests
// completes every request in flight on it, oldest first. After a request
// timeout (timed_out_request >= 0: handleTimedOutRequests ->
// processTimeoutDisconnection, NetworkClient.java:351-378, 866-873) each one
// is "timed out" and the Sender fails all its batches with REQUEST_TIMED_OUT;
// after any other disconnect with NETWORK_EXCEPTION (Sender.java:587-599).
// ClusterConnectionStates.disconnected starts the reconnect backoff.
void World::producer_connection_failed(std::int32_t broker, std::int64_t timed_out_request) {
  ProducerClient& p = state_.producer;
  if (!p.alive) return;
  p.connection[broker] += 1;
  // The next connection is a new socket: its messages do not queue behind
  // the closed one's (whose late answers are discarded on arrival:
  // NetworkClient forgets a closed connection's in-flight requests). Without
  // this, one response delayed for hours held every later answer from the
  // broker back for as long.
  state_.last_delivery_ms.erase({0, p.instance, broker});
  state_.last_delivery_ms.erase({1, p.instance, broker});
  p.metadata_stale = true;
  NodeConnection& node = p.node_state[broker];
  node.connected = false;
  node.last_connect_attempt_ms = state_.now_ms;
  node.reconnect_backoff_ms = exponential_backoff(config_.producer.reconnect_backoff_ms,
                                                  config_.producer.reconnect_backoff_max_ms, node.failed_attempts,
                                                  "reconnect.backoff");
  node.failed_attempts += 1;
  const Errors error = timed_out_request >= 0 ? Errors::REQUEST_TIMED_OUT : Errors::NETWORK_EXCEPTION;
  std::vector<std::int64_t> failed;
  for (const auto& [n, request] : p.in_flight)
    if (request.broker == broker) failed.push_back(n);
  for (std::int64_t n : failed) {
    const InFlightRequest request = p.in_flight.at(n);
    p.in_flight.erase(n);
    for (std::int64_t id : request.batches) {
      auto it = p.batches.find(id);
      if (it == p.batches.end() || it->second.request != n || it->second.lifecycle.is_done()) {
        complete_done_batch(request, id, error, -1);
        continue;
      }
      complete_batch(it->second, error, -1);
    }
  }
  wake_sender_at(state_.now_ms);
}

void World::request_epoch_bump_for_partition(std::int32_t partition) {
  state_.producer.epoch_bump_requested = true;
  state_.producer.partitions_to_rewrite.insert(partition);
}

// TransactionManager.canRetry (TransactionManager.java:900-958) for the
// idempotent producer; transactions are not modelled (a transactional
// producer takes the isTransactional() branches where they are simple).
bool World::idempotent_can_retry(const ClientBatch& batch, Errors error) {
  ProducerClient& p = state_.producer;
  TxnPartitionEntry& entry = p.sequences[batch.partition];
  // isNextSequence: sequence - lastAckedSequence.orElse(-1) == 1.
  auto is_next_sequence = [&](std::int32_t sequence) {
    return static_cast<std::int64_t>(sequence) - entry.last_acked_sequence == 1;
  };
  if (error == Errors::UNKNOWN_PRODUCER_ID) {
    // The response's logStartOffset: the model's logs never lose their head
    // (no retention, no DeleteRecords), so every log starts at offset 0 and
    // the "-1: unknown, just retry" case cannot arise.
    constexpr std::int64_t log_start_offset = 0;
    if (batch.sequence_has_been_reset) return true;  // a later batch of an already reset partition
    if (entry.last_acked_offset < log_start_offset) {
      // The head of the log was removed (retention): the broker lost our state.
      if (config_.transactional()) {
        start_sequences_at_beginning(batch.partition);
      } else {
        request_epoch_bump_for_partition(batch.partition);
      }
      return true;
    }
    if (!config_.transactional()) {
      request_epoch_bump_for_partition(batch.partition);
      return true;
    }
  } else if (error == Errors::OUT_OF_ORDER_SEQUENCE_NUMBER) {
    // Not the next batch (or renumbered since it was sent): an earlier one is
    // missing; retry and let it land first.
    if (!entry.unresolved && (batch.sequence_has_been_reset || !is_next_sequence(batch.base_sequence))) return true;
    if (!config_.transactional()) {
      // A real gap as far as the client can tell: bump and retry — unless a
      // sequence is unresolved and this is not the batch right after it
      // (isNextSequenceForUnresolvedPartition): then wait for it to resolve.
      if (!entry.unresolved || batch.base_sequence == entry.unresolved_sequence)
        request_epoch_bump_for_partition(batch.partition);
      return true;
    }
  }
  return is_retriable(error);
}

// TransactionManager.handleCompletedBatch (TransactionManager.java:636-645):
// lastAckedSequence only grows (whatever epoch it belongs to); lastAckedOffset
// likewise (TxnPartitionMap.updateLastAckedOffset).
void World::handle_completed_batch(std::int32_t partition, std::int32_t last_sequence, std::int32_t records,
                                   std::int64_t base_offset) {
  ProducerClient& p = state_.producer;
  auto found = p.sequences.find(partition);
  if (found != p.sequences.end())
    found->second.last_acked_sequence = std::max(found->second.last_acked_sequence, last_sequence);
  if (base_offset < 0) return;  // INVALID_OFFSET
  TxnPartitionEntry& entry = p.sequences[partition];  // getOrCreate for the idempotent producer
  entry.last_acked_offset = std::max(entry.last_acked_offset, base_offset + records - 1);
}

// TransactionManager.handleFailedBatch (TransactionManager.java:660-700).
void World::handle_failed_batch(const ClientBatch& batch, Errors error, bool adjust_sequence_numbers) {
  ProducerClient& p = state_.producer;
  p.sequences[batch.partition].in_flight.erase({batch.base_sequence, batch.id});
  if (error == Errors::OUT_OF_ORDER_SEQUENCE_NUMBER && !config_.transactional()) {
    // A gap in the log: bump the epoch for this partition.
    request_epoch_bump_for_partition(batch.partition);
  } else if (error == Errors::UNKNOWN_PRODUCER_ID) {
    // resetSequenceForPartition: the broker has no state for us; start over
    // (txnPartitionMap.remove + partitionsWithUnresolvedSequences.remove).
    p.sequences.erase(batch.partition);
  } else if (adjust_sequence_numbers) {
    // Sender.completeBatch fails the batch with adjustSequenceNumbers =
    // attempts < retries ("if it exhausted its retries we don't know whether
    // the sequence was accepted"). The idempotent producer bumps the epoch for
    // the partition, renumbering whatever is still in flight — even a batch
    // whose earlier attempt may have been written (KAFKA-14034). Transactions
    // are not modelled: a transactional producer is treated the same way
    // (Kafka: adjustSequencesDueToFailedBatch).
    request_epoch_bump_for_partition(batch.partition);
  }
}

// Sender.completeBatch (Sender.java:676-740) with Sender.canRetry (~883-890).
void World::complete_batch(ClientBatch& batch, Errors error, std::int64_t base_offset) {
  ProducerClient& p = state_.producer;
  if (invalidates_metadata(error)) p.metadata_stale = true;
  const std::int32_t partition = batch.partition;
  const bool idempotent = config_.idempotent() && batch.base_sequence >= 0;
  // Unmute the completed partition (guaranteeMessageOrder), on every path.
  if (config_.producer.max_in_flight_requests_per_connection == 1) p.muted.erase(partition);
  if (error == Errors::NONE) {
    if (idempotent) {
      p.sequences[partition].in_flight.erase({batch.base_sequence, batch.id});
      handle_completed_batch(partition, batch.last_sequence(), static_cast<std::int32_t>(batch.records.size()),
                             base_offset);
    }
    batch.lifecycle.succeed();
    finish_batch(batch, base_offset, Errors::NONE);
    return;
  }
  const bool before_delivery_timeout = state_.now_ms < after(batch.created_ms, config_.producer.delivery_timeout_ms);
  const bool retries_left = batch.lifecycle.retries_used() < config_.producer.retries;
  // Short-circuit as Kafka's: TransactionManager.canRetry (with its epoch bump
  // requests) runs only for a batch within its delivery timeout and retries.
  const bool producer_allows = before_delivery_timeout && retries_left &&
                               (idempotent ? idempotent_can_retry(batch, error) : is_retriable(error));
  if (producer_allows) {
    batch.lifecycle.fail_retriable(true);
    reenqueue(batch);
    Step& step = log_step(StepKind::BatchRetried, producer_node(p.instance));
    step.batch = batch.id;
    step.partition = partition;
    step.error = error;
    step.detail = fmt::format("retry {} after {}ms backoff", batch.lifecycle.retries_used(),
                              batch.retry_at_ms - state_.now_ms);
    return;
  }
  if (error == Errors::DUPLICATE_SEQUENCE_NUMBER) {
    // Sender.completeBatch: the sequence was written but the broker no longer
    // has its metadata: success for the user, with no valid offset.
    if (idempotent) {
      p.sequences[partition].in_flight.erase({batch.base_sequence, batch.id});
      handle_completed_batch(partition, batch.last_sequence(), static_cast<std::int32_t>(batch.records.size()), -1);
    }
    batch.lifecycle.succeed();
    finish_batch(batch, -1, Errors::NONE);
    return;
  }
  if (is_retriable(error)) {
    batch.lifecycle.fail_retriable(false);
  } else {
    batch.lifecycle.fail_fatal();
  }
  if (idempotent) handle_failed_batch(batch, error, batch.lifecycle.retries_used() < config_.producer.retries);
  finish_batch(batch, -1, error);
}

// RecordAccumulator.reenqueue: idempotent batches go back in sequence order
// (insertInSequenceOrder), others to the front of the queue.
void World::reenqueue(ClientBatch& batch) {
  ProducerClient& p = state_.producer;
  // The backoff the retry waits (RecordAccumulator.shouldBackoff:
  // retryBackoff.backoff(attempts - 1)); 2.8: retry.backoff.ms exactly.
  batch.retry_at_ms = after(state_.now_ms, exponential_backoff(config_.producer.retry_backoff_ms,
                                                               config_.producer.retry_backoff_max_ms,
                                                               batch.lifecycle.retries_used() - 1, "retry.backoff"));
  batch.request = -1;
  remove_from_in_flight_batches(batch);  // Sender.reenqueueBatch -> maybeRemoveFromInflightBatches
  std::deque<std::int64_t>& queue = p.accumulator[batch.partition];
  auto position = queue.begin();
  if (config_.idempotent() && batch.base_sequence >= 0) {
    while (position != queue.end()) {
      const ClientBatch& other = p.batches.at(*position);
      if (other.base_sequence < 0 || other.base_sequence > batch.base_sequence) break;
      ++position;
    }
  }
  queue.insert(position, batch.id);
  wake_sender_at(batch.retry_at_ms);
}

// The batch is done: every record's callback fires, its memory returns to
// buffer.memory, and blocked send() calls may proceed.
void World::remove_from_in_flight_batches(const ClientBatch& batch) {
  auto found = state_.producer.in_flight_batches.find(batch.partition);
  if (found == state_.producer.in_flight_batches.end()) return;
  std::vector<std::int64_t>& ids = found->second;
  ids.erase(std::remove(ids.begin(), ids.end(), batch.id), ids.end());
  if (ids.empty()) state_.producer.in_flight_batches.erase(found);
}

void World::finish_batch(ClientBatch& batch, std::int64_t base_offset, Errors error) {
  ProducerClient& p = state_.producer;
  remove_from_in_flight_batches(batch);  // Sender.maybeRemoveAndDeallocateBatch
  const ClientBatch done = batch;
  p.batches.erase(batch.id);
  p.buffered_bytes -= done.bytes;
  if (config_.transactional() && error != Errors::NONE) txn_batch_failed();
  for (std::size_t i = 0; i < done.records.size(); ++i) {
    const std::int64_t offset = base_offset < 0 ? -1 : base_offset + static_cast<std::int64_t>(i);
    app_callback(done.records[i].send, error == Errors::NONE ? offset : -1, error);
  }
  ApplicationState& app = state_.app;
  while (!app.blocked.empty()) {
    const auto [send, since, partition] = app.blocked.front();
    if (!producer_append(record_of_send(send), send, partition)) break;
    app.blocked.pop_front();
  }
}

}  // namespace kafka_model
