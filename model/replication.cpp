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

// ReplicaFetcherThread, one round. The leader first handles the fetch
// request, which carries the follower's log end offset (Partition.
// updateFollowerFetchState -> Replica.updateFetchStateOrThrow): it learns
// that offset, updates lastCaughtUpTimeMs, may expand the ISR and advance the
// high watermark; the response then carries the records past that offset and
// the leader's high watermark. So what a fetch copies counts for the ISR and
// the high watermark only from the next fetch on.
void World::follower_fetch(std::int32_t follower, std::int32_t partition_id) {
  schedule(state_.now_ms + parameters_.fetch_interval_ms + static_cast<std::int64_t>(chooser_->choose(3, "fetch.jitter")),
           EventKind::FetchTick, follower, partition_id);
  PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(partition_id));
  const std::int32_t leader = partition.leader;
  if (leader < 0 || leader == follower || !broker_available(leader)) return;
  maybe_update_isr(partition_id, -1);  // the leader's periodic isr-expiration check: shrink only
  BrokerNode& node = state_.brokers.at(static_cast<std::size_t>(follower));
  if (!broker_available(follower) || node.fetch_stalled_until_ms > state_.now_ms) return;
  Replica& mine = node.replicas.at(partition_id);
  if (mine.synced_leader_epoch != partition.leader_epoch) become_follower(follower, partition_id);
  const Replica& theirs = state_.brokers.at(static_cast<std::size_t>(leader)).replicas.at(partition_id);
  // The leader handles the request.
  const std::int64_t fetch_offset = mine.log.log_end_offset();
  const std::int64_t leader_end = theirs.log.log_end_offset();
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
  maybe_update_isr(partition_id, follower);  // maybeExpandIsr runs on this follower's fetch only
  maybe_advance_high_watermark(partition_id);
  // The response: records past the fetch offset, and the leader's high watermark.
  // The leader's batches are in offset order: the first at or past the fetch
  // offset is found by binary search, not by a scan from offset 0.
  const auto first = std::lower_bound(theirs.log.batches.begin(), theirs.log.batches.end(), fetch_offset,
                                      [](const LogBatch& b, std::int64_t offset) { return b.base_offset < offset; });
  for (auto it = first; it != theirs.log.batches.end(); ++it) {
    const LogBatch& batch = *it;
    mine.log.batches.push_back(batch);
    if (batch.producer_id >= 0) {
      auto [it, fresh] = mine.producers.try_emplace(batch.producer_id, config_.broker.producer_state_batches_to_retain);
      replay_into_producer_state(it->second, batch);
    }
  }
  mine.high_watermark = std::max(mine.high_watermark, std::min(theirs.high_watermark, mine.log.log_end_offset()));
}

// Partition.maybeShrinkIsr (the periodic isr-expiration task: every replica
// may leave) and maybeExpandIsr (called from updateFollowerFetchState, so only
// `fetching`, the follower whose fetch is being handled, may join; -1: none).
void World::maybe_update_isr(std::int32_t partition_id, std::int32_t fetching) {
  PartitionState& partition = state_.partitions.at(static_cast<std::size_t>(partition_id));
  if (partition.leader < 0) return;
  const Replica& leader = state_.brokers.at(static_cast<std::size_t>(partition.leader)).replicas.at(partition_id);
  bool changed = false;
  for (std::int32_t r : partition.replicas) {
    if (r == partition.leader) continue;
    const bool in_isr = partition.isr.contains(r);
    // Replica.isCaughtUp: it has the leader's whole log, or it had it within
    // replica.lag.time.max.ms.
    const bool has_whole_log = partition.follower_log_end_offset[r] == leader.log.log_end_offset();
    const bool lagging = !has_whole_log &&
                         state_.now_ms - partition.follower_caught_up_ms[r] > config_.broker.replica_lag_time_max_ms;
    // Partition.isFollowerInSync (isFollowerAtHighwatermark in 2.8): the
    // follower's log end reached the high watermark and the offset where this
    // leader's epoch began; no recency condition. canAddReplicaToIsr: an
    // eligible (live) replica.
    const std::int64_t follower_end = partition.follower_log_end_offset[r];
    const bool caught_up = state_.brokers.at(static_cast<std::size_t>(r)).alive && follower_end >= 0 &&
                           follower_end >= leader.high_watermark &&
                           follower_end >= partition.leader_epoch_start_offset;
    if (in_isr && lagging) {
      partition.isr.erase(r);
      Step& step = log_step(StepKind::IsrShrunk, broker_node(partition.leader));
      step.partition = partition_id;
      step.broker = r;
      step.detail = fmt::format("broker-{} lagged > replica.lag.time.max.ms={}; {}", r,
                                config_.broker.replica_lag_time_max_ms, isr_text(partition.isr));
      changed = true;
    } else if (!in_isr && caught_up && r == fetching) {
      partition.isr.insert(r);
      Step& step = log_step(StepKind::IsrExpanded, broker_node(partition.leader));
      step.partition = partition_id;
      step.broker = r;
      step.detail = fmt::format("broker-{} caught up; {}", r, isr_text(partition.isr));
      changed = true;
    }
  }
  if (changed) {
    maybe_advance_high_watermark(partition_id);
    complete_pending(partition.leader);
  }
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
    if (partition.leader < 0) elect_leader(partition_id);
  }
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
// last batch is at least producer.id.expiration.ms old loses its state
// (isProducerExpired; no open transaction: the model runs none). Its next
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
    for (auto it = replica.producers.begin(); it != replica.producers.end();) {
      const auto seen = last_timestamp.find(it->first);
      const std::int64_t last = seen == last_timestamp.end() ? 0 : seen->second;
      if (state_.now_ms - last < config_.broker.producer_id_expiration_ms) {
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
