// The canonical hash of a WorldState: every field, in declaration order,
// machines included (through their facades' own canonical hashes), so a
// search can recognise a state it has already explored.
#include "statemachines/canonical_hash.hpp"
#include "model/world_state.hpp"

namespace kafka_model {
namespace {

using H = CanonicalHasher;

template <class T>
  requires std::is_integral_v<T> || std::is_enum_v<T>
void add(H& h, T v) {
  if constexpr (std::is_same_v<T, bool>) {
    h.add(static_cast<std::uint8_t>(v));
  } else {
    h.add(v);
  }
}
void add(H& h, const std::string& v) { h.add(v); }
void add(H& h, const TransactionManager& v) { h.add(v.hash()); }
void add(H& h, const ProducerStateEntry& v) { h.add(v.hash()); }
void add(H& h, const ProducerBatchLifecycle& v) { h.add(v.hash()); }
template <class A, class B>
void add(H& h, const std::pair<A, B>& v);
template <class... T>
void add(H& h, const std::tuple<T...>& v);
template <class C>
  requires requires(const C& c) { c.begin(); c.end(); c.size(); }
void add(H& h, const C& c);

void add(H& h, const LogRecord& v) {
  add(h, v.record);
  add(h, v.send);
}
void add(H& h, const LogBatch& v) {
  add(h, v.base_offset), add(h, v.leader_epoch), add(h, v.batch), add(h, v.instance), add(h, v.producer_id);
  add(h, v.producer_epoch), add(h, v.base_sequence), add(h, v.last_sequence), add(h, v.records);
  add(h, v.timestamp_ms);
}
void add(H& h, const WireBatch& v) {
  add(h, v.partition), add(h, v.batch), add(h, v.producer_id), add(h, v.producer_epoch), add(h, v.base_sequence);
  add(h, v.last_sequence), add(h, v.records);
}
void add(H& h, const PartitionResponse& v) {
  add(h, v.partition), add(h, v.batch), add(h, v.error), add(h, v.base_offset);
}
void add(H& h, const ProduceRequest& v) {
  add(h, v.request), add(h, v.instance), add(h, v.broker), add(h, v.connection), add(h, v.acks), add(h, v.timeout_ms);
  add(h, v.batches);
}
void add(H& h, const ProduceResponse& v) {
  add(h, v.request), add(h, v.instance), add(h, v.broker), add(h, v.connection), add(h, v.partitions);
}
void add(H& h, const Replica& v) {
  add(h, v.log.batches), add(h, v.high_watermark), add(h, v.producers), add(h, v.synced_leader_epoch);
  add(h, v.producer_snapshot_offset);
}
void add(H& h, const PendingProduce& v) {
  add(h, v.response);
  add(h, v.required_offset);
  add(h, v.deadline_ms);
}
void add(H& h, const BrokerConnection& v) {
  add(h, v.unread);
  add(h, v.in_process);
}
void add(H& h, const BrokerNode& v) {
  add(h, v.id), add(h, v.alive), add(h, v.stalled_until_ms), add(h, v.fetch_stalled_until_ms), add(h, v.replicas);
  add(h, v.connections), add(h, v.pending);
}
void add(H& h, const PartitionState& v) {
  add(h, v.id), add(h, v.replicas), add(h, v.leader), add(h, v.leader_epoch), add(h, v.isr);
  add(h, v.follower_log_end_offset), add(h, v.follower_caught_up_ms);
  add(h, v.follower_last_fetch_leader_log_end), add(h, v.follower_last_fetch_ms), add(h, v.leader_epoch_start_offset);
}
void add(H& h, const ClientBatch& v) {
  add(h, v.id), add(h, v.partition), add(h, v.records), add(h, v.bytes), add(h, v.created_ms), add(h, v.lifecycle);
  add(h, v.producer_id), add(h, v.producer_epoch), add(h, v.base_sequence), add(h, v.retry_at_ms), add(h, v.request);
  add(h, v.sequence_has_been_reset), add(h, v.current_leader_epoch), add(h, v.attempts_when_leader_last_changed);
}
void add(H& h, const TxnPartitionEntry& v) {
  add(h, v.producer_epoch), add(h, v.next_sequence), add(h, v.last_acked_sequence), add(h, v.in_flight);
  add(h, v.unresolved), add(h, v.unresolved_sequence), add(h, v.producer_id), add(h, v.last_acked_offset);
}
void add(H& h, const ExpiredBatch& v) {
  add(h, v.partition), add(h, v.last_sequence), add(h, v.records);
}
void add(H& h, const InFlightRequest& v) {
  add(h, v.request), add(h, v.broker), add(h, v.connection), add(h, v.sent_ms), add(h, v.batches);
  add(h, v.expired);
}
void add(H& h, const NodeConnection& v) {
  add(h, v.connected), add(h, v.last_connect_attempt_ms), add(h, v.reconnect_backoff_ms), add(h, v.failed_attempts);
}
void add(H& h, const ProducerClient& v) {
  add(h, v.instance), add(h, v.alive), add(h, v.transaction_manager), add(h, v.producer_id), add(h, v.producer_epoch);
  add(h, v.accumulator), add(h, v.batches), add(h, v.sequences), add(h, v.in_flight), add(h, v.connection);
  add(h, v.metadata), add(h, v.metadata_stale), add(h, v.partitions_to_rewrite), add(h, v.epoch_bump_requested), add(h, v.buffered_bytes);
  add(h, v.sticky_partition), add(h, v.metadata_leader_epoch), add(h, v.node_state), add(h, v.muted);
  add(h, v.drain_index), add(h, v.in_flight_batches);
}
void add(H& h, const AppRecord& v) {
  add(h, v.sends), add(h, v.outstanding_send), add(h, v.acknowledged), add(h, v.given_up);
}
void add(H& h, const ApplicationState& v) {
  add(h, v.next_new_record), add(h, v.next_send), add(h, v.records), add(h, v.resend_queue), add(h, v.blocked);
  add(h, v.send_record), add(h, v.outstanding_sends), add(h, v.send_scheduled);
}
void add(H& h, const Event& v) {
  add(h, v.time_ms), add(h, v.seq), add(h, v.kind), add(h, v.a), add(h, v.b);
}

template <class A, class B>
void add(H& h, const std::pair<A, B>& v) {
  add(h, v.first);
  add(h, v.second);
}
template <class... T>
void add(H& h, const std::tuple<T...>& v) {
  std::apply([&h](const auto&... x) { (add(h, x), ...); }, v);
}
template <class C>
  requires requires(const C& c) { c.begin(); c.end(); c.size(); }
void add(H& h, const C& c) {
  h.add(static_cast<std::uint64_t>(c.size()));
  for (const auto& x : c) add(h, x);
}

}  // namespace

std::uint64_t hash(const WorldState& s) {
  H h;
  add(h, s.now_ms), add(h, s.next_event_seq), add(h, s.events_processed), add(h, s.queue);
  add(h, s.requests_on_wire), add(h, s.responses_on_wire), add(h, s.next_message), add(h, s.last_delivery_ms);
  add(h, s.brokers), add(h, s.partitions), add(h, s.producer), add(h, s.next_instance), add(h, s.next_producer_id);
  add(h, s.transactional_ids), add(h, s.next_batch), add(h, s.next_request), add(h, s.app), add(h, s.wakeups);
  add(h, s.healed), add(h, s.black_holed), add(h, s.pending_faults);
  return h.digest();
}

}  // namespace kafka_model
