// Replication and leadership: follower fetch, the ISR (replica.lag.time.max.ms),
// the high watermark, broker crash and restart, and the controller's leader
// election (clean from the ISR, or unclean) with KIP-101 style truncation.
#include <fmt/core.h>

#include <algorithm>

#include "model/sim_time.hpp"
#include "model/step_text.hpp"
#include "model/transaction_log.hpp"
#include "model/world.hpp"

namespace kafka_model {
namespace {

// A follower's log end offset the leader has not learnt yet.
constexpr std::int64_t kUnknownOffset = -1;

// lastCaughtUpTimeMs of a replica that has not fetched since it restarted.
constexpr std::int64_t kNeverCaughtUp = -(std::int64_t{1} << 40);

// The first offset where two logs differ (batch aligned; batches compare by
// offset, leader epoch and content, like KIP-101's epoch-based truncation).
std::int64_t divergence_offset(const PartitionLog& follower, const PartitionLog& leader) {
  std::size_t i = 0;
  while (i < follower.batches.size() && i < leader.batches.size() && follower.batches[i] == leader.batches[i]) ++i;
  if (i < follower.batches.size()) return follower.batches[i].base_offset;
  return follower.log_end_offset();
}

}  // namespace

// ---- follower fetch: a long poll (Kafka's DelayedFetch) ----------------------
//
// A follower's fetcher sends its next fetch as soon as it has handled the
// previous response (AbstractFetcherThread.doWork -> maybeFetch: no wait
// between rounds; replica.fetch.backoff.ms applies only after an error, and
// the model's fetches meet none: see fetcher_start). The leader handles the
// fetch at once (ReplicaManager.fetchMessages: readFromLog with
// updateFetchState, so Partition.updateFollowerFetchState runs on arrival);
// it answers at once when it has records past the fetch offset (bytes >=
// replica.fetch.min.bytes = 1), and otherwise parks the fetch in its fetch
// purgatory (DelayedFetch, tryCompleteElseWatch) until its log grows
// (ReplicaManager.addCompletePurgatoryAction after an append) or maxWait =
// replica.fetch.wait.max.ms passes. A parked fetch that completes reads the
// log again WITHOUT updating the follower's fetch state (DelayedFetch.
// onComplete -> readFromLog(readFromPurgatory = true) -> fetchRecords(
// updateFetchState = false)): lastCaughtUpTimeMs keeps the parked fetch's
// arrival time, and the leader learns what the response copied only from the
// next fetch. A change of the high watermark alone completes no follower
// fetch (DelayedFetch.tryComplete counts bytes up to the log end for a
// follower, FetchIsolation.LOG_END): a parked follower learns the new high
// watermark with the next records or when maxWait passes.

std::int64_t World::fetch_delay() {
  const auto span = static_cast<std::uint64_t>(parameters_.fetch_delay_max_ms - parameters_.fetch_delay_min_ms + 1);
  return parameters_.fetch_delay_min_ms + static_cast<std::int64_t>(chooser_->choose(span, "fetch.jitter"));
}

// Forgets `follower`'s fetch for a partition, wherever it is: a queued
// FollowerFetch or FetchResponseArrives, or a DelayedFetch in some broker's
// purgatory with its expiry.
void World::fetcher_stop(std::int32_t follower, std::int32_t partition_id) {
  Replica& mine = state_.brokers.at(static_cast<std::size_t>(follower)).replicas.at(partition_id);
  if (mine.fetcher == FetcherState::Sending) state_.queue.erase(EventKind::FollowerFetch, follower, partition_id);
  if (mine.fetcher == FetcherState::Receiving)
    state_.queue.erase(EventKind::FetchResponseArrives, follower, partition_id);
  if (mine.fetcher == FetcherState::Parked) {
    state_.queue.erase(EventKind::DelayedFetchExpires, follower, partition_id);
    for (BrokerNode& broker : state_.brokers)
      std::erase_if(broker.delayed_fetches, [&](const DelayedFetch& d) {
        return d.follower == follower && d.partition == partition_id;
      });
  }
  mine.fetcher = FetcherState::Idle;
}

// The fetcher's next fetch, sent now (or, if its broker is paused, when the
// pause ends: a stalled follower sends nothing).
void World::fetcher_send(std::int32_t follower, std::int32_t partition_id) {
  const BrokerNode& node = state_.brokers.at(static_cast<std::size_t>(follower));
  const std::int64_t resumes = std::max({state_.now_ms, node.stalled_until_ms, node.fetch_stalled_until_ms});
  state_.brokers.at(static_cast<std::size_t>(follower)).replicas.at(partition_id).fetcher = FetcherState::Sending;
  schedule(after(resumes, fetch_delay()), EventKind::FollowerFetch, follower, partition_id);
}

// A partition's leadership changed (an election, a move, a broker back up):
// every replica's fetcher follows. ReplicaManager.makeFollowers removes the
// partition from its fetcher for the old leader and adds it to one for the
// new leader (ReplicaFetcherManager.addFetcherForPartitions), with a fresh
// PartitionFetchState that has no backoff (AbstractFetcherThread.
// addPartitions): the follower fetches from the new leader at once, and a
// fetch still parked at the old leader is forgotten (Partition.makeFollower
// completes it, Case A of DelayedFetch.tryComplete, and its answer goes to a
// fetcher that no longer has the partition), as is an answer on its way. A new leader fetches nothing
// (makeLeaders removes its fetcher); an offline partition has no fetchers.
// The model's followers learn a leader change the moment the controller
// makes it, so no fetch of theirs reaches a dead or deposed leader: the
// error path (NOT_LEADER_OR_FOLLOWER, a disconnect, then
// replica.fetch.backoff.ms) is overtaken in Kafka by the same metadata
// update, and is not modelled.
void World::fetchers_follow_leader(std::int32_t partition_id) {
  const PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(partition_id));
  for (std::int32_t r : partition.replicas) {
    fetcher_stop(r, partition_id);
    if (partition.leader >= 0 && r != partition.leader && state_.brokers.at(static_cast<std::size_t>(r)).alive)
      fetcher_send(r, partition_id);
  }
}

// A follower's fetch request reaches the leader: Partition.
// updateFollowerFetchState -> Replica.updateFetchStateOrThrow on arrival (the
// leader learns the follower's log end, updates lastCaughtUpTimeMs, may
// expand the ISR and advance the high watermark), then an answer now or a
// DelayedFetch.
void World::follower_fetch(std::int32_t follower, std::int32_t partition_id) {
  PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(partition_id));
  BrokerNode& node = state_.brokers.at(static_cast<std::size_t>(follower));
  Replica& mine = node.replicas.at(partition_id);
  mine.fetcher = FetcherState::Idle;
  const std::int32_t leader = partition.leader;
  if (leader < 0 || leader == follower || !node.alive) return;  // fetchers_follow_leader keeps these idle
  if (node.stalled_until_ms > state_.now_ms || node.fetch_stalled_until_ms > state_.now_ms) {
    fetcher_send(follower, partition_id);  // paused since it was sent: it goes out when the pause ends
    return;
  }
  const BrokerNode& leader_node = state_.brokers.at(static_cast<std::size_t>(leader));
  if (leader_node.stalled_until_ms > state_.now_ms) {
    // A paused leader reads nothing: the request waits in its socket.
    mine.fetcher = FetcherState::Sending;
    schedule(leader_node.stalled_until_ms, EventKind::FollowerFetch, follower, partition_id);
    return;
  }
  if (mine.synced_leader_epoch != partition.leader_epoch) become_follower(follower, partition_id);
  const Replica& theirs = leader_node.replicas.at(partition_id);
  const std::int64_t fetch_offset = mine.log.log_end_offset();
  const std::int64_t leader_end = theirs.log.log_end_offset();
  // Replica.updateFetchStateOrThrow: lastCaughtUpTimeMs is this fetch's time
  // if it reached the leader's log end, else the previous fetch's time if it
  // reached the log end the leader had then.
  std::int64_t& caught_up = partition.follower_caught_up_ms[follower];
  if (fetch_offset >= leader_end) {
    caught_up = std::max(caught_up, state_.now_ms);
  } else if (partition.follower_last_fetch_leader_log_end.contains(follower) &&
             fetch_offset >= partition.follower_last_fetch_leader_log_end[follower]) {
    caught_up = std::max(caught_up, partition.follower_last_fetch_ms[follower]);
  }
  partition.follower_log_end_offset[follower] = fetch_offset;
  partition.follower_last_fetch_leader_log_end[follower] = leader_end;
  partition.follower_last_fetch_ms[follower] = state_.now_ms;
  maybe_expand_isr(partition_id, follower);  // maybeExpandIsr runs on this follower's fetch only
  maybe_advance_high_watermark(partition_id);
  // ReplicaManager.fetchMessages: answer now if there are records (bytes >=
  // replica.fetch.min.bytes = 1) or the request does not wait (maxWait <= 0).
  // The log end is read again: the high watermark just advanced may have
  // completed a DelayedProduce whose connection's next request the leader
  // then appended, and tryCompleteElseWatch's second tryComplete (after
  // watching) sees those records too.
  if (theirs.log.log_end_offset() > fetch_offset || config_.broker.replica_fetch_wait_max_ms <= 0) {
    fetch_respond(follower, partition_id);
    return;
  }
  const std::int64_t deadline = after(state_.now_ms, config_.broker.replica_fetch_wait_max_ms);
  state_.brokers.at(static_cast<std::size_t>(leader)).delayed_fetches.push_back(
      DelayedFetch{follower, partition_id, fetch_offset, deadline});
  mine.fetcher = FetcherState::Parked;
  schedule(deadline, EventKind::DelayedFetchExpires, follower, partition_id);
}

// The leader answers: the records from the fetch offset to its log end, and
// its high watermark, are on their way to the follower.
void World::fetch_respond(std::int32_t follower, std::int32_t partition_id) {
  const PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(partition_id));
  const Replica& theirs = state_.brokers.at(static_cast<std::size_t>(partition.leader)).replicas.at(partition_id);
  Replica& mine = state_.brokers.at(static_cast<std::size_t>(follower)).replicas.at(partition_id);
  mine.fetcher = FetcherState::Receiving;
  mine.response_end_offset = theirs.log.log_end_offset();
  mine.response_high_watermark = theirs.high_watermark;
  schedule(after(state_.now_ms, fetch_delay()), EventKind::FetchResponseArrives, follower, partition_id);
}

// The leader's answer reaches the follower (ReplicaFetcherThread.
// processPartitionData): it appends the records and takes the high watermark
// the answer carried, then sends its next fetch. A follower paused meanwhile
// handles it when the pause ends, which the model does by fetching again
// then (the same records, read again). The leader is the one that answered:
// a leader change forgets an answer on its way (fetchers_follow_leader), and
// below its log end a leader's log does not change.
void World::fetch_response_arrives(std::int32_t follower, std::int32_t partition_id) {
  const PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(partition_id));
  BrokerNode& node = state_.brokers.at(static_cast<std::size_t>(follower));
  Replica& mine = node.replicas.at(partition_id);
  mine.fetcher = FetcherState::Idle;
  if (node.stalled_until_ms <= state_.now_ms && node.fetch_stalled_until_ms <= state_.now_ms) {
    const Replica& theirs =
        state_.brokers.at(static_cast<std::size_t>(partition.leader)).replicas.at(partition_id);
    // The leader's batches are in offset order: the first at or past the
    // fetch offset is found by binary search, not by a scan from offset 0.
    const std::int64_t fetch_offset = mine.log.log_end_offset();
    const auto first = std::lower_bound(theirs.log.batches.begin(), theirs.log.batches.end(), fetch_offset,
                                        [](const LogBatch& b, std::int64_t offset) { return b.base_offset < offset; });
    for (auto it = first; it != theirs.log.batches.end() && it->base_offset < mine.response_end_offset; ++it) {
      const LogBatch& batch = *it;
      mine.log.batches.push_back(batch);
      if (batch.producer_id >= 0) {
        auto [entry, fresh] =
            mine.producers.try_emplace(batch.producer_id, config_.broker.producer_state_batches_to_retain);
        replay_into_producer_state(entry->second, batch);
      }
    }
    mine.high_watermark =
        std::max(mine.high_watermark, std::min(mine.response_high_watermark, mine.log.log_end_offset()));
  }
  mine.response_end_offset = 0;
  mine.response_high_watermark = 0;
  fetcher_send(follower, partition_id);
}

// DelayedFetch.tryComplete for the fetches parked at `broker_id`: those whose
// partition's log grew past their fetch offset (Case G) or, with `expired`,
// whose maxWait has passed (DelayedOperation expiry), in parking order. A
// paused broker completes nothing until it resumes.
void World::complete_delayed_fetches(std::int32_t broker_id, std::int32_t partition_id, bool expired) {
  if (!broker_available(broker_id)) return;
  BrokerNode& broker = state_.brokers.at(static_cast<std::size_t>(broker_id));
  std::vector<DelayedFetch> done;
  std::erase_if(broker.delayed_fetches, [&](const DelayedFetch& d) {
    if (partition_id >= 0 && d.partition != partition_id) return false;
    const std::int64_t log_end = broker.replicas.at(d.partition).log.log_end_offset();
    const bool complete = log_end > d.fetch_offset || (expired && d.deadline_ms <= state_.now_ms);
    if (complete) done.push_back(d);
    return complete;
  });
  for (const DelayedFetch& d : done) {
    state_.queue.erase(EventKind::DelayedFetchExpires, d.follower, d.partition);
    fetch_respond(d.follower, d.partition);
  }
}

// A parked fetch's maxWait has passed: it completes with whatever there is.
void World::delayed_fetch_expires(std::int32_t follower, std::int32_t partition_id) {
  const std::int32_t leader = state_.partitions.at(static_cast<std::size_t>(partition_id)).leader;
  if (leader >= 0) complete_delayed_fetches(leader, partition_id, true);
}

// ReplicaManager's isr-expiration task: maybeShrinkIsr on every partition this
// broker leads, every replica.lag.time.max.ms / 2 (ReplicaManager.startup;
// at least 1 ms here). A crashed or paused broker runs no task; the model
// keeps the task's period from the start of the run.
void World::isr_expiration(std::int32_t broker_id) {
  schedule(after(state_.now_ms, std::max<std::int64_t>(1, config_.broker.replica_lag_time_max_ms / 2)),
           EventKind::IsrExpiration, broker_id);
  if (!broker_available(broker_id)) return;
  for (const PartitionState& partition : state_.partitions)
    if (partition.leader == broker_id) maybe_shrink_isr(partition.id);
}

// Partition.maybeShrinkIsr: a follower leaves the ISR unless it is caught up
// (Replica.isCaughtUp: it has the leader's whole log, or it had it within
// replica.lag.time.max.ms).
void World::maybe_shrink_isr(std::int32_t partition_id) {
  PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(partition_id));
  if (partition.leader < 0) return;
  const Replica& leader = state_.brokers.at(static_cast<std::size_t>(partition.leader)).replicas.at(partition_id);
  bool changed = false;
  for (std::int32_t r : partition.replicas) {
    if (r == partition.leader || !partition.isr.contains(r)) continue;
    const bool has_whole_log = partition.follower_log_end_offset[r] == leader.log.log_end_offset();
    const bool lagging = !has_whole_log &&
                         state_.now_ms - partition.follower_caught_up_ms[r] > config_.broker.replica_lag_time_max_ms;
    if (!lagging) continue;
    partition.isr.erase(r);
    Step& step = log_step(StepKind::IsrShrunk, broker_node(partition.leader));
    step.partition = partition_id;
    step.broker = r;
    step.detail = fmt::format("broker-{} lagged > replica.lag.time.max.ms={}; {}", r,
                              config_.broker.replica_lag_time_max_ms, isr_text(partition.isr));
    changed = true;
  }
  if (changed) isr_changed(partition_id);
}

// Partition.maybeExpandIsr, from updateFollowerFetchState: only the follower
// whose fetch is being handled may join. Partition.isFollowerInSync
// (isFollowerAtHighwatermark in 2.8): its log end reached the high watermark
// and the offset where this leader's epoch began; no recency condition.
// canAddReplicaToIsr: an eligible (live) replica.
void World::maybe_expand_isr(std::int32_t partition_id, std::int32_t fetching) {
  PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(partition_id));
  if (partition.leader < 0 || fetching == partition.leader || partition.isr.contains(fetching)) return;
  const Replica& leader = state_.brokers.at(static_cast<std::size_t>(partition.leader)).replicas.at(partition_id);
  const std::int64_t follower_end = partition.follower_log_end_offset[fetching];
  const bool caught_up = state_.brokers.at(static_cast<std::size_t>(fetching)).alive && follower_end >= 0 &&
                         follower_end >= leader.high_watermark && follower_end >= partition.leader_epoch_start_offset;
  if (!caught_up) return;
  partition.isr.insert(fetching);
  Step& step = log_step(StepKind::IsrExpanded, broker_node(partition.leader));
  step.partition = partition_id;
  step.broker = fetching;
  step.detail = fmt::format("broker-{} caught up; {}", fetching, isr_text(partition.isr));
  isr_changed(partition_id);
}

// After an ISR change: maybeIncrementLeaderHW, then the delayed produce
// requests that may now complete (Partition.tryCompleteDelayedRequests).
void World::isr_changed(std::int32_t partition_id) {
  maybe_advance_high_watermark(partition_id);
  complete_pending(state_.partitions.at(static_cast<std::size_t>(partition_id)).leader);
}

// The high watermark: the smallest log end offset in the ISR. Since 3.7
// (KIP-966) Partition.maybeIncrementLeaderHW does not move it while the ISR is
// below min.insync.replicas; 2.8 does.
void World::maybe_advance_high_watermark(std::int32_t partition_id) {
  const PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(partition_id));
  if (partition.leader < 0) return;
  const bool under_min_isr = static_cast<std::int32_t>(partition.isr.size()) < effective_min_isr(partition);
  if (under_min_isr && config_.version != KafkaVersion::V2_8) return;
  Replica& leader = state_.brokers.at(static_cast<std::size_t>(partition.leader)).replicas.at(partition_id);
  const std::int64_t leader_end = leader.log.log_end_offset();
  std::int64_t hw = leader_end;
  // Partition.maybeIncrementLeaderHW: the smallest log end of the ISR, and of
  // any live replica caught up within replica.lag.time.max.ms that is not in
  // it yet (shouldWaitForReplicaToJoinIsr; 2.8: lastCaughtUpTimeMs alone).
  for (std::int32_t r : partition.replicas) {
    if (r == partition.leader) continue;
    const std::int64_t end = partition.follower_log_end_offset.at(r);
    const bool recent = state_.now_ms - partition.follower_caught_up_ms.at(r) <= config_.broker.replica_lag_time_max_ms;
    const bool eligible = state_.brokers.at(static_cast<std::size_t>(r)).alive;
    const bool waits = partition.isr.contains(r) || (config_.version == KafkaVersion::V2_8
                                                          ? recent
                                                          : eligible && (end == leader_end || recent));
    if (waits) hw = std::min(hw, end);
  }
  if (hw <= leader.high_watermark) return;
  leader.high_watermark = hw;
  Step& step = log_step(StepKind::HighWatermarkAdvanced, broker_node(partition.leader));
  step.partition = partition_id;
  step.offset = hw;
  complete_pending(partition.leader);
}

// ---- crashes, restarts, elections --------------------------------------------

void World::broker_crash(std::int32_t broker_id) {
  BrokerNode& broker = state_.brokers.at(static_cast<std::size_t>(broker_id));
  if (!broker.alive) return;
  broker.alive = false;
  broker.pending.clear();  // in-memory state is gone; the disk (logs) is kept
  broker.connections.clear();  // its sockets are gone with it
  // Its fetchers die with it, and the fetches parked in its purgatory vanish
  // (the followers' fetchers follow the new leaders below).
  for (auto& [partition_id, replica] : broker.replicas) fetcher_stop(broker_id, partition_id);
  for (const DelayedFetch& d : broker.delayed_fetches) {
    state_.queue.erase(EventKind::DelayedFetchExpires, d.follower, d.partition);
    state_.brokers.at(static_cast<std::size_t>(d.follower)).replicas.at(d.partition).fetcher = FetcherState::Idle;
  }
  broker.delayed_fetches.clear();
  Step& step = log_step(StepKind::BrokerCrashed, broker_node(broker_id));
  step.broker = broker_id;
  step.detail = "process crash; its disk is kept";
  for (PartitionState& partition : state_.partitions) {
    if (partition.leader == broker_id) {
      elect_leader(partition.id);
    }
    partition.follower_caught_up_ms[broker_id] = kNeverCaughtUp;  // must fetch again to rejoin the ISR
    if (partition.leader != broker_id && partition.isr.contains(broker_id) && partition.leader >= 0) {
      partition.isr.erase(broker_id);
      Step& shrunk = log_step(StepKind::IsrShrunk, "controller");
      shrunk.partition = partition.id;
      shrunk.broker = broker_id;
      shrunk.detail = fmt::format("broker-{} is down; {}", broker_id, isr_text(partition.isr));
      maybe_advance_high_watermark(partition.id);
      complete_pending(partition.leader);
    }
  }
  txn_state_broker_crashed(broker_id);
  producer_connection_failed(broker_id, -1);  // the producer sees its connection reset
}

void World::broker_restart(std::int32_t broker_id) {
  BrokerNode& broker = state_.brokers.at(static_cast<std::size_t>(broker_id));
  if (broker.alive) return;
  broker.alive = true;
  broker.stalled_until_ms = std::min(broker.stalled_until_ms, state_.now_ms);
  broker.fetch_stalled_until_ms = std::min(broker.fetch_stalled_until_ms, state_.now_ms);
  Step& step = log_step(StepKind::BrokerRestarted, broker_node(broker_id));
  step.broker = broker_id;
  for (auto& [partition_id, replica] : broker.replicas) {
    // Recovery (LogLoader.recoverSegment) replays the log into a scratch
    // ProducerStateManager and snapshots the log end; the broker then loads
    // that snapshot (LogLoader.scala:193, UnifiedLog.rebuildProducerState).
    replica.producer_snapshot_offset = replica.log.log_end_offset();
    reload_producer_state(replica);
    PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(partition_id));
    partition.follower_log_end_offset[broker_id] = kUnknownOffset;  // until it fetches
    if (partition.leader < 0)
      elect_leader(partition_id);  // its fetchers follow the new leader
    else if (partition.leader != broker_id)
      fetcher_send(broker_id, partition_id);  // ReplicaManager.becomeLeaderOrFollower: makeFollowers
  }
  txn_state_broker_restarted(broker_id);
}

// The controller: a live ISR member if there is one; otherwise, with
// unclean.leader.election.enable, any live replica (losing what it lacks);
// otherwise the partition stays offline, keeping its last ISR.
void World::elect_leader(std::int32_t partition_id) {
  PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(partition_id));
  const std::int32_t previous = partition.leader;
  std::int32_t chosen = -1;
  bool unclean = false;
  for (std::int32_t r : partition.replicas)
    if (chosen < 0 && partition.isr.contains(r) && state_.brokers.at(static_cast<std::size_t>(r)).alive) chosen = r;
  if (chosen < 0 && config_.broker.unclean_leader_election_enable) {
    for (std::int32_t r : partition.replicas)
      if (chosen < 0 && state_.brokers.at(static_cast<std::size_t>(r)).alive) chosen = r;
    unclean = chosen >= 0;
  }
  Step& step = log_step(StepKind::LeaderElected, "controller");
  step.partition = partition_id;
  step.broker = chosen;
  if (chosen < 0) {
    partition.leader = -1;
    step.detail = fmt::format("no live in-sync replica: partition offline (was broker-{}); {}", previous,
                              isr_text(partition.isr));
    fetchers_follow_leader(partition_id);
    return;
  }
  if (unclean) {
    partition.isr = {chosen};
  } else {
    std::erase_if(partition.isr, [&](std::int32_t r) { return !state_.brokers.at(static_cast<std::size_t>(r)).alive; });
  }
  become_leader(partition, chosen);
  const Replica& leader = state_.brokers.at(static_cast<std::size_t>(chosen)).replicas.at(partition_id);
  step.offset = leader.log.log_end_offset();
  step.detail = fmt::format("{} election, leader_epoch={}, log end {}; {}", unclean ? "unclean" : "clean",
                            partition.leader_epoch, leader.log.log_end_offset(), isr_text(partition.isr));
  fetchers_follow_leader(partition_id);
  maybe_advance_high_watermark(partition_id);
}

// Partition.makeLeader on `leader`, with a new leader epoch.
void World::become_leader(PartitionState& partition, std::int32_t chosen) {
  partition.leader = chosen;
  partition.leader_epoch += 1;
  // Partition.makeLeader: Replica.resetReplicaState(isNewLeader = true).
  // The new leader knows nothing of its followers' log ends until they fetch
  // from it, so the high watermark cannot move before they do.
  // Replica.resetReplicaState: an ISR member counts as caught up now, any
  // other replica as never (lastCaughtUpTimeMs 0).
  for (std::int32_t r : partition.replicas) {
    partition.follower_log_end_offset[r] = kUnknownOffset;
    partition.follower_caught_up_ms[r] = partition.isr.contains(r) ? state_.now_ms : kNeverCaughtUp;
    partition.follower_last_fetch_leader_log_end.erase(r);
    partition.follower_last_fetch_ms.erase(r);
  }
  Replica& leader = state_.brokers.at(static_cast<std::size_t>(chosen)).replicas.at(partition.id);
  leader.synced_leader_epoch = partition.leader_epoch;
  partition.leader_epoch_start_offset = leader.log.log_end_offset();
}

// A leadership move without a crash (controlled shutdown's first phase,
// reassignment, preferred leader election): the controller picks an in-sync
// replica, both stay up. The old leader becomes a follower: its DelayedProduce
// operations complete NOT_LEADER_OR_FOLLOWER (Partition.makeFollower ->
// tryCompleteDelayedRequests; checkEnoughReplicasReachOffset finds no local
// leader log), a request it reads next is refused NOT_LEADER_OR_FOLLOWER, and
// its next fetch truncates whatever it wrote that the new leader lacks.
void World::move_leader(std::int32_t partition_id, std::int32_t to, const std::string& why) {
  PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(partition_id));
  const std::int32_t from = partition.leader;
  become_leader(partition, to);
  const Replica& leader = state_.brokers.at(static_cast<std::size_t>(to)).replicas.at(partition_id);
  Step& step = log_step(StepKind::LeaderElected, "controller");
  step.partition = partition_id;
  step.broker = to;
  step.offset = leader.log.log_end_offset();
  step.detail = fmt::format("{}: from broker-{}, leader_epoch={}, log end {}; {}", why, from, partition.leader_epoch,
                            leader.log.log_end_offset(), isr_text(partition.isr));
  fetchers_follow_leader(partition_id);
  if (from >= 0) complete_pending(from);
  maybe_advance_high_watermark(partition_id);
}

// A follower reconciles its log with a new leader: everything past the point
// where the two logs diverge is truncated.
void World::become_follower(std::int32_t broker_id, std::int32_t partition_id) {
  PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(partition_id));
  Replica& mine = state_.brokers.at(static_cast<std::size_t>(broker_id)).replicas.at(partition_id);
  const Replica& leader = state_.brokers.at(static_cast<std::size_t>(partition.leader)).replicas.at(partition_id);
  mine.synced_leader_epoch = partition.leader_epoch;
  const std::int64_t cut = divergence_offset(mine.log, leader.log);
  if (cut >= mine.log.log_end_offset()) return;
  std::string removed;
  for (const LogBatch& batch : mine.log.batches)
    if (batch.base_offset >= cut)
      for (const LogRecord& r : batch.records) removed += (removed.empty() ? "" : ",") + std::to_string(r.send);
  Step& step = log_step(StepKind::LogTruncated, broker_node(broker_id));
  step.partition = partition_id;
  step.broker = broker_id;
  step.offset = cut;
  step.detail = fmt::format("truncated to offset {} to follow broker-{}; lost sends=[{}]", cut, partition.leader,
                            removed);
  mine.log.truncate_to(cut);
  mine.high_watermark = std::min(mine.high_watermark, cut);
  // UnifiedLog.truncateTo -> rebuildProducerState: load the latest snapshot at
  // or below the cut, replay the log after it, snapshot the new log end.
  if (mine.producer_snapshot_offset > cut) mine.producer_snapshot_offset = -1;  // deleted with the truncated range
  reload_producer_state(mine);
  mine.producer_snapshot_offset = cut;
}

// ProducerStateManager.truncateAndReload + UnifiedLog.rebuildProducerState:
// the state is the latest snapshot (each producer's last batch below its
// offset: "the snapshot only persists the last appended batch metadata",
// ProducerStateManagerTest.testRecoverFromSnapshotUnfinishedTransaction) plus
// every batch after it replayed; with no snapshot, the whole log replayed.
void World::reload_producer_state(Replica& replica) const {
  replica.producers.clear();
  const std::int64_t snapshot = replica.producer_snapshot_offset;
  std::map<std::int64_t, const LogBatch*> last_before_snapshot;
  for (const LogBatch& batch : replica.log.batches)
    if (batch.producer_id >= 0 && snapshot >= 0 && batch.base_offset < snapshot)
      last_before_snapshot[batch.producer_id] = &batch;
  auto replay = [&](const LogBatch& batch) {
    auto [it, fresh] = replica.producers.try_emplace(batch.producer_id, config_.broker.producer_state_batches_to_retain);
    replay_into_producer_state(it->second, batch);
  };
  for (const auto& [producer, batch] : last_before_snapshot) replay(*batch);
  for (const LogBatch& batch : replica.log.batches)
    if (batch.producer_id >= 0 && (snapshot < 0 || batch.base_offset >= snapshot)) replay(batch);
}

// ProducerStateManager.removeExpiredProducers, run on every replica by
// LogManager every producer.id.expiration.check.interval.ms: a producer whose
// last batch is at least producer.id.expiration.ms old and that has no open
// transaction on the partition loses its state (isProducerExpired:
// !currentTxnFirstOffset.isPresent() && now - lastTimestamp >=
// producerIdExpirationMs). Its next
// batch there is then a first write from a producer the leader has no state
// for (ProducerAppendInfo accepts any sequence): condition C1 of the
// first-batch race on a partition that holds data.
void World::remove_expired_producers(std::int32_t broker_id) {
  schedule(after(state_.now_ms, config_.broker.producer_id_expiration_check_interval_ms),
           EventKind::ProducerExpirationCheck, broker_id);
  BrokerNode& broker = state_.brokers.at(static_cast<std::size_t>(broker_id));
  if (!broker.alive) return;  // its scheduler died with it
  for (auto& [partition_id, replica] : broker.replicas) {
    std::map<std::int64_t, std::int64_t> last_timestamp;
    for (const LogBatch& batch : replica.log.batches)
      if (batch.producer_id >= 0) last_timestamp[batch.producer_id] = std::max(last_timestamp[batch.producer_id], batch.timestamp_ms);
    const TransactionIndex txns = index_transactions(replica.log);
    for (auto it = replica.producers.begin(); it != replica.producers.end();) {
      const auto seen = last_timestamp.find(it->first);
      const std::int64_t last = seen == last_timestamp.end() ? 0 : seen->second;
      if (txns.ongoing.contains(it->first) || state_.now_ms - last < config_.broker.producer_id_expiration_ms) {
        ++it;
        continue;
      }
      Step& step = log_step(StepKind::ProducerStateExpired, broker_node(broker_id));
      step.partition = partition_id;
      step.broker = broker_id;
      step.producer_id = it->first;
      step.detail = fmt::format("idle for >= producer.id.expiration.ms={}", config_.broker.producer_id_expiration_ms);
      it = replica.producers.erase(it);
    }
  }
}

}  // namespace kafka_model
