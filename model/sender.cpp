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

// RecordAccumulator.ready/drain and shouldStopDrainBatchesForPartition.
bool World::partition_ready(std::int32_t partition, const ClientBatch& head) const {
  using S = ProducerBatchLifecycle::State;
  const S state = head.lifecycle.state();
  if (state == S::WaitingToRetry) return state_.now_ms >= head.retry_at_ms;
  if (state == S::Open) return state_.now_ms >= after(head.created_ms, config_.producer.linger_ms);
  if (state != S::Closed) return false;
  return true;
}

// Kafka's Sender loops: it drains again at once while batches and in-flight
// slots remain, so up to max.in.flight requests leave together.
void World::sender_drain() {
  while (sender_drain_once()) {
  }
}

bool World::sender_drain_once() {
  ProducerClient& p = state_.producer;
  using S = ProducerBatchLifecycle::State;
  std::map<std::int32_t, std::vector<std::int64_t>> per_broker;
  for (auto& [partition, queue] : p.accumulator) {
    if (queue.empty()) continue;
    const std::int32_t leader = p.metadata[partition];
    if (leader < 0) continue;  // no known leader: wait for metadata
    ClientBatch& head = p.batches.at(queue.front());
    if (!partition_ready(partition, head)) continue;
    // max.in.flight.requests.per.connection: a new request to this leader
    // needs a free slot; batches for other partitions join the request being built.
    const auto in_flight = std::count_if(p.in_flight.begin(), p.in_flight.end(),
                                         [&](const auto& r) { return r.second.broker == leader; });
    if (!per_broker.contains(leader) && in_flight >= config_.producer.max_in_flight_requests_per_connection) continue;
    if (config_.idempotent()) {
      TxnPartitionEntry& entry = p.sequences[partition];
      if (head.base_sequence < 0) {
        if (entry.unresolved) continue;  // no new sequences until the unknown one resolves (KIP-360)
        if (entry.producer_epoch != p.producer_epoch) {
          if (!entry.in_flight.empty()) continue;  // maybeUpdateProducerIdAndEpoch waits for in-flight batches
          entry = TxnPartitionEntry{.producer_epoch = p.producer_epoch};
        }
      } else if (entry.in_flight.empty() || entry.in_flight.begin()->first != head.base_sequence) {
        continue;  // a retry goes only as the first in-flight sequence: effectively one in flight
      }
    }
    if (head.lifecycle.state() == S::WaitingToRetry) head.lifecycle.backoff_elapsed();
    if (head.lifecycle.state() == S::Open) head.lifecycle.close();
    head.lifecycle.drain();
    queue.pop_front();
    if (partition == p.sticky_partition) p.sticky_partition = -1;  // KIP-480: a new sticky partition next
    if (config_.idempotent() && head.base_sequence < 0) {
      TxnPartitionEntry& entry = p.sequences[partition];
      head.producer_id = p.producer_id;
      head.producer_epoch = p.producer_epoch;
      head.base_sequence = entry.next_sequence;
      entry.next_sequence = increment_sequence(entry.next_sequence, static_cast<std::int32_t>(head.records.size()));
      entry.in_flight.insert({head.base_sequence, head.id});
      log_sequence_assigned(head, "");
    }
    per_broker[leader].push_back(head.id);
  }
  const bool drained = !per_broker.empty();
  for (auto& [broker, batches] : per_broker) send_produce_request(broker, std::move(batches));
  return drained;
}

void World::send_produce_request(std::int32_t broker, std::vector<std::int64_t> batch_ids) {
  ProducerClient& p = state_.producer;
  ProduceRequest request{.request = state_.next_request++, .instance = p.instance, .broker = broker,
                         .connection = p.connection[broker], .acks = acks_on_wire(config_.producer.acks),
                         .timeout_ms = config_.producer.request_timeout_ms};
  std::string detail;
  for (std::int64_t id : batch_ids) {
    ClientBatch& batch = p.batches.at(id);
    batch.request = request.request;
    request.batches.push_back(WireBatch{batch.partition, id, batch.producer_id, batch.producer_epoch,
                                        batch.base_sequence,
                                        batch.base_sequence < 0 ? -1 : batch.last_sequence(), batch.records});
    detail += fmt::format("{}p{}:batch {} ({} records)", detail.empty() ? "" : ", ", batch.partition, id,
                          batch.records.size());
  }
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
    for (std::int64_t id : batch_ids) {
      ClientBatch& batch = p.batches.at(id);
      batch.lifecycle.succeed();
      finish_batch(batch, -1, Errors::NONE);
    }
    return;
  }
  p.in_flight.emplace(request.request, InFlightRequest{request.request, broker, request.connection, state_.now_ms,
                                                       std::move(batch_ids)});
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
  p.in_flight.erase(response.request);
  for (const PartitionResponse& result : response.partitions) {
    Step& step = log_step(StepKind::ProduceResponseReceived, producer_node(p.instance));
    step.request = response.request;
    step.broker = response.broker;
    step.partition = result.partition;
    step.batch = result.batch;
    step.offset = result.base_offset;
    step.error = std::string(to_string(result.error));
    auto it = p.batches.find(result.batch);
    if (it == p.batches.end() || it->second.request != response.request || it->second.lifecycle.is_done()) continue;
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

// The connection to `broker` closed (request timeout, disconnect, crash):
// every request in flight on it fails, the timed-out one with
// REQUEST_TIMED_OUT, the others with NETWORK_EXCEPTION.
void World::producer_connection_failed(std::int32_t broker, std::int64_t timed_out_request) {
  ProducerClient& p = state_.producer;
  if (!p.alive) return;
  p.connection[broker] += 1;
  p.metadata_stale = true;
  std::vector<std::int64_t> failed;
  for (const auto& [n, request] : p.in_flight)
    if (request.broker == broker) failed.push_back(n);
  for (std::int64_t n : failed) {
    const InFlightRequest request = p.in_flight.at(n);
    p.in_flight.erase(n);
    const Errors error = n == timed_out_request ? Errors::REQUEST_TIMED_OUT : Errors::NETWORK_EXCEPTION;
    for (std::int64_t id : request.batches) {
      auto it = p.batches.find(id);
      if (it == p.batches.end() || it->second.request != n || it->second.lifecycle.is_done()) continue;
      complete_batch(it->second, error, -1);
    }
  }
  wake_sender_at(state_.now_ms);
}

// TransactionManager.canRetry for the idempotent producer.
bool World::idempotent_can_retry(const ClientBatch& batch, Errors error) {
  ProducerClient& p = state_.producer;
  TxnPartitionEntry& entry = p.sequences[batch.partition];
  if (error == Errors::OUT_OF_ORDER_SEQUENCE_NUMBER) {
    const bool next_sequence = batch.producer_epoch == entry.producer_epoch &&
                               increment_sequence(entry.last_acked_sequence, 1) == batch.base_sequence;
    // Not the next batch: an earlier one is missing; retry and let it land first.
    if (!entry.unresolved && !next_sequence) return true;
    if (config_.transactional()) return false;
    // The next expected batch was refused: a real gap as far as the client
    // can tell. Bump the epoch and retry (at sequence 0 of the new epoch).
    p.epoch_bump_requested = true;
    p.partitions_to_rewrite.insert(batch.partition);
    return true;
  }
  return is_retriable(error);
}

// Sender.completeBatch.
void World::complete_batch(ClientBatch& batch, Errors error, std::int64_t base_offset) {
  ProducerClient& p = state_.producer;
  if (invalidates_metadata(error)) p.metadata_stale = true;
  const bool idempotent = config_.idempotent() && batch.base_sequence >= 0;
  if (error == Errors::NONE) {
    if (idempotent) {
      TxnPartitionEntry& entry = p.sequences[batch.partition];
      entry.in_flight.erase({batch.base_sequence, batch.id});
      if (batch.producer_epoch == entry.producer_epoch)
        entry.last_acked_sequence = std::max(entry.last_acked_sequence, batch.last_sequence());
    }
    batch.lifecycle.succeed();
    finish_batch(batch, base_offset, Errors::NONE);
    return;
  }
  const bool before_delivery_timeout = state_.now_ms < after(batch.created_ms, config_.producer.delivery_timeout_ms);
  const bool producer_allows = before_delivery_timeout && (idempotent ? idempotent_can_retry(batch, error)
                                                                      : is_retriable(error));
  if (!is_retriable(error) && !producer_allows) {
    batch.lifecycle.fail_fatal();
  } else {
    batch.lifecycle.fail_retriable(producer_allows);
  }
  if (batch.lifecycle.state() == ProducerBatchLifecycle::State::WaitingToRetry) {
    reenqueue(batch);
    Step& step = log_step(StepKind::BatchRetried, producer_node(p.instance));
    step.batch = batch.id;
    step.partition = batch.partition;
    step.error = std::string(to_string(error));
    step.detail = fmt::format("retry {} after {}ms backoff", batch.lifecycle.retries_used(),
                              config_.producer.retry_backoff_ms);
    return;
  }
  if (idempotent) {
    // TransactionManager.handleFailedBatch. Sender.completeBatch fails the
    // batch with adjustSequenceNumbers = attempts < retries ("if it exhausted
    // its retries we don't know whether the sequence was accepted"); an
    // idempotent producer then bumps the epoch for the partition, as it does
    // for OUT_OF_ORDER_SEQUENCE_NUMBER, renumbering whatever is still in
    // flight — even a batch whose earlier attempt may have been written
    // (KAFKA-14034). Transactions are not modelled yet: a transactional
    // producer is treated the same way.
    p.sequences[batch.partition].in_flight.erase({batch.base_sequence, batch.id});
    const bool adjust_sequence_numbers = batch.lifecycle.retries_used() < config_.producer.retries;
    if (error == Errors::OUT_OF_ORDER_SEQUENCE_NUMBER || adjust_sequence_numbers) {
      p.epoch_bump_requested = true;
      p.partitions_to_rewrite.insert(batch.partition);
    }
  }
  finish_batch(batch, -1, error);
}

// RecordAccumulator.reenqueue: idempotent batches go back in sequence order
// (insertInSequenceOrder), others to the front of the queue.
void World::reenqueue(ClientBatch& batch) {
  ProducerClient& p = state_.producer;
  batch.retry_at_ms = after(state_.now_ms, config_.producer.retry_backoff_ms);
  batch.request = -1;
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
void World::finish_batch(ClientBatch& batch, std::int64_t base_offset, Errors error) {
  ProducerClient& p = state_.producer;
  const ClientBatch done = batch;
  p.batches.erase(batch.id);
  p.buffered_bytes -= done.bytes;
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
