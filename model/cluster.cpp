// The brokers: the leader's produce path (ProducerStateEntry check, append,
// acks and DelayedProduce), follower fetch, ISR shrink and expand, the high
// watermark, crashes, restarts and leader election with log truncation.
#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

#include "model/step_text.hpp"
#include "model/sim_time.hpp"
#include "model/world.hpp"

namespace kafka_model {
namespace {

// The produce error for a batch the leader's ProducerStateEntry refused
// (ProducerAppendInfo's exceptions as Errors.forException maps them).
Errors append_error(AppendOutcome outcome) {
  switch (outcome) {
    case AppendOutcome::OutOfOrderSequence: return Errors::OUT_OF_ORDER_SEQUENCE_NUMBER;
    case AppendOutcome::InvalidProducerEpoch: return Errors::INVALID_PRODUCER_EPOCH;
    case AppendOutcome::InvalidTxnState: return Errors::INVALID_TXN_STATE;
    case AppendOutcome::Appended:
    case AppendOutcome::Duplicate: break;
  }
  throw std::logic_error("append_error: the batch was not refused");
}

}  // namespace

void World::cluster_start() {
  const BrokerConfig& b = config_.broker;
  for (std::int32_t id = 0; id < b.brokers; ++id) {
    state_.brokers.push_back(BrokerNode{.id = id});
    // LogManager's PeriodicProducerExpirationCheck task.
    schedule(b.producer_id_expiration_check_interval_ms, EventKind::ProducerExpirationCheck, id);
    // ReplicaManager's isr-expiration task.
    schedule(std::max<std::int64_t>(1, b.replica_lag_time_max_ms / 2), EventKind::IsrExpiration, id);
  }
  for (std::int32_t p = 0; p < b.partitions; ++p) {
    PartitionState partition{.id = p};
    for (std::int32_t i = 0; i < b.replication_factor; ++i) partition.replicas.push_back((p + i) % b.brokers);
    partition.leader = partition.replicas.front();
    partition.isr.insert(partition.replicas.begin(), partition.replicas.end());
    for (std::int32_t r : partition.replicas) {
      state_.brokers[static_cast<std::size_t>(r)].replicas[p].synced_leader_epoch = 0;
      if (r == partition.leader) continue;
      partition.follower_log_end_offset[r] = 0;
      partition.follower_caught_up_ms[r] = 0;
    }
    state_.partitions.push_back(std::move(partition));
    fetchers_follow_leader(p);  // every follower starts fetching
  }
  if (config_.transactional()) txn_state_setup();
}

// Partition.effectiveMinIsr (3.7+, with KIP-966): min.insync.replicas capped
// at the replication factor, so min.insync.replicas > replicas no longer
// refuses every acks=all write. 2.8 uses min.insync.replicas as configured.
std::int32_t World::effective_min_isr(const PartitionState& partition) const {
  const std::int32_t configured = config_.broker.min_insync_replicas;
  if (config_.version == KafkaVersion::V2_8) return configured;
  return std::min(configured, static_cast<std::int32_t>(partition.replicas.size()));
}

bool World::broker_available(std::int32_t broker) const {
  const BrokerNode& node = state_.brokers.at(static_cast<std::size_t>(broker));
  return node.alive && node.stalled_until_ms <= state_.now_ms;
}

// ---- produce path ------------------------------------------------------------

// A request reaches the broker's socket. It is read in its connection's
// order, one at a time (broker_read).
void World::broker_receive(ProduceRequest request) {
  BrokerNode& broker = state_.brokers.at(static_cast<std::size_t>(request.broker));
  if (!broker.alive || client_closed(request)) {
    Step& step = log_step(StepKind::ProduceRequestDropped, "network");
    step.request = request.request;
    step.broker = request.broker;
    step.detail = broker.alive ? "its connection was lost in transit" : "the broker is down: connection refused";
    // A dead broker's host refuses the connection: the producer sees it
    // fail at once, not after request.timeout.ms.
    if (!broker.alive && !client_closed(request) && client_of(request.instance) != nullptr)
      as_instance(request.instance, [&] { producer_connection_failed(request.broker, -1); });
    return;
  }
  const std::pair key{request.instance, request.connection};
  broker.connections[key].unread.push_back(std::move(request));
  broker_read(broker.id, key);
}

// The producer closed this request's connection (a newer generation to that
// broker exists). A crashed instance's connections are not closed by it: what
// it put on the wire is still read (its responses find no one).
bool World::client_closed(const ProduceRequest& request) const {
  const ProducerClient* p = client_of(request.instance);
  return p != nullptr && request.connection != p->connection.at(request.broker);
}

// SocketServer's Processor: read the connection's next request only when the
// previous one has been answered (the channel is unmuted) and the broker is
// running. The broker reads a request even if the producer has closed the
// connection since (the close comes behind the request in the stream, and a
// muted channel is not read, so the broker cannot know yet); broker_unmute
// then finds the connection reset.
void World::broker_read(std::int32_t broker_id, std::pair<std::int32_t, std::int32_t> key) {
  BrokerNode& broker = state_.brokers.at(static_cast<std::size_t>(broker_id));
  while (broker_available(broker_id)) {
    auto it = broker.connections.find(key);
    if (it == broker.connections.end()) return;
    BrokerConnection& connection = it->second;
    if (connection.in_process >= 0) return;
    if (connection.unread.empty()) {
      broker.connections.erase(it);  // nothing left on it: forget it
      return;
    }
    ProduceRequest request = std::move(connection.unread.front());
    connection.unread.pop_front();
    connection.in_process = request.request;
    broker_handle(request);
  }
}

// Every connection of a broker that just resumed (or has a request to read).
void World::broker_read_all(std::int32_t broker_id) {
  std::vector<std::pair<std::int32_t, std::int32_t>> keys;
  for (const auto& [key, connection] : state_.brokers.at(static_cast<std::size_t>(broker_id)).connections)
    keys.push_back(key);
  for (const auto& key : keys) broker_read(broker_id, key);
}

// The response to the request in process on its connection has been sent
// (put on the wire): the channel is unmuted, and the caller reads the next
// request. If the producer has closed the connection meanwhile (a request
// timeout, or the process died), the response meets a reset connection: what
// is still unread on it is discarded with it.
void World::broker_unmute(std::int32_t broker_id, std::int32_t instance, std::int32_t connection_generation,
                          std::int64_t request) {
  BrokerNode& broker = state_.brokers.at(static_cast<std::size_t>(broker_id));
  auto it = broker.connections.find({instance, connection_generation});
  if (it == broker.connections.end() || it->second.in_process != request)
    throw std::logic_error(fmt::format("model bug: broker-{} answered request {} which is not the one in process "
                                       "on its connection",
                                       broker_id, request));
  it->second.in_process = -1;
  const ProducerClient* p = client_of(instance);
  const bool closed = p == nullptr || connection_generation != p->connection.at(broker_id);
  if (!closed) return;
  for (const ProduceRequest& unread : it->second.unread) {
    Step& step = log_step(StepKind::ProduceRequestDropped, "network");
    step.request = unread.request;
    step.broker = broker_id;
    step.detail = "unread when the producer closed the connection: discarded with it";
  }
  broker.connections.erase(it);
}

void World::broker_handle(const ProduceRequest& request) {
  BrokerNode& broker = state_.brokers.at(static_cast<std::size_t>(request.broker));
  ProduceResponse response{request.request, request.instance, request.broker, request.connection, {}};
  if (const Fault* fault = message_fault(FaultKind::ErrorResponse, request.request)) {
    for (const WireBatch& batch : request.batches) {
      response.partitions.push_back(PartitionResponse{batch.partition, batch.batch, fault->error, -1});
      Step& step = log_step(StepKind::ProduceRejected, broker_node(broker.id));
      step.request = request.request;
      step.partition = batch.partition;
      step.batch = batch.batch;
      step.error = fault->error;
      step.detail = "fault: answered without processing";
    }
    if (request.acks == 0) {
      // acks=0 has no response to carry the error: KafkaApis.handleProduceRequest
      // closes the connection instead, and the producer sees it drop.
      broker_unmute(broker.id, request.instance, request.connection, request.request);
      Step& closed = log_step(StepKind::ConnectionDisconnected, broker_node(broker.id));
      closed.request = request.request;
      closed.broker = broker.id;
      closed.detail = "acks=0: an error closes the connection (KafkaApis)";
      const ProducerClient* p = client_of(request.instance);
      if (p != nullptr && request.connection == p->connection.at(broker.id))
        as_instance(request.instance, [&] { producer_connection_failed(broker.id, -1); });
      return;
    }
    broker_respond(response);
    broker_unmute(broker.id, request.instance, request.connection, request.request);
    return;
  }
  PendingProduce pending;
  pending.deadline_ms = after(state_.now_ms, request.timeout_ms);
  bool waiting = false;
  for (const WireBatch& batch : request.batches) {
    std::int64_t required = -1;
    response.partitions.push_back(leader_append(broker, request, batch, required));
    if (request.acks != -1 || response.partitions.back().error != Errors::NONE) required = -1;
    pending.required_offset.push_back(required);
    waiting = waiting || required >= 0;
  }
  if (request.acks == 0 || !waiting) {
    // acks=0: no response at all; the NoOpResponse unmutes the channel.
    if (request.acks != 0) broker_respond(response);
    broker_unmute(broker.id, request.instance, request.connection, request.request);
  } else {
    pending.response = std::move(response);
    broker.pending.push_back(std::move(pending));
    schedule(broker.pending.back().deadline_ms, EventKind::DelayedProduceExpires, broker.id);
    complete_pending(broker.id);
  }
  // ReplicaManager.appendRecords queues addCompletePurgatoryAction, which
  // KafkaApis runs once the request is handled (tryCompleteActions): the
  // follower fetches parked on a partition whose log grew complete.
  for (const WireBatch& batch : request.batches) complete_delayed_fetches(broker.id, batch.partition, false);
}

// A leader's step about one client batch of a produce request.
Step& World::log_batch_step(StepKind kind, std::int32_t broker, std::int64_t request, const WireBatch& batch) {
  Step& step = log_step(kind, broker_node(broker));
  step.request = request;
  step.partition = batch.partition;
  step.batch = batch.batch;
  step.producer_id = batch.producer_id;
  step.producer_epoch = batch.producer_epoch;
  step.sequence = batch.base_sequence;
  step.last_sequence = batch.last_sequence;
  return step;
}

// Partition.appendRecordsToLeader + UnifiedLog.append on the leader.
PartitionResponse World::leader_append(BrokerNode& broker, const ProduceRequest& request, const WireBatch& batch,
                                       std::int64_t& required_offset) {
  PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(batch.partition));
  PartitionResponse result{batch.partition, batch.batch, Errors::NONE, -1};
  auto reject = [&](Errors error, std::string detail, bool no_producer_state = false) {
    result.error = error;
    Step& step = log_batch_step(StepKind::ProduceRejected, broker.id, request.request, batch);
    step.error = error;
    step.detail = std::move(detail);
    step.producer_state_created = no_producer_state;
    return result;
  };
  if (partition.leader != broker.id) return reject(Errors::NOT_LEADER_OR_FOLLOWER, "not the leader");
  if (request.acks == -1 && static_cast<std::int32_t>(partition.isr.size()) < effective_min_isr(partition))
    return reject(Errors::NOT_ENOUGH_REPLICAS, fmt::format("{} < min.insync.replicas={}", isr_text(partition.isr),
                                                           effective_min_isr(partition)));
  Replica& replica = broker.replicas.at(batch.partition);
  const std::int64_t log_end = replica.log.log_end_offset();
  bool fresh = false;  // the leader had no state for this producer id here (the first-batch race's C1)
  if (batch.transactional)  // KIP-890 part 1 (3.6+): the transaction's first batch here is verified
    if (auto refused = txn_verify_partition(replica, batch)) return reject(refused->first, refused->second);
  if (batch.producer_id >= 0) {
    // What-if for KAFKA-15591 (apache/kafka PR 23234, Kafka 4.5): a producer
    // with no state whose first batch has a non-zero sequence is refused with
    // OUT_OF_ORDER_SEQUENCE_NUMBER when the partition never held a record.
    // The model's logs start at offset 0 (no retention, no DeleteRecords), so
    // that is an empty log. Nothing is created for the refused producer.
    if (config_.broker.reject_nonzero_first_sequence_on_empty_partition && batch.base_sequence != 0 &&
        log_end == 0 && !replica.producers.contains(batch.producer_id)) {
      return reject(Errors::OUT_OF_ORDER_SEQUENCE_NUMBER,
                    fmt::format("no producer state and the partition never held a record: the first sequence must be "
                                "0, got {} (model.reject.nonzero.first.sequence.on.empty.partition)",
                                batch.base_sequence),
                    true);
    }
    auto [it, created] = replica.producers.try_emplace(batch.producer_id, config_.broker.producer_state_batches_to_retain);
    fresh = created;
    const AppendDecision decision =
        it->second.append_from_client(static_cast<std::int16_t>(batch.producer_epoch), batch.base_sequence,
                                      batch.last_sequence, log_end, batch.transactional);
    if (decision.outcome == AppendOutcome::Duplicate) {
      Step& step = log_batch_step(StepKind::DuplicateDetected, broker.id, request.request, batch);
      step.offset = decision.base_offset;
      step.detail = "cached batch: nothing appended, original offset answered";
      result.base_offset = decision.base_offset;
      required_offset = decision.base_offset + static_cast<std::int64_t>(batch.records.size());
      return result;
    }
    if (decision.outcome != AppendOutcome::Appended) {
      const Errors error = append_error(decision.outcome);
      // INVALID_TXN_STATE in Kafka's words (ProducerAppendInfo.appendDataBatch).
      const std::string detail =
          decision.outcome == AppendOutcome::InvalidTxnState
              ? fmt::format("Expected transactional write from producer {} (its transaction is open here)",
                            batch.producer_id)
              : fmt::format("producer state: epoch {} last seq {}", it->second.producer_epoch(),
                            it->second.last_sequence());
      if (fresh) replica.producers.erase(it);  // a refused append leaves no state behind
      return reject(error, detail, fresh);
    }
  }
  replica.log.batches.push_back(LogBatch{log_end, partition.leader_epoch, batch.batch, request.instance,
                                         batch.producer_id, batch.producer_epoch, batch.base_sequence,
                                         batch.last_sequence, batch.records, state_.now_ms});
  replica.log.batches.back().transactional = batch.transactional;
  replica.log.batches.back().transaction = batch.transaction;
  Step& step = log_batch_step(StepKind::BatchAppended, broker.id, request.request, batch);
  step.offset = log_end;
  step.transaction = batch.transaction;  // -1 outside transactions
  step.instance = request.instance;
  step.producer_state_created = fresh;
  std::string sends;
  for (const LogRecord& r : batch.records) sends += (sends.empty() ? "" : ",") + std::to_string(r.send);
  step.detail = fmt::format("sends=[{}] leader_epoch={}", sends, partition.leader_epoch);
  result.base_offset = log_end;
  required_offset = replica.log.log_end_offset();
  maybe_advance_high_watermark(batch.partition);
  return result;
}

void World::broker_respond(const ProduceResponse& response) {
  std::int64_t delay = network_delay();
  const auto connection = std::tuple{response.instance, response.broker, response.connection};
  const bool faulted = message_fault(FaultKind::DropResponse, response.request) != nullptr;
  if (faulted) state_.black_holed.insert(connection);
  if (state_.black_holed.contains(connection)) {
    Step& step = log_step(StepKind::ProduceResponseDropped, "network");
    step.request = response.request;
    step.broker = response.broker;
    step.detail = faulted ? "fault: lost, and the connection with it (nothing more gets through until it is closed)"
                          : "the connection lost an earlier message: nothing gets through";
    return;
  }
  if (const Fault* fault = message_fault(FaultKind::DelayResponse, response.request)) {
    Step& step = log_step(StepKind::ProduceResponseDelayed, "network");
    step.request = response.request;
    step.broker = response.broker;
    step.detail = fmt::format("fault: arrives {}ms late", fault->duration_ms);
    delay = after(delay, fault->duration_ms);
  }
  const std::int64_t id = state_.next_message++;
  state_.responses_on_wire.emplace(id, response);
  schedule(deliver_in_order(1, response.instance, response.broker, delay), EventKind::ResponseArrives, id);
}

// DelayedProduce: acks=all answers once the high watermark covers the batch
// (NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR is then below min.insync.replicas),
// NOT_LEADER_OR_FOLLOWER once the broker is no longer the leader, and
// REQUEST_TIMED_OUT for what still waits when its timeout passes
// (DelayedProduce.tryComplete / onExpiration). Answering unmutes the
// request's connection, and the broker reads the next request on it.
void World::complete_pending(std::int32_t broker_id) {
  BrokerNode& broker = state_.brokers.at(static_cast<std::size_t>(broker_id));
  if (!broker_available(broker_id)) return;  // a paused broker completes nothing
  std::vector<PendingProduce> still_pending;
  std::vector<PendingProduce> done;
  for (PendingProduce& pending : broker.pending) {
    bool waiting = false;
    const bool expired = state_.now_ms >= pending.deadline_ms;
    for (std::size_t i = 0; i < pending.required_offset.size(); ++i) {
      std::int64_t& required = pending.required_offset[i];
      if (required < 0) continue;
      PartitionResponse& result = pending.response.partitions[i];
      const PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(result.partition));
      if (partition.leader != broker_id) {
        result.error = Errors::NOT_LEADER_OR_FOLLOWER;
        result.base_offset = -1;
        required = -1;
      } else if (broker.replicas.at(result.partition).high_watermark >= required) {
        if (static_cast<std::int32_t>(partition.isr.size()) < effective_min_isr(partition)) {
          result.error = Errors::NOT_ENOUGH_REPLICAS_AFTER_APPEND;
          result.base_offset = -1;
        }
        required = -1;
      } else if (expired) {
        result.error = Errors::REQUEST_TIMED_OUT;
        result.base_offset = -1;
        required = -1;
        Step& step = log_step(StepKind::ProduceRejected, broker_node(broker_id));
        step.request = pending.response.request;
        step.partition = result.partition;
        step.batch = result.batch;
        step.error = Errors::REQUEST_TIMED_OUT;
        step.detail = "DelayedProduce expired: written, but not replicated within the request's timeout";
      } else {
        waiting = true;
      }
    }
    (waiting ? still_pending : done).push_back(std::move(pending));
  }
  broker.pending = std::move(still_pending);
  for (const PendingProduce& pending : done) {
    const ProduceResponse& response = pending.response;
    broker_respond(response);
    broker_unmute(broker_id, response.instance, response.connection, response.request);
    broker_read(broker_id, {response.instance, response.connection});
  }
}

}  // namespace kafka_model
