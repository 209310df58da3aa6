// The canonical hash of a WorldState: every field, in declaration order,
// machines included (through their facades' own canonical hashes), so a
// search can recognise a state it has already explored.
#include "statemachines/canonical_hash.hpp"
#include "model/world_state.hpp"

namespace kafka_model {
namespace {

// A word at a time, for the explorer's hot path (exploration_hash): one
// multiply-rotate round per integer instead of FNV's one per byte. Not the
// canonical hash (that one is pinned by the determinism tests); equally a
// function of the values only.
class WordHasher {
 public:
  template <class Int>
  WordHasher& add(Int value) {
    using Raw = typename std::conditional_t<std::is_enum_v<Int>, std::underlying_type<Int>,
                                            std::enable_if<true, Int>>::type;
    word(static_cast<std::uint64_t>(static_cast<std::make_unsigned_t<Raw>>(value)));
    return *this;
  }
  WordHasher& add(std::string_view text) {
    word(text.size());
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      w = (w << 8) | static_cast<std::uint8_t>(text[i]);
      if (i % 8 == 7) word(w), w = 0;
    }
    word(w);
    return *this;
  }
  WordHasher& add(const std::string& text) { return add(std::string_view(text)); }
  std::uint64_t digest() const {
    std::uint64_t z = state_ + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  void word(std::uint64_t v) {
    state_ ^= v * 0x87c37b91114253d5ULL;
    state_ = ((state_ << 31) | (state_ >> 33)) * 0x4cf5ad432745937fULL;
  }
  std::uint64_t state_ = 0x6a09e667f3bcc909ULL;
};

template <class H, class T>
  requires std::is_integral_v<T> || std::is_enum_v<T>
void add(H& h, T v) {
  if constexpr (std::is_same_v<T, bool>) {
    h.add(static_cast<std::uint8_t>(v));
  } else {
    h.add(v);
  }
}
template <class H>
void add(H& h, const std::string& v) { h.add(v); }
template <class H>
void add(H& h, const TransactionManager& v) { h.add(v.hash()); }
template <class H>
void add(H& h, const ProducerStateEntry& v) { h.add(v.hash()); }
template <class H>
void add(H& h, const ProducerBatchLifecycle& v) { h.add(v.hash()); }
template <class H>
void add(H& h, const TransactionCoordinator& v) { h.add(v.hash()); }
template <class H, class T>
void add(H& h, const std::optional<T>& v);
template <class H, class A, class B>
void add(H& h, const std::pair<A, B>& v);
template <class H, class... T>
void add(H& h, const std::tuple<T...>& v);
template <class H, class C>
  requires requires(const C& c) { c.begin(); c.end(); c.size(); }
void add(H& h, const C& c);

template <class H>
void add(H& h, const LogRecord& v) {
  add(h, v.record);
  add(h, v.send);
}
template <class H>
void add(H& h, const LogBatch& v) {
  add(h, v.base_offset), add(h, v.leader_epoch), add(h, v.batch), add(h, v.instance), add(h, v.producer_id);
  add(h, v.producer_epoch), add(h, v.base_sequence), add(h, v.last_sequence), add(h, v.records);
  add(h, v.timestamp_ms);
  add(h, v.transactional), add(h, v.control), add(h, v.transaction);
}
template <class H>
void add(H& h, const WireBatch& v) {
  add(h, v.partition), add(h, v.batch), add(h, v.producer_id), add(h, v.producer_epoch), add(h, v.base_sequence);
  add(h, v.last_sequence), add(h, v.records), add(h, v.transactional), add(h, v.transaction);
}
template <class H>
void add(H& h, const PartitionResponse& v) {
  add(h, v.partition), add(h, v.batch), add(h, v.error), add(h, v.base_offset);
}
template <class H>
void add(H& h, const ProduceRequest& v) {
  add(h, v.request), add(h, v.instance), add(h, v.broker), add(h, v.connection), add(h, v.acks), add(h, v.timeout_ms);
  add(h, v.batches);
}
template <class H>
void add(H& h, const ProduceResponse& v) {
  add(h, v.request), add(h, v.instance), add(h, v.broker), add(h, v.connection), add(h, v.partitions);
}
template <class H>
void add(H& h, const Replica& v) {
  add(h, v.log.batches), add(h, v.high_watermark), add(h, v.producers), add(h, v.synced_leader_epoch);
  add(h, v.producer_snapshot_offset), add(h, v.fetcher), add(h, v.response_end_offset);
  add(h, v.response_high_watermark);
}
template <class H>
void add(H& h, const DelayedFetch& v) {
  add(h, v.follower), add(h, v.partition), add(h, v.fetch_offset), add(h, v.deadline_ms);
}
template <class H>
void add(H& h, const PendingProduce& v) {
  add(h, v.response);
  add(h, v.required_offset);
  add(h, v.deadline_ms);
}
template <class H>
void add(H& h, const BrokerConnection& v) {
  add(h, v.unread);
  add(h, v.in_process);
}
template <class H>
void add(H& h, const BrokerNode& v) {
  add(h, v.id), add(h, v.alive), add(h, v.stalled_until_ms), add(h, v.fetch_stalled_until_ms), add(h, v.replicas);
  add(h, v.connections), add(h, v.pending), add(h, v.delayed_fetches);
}
template <class H>
void add(H& h, const PartitionState& v) {
  add(h, v.id), add(h, v.replicas), add(h, v.leader), add(h, v.leader_epoch), add(h, v.isr);
  add(h, v.follower_log_end_offset), add(h, v.follower_caught_up_ms);
  add(h, v.follower_last_fetch_leader_log_end), add(h, v.follower_last_fetch_ms), add(h, v.leader_epoch_start_offset);
}
template <class H>
void add(H& h, const ClientBatch& v) {
  add(h, v.id), add(h, v.partition), add(h, v.records), add(h, v.bytes), add(h, v.created_ms), add(h, v.lifecycle);
  add(h, v.producer_id), add(h, v.producer_epoch), add(h, v.base_sequence), add(h, v.retry_at_ms), add(h, v.request);
  add(h, v.sequence_has_been_reset), add(h, v.current_leader_epoch), add(h, v.attempts_when_leader_last_changed);
}
template <class H>
void add(H& h, const TxnPartitionEntry& v) {
  add(h, v.producer_epoch), add(h, v.next_sequence), add(h, v.last_acked_sequence), add(h, v.in_flight);
  add(h, v.unresolved), add(h, v.unresolved_sequence), add(h, v.producer_id), add(h, v.last_acked_offset);
}
template <class H>
void add(H& h, const ExpiredBatch& v) {
  add(h, v.partition), add(h, v.last_sequence), add(h, v.records);
}
template <class H>
void add(H& h, const InFlightRequest& v) {
  add(h, v.request), add(h, v.broker), add(h, v.connection), add(h, v.sent_ms), add(h, v.batches);
  add(h, v.expired);
}
template <class H>
void add(H& h, const NodeConnection& v) {
  add(h, v.connected), add(h, v.last_connect_attempt_ms), add(h, v.reconnect_backoff_ms), add(h, v.failed_attempts);
}
template <class H>
void add(H& h, const ProducerClient& v) {
  add(h, v.instance), add(h, v.alive), add(h, v.transaction_manager), add(h, v.producer_id), add(h, v.producer_epoch);
  add(h, v.accumulator), add(h, v.batches), add(h, v.sequences), add(h, v.in_flight), add(h, v.connection);
  add(h, v.metadata), add(h, v.metadata_stale), add(h, v.partitions_to_rewrite), add(h, v.epoch_bump_requested), add(h, v.buffered_bytes);
  add(h, v.sticky_partition), add(h, v.metadata_leader_epoch), add(h, v.node_state), add(h, v.muted);
  add(h, v.drain_index), add(h, v.in_flight_batches);
}
template <class H>
void add(H& h, const AppRecord& v) {
  add(h, v.sends), add(h, v.outstanding_send), add(h, v.acknowledged);
}
template <class H>
void add(H& h, const ApplicationState& v) {
  add(h, v.next_new_record), add(h, v.records), add(h, v.resend_queue), add(h, v.blocked);
  add(h, v.send_record), add(h, v.outstanding_sends), add(h, v.send_scheduled);
}
template <class H>
void add(H& h, const TxnRequest& v) {
  add(h, v.api), add(h, v.correlation_id), add(h, v.instance), add(h, v.broker), add(h, v.producer_id);
  add(h, v.producer_epoch), add(h, v.partitions), add(h, v.commit), add(h, v.transaction), add(h, v.offset);
}
template <class H>
void add(H& h, const TxnResponse& v) {
  add(h, v.request), add(h, v.error), add(h, v.producer_id), add(h, v.producer_epoch);
}
template <class H>
void add(H& h, const PendingMarker& v) {
  add(h, v.partition), add(h, v.producer_id), add(h, v.producer_epoch), add(h, v.commit), add(h, v.transaction);
}
template <class H>
void add(H& h, const TransactionCoordinatorNode& v) {
  add(h, v.metadata), add(h, v.transaction), add(h, v.txn_start_ms), add(h, v.markers), add(h, v.held);
  add(h, v.tick_scheduled);
}
template <class H>
void add(H& h, const TransactionalClient& v) {
  add(h, v.init_needed), add(h, v.request_in_flight), add(h, v.correlation_id), add(h, v.sent_ms), add(h, v.retry_at_ms), add(h, v.partitions_in_transaction);
  add(h, v.new_partitions), add(h, v.pending_partitions), add(h, v.end_txn_needed), add(h, v.committing);
  add(h, v.epoch_bump_required), add(h, v.fenced), add(h, v.in_flight_api), add(h, v.add_offsets_needed);
  add(h, v.offset_commit_needed), add(h, v.offsets_position), add(h, v.offsets_added), add(h, v.last_error);
}
template <class H>
void add(H& h, const TransactionalApp& v) {
  add(h, v.transaction), add(h, v.records), add(h, v.sends), add(h, v.send_failed);
  add(h, v.completing), add(h, v.progress_ms), add(h, v.position), add(h, v.transaction_start);
  add(h, v.sending_offsets), add(h, v.offsets_sent), add(h, v.last_auto_commit_ms), add(h, v.consumer_closed);
}
template <class H>
void add(H& h, const ProducerProcess& v) {
  add(h, v.producer), add(h, v.txn_client), add(h, v.txn_app), add(h, v.app), add(h, v.wakeups);
}
template <class H>
void add(H& h, const PendingTxnOffset& v) {
  add(h, v.offset), add(h, v.producer_epoch), add(h, v.transaction);
}
template <class H>
void add(H& h, const GroupCoordinatorNode& v) {
  add(h, v.committed_offset), add(h, v.pending);
}
template <class H>
void add(H& h, const TxnStateReplica& v) {
  add(h, v.log_end), add(h, v.metadata), add(h, v.transaction), add(h, v.txn_start_ms);
}
template <class H>
void add(H& h, const TransactionStateLog& v) {
  add(h, v.replicas), add(h, v.leader), add(h, v.coordinator_epoch), add(h, v.isr), add(h, v.copies);
  add(h, v.loaded_at_ms);
}
// The transactional components: nothing is added for a run without them, so
// its hash is what it was before transactions were modelled.
template <class H>
void add_transactions(H& h, const WorldState& s) {
  if (s.coordinator == TransactionCoordinatorNode{} && s.txn_client == TransactionalClient{} &&
      s.txn_app == TransactionalApp{} && s.txn_requests_on_wire.empty() && s.txn_responses_on_wire.empty() &&
      s.group == GroupCoordinatorNode{} && s.transaction_state_log == TransactionStateLog{})
    return;
  add(h, s.txn_requests_on_wire), add(h, s.txn_responses_on_wire), add(h, s.coordinator), add(h, s.txn_client);
  add(h, s.txn_app), add(h, s.group), add(h, s.transaction_state_log);
}
template <class H>
void add(H& h, const Event& v) {
  add(h, v.time_ms), add(h, v.seq), add(h, v.kind), add(h, v.a), add(h, v.b);
}

template <class H, class A, class B>
void add(H& h, const std::pair<A, B>& v) {
  add(h, v.first);
  add(h, v.second);
}
template <class H, class T>
void add(H& h, const std::optional<T>& v) {
  add(h, v.has_value());
  if (v) add(h, *v);
}
template <class H, class... T>
void add(H& h, const std::tuple<T...>& v) {
  std::apply([&h](const auto&... x) { (add(h, x), ...); }, v);
}
template <class H, class C>
  requires requires(const C& c) { c.begin(); c.end(); c.size(); }
void add(H& h, const C& c) {
  h.add(static_cast<std::uint64_t>(c.size()));
  for (const auto& x : c) add(h, x);
}

}  // namespace

std::uint64_t hash(const WorldState& s) {
  CanonicalHasher h;
  add(h, s.now_ms), add(h, s.next_event_seq), add(h, s.events_processed), add(h, s.queue);
  add(h, s.requests_on_wire), add(h, s.responses_on_wire), add(h, s.next_message), add(h, s.last_delivery_ms);
  add(h, s.brokers), add(h, s.partitions), add(h, s.producer), add(h, s.next_instance), add(h, s.next_producer_id);
  add(h, s.transactional_ids), add(h, s.next_batch), add(h, s.next_request), add(h, s.app), add(h, s.wakeups);
  add(h, s.healed), add(h, s.first_request_after_heal), add(h, s.black_holed), add(h, s.pending_faults);
  add(h, s.zombies), add(h, s.next_send), add(h, s.next_transaction);
  add_transactions(h, s);
  return h.digest();
}

}  // namespace kafka_model

namespace kafka_model {

// The explorer's identity of a state (docs/explorer.md, "Reductions"): the
// canonical fields, word at a time, with what provably cannot change the
// future left out or renamed:
//  - events_processed and next_event_seq: the first only feeds
//    ModelParameters::max_events, the second only orders ties; an event's seq
//    is hashed as its rank in the queue (the queue iterates in (time, seq)
//    order and a new event's seq is larger than every queued one);
//  - now_ms, unless the heal test may read it (World::heal_reads_now: heal()
//    reads it, and so do the two rules that let a busy producer heal,
//    txn_app_blocked and producer_retries_past_bound): otherwise every reader
//    of now_ms runs after step() has set it to the next event's time
//    (inject() does the same);
//  - a connection's FIFO time (last_delivery_ms) and a broker's stall ends
//    that are already past: deliver_in_order takes max(last, now + delay) with
//    delay >= 1 and every stall test is `until <= now`, so a past value acts
//    as no value.
std::uint64_t exploration_hash(const WorldState& s, bool heal_reads_now) {
  WordHasher h;
  add(h, heal_reads_now ? s.now_ms : -1);
  add(h, static_cast<std::uint64_t>(s.queue.size()));
  std::int64_t rank = 0;
  for (const Event& e : s.queue) add(h, e.time_ms), add(h, rank++), add(h, e.kind), add(h, e.a), add(h, e.b);
  add(h, s.requests_on_wire), add(h, s.responses_on_wire), add(h, s.next_message);
  for (const auto& [connection, last] : s.last_delivery_ms)
    if (last > s.now_ms) add(h, connection), add(h, last);
  add(h, static_cast<std::uint64_t>(s.brokers.size()));
  for (const BrokerNode& b : s.brokers) {
    add(h, b.id), add(h, b.alive);
    add(h, b.stalled_until_ms > s.now_ms ? b.stalled_until_ms : -1);
    add(h, b.fetch_stalled_until_ms > s.now_ms ? b.fetch_stalled_until_ms : -1);
    add(h, b.replicas), add(h, b.connections), add(h, b.pending), add(h, b.delayed_fetches);
  }
  add(h, s.partitions), add(h, s.producer), add(h, s.next_instance), add(h, s.next_producer_id);
  add(h, s.transactional_ids), add(h, s.next_batch), add(h, s.next_request), add(h, s.app), add(h, s.wakeups);
  add(h, s.healed), add(h, s.first_request_after_heal), add(h, s.black_holed), add(h, s.pending_faults);
  add(h, s.zombies), add(h, s.next_send), add(h, s.next_transaction);
  add_transactions(h, s);
  return h.digest();
}

}  // namespace kafka_model
