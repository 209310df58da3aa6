// The transactional.id's __transaction_state partition and the coordinator's
// failover (Kafka 3.9). Sources: core/.../coordinator/transaction/
// TransactionStateManager.scala (appendTransactionToLog: requiredAcks -1,
// NOT_ENOUGH_REPLICAS / NOT_ENOUGH_REPLICAS_AFTER_APPEND / REQUEST_TIMED_OUT
// answered COORDINATOR_NOT_AVAILABLE; loadTransactionsForTxnTopicPartition:
// COORDINATOR_LOAD_IN_PROGRESS while loading, the latest record per
// transactional.id wins), TransactionCoordinator.onElection (the markers of a
// PrepareCommit/PrepareAbort found in the log are sent again,
// TransactionMarkerChannelManager.addTxnMarkersToSend), and the controller's
// election (PartitionLeaderElectionAlgorithms.offlinePartitionLeaderElection:
// the first live ISR member in replica order).
//
// Simplifications (docs/model.md "Transactions"): a follower of
// __transaction_state copies a write at once (its fetch latency is not
// modelled), so every live replica is in sync while the partition has a
// leader; the partition is elected from its ISR only, even with
// unclean.leader.election.enable (which Kafka applies to it too: an unclean
// election would load a state that lost writes, and the model's transaction
// ordinals cannot follow a coordinator that forgot a transaction; KAFKA-20716
// documents unclean elections as incompatible with exactly-once), so it
// stays offline until an in-sync replica returns; a dead
// broker leaves the ISR at once (the controller fences it); leadership does
// not move back to a restarted preferred replica (auto.leader.rebalance.enable
// runs every 300 s, beyond a run's faults); no old coordinator keeps running
// after its partition moved (a paused broker keeps its leadership in the
// model), so the coordinator epoch fences nothing and markers carry none.
#include <fmt/core.h>

#include <algorithm>

#include "model/sim_time.hpp"
#include "model/step_text.hpp"
#include "model/world.hpp"

namespace kafka_model {
namespace {

bool alive(const WorldState& state, std::int32_t broker) {
  return state.brokers.at(static_cast<std::size_t>(broker)).alive;
}

}  // namespace

// The partition's replicas are brokers 0 .. factor-1 (the model's one
// __transaction_state partition of the transactional.id), broker 0 leading.
void World::txn_state_setup() {
  TransactionStateLog& log = state_.transaction_state_log;
  for (std::int32_t r = 0; r < config_.broker.transaction_state_log_replication_factor; ++r) {
    log.replicas.push_back(r);
    log.isr.insert(r);
    log.copies[r] = TxnStateReplica{};
  }
  log.leader = log.replicas.front();
}

// FindCoordinator's answer: the leader of __transaction_state; a run without
// transactional.id (whose consumer group's coordinator is the only one)
// takes the lowest live broker.
std::int32_t World::coordinator_broker() const {
  const TransactionStateLog& log = state_.transaction_state_log;
  if (!log.replicas.empty()) return log.leader;
  for (const BrokerNode& broker : state_.brokers)
    if (broker.alive) return broker.id;
  return -1;
}

bool World::coordinator_loading() const {
  return state_.now_ms < state_.transaction_state_log.loaded_at_ms;
}

// appendTransactionToLog with requiredAcks -1: refused below min.isr.
bool World::coordinator_can_write() const {
  const TransactionStateLog& log = state_.transaction_state_log;
  if (log.replicas.empty()) return true;
  if (log.leader < 0) return false;
  const auto live = std::count_if(log.isr.begin(), log.isr.end(), [&](std::int32_t r) { return alive(state_, r); });
  return live >= config_.broker.transaction_state_log_min_isr;
}

// The coordinator's cache moved (a transition, a partition added): the
// record goes to every live in-sync replica. Called after every event, so
// the leader's replica always holds what its cache says.
void World::txn_state_persist() {
  TransactionStateLog& log = state_.transaction_state_log;
  if (log.leader < 0) return;
  const TransactionCoordinatorNode& c = state_.coordinator;
  const TxnStateReplica& current = log.copies.at(log.leader);
  const bool open = c.transaction_open();
  const std::int64_t transaction = open ? c.transaction : -1;
  const std::int64_t start = open ? c.txn_start_ms : -1;
  if (current.metadata == c.metadata && current.transaction == transaction && current.txn_start_ms == start) return;
  const TxnStateReplica record{current.log_end + 1, c.metadata, transaction, start};
  for (std::int32_t r : log.isr)
    if (alive(state_, r)) log.copies[r] = record;
}

void World::txn_state_broker_crashed(std::int32_t broker) {
  TransactionStateLog& log = state_.transaction_state_log;
  if (std::find(log.replicas.begin(), log.replicas.end(), broker) == log.replicas.end()) return;
  if (log.leader == broker) {
    txn_state_elect();
  } else if (log.isr.contains(broker) && log.isr.size() > 1) {
    log.isr.erase(broker);  // the ISR never empties: its last member stays
  }
}

// A restarted replica catches up from the leader and rejoins the ISR; with
// no leader, it may be the one to lead (clean if it is the last ISR member).
void World::txn_state_broker_restarted(std::int32_t broker) {
  TransactionStateLog& log = state_.transaction_state_log;
  if (std::find(log.replicas.begin(), log.replicas.end(), broker) == log.replicas.end()) return;
  if (log.leader >= 0) {
    log.copies[broker] = log.copies.at(log.leader);
    log.isr.insert(broker);
    return;
  }
  txn_state_elect();
}

void World::txn_state_elect() {
  TransactionStateLog& log = state_.transaction_state_log;
  const std::int32_t previous = log.leader;
  std::int32_t chosen = -1;
  for (std::int32_t r : log.replicas)
    if (chosen < 0 && log.isr.contains(r) && alive(state_, r)) chosen = r;
  if (chosen < 0) {
    log.leader = -1;
    Step& step = log_step(StepKind::CoordinatorElected, "controller");
    step.detail = fmt::format("__transaction_state has no live in-sync replica: no coordinator for "
                              "transactional.id={} (was broker-{}); {}",
                              config_.producer.transactional_id, previous, isr_text(log.isr));
    return;
  }
  std::erase_if(log.isr, [&](std::int32_t r) { return !alive(state_, r); });
  log.leader = chosen;
  log.coordinator_epoch += 1;
  // The other live replicas follow the new leader (truncating what it lacks).
  for (std::int32_t r : log.replicas)
    if (r != chosen && alive(state_, r)) {
      log.copies[r] = log.copies.at(chosen);
      log.isr.insert(r);
    }
  coordinator_load();
}

// The new leader loads the transactional.id's state from its replica
// (replacing whatever the previous coordinator had in memory) and, for a
// transaction being completed, sends its markers again.
void World::coordinator_load() {
  TransactionStateLog& log = state_.transaction_state_log;
  TransactionCoordinatorNode& c = state_.coordinator;
  const TxnStateReplica& copy = log.copies.at(log.leader);
  const std::int64_t previous_start = c.txn_start_ms;
  c.metadata = copy.metadata;
  c.transaction = copy.transaction;
  c.txn_start_ms = copy.txn_start_ms;
  c.markers.clear();
  log.loaded_at_ms = after(state_.now_ms, parameters_.transaction_state_load_ms);
  Step& step = log_step(StepKind::CoordinatorElected, broker_node(log.leader));
  step.broker = log.leader;
  if (c.metadata) {
    step.producer_id = c.metadata->producer_id();
    step.producer_epoch = c.metadata->producer_epoch();
  }
  step.transaction = c.transaction;
  step.detail = fmt::format("leads __transaction_state (clean election, coordinator epoch {}, {}): loads {} (record {})",
                            log.coordinator_epoch, isr_text(log.isr),
                            c.metadata ? TransactionCoordinator::name(c.metadata->state()) : std::string("nothing"),
                            copy.log_end);
  if (c.completing()) {
    const bool commit = c.metadata->state() == TransactionCoordinator::State::PrepareCommit;
    for (std::int32_t partition : c.metadata->partitions())
      c.markers.push_back(PendingMarker{partition, c.metadata->producer_id(), c.metadata->producer_epoch(), commit,
                                        c.transaction});
    coordinator_schedule_tick();
  } else if (c.metadata && c.metadata->state() == TransactionCoordinator::State::Ongoing &&
             c.txn_start_ms != previous_start) {
    coordinator_schedule_timeout_check(after(c.txn_start_ms, config_.producer.transaction_timeout_ms));
  }
}

}  // namespace kafka_model
