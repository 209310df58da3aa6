// The event loop, fault application, healing and the final consumer read.
#include "model/sim_time.hpp"
#include "model/step_text.hpp"
#include "model/transaction_log.hpp"
#include "model/world.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

namespace kafka_model {

World::World(Configuration config, Workload workload, FaultSchedule faults, Chooser& chooser,
             ModelParameters parameters)
    : config_(std::move(config)),
      workload_(workload),
      schedule_(std::move(faults)),
      chooser_(&chooser),
      parameters_(parameters) {
  history_.config = config_.effective_producer_properties();
  history_.config.merge(config_.effective_broker_properties());
  history_.config["kafka.version"] = to_string(config_.version);
  // A search's runs take a few dozen steps, a long run a few per record
  // (5.7 for the 1,000,000-record benchmark): reserved up front, the steps
  // are never moved to a larger buffer. An over-estimate costs address
  // space only (a page is touched when a step is written to it).
  history_.steps.reserve(std::max<std::size_t>(64, 8 * static_cast<std::size_t>(std::max(workload_.records, 0))));
  // The consumer's isolation.level changes what it reads only for a
  // transactional producer: recorded only then (other histories unchanged).
  if (config_.transactional()) history_.config["isolation.level"] = isolation_level_text(config_.consumer);
  // So are the consume-transform-produce application's consumer keys
  // (input_consumer.cpp): the exactly-once checker knows the run is one.
  if (config_.consume_process_produce()) {
    history_.config["group.id"] = config_.consumer.group_id;
    history_.config["enable.auto.commit"] = config_.consumer.enable_auto_commit ? "true" : "false";
    history_.config["auto.commit.interval.ms"] = std::to_string(config_.consumer.auto_commit_interval_ms);
  }
  cluster_start();
  first_fault_seq_ = state_.next_event_seq;
  for (std::size_t i = 0; i < schedule_.faults.size(); ++i)
    if (!is_message_fault(schedule_.faults[i].kind)) {
      schedule(schedule_.faults[i].at_ms, EventKind::FaultDue, static_cast<std::int64_t>(i));
      ++state_.pending_faults;
    }
  producer_start();
  state_.app.send_scheduled = true;
  schedule(0, EventKind::AppSendDue);
}

void World::schedule(std::int64_t at_ms, EventKind kind, std::int64_t a, std::int64_t b) {
  state_.queue.insert(Event{std::max(at_ms, state_.now_ms), state_.next_event_seq++, kind, a, b});
}

Step& World::log_step(StepKind kind, StepNode node) {
  Step& step = history_.steps.emplace_back();
  step.time_ms = state_.now_ms;
  step.kind = kind;
  step.node = node;
  return step;
}

std::int64_t World::network_delay() {
  const auto span = static_cast<std::uint64_t>(parameters_.network_delay_max_ms - parameters_.network_delay_min_ms + 1);
  return parameters_.network_delay_min_ms + static_cast<std::int64_t>(chooser_->choose(span, "network.delay"));
}

// A connection is a FIFO: a message never overtakes an earlier one on it.
std::int64_t World::deliver_in_order(int direction, std::int32_t instance, std::int32_t broker,
                                     std::int64_t delay_ms) {
  std::int64_t& last = state_.last_delivery_ms[{direction, instance, broker}];
  last = std::max(last, after(state_.now_ms, delay_ms));
  return last;
}

// A request sent after the heal meets no fault (the fault model: every fault
// healed before the final read, the settle time then counts from the last
// progress): a message fault on it -- a producer goes on after a heal that
// txn_app_blocked or producer_retries_past_bound let happen -- would leave a
// connection black-holed for request.timeout.ms, past the settle time. A
// request sent before the heal keeps its fault.
const Fault* World::message_fault(FaultKind kind, std::int64_t request) const {
  if (state_.healed && request >= state_.first_request_after_heal) return nullptr;
  for (const Fault& fault : schedule_.faults)
    if (fault.kind == kind && fault.request == request) {
      ++message_fault_matches_;
      return &fault;
    }
  return nullptr;
}

// A timed fault is injected right after the last event processed (at its
// time + 1 ms), or at the next event's time when that is the next
// millisecond; a replay's FaultDue at that time then fires at the same point:
// after every event of earlier times, and before the next event (a FaultDue
// at the same time precedes every event scheduled after the constructor's
// first FollowerFetch events, its seq being smaller).
std::int64_t World::injection_time() const {
  if (ended_ || state_.healed || state_.queue.empty()) return -1;
  const Event& next = *state_.queue.begin();
  if (next.time_ms <= last_dispatch_ms_) return -1;  // events at the last time are still due
  if (next.time_ms > last_dispatch_ms_ + 1) return last_dispatch_ms_ + 1;
  return next.seq >= first_fault_seq_ ? next.time_ms : -1;
}

bool World::can_inject() const { return injection_time() >= 0; }

bool World::would_heal() const {
  return !ended_ && !state_.queue.empty() && !state_.healed && state_.pending_faults == 0 && quiescent();
}

void World::inject(Fault fault) {
  if (is_message_fault(fault.kind)) {
    schedule_.faults.push_back(fault);
    return;
  }
  fault.at_ms = injection_time();
  if (fault.at_ms < 0) throw std::logic_error("World::inject: no timed fault can be injected here (can_inject)");
  state_.now_ms = std::max(state_.now_ms, fault.at_ms);
  heal_held_ = false;  // the promised fault has come (a replay's FaultDue has fired)
  schedule_.faults.push_back(fault);
  apply_fault(fault);
}

// Every timed fault applied, the application finished, the producer idle.
// A transactional application blocked on the cluster for max.block.ms
// (txn_app_blocked), or a producer retrying a batch that cannot expire within
// the model's time bound (producer_retries_past_bound), lets the faults heal too.
bool World::finished() const {
  return !heal_held_ && state_.pending_faults == 0 && quiescent();
}

// What lets the faults heal, besides every timed fault having fired (would_heal, finished).
bool World::quiescent() const {
  return (state_.producer.batches.empty() && app_done()) || txn_app_blocked() || producer_retries_past_bound();
}

// The producer has held a batch for max.block.ms, and no batch it holds can
// reach delivery.timeout.ms before the model's time bound (max_time_ms). Kafka
// fails a batch only when it has reached the delivery timeout
// (ProducerBatch.hasReachedDeliveryTimeout: deliveryTimeoutMs <= now -
// createdMs, checked by RecordAccumulator.expiredBatches and
// Sender.getExpiredInflightBatches) and otherwise retries it (Sender.canRetry,
// retries=MAX_VALUE): with delivery.timeout.ms=2147483647 (Kafka Streams'
// exactly_once_v2 producer) a batch on an offline partition or a paused
// broker waits 24.8 days, until the fault ends. Waiting for the producer to
// go idle would run the world into its bound and leave the run unjudged;
// the faults heal here instead (a fault that ends now is one Kafka can
// have), and the producer delivers after the heal. A batch that can expire
// within the bound is waited for as before.
bool World::producer_retries_past_bound() const {
  const auto& batches = state_.producer.batches;
  if (batches.empty()) return false;
  std::int64_t oldest = state_.now_ms;
  for (const auto& [id, batch] : batches) {
    if (after(batch.created_ms, config_.producer.delivery_timeout_ms) <= parameters_.max_time_ms) return false;
    oldest = std::min(oldest, batch.created_ms);
  }
  return state_.now_ms - oldest >= config_.producer.max_block_ms;
}

bool World::heal_reads_now() const {
  if (state_.healed) return false;
  if (state_.producer.batches.empty() || config_.transactional()) return true;
  // producer_retries_past_bound reads now_ms only when no batch can expire
  // within the bound.
  return std::none_of(state_.producer.batches.begin(), state_.producer.batches.end(), [&](const auto& b) {
    return after(b.second.created_ms, config_.producer.delivery_timeout_ms) <= parameters_.max_time_ms;
  });
}

// After healing: every partition has a leader, every replica holds the
// leader's log, and the high watermark covers it on all of them.
bool World::converged() const {
  for (const PartitionState& partition : state_.partitions) {
    if (partition.leader < 0) return false;
    const Replica& leader = state_.brokers[static_cast<std::size_t>(partition.leader)].replicas.at(partition.id);
    if (leader.high_watermark != leader.log.log_end_offset()) return false;
    for (std::int32_t r : partition.replicas) {
      const BrokerNode& broker = state_.brokers[static_cast<std::size_t>(r)];
      const Replica& replica = broker.replicas.at(partition.id);
      const bool connections_idle = std::all_of(broker.connections.begin(), broker.connections.end(),
                                                [](const auto& c) { return c.second.idle(); });
      if (!broker.alive || !connections_idle || !broker.pending.empty() ||
          replica.high_watermark != leader.high_watermark || replica.log != leader.log)
        return false;
    }
  }
  return state_.producer.batches.empty() && state_.requests_on_wire.empty() && state_.responses_on_wire.empty() &&
         coordinator_idle() && (!config_.transactional() || app_done());
}

void World::run() {
  while (step()) {
  }
}

bool World::step() {
  if (ended_) return false;
  bool over = state_.queue.empty();
  if (!over && !state_.healed && finished()) {
    heal();
    settle_until_ = state_.now_ms + parameters_.settle_ms;
  }
  if (!over) {
    const Event event = state_.queue.front();
    // A transactional application may still run after the heal
    // (txn_app_blocked): the settle time counts from its last progress.
    const std::int64_t settle_until = settle_until_ >= 0 && config_.transactional()
                                          ? std::max(settle_until_, after(state_.txn_app.progress_ms, parameters_.settle_ms))
                                          : settle_until_;
    over = settle_until >= 0 && (event.time_ms > settle_until || converged());
    // A transactional application still running when the settle time is
    // over has not finished after the heal: the run is cut, never judged.
    if (over && !converged() && config_.transactional() && !app_done()) cut_short_ = true;
    if (!over) {
      state_.queue.pop_front();
      state_.now_ms = event.time_ms;
      last_dispatch_ms_ = event.time_ms;
      dispatch(event);
      if (++state_.events_processed >= parameters_.max_events || state_.now_ms >= parameters_.max_time_ms) {
        cut_short_ = true;
        over = true;
      }
    }
  }
  if (over) {
    ended_ = true;
    consumer_read();
  }
  return !over;
}

void World::dispatch(const Event& event) {
  switch (event.kind) {
    case EventKind::AppSendDue: as_tagged(event.a, [&] { app_send_due(); }); break;
    case EventKind::SenderWakeup:
      as_tagged(event.a, [&] {
        state_.wakeups.erase(event.time_ms);
        sender_run();
      });
      break;
    case EventKind::RequestArrives: {
      auto node = state_.requests_on_wire.extract(event.a);
      broker_receive(std::move(node.mapped()));
      break;
    }
    case EventKind::ResponseArrives: {
      auto node = state_.responses_on_wire.extract(event.a);
      as_instance(node.mapped().instance, [&] { producer_receive(node.mapped()); });
      break;
    }
    case EventKind::FollowerFetch:
      follower_fetch(static_cast<std::int32_t>(event.a), static_cast<std::int32_t>(event.b));
      break;
    case EventKind::DelayedFetchExpires:
      delayed_fetch_expires(static_cast<std::int32_t>(event.a), static_cast<std::int32_t>(event.b));
      break;
    case EventKind::FetchResponseArrives:
      fetch_response_arrives(static_cast<std::int32_t>(event.a), static_cast<std::int32_t>(event.b));
      break;
    case EventKind::IsrExpiration: isr_expiration(static_cast<std::int32_t>(event.a)); break;
    case EventKind::FaultDue:
      --state_.pending_faults;
      apply_fault(schedule_.faults[static_cast<std::size_t>(event.a)]);
      break;
    case EventKind::BrokerResumes: {
      BrokerNode& broker = state_.brokers[static_cast<std::size_t>(event.a)];
      if (!broker.alive || broker.stalled_until_ms > state_.now_ms) break;
      complete_pending(broker.id);  // what expired or completed during the pause is answered first
      complete_delayed_fetches(broker.id, -1, true);
      broker_read_all(broker.id);   // then the sockets are read again, one request per connection
      coordinator_resume(broker.id);
      break;
    }
    case EventKind::DelayedProduceExpires: complete_pending(static_cast<std::int32_t>(event.a)); break;
    case EventKind::ProducerExpirationCheck: remove_expired_producers(static_cast<std::int32_t>(event.a)); break;
    case EventKind::TxnRequestArrives: {
      auto node = state_.txn_requests_on_wire.extract(event.a);
      coordinator_receive(node.mapped());
      break;
    }
    case EventKind::TxnResponseArrives: {
      auto node = state_.txn_responses_on_wire.extract(event.a);
      as_instance(node.mapped().request.instance, [&] { txn_client_receive(node.mapped()); });
      break;
    }
    case EventKind::ProducerZombieDies:
      --state_.pending_faults;
      zombie_dies(static_cast<std::int32_t>(event.a));
      break;
    case EventKind::TxnCoordinatorTick: coordinator_tick(); break;
    case EventKind::TxnTimeoutCheck: coordinator_timeout_check(event.a); break;
  }
  // Whatever the event changed in the coordinator's cache is written to its
  // __transaction_state partition (appendTransactionToLog).
  if (!state_.transaction_state_log.replicas.empty()) txn_state_persist();
}

void World::apply_fault(const Fault& fault) {
  const StepNode node = fault.broker >= 0 ? broker_node(fault.broker) : StepNode("network");
  switch (fault.kind) {
    case FaultKind::Disconnect:
      log_step(StepKind::ConnectionDisconnected, "network").detail = "fault: all producer connections";
      for (const BrokerNode& broker : state_.brokers) producer_connection_failed(broker.id, -1);
      break;
    case FaultKind::BrokerCrash: broker_crash(fault.broker); break;
    case FaultKind::BrokerRestart: broker_restart(fault.broker); break;
    case FaultKind::FollowerStall: {
      BrokerNode& broker = state_.brokers.at(static_cast<std::size_t>(fault.broker));
      broker.fetch_stalled_until_ms = after(state_.now_ms, fault.duration_ms);
      Step& step = log_step(StepKind::FollowerStalled, node);
      step.broker = fault.broker;
      step.detail = fmt::format("fetches nothing for {}ms", fault.duration_ms);
      break;
    }
    case FaultKind::BrokerStall: {
      BrokerNode& broker = state_.brokers.at(static_cast<std::size_t>(fault.broker));
      broker.stalled_until_ms = after(state_.now_ms, fault.duration_ms);
      schedule(broker.stalled_until_ms, EventKind::BrokerResumes, fault.broker);
      Step& step = log_step(StepKind::BrokerStalled, node);
      step.broker = fault.broker;
      step.detail = fmt::format("processes nothing for {}ms", fault.duration_ms);
      break;
    }
    case FaultKind::LeaderMovedAway:
      for (const PartitionState& partition : state_.partitions) {
        if (partition.leader != fault.broker) continue;
        for (std::int32_t r : partition.replicas)  // the first live in-sync replica other than it
          if (r != fault.broker && partition.isr.contains(r) && state_.brokers.at(static_cast<std::size_t>(r)).alive) {
            move_leader(partition.id, r, "moved away from it without a crash");
            break;
          }
      }
      break;
    case FaultKind::PreferredLeaderElection:
      for (const PartitionState& partition : state_.partitions) {
        const std::int32_t preferred = partition.replicas.front();
        if (partition.leader >= 0 && partition.leader != preferred && partition.isr.contains(preferred) &&
            state_.brokers.at(static_cast<std::size_t>(preferred)).alive)
          move_leader(partition.id, preferred, "preferred leader election");
      }
      break;
    case FaultKind::ProducerRestart:
      producer_crash();
      producer_start();
      app_producer_restarted();
      break;
    case FaultKind::ProducerZombie: producer_zombie(fault.duration_ms); break;
    default: break;  // message faults apply where the message passes
  }
}

// The end of the run: every crashed broker restarts and every stall ends, so
// "committed at the end" means after faults heal.
void World::heal() {
  state_.healed = true;
  state_.first_request_after_heal = state_.next_request;
  log_step(StepKind::FaultsHealed, "world").detail = "crashed brokers restart, stalls end";
  for (BrokerNode& broker : state_.brokers) {
    broker.fetch_stalled_until_ms = std::min(broker.fetch_stalled_until_ms, state_.now_ms);
    if (broker.stalled_until_ms > state_.now_ms) {
      broker.stalled_until_ms = state_.now_ms;
      schedule(state_.now_ms, EventKind::BrokerResumes, broker.id);
    }
  }
  for (const BrokerNode& broker : state_.brokers)
    if (!broker.alive) broker_restart(broker.id);
  // A fetch held back by a pause that just ended goes out now.
  for (const BrokerNode& broker : state_.brokers)
    for (const auto& [partition_id, replica] : broker.replicas)
      if (replica.fetcher == FetcherState::Sending) {
        fetcher_stop(broker.id, partition_id);
        fetcher_send(broker.id, partition_id);
      }
}

// The consumer reads every partition from its leader: with
// isolation.level=read_uncommitted (Kafka's default) up to the high
// watermark, with read_committed up to the last stable offset without the
// records of aborted transactions (transaction_log.hpp). That read is the log
// the checkers judge (ConsumerRead). For a transactional producer the other
// isolation level's read is recorded too (OtherConsumerRead), for the reader.
void World::consumer_read() {
  const bool transactional = config_.transactional();
  const bool read_committed = transactional && config_.consumer.read_committed;
  for (const PartitionState& partition : state_.partitions) {
    if (partition.leader < 0) {
      Step& step = log_step(StepKind::ConsumerRead, "consumer");
      step.partition = partition.id;
      step.detail = "partition offline: nothing readable";
      continue;
    }
    const Replica& replica = state_.brokers[static_cast<std::size_t>(partition.leader)].replicas.at(partition.id);
    auto record_reads = [&](bool committed, StepKind kind, StepNode node) {
      for (const ConsumedRecord& read : consume(replica.log, replica.high_watermark, committed)) {
        const LogBatch& batch = replica.log.batches[read.batch];
        Step& step = log_step(kind, node);
        step.partition = partition.id;
        step.broker = partition.leader;
        step.offset = read.offset;
        step.record = batch.records[read.index].record;
        step.send = batch.records[read.index].send;
        step.batch = batch.batch;
        step.instance = batch.instance;
        step.producer_id = batch.producer_id;
        step.producer_epoch = batch.producer_epoch;
        step.sequence = batch.base_sequence;
        step.last_sequence = batch.last_sequence;
        step.transaction = batch.transaction;
        if (transactional) step.detail = committed ? "read_committed" : "read_uncommitted";
      }
    };
    record_reads(read_committed, StepKind::ConsumerRead, "consumer");
    if (transactional)
      record_reads(!read_committed, StepKind::OtherConsumerRead,
                   read_committed ? StepNode("consumer-read_uncommitted") : StepNode("consumer-read_committed"));
    if (transactional) record_hanging_transactions(partition, replica);
  }
}

// A transaction still open on a partition at the end that no marker will
// end: the coordinator is not completing a transaction of that producer on
// that partition (it is done with it, or never added the partition). Its first
// offset holds the last stable offset back for good: read_committed consumers
// stop there (a hanging transaction, KAFKA-14053).
void World::record_hanging_transactions(const PartitionState& partition, const Replica& leader) {
  const TransactionCoordinatorNode& c = state_.coordinator;
  for (const auto& [producer, first] : index_transactions(leader.log).ongoing) {
    using S = TransactionCoordinator::State;
    const bool marker_coming =
        c.metadata && c.metadata->producer_id() == producer &&
        (c.transaction_open() || c.metadata->state() == S::PrepareEpochFence) &&
        std::find(c.metadata->partitions().begin(), c.metadata->partitions().end(), partition.id) !=
            c.metadata->partitions().end();
    if (marker_coming) continue;
    const auto batch = std::find_if(leader.log.batches.begin(), leader.log.batches.end(),
                                    [&](const LogBatch& b) { return b.base_offset == first; });
    Step& step = log_step(StepKind::TransactionHanging, "consumer");
    step.partition = partition.id;
    step.broker = partition.leader;
    step.offset = first;
    step.producer_id = producer;
    if (batch != leader.log.batches.end()) {
      step.producer_epoch = batch->producer_epoch;
      step.transaction = batch->transaction;
      step.batch = batch->batch;
    }
    step.detail = fmt::format("no marker will end it: the last stable offset stays at {} below the high watermark {}",
                              last_stable_offset(leader.log, leader.high_watermark), leader.high_watermark);
  }
}

}  // namespace kafka_model
