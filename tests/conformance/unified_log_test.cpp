// Conformance: the producer-state cases of Kafka 3.9.0's UnifiedLogTest.
// Source: core/src/test/scala/unit/kafka/log/UnifiedLogTest.scala at tag
// 3.9.0-rc3 (Kafka 3.9.0). A case about one append path
// (UnifiedLog.appendAsLeader / appendAsFollower, i.e.
// analyzeAndValidateProducerState) runs on the model's ProducerStateEntry
// facade; a case about the log (truncation rebuilding producer state) runs in
// the world from a RunSpec, stepped until the moment the Kafka test looks at.
// Cases the model cannot express are listed in docs/conformance.md.
#include <gtest/gtest.h>

#include <functional>
#include <optional>

#include "model/chooser.hpp"
#include "model/config.hpp"
#include "model/history_io.hpp"
#include "model/run_spec.hpp"
#include "model/world.hpp"
#include "tests/conformance/conformance_support.hpp"

namespace kafka_model::conformance {
namespace {

// ---- appendAsLeader / appendAsFollower on one partition ----------------------
// UnifiedLog's offsets: each appended batch takes its records' offsets.
struct LeaderLog {
  ProducerStateManagerModel producers;
  std::int64_t log_end_offset = 0;

  // appendAsLeader of one batch of `records` records from sequence `seq`:
  // the decision, and the LogAppendInfo offsets (first, last).
  AppendDecision append_as_leader(std::int64_t pid, std::int16_t epoch, std::int32_t seq, std::int32_t records = 1) {
    const std::int32_t last = increment_sequence(seq, records - 1);
    const AppendDecision d = producers.append_client(pid, epoch, seq, last, log_end_offset);
    if (d.outcome == AppendOutcome::Appended) log_end_offset += records;
    return d;
  }
  // appendAsFollower: no producer-state check (AppendOrigin.REPLICATION).
  void append_as_follower(std::int64_t pid, std::int16_t epoch, std::int32_t seq, std::int32_t records = 1) {
    producers.append_replication(pid, epoch, seq, increment_sequence(seq, records - 1), log_end_offset);
    log_end_offset += records;
  }
};

// UnifiedLogTest.scala, testNonSequentialAppend (Kafka 3.9.0).
TEST(UnifiedLogTest, testNonSequentialAppend) {
  LeaderLog log;
  const std::int64_t pid = 1;
  const std::int16_t epoch = 0;
  EXPECT_EQ(outcome(log.append_as_leader(pid, epoch, 0)), kAppended);
  EXPECT_EQ(outcome(log.append_as_leader(pid, epoch, 2)), kOutOfOrderSequence);
}

// UnifiedLogTest.scala, testOldProducerEpoch (Kafka 3.9.0).
TEST(UnifiedLogTest, testOldProducerEpoch) {
  LeaderLog log;
  const std::int64_t pid = 1;
  const std::int16_t new_epoch = 1;
  const std::int16_t old_epoch = 0;
  EXPECT_EQ(outcome(log.append_as_leader(pid, new_epoch, 0)), kAppended);
  EXPECT_EQ(outcome(log.append_as_leader(pid, old_epoch, 0)), kInvalidProducerEpoch);
}

// UnifiedLogTest.scala, testDuplicateAppends (Kafka 3.9.0).
TEST(UnifiedLogTest, testDuplicateAppends) {
  LeaderLog log;
  const std::int64_t pid = 1;
  const std::int16_t epoch = 0;
  std::int32_t seq = 0;
  // Pad the beginning of the log: six one-record batches, seq 0..5.
  for (int i = 0; i <= 5; ++i) {
    ASSERT_EQ(outcome(log.append_as_leader(pid, epoch, seq)), kAppended);
    ++seq;
  }
  // An entry with multiple log records: seq 6..8 at offsets 6..8.
  const AppendDecision multi = log.append_as_leader(pid, epoch, seq, 3);
  ASSERT_EQ(outcome(multi), kAppended);
  EXPECT_EQ(multi.base_offset, 6);
  EXPECT_EQ(log.log_end_offset - multi.base_offset, 3) << "should have appended 3 entries";
  // A duplicate of the tail, when the tail has multiple records: the original
  // offsets, nothing appended.
  const AppendDecision dup_multi = log.append_as_leader(pid, epoch, seq, 3);
  EXPECT_EQ(outcome(dup_multi), kDuplicate);
  EXPECT_EQ(dup_multi.base_offset, multi.base_offset);
  EXPECT_EQ(log.log_end_offset, 9);
  seq += 3;
  // A partial duplicate of the tail (seq 7..8) is not allowed.
  EXPECT_EQ(outcome(log.append_as_leader(pid, epoch, seq - 2, 2)), kOutOfOrderSequence);
  // A duplicate of the oldest of the five retained batches (seq 2) is still
  // answered without error ("4th from the tail" in Kafka's comment).
  const AppendDecision dup_fourth = log.append_as_leader(pid, epoch, 2);
  EXPECT_EQ(outcome(dup_fourth), kDuplicate);
  EXPECT_EQ(dup_fourth.base_offset, 2);
  // Older duplicates are OutOfOrderSequence.
  EXPECT_EQ(outcome(log.append_as_leader(pid, epoch, 1)), kOutOfOrderSequence);
  // A single-record duplicate at the tail answers the original append.
  const AppendDecision orig = log.append_as_leader(pid, epoch, seq);
  ASSERT_EQ(outcome(orig), kAppended);
  const AppendDecision again = log.append_as_leader(pid, epoch, seq);
  EXPECT_EQ(outcome(again), kDuplicate);
  EXPECT_EQ(again.base_offset, orig.base_offset) << "Inserted a duplicate records into the log";
  EXPECT_EQ(log.log_end_offset, 10);
}

// UnifiedLogTest.scala, testDuplicateAppendToFollower (Kafka 3.9.0).
TEST(UnifiedLogTest, testDuplicateAppendToFollower) {
  LeaderLog log;
  const std::int64_t pid = 1;
  const std::int16_t epoch = 0;
  EXPECT_EQ(log.log_end_offset, 0);
  log.append_as_follower(pid, epoch, 0, 2);
  log.append_as_follower(pid, epoch, 0, 2);  // the same sequences at offsets 2..3
  // Even the duplicate sequences are accepted on the follower.
  EXPECT_EQ(log.log_end_offset, 4);
  const ProducerStateEntry* e = log.producers.last_entry(pid);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->cached_batches().size(), 2u);
  EXPECT_EQ(e->last_sequence(), 1);
}

// UnifiedLogTest.scala, testMultipleProducersWithDuplicatesInSingleAppend (Kafka 3.9.0).
TEST(UnifiedLogTest, testMultipleProducersWithDuplicatesInSingleAppend) {
  LeaderLog log;
  const std::int64_t pid1 = 1, pid2 = 2;
  const std::int16_t epoch = 0;
  EXPECT_EQ(log.log_end_offset, 0);
  log.append_as_follower(pid1, epoch, 0);
  log.append_as_follower(pid2, epoch, 0);
  log.append_as_follower(pid1, epoch, 1);
  log.append_as_follower(pid2, epoch, 1);
  log.append_as_follower(pid1, epoch, 1);  // duplicate
  // Batches with duplicates are accepted on the follower.
  EXPECT_EQ(log.log_end_offset, 5);
  EXPECT_EQ(log.producers.active_producers(), 2u);
}

// UnifiedLogTest.scala, testActiveProducers (Kafka 3.9.0).
// Expressed: producer epochs and last sequences, for producer 1 before and
// after its end marker and for the idempotent producer 2. Not expressed:
// currentTxnStartOffset and coordinatorEpoch (no transactions in the model).
TEST(UnifiedLogTest, testActiveProducers) {
  LeaderLog log;
  const std::int16_t producer1_epoch = 5;
  const std::int64_t producer_id1 = 1;
  // appendTransactionalAsLeader(...)(5): one batch of five records, seq 0..4.
  ASSERT_EQ(outcome(log.append_as_leader(producer_id1, producer1_epoch, 0, 5)), kAppended);
  ASSERT_NE(log.producers.last_entry(producer_id1), nullptr);
  EXPECT_EQ(log.producers.last_entry(producer_id1)->producer_epoch(), producer1_epoch);
  EXPECT_EQ(log.producers.last_entry(producer_id1)->last_sequence(), 4);
  // COMMIT marker with the producer's epoch.
  log.producers.append_end_txn_marker(producer_id1, producer1_epoch, log.log_end_offset++);
  EXPECT_EQ(log.producers.last_entry(producer_id1)->producer_epoch(), producer1_epoch);
  EXPECT_EQ(log.producers.last_entry(producer_id1)->last_sequence(), 4);
  // appendIdempotentAsLeader(...)(3).
  const std::int16_t producer2_epoch = 5;
  const std::int64_t producer_id2 = 2;
  ASSERT_EQ(outcome(log.append_as_leader(producer_id2, producer2_epoch, 0, 3)), kAppended);
  ASSERT_NE(log.producers.last_entry(producer_id2), nullptr);
  EXPECT_EQ(log.producers.last_entry(producer_id2)->producer_epoch(), producer2_epoch);
  EXPECT_EQ(log.producers.last_entry(producer_id2)->last_sequence(), 2);
}

// UnifiedLogTest.scala, testEndTxnWithFencedProducerEpoch (Kafka 3.9.0).
// Kafka throws InvalidProducerEpochException at the stale marker; the
// facade's marker_written reports nothing, so the assertion is its effect:
// the entry keeps epoch 5.
TEST(UnifiedLogTest, testEndTxnWithFencedProducerEpoch) {
  LeaderLog log;
  const std::int64_t producer_id = 1;
  const std::int16_t epoch = 5;
  log.producers.append_end_txn_marker(producer_id, epoch, log.log_end_offset++);  // ABORT
  const ProducerStateEntry before = *log.producers.last_entry(producer_id);
  log.producers.append_end_txn_marker(producer_id, epoch - 1, log.log_end_offset);
  EXPECT_EQ(*log.producers.last_entry(producer_id), before);
  EXPECT_EQ(log.producers.last_entry(producer_id)->producer_epoch(), epoch);
}

// UnifiedLogTest.scala, testAllowNonZeroSequenceOnFirstAppendNonZeroEpoch (Kafka 3.9.0).
// Not expressed: the transaction verification guard; a first append of an
// unknown producer is accepted at any epoch and sequence.
TEST(UnifiedLogTest, testAllowNonZeroSequenceOnFirstAppendNonZeroEpoch) {
  LeaderLog log;
  const std::int64_t producer_id = 23;
  const std::int16_t producer_epoch = 1;
  const std::int32_t sequence = 3;
  EXPECT_EQ(log.producers.last_entry(producer_id), nullptr);
  EXPECT_EQ(outcome(log.append_as_leader(producer_id, producer_epoch, sequence, 2)), kAppended);
}

// ---- the log in the world: truncation rebuilds producer state --------------
// A two-broker partition (replicas 0, 1; broker 0 leads). The idempotent
// producer writes record 0 (seq 0), which broker 1 copies; broker 1 then stops
// fetching and record 1 (seq 1) reaches only broker 0. Broker 0 crashes;
// broker 1, still in the ISR, is elected cleanly with the log [seq 0]. Broker
// 0 restarts (its state reloaded from its log [seq 0, seq 1]) and, following
// broker 1, truncates to offset 1: its producer state is rebuilt from what is
// left. retry.backoff.ms keeps the producer's retry of seq 1 away from broker 1
// until broker 0 has truncated.
RunSpec truncation_spec() {
  RunSpec spec;
  spec.producer = {{"acks", "all"},
                   {"enable.idempotence", "true"},
                   {"request.timeout.ms", "1000"},
                   {"delivery.timeout.ms", "5000"},
                   {"retry.backoff.ms", "300"},
                   {"linger.ms", "0"},
                   {"batch.size", "100"}};
  spec.broker = {{"model.brokers", "2"},
                 {"default.replication.factor", "2"},
                 {"min.insync.replicas", "1"},
                 {"replica.lag.time.max.ms", "500"}};
  spec.workload.records = 2;
  spec.workload.record_size_bytes = 100;
  spec.workload.send_interval_ms = 50;
  spec.schedule.faults = {
      Fault{.kind = FaultKind::FollowerStall, .at_ms = 35, .broker = 1, .duration_ms = 1000},
      Fault{.kind = FaultKind::BrokerCrash, .at_ms = 80, .broker = 0},
      Fault{.kind = FaultKind::BrokerRestart, .at_ms = 90, .broker = 0},
      // The retry of seq 1 to the new leader goes without backoff (KIP-951:
      // the leader changed); losing it keeps the new leader's log at offset 1
      // while broker 0 truncates, as the Kafka tests' truncateTo(1) has it.
      Fault{.kind = FaultKind::DropRequest, .request = 3},
  };
  return spec;
}

// A world built from a RunSpec, stepped by hand so a test can look at a
// replica's ProducerStateManager at the moment the Kafka test does.
struct SteppedWorld {
  explicit SteppedWorld(const RunSpec& spec) : chooser(spec.seed) {
    ConfigResult built = build_configuration(spec.version, spec.producer, spec.broker);
    if (built.error) {
      ADD_FAILURE() << built.error->key << ": " << built.error->message;
      return;
    }
    world.emplace(*built.config, spec.workload, spec.schedule, chooser);
  }
  // Steps until the last recorded step satisfies `until`; false if the run ended first.
  bool run_until(const std::function<bool(const Step&)>& until) {
    if (!world) return false;
    std::size_t seen = world->history().steps.size();
    while (world->step()) {
      const auto& steps = world->history().steps;
      for (; seen < steps.size(); ++seen)
        if (until(steps[seen])) return true;
    }
    return false;
  }
  const Replica& replica(std::int32_t broker, std::int32_t partition = 0) const {
    return world->state().brokers.at(static_cast<std::size_t>(broker)).replicas.at(partition);
  }
  std::string timeline() const { return world ? to_timeline(world->history()) : std::string(); }

  SeededChooser chooser;
  std::optional<World> world;
};

// UnifiedLogTest.scala, testProducerIdMapTruncateToWithNoSnapshots (Kafka 3.9.0).
// Kafka: two appends (seq 0, seq 1), snapshot files deleted, truncateTo(1):
// one active producer, last sequence 0. In the world the truncation is a
// follower's (UnifiedLog.truncateTo from the fetcher); the snapshot Kafka's
// restart wrote at offset 2 lies past the truncation point and is deleted
// (ProducerStateManager.truncateAndReload), so Kafka too rebuilds from the
// log start (UnifiedLog.rebuildProducerState), as the model always does.
TEST(UnifiedLogTest, testProducerIdMapTruncateToWithNoSnapshots) {
  SteppedWorld w(truncation_spec());
  ASSERT_TRUE(w.run_until([](const Step& s) { return s.kind == StepKind::BrokerRestarted && s.broker == 0; }))
      << w.timeline();
  // After the restart the producer's last sequence is 1 (what the cache holds
  // besides is DISABLED_testRecoverFromSnapshotUnfinishedTransaction's point).
  ASSERT_EQ(w.replica(0).log.log_end_offset(), 2) << w.timeline();
  ASSERT_EQ(w.replica(0).producers.size(), 1u) << w.timeline();
  EXPECT_EQ(w.replica(0).producers.begin()->second.last_sequence(), 1) << w.timeline();

  ASSERT_TRUE(w.run_until([](const Step& s) { return s.kind == StepKind::LogTruncated && s.broker == 0; }))
      << w.timeline();
  const Replica& r = w.replica(0);
  ASSERT_EQ(r.log.log_end_offset(), 1) << w.timeline();
  std::size_t active = 0;
  for (const auto& [pid, e] : r.producers) active += e.has_state() ? 1 : 0;
  EXPECT_EQ(active, 1u) << w.timeline();
  ASSERT_FALSE(r.producers.empty());
  EXPECT_EQ(r.producers.begin()->second.last_sequence(), 0) << w.timeline();
}

// UnifiedLogTest.scala, testProducerSnapshotAfterSegmentRollOnAppend (Kafka 3.9.0).
// Kafka: seq 0 at offset 0, seq 1 at offset 1 in a new segment (a snapshot at
// offset 1), truncateTo(1) reloads from that snapshot: lastEntry holds the
// batch at offset 0 (firstDataOffset = lastDataOffset = 0). Not expressed:
// segments, rolls and snapshot files; the model rebuilds from the log and
// must reach the same entry.
TEST(UnifiedLogTest, testProducerSnapshotAfterSegmentRollOnAppend) {
  SteppedWorld w(truncation_spec());
  ASSERT_TRUE(w.run_until([](const Step& s) { return s.kind == StepKind::LogTruncated && s.broker == 0; }))
      << w.timeline();
  const Replica& r = w.replica(0);
  ASSERT_EQ(r.log.log_end_offset(), 1) << w.timeline();
  ASSERT_EQ(r.producers.size(), 1u) << w.timeline();
  const ProducerStateEntry& last = r.producers.begin()->second;
  ASSERT_TRUE(last.has_state());
  EXPECT_EQ(first_data_offset(last), 0);
  EXPECT_EQ(last_data_offset(last), 0);
  // Kafka's entry, loaded from the snapshot at offset 1, holds that one batch
  // (a snapshot keeps only the last batch per producer,
  // ProducerStateManager.writeSnapshot); rebuilt from the log, so does the model's.
  EXPECT_EQ(last.cached_batches(), (std::vector<BatchMetadata>{{0, 0, 0, 0}})) << w.timeline();
}

// ProducerStateManagerTest.java, testRecoverFromSnapshotUnfinishedTransaction (Kafka 3.9.0),
// in the world: "The snapshot only persists the last appended batch metadata".
// Kafka: seq 0 at offset 0, seq 1 at offset 1, a snapshot, a reload: the
// loaded entry holds only the batch at offset 1 (firstSeq = lastSeq = 1,
// firstDataOffset = lastDataOffset = 1), and seq 2 is accepted after it.
// In the world the reload is broker 0's restart after its crash. Kafka 3.9
// reloads from a snapshot there too: LogLoader.recoverSegment (LogLoader.scala:
// 355-376) replays the unflushed active segment into a scratch
// ProducerStateManager and writes a snapshot at the log end; the real one
// then loads that snapshot (LogLoader.scala:193 removeStraySnapshots keeps the
// largest, ProducerStateManager.java:231; UnifiedLog.rebuildProducerState ->
// truncateAndReload, UnifiedLog.scala:2203-2281) and has nothing left to
// replay. A snapshot stores one BatchMetadata per producer
// (ProducerStateManager.readSnapshot/writeSnapshot, ProducerStateManager.java:648, 689).
// The world reloads from a snapshot at restart too (World::broker_restart,
// reload_producer_state): broker 0 keeps only the batch at offset 1.
TEST(ProducerStateManagerTest, testRecoverFromSnapshotUnfinishedTransaction) {
  SteppedWorld w(truncation_spec());
  ASSERT_TRUE(w.run_until([](const Step& s) { return s.kind == StepKind::BrokerRestarted && s.broker == 0; }))
      << w.timeline();
  const Replica& r = w.replica(0);
  ASSERT_EQ(r.log.log_end_offset(), 2) << w.timeline();
  ASSERT_EQ(r.producers.size(), 1u);
  const ProducerStateEntry& loaded = r.producers.begin()->second;
  ASSERT_TRUE(loaded.has_state());
  EXPECT_EQ(first_data_offset(loaded), 1);
  EXPECT_EQ(first_seq(loaded), 1);
  EXPECT_EQ(last_data_offset(loaded), 1);
  EXPECT_EQ(loaded.last_sequence(), 1);
  // Entry added after recovery.
  ProducerStateEntry after = loaded;
  EXPECT_EQ(outcome(after.append_from_client(0, 2, 2, 2)), kAppended);
}

}  // namespace
}  // namespace kafka_model::conformance
