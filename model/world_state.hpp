// The world's state as plain values: copyable, comparable, canonically
// hashable, so a search can snapshot it, branch from it and skip states it
// has seen. Behaviour lives in World (world.hpp); this file is only data.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include "model/config.hpp"
#include "model/fault_schedule.hpp"
#include "model/log.hpp"
#include "model/messages.hpp"
#include "model/transaction_state.hpp"
#include "model/workload.hpp"
#include "statemachines/producer_batch_lifecycle.hpp"
#include "statemachines/producer_state_entry.hpp"
#include "statemachines/transaction_manager.hpp"

namespace kafka_model {

// The world's own physics: not Kafka settings, but fixed for a run.
struct ModelParameters {
  std::int64_t network_delay_min_ms = 1;
  std::int64_t network_delay_max_ms = 3;
  // A follower's fetch reaches the leader this long after the follower sent
  // it, and the answer the follower as long after the leader sent it (drawn
  // per message, "fetch.jitter").
  std::int64_t fetch_delay_min_ms = 1;
  std::int64_t fetch_delay_max_ms = 3;
  // The transaction coordinator's marker channel (TransactionMarkerChannelManager)
  // sends its pending WriteTxnMarkers this often: their request and response
  // latency, not messages on the wire of their own (transaction_coordinator_node.cpp).
  std::int64_t marker_channel_interval_ms = 10;
  // A broker that becomes the leader of __transaction_state reads it before
  // it answers as the coordinator (TransactionStateManager
  // .loadTransactionsForTxnTopicPartition): a few records, a few ms.
  std::int64_t transaction_state_load_ms = 5;
  std::int64_t settle_ms = 2000;              // after faults heal, time for replicas to converge
  std::int64_t max_time_ms = 24 * 3600 * 1000;  // a run that has not finished by then is cut
  std::int64_t max_events = 2'000'000;
  // Test-only seam (tests/conformance/transaction_manager_test.cpp): the
  // coordinator answers the `correlation_id`-th request of producer instance
  // `instance` (the first instance is 1; every attempt counts, from 1) with
  // `error`, without processing it, as Kafka's TransactionManagerTest's mock
  // client answers. Not in RunSpec, so no scenario, generator or explorer
  // ever sets it; empty in every run but those tests'.
  struct CoordinatorAnswer {
    std::int32_t instance = 1;
    std::int64_t correlation_id = 1;
    Errors error = Errors::NONE;
    bool operator==(const CoordinatorAnswer&) const = default;
  };
  std::vector<CoordinatorAnswer> coordinator_answers;
  bool operator==(const ModelParameters&) const = default;
};

// ---- brokers ----------------------------------------------------------------
// A follower replica's fetcher for its partition (ReplicaFetcherThread's
// PartitionFetchState, as far as the model needs it): Idle (it is the leader,
// the partition has none, or its broker is down), Sending (its next fetch is
// on the way: one FollowerFetch event is queued), Parked (its fetch waits in
// the leader's fetch purgatory: one DelayedFetch and its expiry are queued)
// or Receiving (the leader's answer is on the way: one FetchResponseArrives).
enum class FetcherState : std::uint8_t { Idle, Sending, Parked, Receiving };

struct Replica {
  PartitionLog log;
  std::int64_t high_watermark = 0;
  std::map<std::int64_t, ProducerStateEntry> producers;  // by producer id (Kafka's ProducerStateManager)
  std::int32_t synced_leader_epoch = -1;  // the leader epoch this follower last reconciled its log with
  // The offset of the latest producer snapshot (ProducerStateManager.takeSnapshot
  // at recovery and after a truncation), or -1: a snapshot keeps only each
  // producer's LAST batch (ProducerStateManager.writeSnapshot).
  std::int64_t producer_snapshot_offset = -1;
  FetcherState fetcher = FetcherState::Idle;
  // While Receiving: the answer holds the leader's records up to this offset
  // (its log end when it answered) and the leader's high watermark then.
  std::int64_t response_end_offset = 0;
  std::int64_t response_high_watermark = 0;
  bool operator==(const Replica&) const = default;
};

// A produce request the leader answers later: acks=all waits for the high
// watermark (Kafka's DelayedProduce); required_offset -1 = this partition is
// answered. It expires at deadline_ms (the request's timeoutMs, which the
// producer sets to request.timeout.ms: Sender.sendProduceRequest), answering
// REQUEST_TIMED_OUT for the partitions still waiting (DelayedProduce.onExpiration).
struct PendingProduce {
  ProduceResponse response;
  std::vector<std::int64_t> required_offset;
  std::int64_t deadline_ms = 0;
  bool operator==(const PendingProduce&) const = default;
};

// A follower's fetch the leader holds because it found nothing to return
// (Kafka's DelayedFetch in the fetch purgatory, ReplicaManager.fetchMessages
// with replica.fetch.min.bytes = 1): it completes when the leader's log grows
// past fetch_offset, or at deadline_ms (the request's maxWait, replica.fetch.wait.max.ms).
struct DelayedFetch {
  std::int32_t follower = 0;
  std::int32_t partition = 0;
  std::int64_t fetch_offset = 0;
  std::int64_t deadline_ms = 0;
  bool operator==(const DelayedFetch&) const = default;
};

// The broker's end of one client connection: Kafka's SocketServer Processor
// reads a request, then mutes the channel until that request's response has
// been sent (Processor.processCompletedReceives / processCompletedSends; for
// acks=0 the NoOpResponse unmutes it). So requests of one connection are
// served one at a time, in arrival order, and their responses leave in request
// order: a produce waiting in DelayedProduce blocks everything behind it.
struct BrokerConnection {
  std::deque<ProduceRequest> unread;  // arrived, not yet read from the socket
  std::int64_t in_process = -1;       // the request read and not yet answered (the channel is muted), or -1
  bool idle() const { return unread.empty() && in_process < 0; }
  bool operator==(const BrokerConnection&) const = default;
};

struct BrokerNode {
  std::int32_t id = 0;
  bool alive = true;
  std::int64_t stalled_until_ms = 0;        // BrokerStall: processes nothing before this
  std::int64_t fetch_stalled_until_ms = 0;  // FollowerStall: fetches nothing before this
  std::map<std::int32_t, Replica> replicas;  // by partition
  // (producer instance, connection generation) -> the broker's end of it
  std::map<std::pair<std::int32_t, std::int32_t>, BrokerConnection> connections;
  std::vector<PendingProduce> pending;
  std::vector<DelayedFetch> delayed_fetches;  // the fetch purgatory, in parking order
  bool operator==(const BrokerNode&) const = default;
};

// The controller's view of one partition.
// A map from broker id to a value, for a partition's few replicas: a
// vector of (id, value) in id order with std::map's interface and iteration
// order (so operator== and the canonical hash see what the map showed), and
// no node to allocate or chase on every follower fetch.
class ReplicaMap {
 public:
  using value_type = std::pair<std::int32_t, std::int64_t>;
  std::int64_t& operator[](std::int32_t id) {
    auto it = lower(id);
    if (it == entries_.end() || it->first != id) it = entries_.insert(it, value_type{id, 0});
    return it->second;
  }
  const std::int64_t& at(std::int32_t id) const {
    for (const value_type& e : entries_)
      if (e.first == id) return e.second;
    throw std::out_of_range("ReplicaMap::at");
  }
  bool contains(std::int32_t id) const {
    for (const value_type& e : entries_)
      if (e.first == id) return true;
    return false;
  }
  std::size_t erase(std::int32_t id) {
    auto it = lower(id);
    if (it == entries_.end() || it->first != id) return 0;
    entries_.erase(it);
    return 1;
  }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::vector<value_type>::const_iterator begin() const { return entries_.begin(); }
  std::vector<value_type>::const_iterator end() const { return entries_.end(); }
  bool operator==(const ReplicaMap&) const = default;

 private:
  std::vector<value_type>::iterator lower(std::int32_t id) {
    auto it = entries_.begin();
    while (it != entries_.end() && it->first < id) ++it;
    return it;
  }
  std::vector<value_type> entries_;  // by id, ascending
};

struct PartitionState {
  std::int32_t id = 0;
  std::vector<std::int32_t> replicas;
  std::int32_t leader = -1;  // -1: offline
  std::int32_t leader_epoch = 0;
  std::set<std::int32_t> isr;
  // The leader's view of each follower (Kafka's Replica.ReplicaState): the log
  // end offset its last fetch request carried (so the leader learns what a
  // fetch copied only from the NEXT fetch), lastCaughtUpTimeMs, and the
  // leader's log end and the time at that previous fetch.
  ReplicaMap follower_log_end_offset;
  ReplicaMap follower_caught_up_ms;
  ReplicaMap follower_last_fetch_leader_log_end;
  ReplicaMap follower_last_fetch_ms;
  std::int64_t leader_epoch_start_offset = 0;  // the leader's log end when it became leader
  bool operator==(const PartitionState&) const = default;
};

// ---- producer client ----------------------------------------------------------
struct ClientBatch {
  std::int64_t id = 0;
  std::int32_t partition = 0;
  std::vector<LogRecord> records;
  std::int64_t bytes = 0;
  std::int64_t created_ms = 0;
  ProducerBatchLifecycle lifecycle{0};
  std::int64_t producer_id = -1;  // assigned with the sequence at first drain
  std::int32_t producer_epoch = -1;
  std::int32_t base_sequence = -1;
  std::int64_t retry_at_ms = 0;  // reenqueue time + the retry backoff drawn for this retry
  std::int64_t request = -1;  // outstanding request carrying it
  // ProducerBatch.reopened (sequenceHasBeenReset, ProducerBatch.java:476-498,
  // 556): true from resetProducerState (renumbering) until close() at the next drain.
  bool sequence_has_been_reset = false;
  // ProducerBatch.currentLeaderEpoch / attemptsWhenLeaderLastChanged (KIP-951,
  // 3.7+): a retry to a new leader skips the backoff. -1 = Optional.empty.
  std::int32_t current_leader_epoch = -1;
  std::int32_t attempts_when_leader_last_changed = 0;
  std::int32_t last_sequence() const {
    return increment_sequence(base_sequence, static_cast<std::int32_t>(records.size()) - 1);
  }
  bool operator==(const ClientBatch&) const = default;
};

// Kafka's TxnPartitionEntry: per-partition sequence bookkeeping.
struct TxnPartitionEntry {
  std::int32_t producer_epoch = -1;  // the epoch its sequences belong to
  std::int32_t next_sequence = 0;
  std::int32_t last_acked_sequence = -1;
  std::set<std::pair<std::int32_t, std::int64_t>> in_flight;  // (base sequence, batch), unfinished
  // TransactionManager.partitionsWithUnresolvedSequences (KIP-360): a batch in
  // retry expired; unresolved_sequence is Kafka's value there, the NEXT
  // sequence after the expired batch (markSequenceUnresolved: lastSequence + 1).
  bool unresolved = false;
  std::int32_t unresolved_sequence = -1;
  std::int64_t producer_id = -1;        // producerIdAndEpoch's id (epoch exhaustion gives a new one)
  std::int64_t last_acked_offset = -1;  // TxnPartitionEntry.lastAckedOffset; -1 = INVALID_OFFSET
  bool operator==(const TxnPartitionEntry&) const = default;
};

// A batch that expired (delivery.timeout.ms) while its request was out.
struct ExpiredBatch {
  std::int32_t partition = 0;
  std::int32_t last_sequence = -1;  // -1: it had none
  std::int32_t records = 0;
  bool operator==(const ExpiredBatch&) const = default;
};

struct InFlightRequest {
  std::int64_t request = 0;
  std::int32_t broker = 0;
  std::int32_t connection = 0;
  std::int64_t sent_ms = 0;
  std::vector<std::int64_t> batches;
  // Batches of this request that expired (delivery.timeout.ms) while it was
  // out. Kafka keeps the ProducerBatch object
  // in the request, so a late success still updates lastAckedSequence
  // (Sender.completeBatch -> TransactionManager.handleCompletedBatch).
  std::map<std::int64_t, ExpiredBatch> expired;
  bool operator==(const InFlightRequest&) const = default;
};

// ClusterConnectionStates.NodeConnectionState: reconnect backoff per broker.
struct NodeConnection {
  bool connected = true;
  std::int64_t last_connect_attempt_ms = 0;
  std::int64_t reconnect_backoff_ms = 0;
  std::int64_t failed_attempts = 0;
  bool operator==(const NodeConnection&) const = default;
};

struct ProducerClient {
  std::int32_t instance = 0;
  bool alive = false;
  TransactionManager transaction_manager;
  std::int64_t producer_id = -1;
  std::int32_t producer_epoch = -1;
  std::map<std::int32_t, std::deque<std::int64_t>> accumulator;  // partition -> batch ids, drain order
  std::map<std::int64_t, ClientBatch> batches;                    // unfinished batches
  std::map<std::int32_t, TxnPartitionEntry> sequences;
  std::map<std::int64_t, InFlightRequest> in_flight;              // by request ordinal
  std::map<std::int32_t, std::int32_t> connection;                // broker -> connection generation
  std::map<std::int32_t, std::int32_t> metadata;                  // partition -> leader it believes
  std::map<std::int32_t, std::int32_t> metadata_leader_epoch;     // partition -> that leader's epoch
  std::map<std::int32_t, NodeConnection> node_state;              // broker -> connection state
  std::set<std::int32_t> muted;                                   // RecordAccumulator.muted (max.in.flight=1)
  std::map<std::int32_t, std::int32_t> drain_index;               // RecordAccumulator.nodesDrainIndex
  std::map<std::int32_t, std::vector<std::int64_t>> in_flight_batches;  // Sender.inFlightBatches, drain order
  bool metadata_stale = false;                                     // an error said the leader may have moved
  std::set<std::int32_t> partitions_to_rewrite;                   // epoch bump requested for these
  bool epoch_bump_requested = false;
  std::int64_t buffered_bytes = 0;
  std::int32_t sticky_partition = -1;  // KIP-480, for null keys
  bool operator==(const ProducerClient&) const = default;
};

// ---- application ------------------------------------------------------------
struct AppRecord {
  std::int32_t sends = 0;
  std::int64_t outstanding_send = -1;
  bool acknowledged = false;
  bool operator==(const AppRecord&) const = default;
};

struct ApplicationState {
  std::int64_t next_new_record = 0;
  std::map<std::int64_t, AppRecord> records;
  std::deque<std::int64_t> resend_queue;
  // (send, since ms, partition): send() blocked on a full buffer.memory; the
  // partition was chosen once, in send(), as KafkaProducer.doSend does.
  std::deque<std::tuple<std::int64_t, std::int64_t, std::int32_t>> blocked;
  std::map<std::int64_t, std::int64_t> send_record;           // send -> record
  std::int64_t outstanding_sends = 0;                         // records with outstanding_send >= 0
  bool send_scheduled = false;
  bool operator==(const ApplicationState&) const = default;
};

// ---- the event queue ----------------------------------------------------------
enum class EventKind : std::uint8_t {
  AppSendDue,
  SenderWakeup,
  RequestArrives,   // a = message id
  ResponseArrives,  // a = message id
  FollowerFetch,    // a = follower broker, b = partition: its fetch request reaches the leader
  FaultDue,         // a = index into the schedule
  BrokerResumes,    // a = broker (BrokerStall ended)
  DelayedProduceExpires,  // a = broker: a DelayedProduce's timeout may have passed
  ProducerExpirationCheck,  // a = broker: ProducerStateManager.removeExpiredProducers
  DelayedFetchExpires,      // a = follower broker, b = partition: its parked fetch's maxWait passed
  FetchResponseArrives,     // a = follower broker, b = partition: the leader's answer reaches it
  IsrExpiration,            // a = broker: ReplicaManager's isr-expiration task (maybeShrinkIsr)
  TxnRequestArrives,        // a = message id: a request reaches the transaction coordinator
  TxnResponseArrives,       // a = message id: its answer reaches the producer
  TxnCoordinatorTick,       // the coordinator's marker channel retries what is not yet written
  TxnTimeoutCheck,          // a = txn_start_ms: TransactionStateManager's timed-out transaction check
  ProducerZombieDies,       // a = instance: a zombie producer process (FaultKind::ProducerZombie) ends
};
// AppSendDue and SenderWakeup carry in `a` the zombie instance they belong
// to, or 0 for the current instance (producer_process.cpp).

struct Event {
  std::int64_t time_ms = 0;
  std::int64_t seq = 0;  // insertion number: ties in time break by it
  EventKind kind = EventKind::SenderWakeup;
  std::int64_t a = 0;
  std::int64_t b = 0;
  bool operator<(const Event& o) const { return time_ms != o.time_ms ? time_ms < o.time_ms : seq < o.seq; }
  bool operator==(const Event&) const = default;
};

// The pending events in (time, seq) order, as std::set<Event> gave them, at
// the cost of a small vector: a world holds a few dozen events at most, and
// a node allocation per event (std::set) cost more than moving them. Kept
// sorted latest-first, so taking the earliest is a pop_back; iteration
// (begin/end) runs earliest-first like the set's, so the canonical hash and
// operator== see one order for one set of events, however they were added.
class EventQueue {
 public:
  using const_iterator = std::vector<Event>::const_reverse_iterator;
  bool empty() const { return events_.empty(); }
  std::size_t size() const { return events_.size(); }
  const_iterator begin() const { return events_.rbegin(); }  // the earliest event
  const_iterator end() const { return events_.rend(); }
  const Event& front() const { return events_.back(); }
  void pop_front() { events_.pop_back(); }
  // Drops the queued event of this kind and these arguments, if any (a
  // fetcher's FollowerFetch or DelayedFetchExpires: at most one is queued).
  void erase(EventKind kind, std::int64_t a, std::int64_t b) {
    auto it = std::find_if(events_.begin(), events_.end(),
                           [&](const Event& e) { return e.kind == kind && e.a == a && e.b == b; });
    if (it != events_.end()) events_.erase(it);
  }
  void insert(const Event& event) {
    // A new event's seq is the largest, so it goes after every event of its
    // time: upper_bound in the reversed order, searched from the front (the
    // latest events), where a new event usually lands.
    auto position = std::upper_bound(events_.begin(), events_.end(), event,
                                     [](const Event& x, const Event& y) { return y < x; });
    events_.insert(position, event);
  }
  bool operator==(const EventQueue&) const = default;

 private:
  std::vector<Event> events_;  // sorted by (time, seq), latest first
};

// ---- producer processes -------------------------------------------------------
// One running application instance with its KafkaProducer: the client, its
// transactional half, the application loop and the sender's scheduled
// wakeups. WorldState holds the current instance's in its own fields
// (producer, txn_client, txn_app, app, wakeups) and every replaced instance
// still running in `zombies` (FaultKind::ProducerZombie); the world runs a
// zombie's events with its process in the current one's place
// (producer_process.cpp).
struct ProducerProcess {
  ProducerClient producer;
  TransactionalClient txn_client;
  TransactionalApp txn_app;
  ApplicationState app;
  std::set<std::int64_t> wakeups;
  bool operator==(const ProducerProcess&) const = default;
};

struct WorldState {
  std::int64_t now_ms = 0;
  std::int64_t next_event_seq = 0;
  std::int64_t events_processed = 0;
  EventQueue queue;
  std::map<std::int64_t, ProduceRequest> requests_on_wire;
  std::map<std::int64_t, ProduceResponse> responses_on_wire;
  std::int64_t next_message = 0;
  std::map<std::tuple<int, std::int32_t, std::int32_t>, std::int64_t> last_delivery_ms;  // per connection FIFO
  std::vector<BrokerNode> brokers;
  std::vector<PartitionState> partitions;
  ProducerClient producer;
  std::int32_t next_instance = 1;
  std::int64_t next_producer_id = 1000;
  std::map<std::string, std::pair<std::int64_t, std::int32_t>> transactional_ids;  // id -> (pid, epoch)
  std::int64_t next_batch = 0;
  std::int64_t next_request = 1;
  ApplicationState app;
  std::set<std::int64_t> wakeups;  // scheduled SenderWakeup times (dedup)
  std::vector<ProducerProcess> zombies;  // replaced instances still running, oldest first
  // World-wide ordinals of the application's send() calls and transactions:
  // a zombie and its replacement never reuse one.
  std::int64_t next_send = 0;
  std::int64_t next_transaction = 0;
  std::int64_t pending_faults = 0;  // FaultDue events still in the queue
  // Connections (instance, broker, generation) that silently lost a message:
  // TCP delivers in order or not at all, so everything sent after it on that
  // connection, either way, is lost too until the client closes it (messages
  // already in transit still arrive).
  std::set<std::tuple<std::int32_t, std::int32_t, std::int32_t>> black_holed;
  bool healed = false;
  std::int64_t first_request_after_heal = -1;  // next_request at the heal: no message fault from it on
  // Transactions (transaction_state.hpp): components of their own, untouched
  // (and unhashed defaults) in a run without transactional.id.
  std::map<std::int64_t, TxnRequest> txn_requests_on_wire;
  std::map<std::int64_t, TxnResponse> txn_responses_on_wire;
  TransactionCoordinatorNode coordinator;
  TransactionStateLog transaction_state_log;
  TransactionalClient txn_client;
  TransactionalApp txn_app;
  GroupCoordinatorNode group;  // consume-transform-produce only (group_coordinator_node.cpp)
  bool operator==(const WorldState&) const = default;
};

// Canonical: equal states hash equal on every build and platform (world_hash.cpp).
std::uint64_t hash(const WorldState& state);

}  // namespace kafka_model
