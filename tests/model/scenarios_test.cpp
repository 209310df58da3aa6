// model: hand-written scenarios, each asserting the exact outcome and that the
// history shows its cause. Names: <area>: <fault>: <detail>.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "model/run_spec.hpp"
#include "model/world.hpp"
#include "tests/model/scenario_support.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

// Small timeouts keep runs short; one record per batch (batch.size = record size).
RunSpec base_spec(bool idempotence) {
  RunSpec spec;
  spec.producer = {{"acks", "all"},
                   {"enable.idempotence", idempotence ? "true" : "false"},
                   {"request.timeout.ms", "1000"},
                   {"delivery.timeout.ms", "5000"},
                   {"retry.backoff.ms", "10"},
                   {"linger.ms", "0"},
                   {"batch.size", "100"}};
  spec.broker = {{"min.insync.replicas", "2"}, {"replica.lag.time.max.ms", "200"}, {"replica.fetch.wait.max.ms", "100"}};
  spec.workload.records = 1;
  spec.workload.record_size_bytes = 100;
  return spec;
}

Fault drop_response(int request) { return Fault{.kind = FaultKind::DropResponse, .request = request}; }

TEST(Scenario, ResponseLostRetryIdempotenceOffWritesTheRecordTwice) {
  RunSpec spec = base_spec(false);
  spec.schedule.faults = {drop_response(1)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  EXPECT_EQ(logged_sends(run.history()), (std::vector<std::int64_t>{0, 0}));  // one send, two copies
  EXPECT_TRUE(has_step(run.history(), StepKind::RequestTimedOut));
  EXPECT_TRUE(has_step(run.history(), StepKind::BatchRetried, "REQUEST_TIMED_OUT"));
  const auto callbacks = callbacks_of_send(run.history(), 0);
  ASSERT_EQ(callbacks.size(), 1u);
  EXPECT_EQ(callbacks[0].offset, 1);  // the retry's copy
}

TEST(Scenario, ResponseLostRetryIdempotenceOnWritesOnceAndAnswersTheOriginalOffset) {
  RunSpec spec = base_spec(true);
  spec.schedule.faults = {drop_response(1)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  EXPECT_EQ(logged_sends(run.history()), (std::vector<std::int64_t>{0}));
  EXPECT_TRUE(has_step(run.history(), StepKind::DuplicateDetected));
  const auto callbacks = callbacks_of_send(run.history(), 0);
  ASSERT_EQ(callbacks.size(), 1u);
  EXPECT_EQ(callbacks[0].offset, 0);
  EXPECT_EQ(callbacks[0].error, std::nullopt);
}


std::vector<std::int64_t> iota(std::int64_t n) {
  std::vector<std::int64_t> out;
  for (std::int64_t i = 0; i < n; ++i) out.push_back(i);
  return out;
}

// Five requests (one batch each) in flight together, the limit; the broker
// answers the second with NOT_LEADER_OR_FOLLOWER without writing it, so the
// three in flight behind it arrive after a sequence gap. The first is there
// so the leader has state for the producer. The broker serves the connection
// one request at a time (SocketServer mutes it while request 1 waits in
// DelayedProduce), so the sixth batch, sent when request 1's answer frees a
// slot, also reaches the leader before the retry of the second: four
// OUT_OF_ORDER_SEQUENCE_NUMBERs. (Without that first send the leader would accept the second
// batch at any sequence: a producer id it has no state for is accepted as
// is, ProducerAppendInfo.checkSequence.)
RunSpec five_in_flight_first_not_leader(bool idempotence) {
  RunSpec spec = base_spec(idempotence);
  spec.workload.records = 6;
  spec.schedule.faults = {Fault{.kind = FaultKind::ErrorResponse, .request = 2,
                                .error = Errors::NOT_LEADER_OR_FOLLOWER}};
  return spec;
}

TEST(Scenario, NotLeaderOnFirstOfFiveIdempotentRetriesAllAndKeepsSendOrder) {
  const ScenarioRun run = simulate_ok(five_in_flight_first_not_leader(true));
  SCOPED_TRACE(run.timeline());
  EXPECT_EQ(logged_sends(run.history()), iota(6));
  int out_of_order = 0;
  for (const Step& s : steps_of(run.history(), StepKind::ProduceRejected))
    out_of_order += s.error == Errors::OUT_OF_ORDER_SEQUENCE_NUMBER ? 1 : 0;
  EXPECT_EQ(out_of_order, 4);  // every batch sent behind the refused one before its retry
  EXPECT_FALSE(has_step(run.history(), StepKind::EpochBumped));
  for (std::int64_t send = 0; send < 6; ++send) {
    const auto callbacks = callbacks_of_send(run.history(), send);
    ASSERT_EQ(callbacks.size(), 1u);
    EXPECT_EQ(callbacks[0].offset, send);
  }
}

TEST(Scenario, NotLeaderOnFirstOfFiveIdempotenceOffReordersTheLog) {
  const ScenarioRun run = simulate_ok(five_in_flight_first_not_leader(false));
  SCOPED_TRACE(run.timeline());
  // The sixth send leaves before the second's retry (retry.backoff.ms) and lands first.
  EXPECT_EQ(logged_sends(run.history()), (std::vector<std::int64_t>{0, 2, 3, 4, 5, 1}));
}

TEST(Scenario, AcksOneLeaderCrashBeforeFollowersFetchLosesAnAcknowledgedRecord) {
  RunSpec spec = base_spec(false);
  spec.producer["acks"] = "1";
  spec.schedule.faults = {
      Fault{.kind = FaultKind::FollowerStall, .at_ms = 0, .broker = 1, .duration_ms = 50},
      Fault{.kind = FaultKind::FollowerStall, .at_ms = 0, .broker = 2, .duration_ms = 50},
      Fault{.kind = FaultKind::BrokerCrash, .at_ms = 20, .broker = 0},
      Fault{.kind = FaultKind::BrokerRestart, .at_ms = 100, .broker = 0},
  };
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const auto callbacks = callbacks_of_send(run.history(), 0);
  ASSERT_EQ(callbacks.size(), 1u);
  EXPECT_EQ(callbacks[0].error, std::nullopt);
  EXPECT_EQ(callbacks[0].offset, 0);  // acknowledged
  EXPECT_TRUE(logged_sends(run.history()).empty());  // and gone
  EXPECT_TRUE(has_step(run.history(), StepKind::LogTruncated));
  const auto elections = steps_of(run.history(), StepKind::LeaderElected);
  ASSERT_FALSE(elections.empty());
  EXPECT_NE(elections[0].detail.find("clean election"), std::string::npos);
}

TEST(Scenario, AcksZeroAnswersOffsetMinusOneAndLosesADroppedRequestSilently) {
  RunSpec spec = base_spec(false);
  spec.producer["acks"] = "0";
  spec.workload.records = 2;
  spec.schedule.faults = {Fault{.kind = FaultKind::DropRequest, .request = 2}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  for (std::int64_t send : {0, 1}) {
    const auto callbacks = callbacks_of_send(run.history(), send);
    ASSERT_EQ(callbacks.size(), 1u);
    EXPECT_EQ(callbacks[0].offset, -1);
    EXPECT_EQ(callbacks[0].error, std::nullopt);  // no error, ever
  }
  EXPECT_EQ(logged_sends(run.history()), (std::vector<std::int64_t>{0}));
}

// Both followers stall past replica.lag.time.max.ms after the append.
RunSpec followers_stall_after_append(KafkaVersion version) {
  RunSpec spec = base_spec(false);
  spec.version = version;
  spec.schedule.faults = {
      Fault{.kind = FaultKind::FollowerStall, .at_ms = 0, .broker = 1, .duration_ms = 600},
      Fault{.kind = FaultKind::FollowerStall, .at_ms = 0, .broker = 2, .duration_ms = 600},
  };
  return spec;
}

// Kafka 2.8: the ISR shrinks to the leader, the high watermark advances past
// the batch, DelayedProduce answers NOT_ENOUGH_REPLICAS_AFTER_APPEND, and the
// retry writes it again.
TEST(Scenario, NotEnoughReplicasAfterAppendIdempotenceOffWritesTwice) {
  const ScenarioRun run = simulate_ok(followers_stall_after_append(KafkaVersion::V2_8));
  SCOPED_TRACE(run.timeline());
  EXPECT_TRUE(has_step(run.history(), StepKind::ProduceResponseReceived, "NOT_ENOUGH_REPLICAS_AFTER_APPEND"));
  EXPECT_TRUE(has_step(run.history(), StepKind::IsrShrunk));
  EXPECT_EQ(logged_sends(run.history()), (std::vector<std::int64_t>{0, 0}));
}

// Kafka 3.7+ (KIP-966, Partition.maybeIncrementLeaderHW): the high watermark
// waits while the ISR is below min.insync.replicas, so the same schedule ends
// in one late success.
TEST(Scenario, UnderMinIsrTheHighWatermarkWaitsAndTheRequestSucceedsOnce) {
  const ScenarioRun run = simulate_ok(followers_stall_after_append(KafkaVersion::V3_9));
  SCOPED_TRACE(run.timeline());
  EXPECT_TRUE(has_step(run.history(), StepKind::IsrShrunk));
  EXPECT_FALSE(has_step(run.history(), StepKind::ProduceResponseReceived, "NOT_ENOUGH_REPLICAS_AFTER_APPEND"));
  EXPECT_EQ(logged_sends(run.history()), (std::vector<std::int64_t>{0}));
  const auto callbacks = callbacks_of_send(run.history(), 0);
  ASSERT_EQ(callbacks.size(), 1u);
  EXPECT_EQ(callbacks[0].offset, 0);
}

TEST(Scenario, ProducerRestartWithoutTransactionalIdGetsANewProducerIdAndWritesTwice) {
  RunSpec spec = base_spec(true);
  spec.schedule.faults = {drop_response(1), Fault{.kind = FaultKind::ProducerRestart, .at_ms = 50}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const auto ids = steps_of(run.history(), StepKind::ProducerIdAssigned);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_NE(ids[0].producer_id, ids[1].producer_id);
  const auto log = final_log(run.history());
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].record, 0);
  EXPECT_EQ(log[1].record, 0);
  EXPECT_EQ(log[0].producer_id, ids[0].producer_id);
  EXPECT_EQ(log[1].producer_id, ids[1].producer_id);
}

// A zombie beside its replacement (ProducerZombie): the old instance (its
// producer id 1000) keeps its application loop and sends record 0 too, the
// new one (a new producer id) sends it: two copies, one per producer id,
// and the zombie dies when its time is up.
TEST(Scenario, ProducerZombieWithoutTransactionalIdBothInstancesWriteTheRecord) {
  RunSpec spec = base_spec(true);
  spec.schedule.faults = {Fault{.kind = FaultKind::ProducerZombie, .at_ms = 0, .duration_ms = 50}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const auto ids = steps_of(run.history(), StepKind::ProducerIdAssigned);
  ASSERT_EQ(ids.size(), 2u);
  const auto log = final_log(run.history());
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].record, 0);
  EXPECT_EQ(log[1].record, 0);
  EXPECT_NE(log[0].producer_id, log[1].producer_id);
  const auto zombie = steps_of(run.history(), StepKind::ProducerZombie);
  ASSERT_EQ(zombie.size(), 1u);
  EXPECT_EQ(zombie[0].instance, 1);
  const auto crashed = steps_of(run.history(), StepKind::ProducerCrashed);
  ASSERT_EQ(crashed.size(), 1u);
  EXPECT_EQ(crashed[0].instance, 1);
  EXPECT_EQ(crashed[0].time_ms, 50);
}

// The same with transactional.id: the replacement's InitProducerId fences the
// zombie (PRODUCER_FENCED, fatal), which stops at once, before its time is
// up; only the replacement's transaction commits record 0.
TEST(Scenario, ProducerZombieWithTransactionalIdIsFencedAndStops) {
  RunSpec spec = base_spec(true);
  spec.producer["transactional.id"] = "tx-1";
  spec.consumer = {{"isolation.level", "read_committed"}};
  spec.schedule.faults = {Fault{.kind = FaultKind::ProducerZombie, .at_ms = 8, .duration_ms = 5000}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const auto crashed = steps_of(run.history(), StepKind::ProducerCrashed);
  ASSERT_EQ(crashed.size(), 1u);
  EXPECT_EQ(crashed[0].instance, 1);
  EXPECT_LT(crashed[0].time_ms, 5008);  // fenced, not timed out
  EXPECT_TRUE(has_step(run.history(), StepKind::TxnResponseReceived, "PRODUCER_FENCED"));
  const auto log = final_log(run.history());
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].record, 0);
}

// The leader pauses longer than delivery.timeout.ms; the request it already
// received is written when it resumes.
RunSpec leader_paused_past_delivery_timeout(DeliveryMode mode) {
  RunSpec spec = base_spec(true);
  spec.workload.mode = mode;
  spec.schedule.faults = {Fault{.kind = FaultKind::BrokerStall, .at_ms = 0, .broker = 0, .duration_ms = 6000}};
  return spec;
}

TEST(Scenario, DeliveryTimeoutWhileTheRecordWasWrittenFailsTheCallbackAnyway) {
  const ScenarioRun run = simulate_ok(leader_paused_past_delivery_timeout(DeliveryMode::FireAndForget));
  SCOPED_TRACE(run.timeline());
  const auto callbacks = callbacks_of_send(run.history(), 0);
  ASSERT_EQ(callbacks.size(), 1u);
  EXPECT_EQ(callbacks[0].error, Errors::TIMEOUT);
  EXPECT_EQ(logged_sends(run.history()), (std::vector<std::int64_t>{0}));
}

TEST(Scenario, Kip360ExpiredBatchBumpsTheEpochAndTheResendIsWrittenTwice) {
  const ScenarioRun run = simulate_ok(leader_paused_past_delivery_timeout(DeliveryMode::AtLeastOnce));
  SCOPED_TRACE(run.timeline());
  const auto expired = steps_of(run.history(), StepKind::BatchExpired);
  ASSERT_FALSE(expired.empty());
  EXPECT_NE(expired[0].detail.find("outcome unknown"), std::string::npos);
  EXPECT_EQ(callbacks_of_send(run.history(), 0).at(0).error, Errors::TIMEOUT);
  const auto bumps = steps_of(run.history(), StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_EQ(bumps[0].producer_epoch, 1);
  // The application's re-send (send 1) starts the new epoch at sequence 0.
  bool resend_at_zero = false;
  for (const Step& s : steps_of(run.history(), StepKind::SequenceAssigned))
    resend_at_zero = resend_at_zero || (s.producer_epoch == 1 && s.sequence == 0);
  EXPECT_TRUE(resend_at_zero);
  const auto log = final_log(run.history());
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].send, 0);
  EXPECT_EQ(log[0].producer_epoch, 0);
  EXPECT_EQ(log[1].send, 1);
  EXPECT_EQ(log[1].producer_epoch, 1);
  EXPECT_EQ(log[0].producer_id, log[1].producer_id);  // one PID session, one record twice
}

// Three sends in flight, all three responses lost; the broker keeps
// `retained` batches per producer (Kafka: 5, and in-flight <= 5).
RunSpec cache_what_if(int retained) {
  RunSpec spec = base_spec(true);
  spec.producer["max.in.flight.requests.per.connection"] = "3";
  spec.broker["model.producer.state.batches.to.retain"] = std::to_string(retained);
  spec.workload.records = 3;
  spec.schedule.faults = {drop_response(1), drop_response(2), drop_response(3)};
  return spec;
}

TEST(Scenario, CacheSmallerThanInFlightSpuriousOutOfOrderEpochBumpWritesASendTwice) {
  const ScenarioRun run = simulate_ok(cache_what_if(2));
  SCOPED_TRACE(run.timeline());
  EXPECT_TRUE(has_step(run.history(), StepKind::ProduceRejected, "OUT_OF_ORDER_SEQUENCE_NUMBER"));
  EXPECT_TRUE(has_step(run.history(), StepKind::EpochBumped));
  const auto log = final_log(run.history());
  std::map<std::int64_t, int> copies;
  for (const Step& s : log) copies[s.send] += 1;
  EXPECT_EQ(copies[0], 2);  // the oldest send, in the log twice
  for (const Step& s : log) EXPECT_EQ(s.producer_id, log[0].producer_id);  // under one producer id
}

TEST(Scenario, CacheAtLeastInFlightTheSameScheduleIsHarmless) {
  const ScenarioRun run = simulate_ok(cache_what_if(3));
  SCOPED_TRACE(run.timeline());
  EXPECT_EQ(logged_sends(run.history()), iota(3));
  EXPECT_FALSE(has_step(run.history(), StepKind::EpochBumped));
  EXPECT_EQ(steps_of(run.history(), StepKind::DuplicateDetected).size(), 3u);
}

// send().get() for every record: one send outstanding at a time, so a
// refused request cannot be overtaken even without idempotence.
TEST(Scenario, SynchronousSendsKeepSendOrderDespiteARefusedRequest) {
  RunSpec spec = five_in_flight_first_not_leader(false);
  spec.workload.mode = DeliveryMode::Synchronous;
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  EXPECT_EQ(logged_sends(run.history()), iota(6));
  EXPECT_TRUE(has_step(run.history(), StepKind::BatchRetried, "NOT_LEADER_OR_FOLLOWER"));
}

// buffer.memory holds two records; the leader pauses for 800 ms, so the
// third send() blocks for max.block.ms and fails with TimeoutException
// (KafkaProducer.send -> BufferPool.allocate), twice, before the memory frees.
TEST(Scenario, FullBufferMemoryBlocksSendForMaxBlockMsThenFailsIt) {
  RunSpec spec = base_spec(true);
  spec.producer["buffer.memory"] = "200";
  spec.producer["max.block.ms"] = "300";
  spec.workload.records = 3;
  spec.schedule.faults = {Fault{.kind = FaultKind::BrokerStall, .at_ms = 0, .broker = 0, .duration_ms = 800}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const auto failed = steps_of(run.history(), StepKind::SendFailed);
  ASSERT_EQ(failed.size(), 2u);
  for (std::size_t i = 0; i < failed.size(); ++i) {
    EXPECT_EQ(failed[i].record, 2);
    EXPECT_EQ(failed[i].time_ms, 2 + 300 * static_cast<std::int64_t>(i + 1));  // each blocked max.block.ms
    EXPECT_EQ(failed[i].error, Errors::TIMEOUT);
  }
  // Every record is written once in the end: record 2 by its third send().
  std::vector<std::int64_t> records = logged_records(run.history());
  std::sort(records.begin(), records.end());
  EXPECT_EQ(records, iota(3));
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

// Partition.updateFollowerFetchState: a fetch request carries the follower's
// log end BEFORE it copies anything, so the leader learns what one fetch
// copied from the next one: with acks=all the high watermark, and the answer,
// come one fetch round trip after the copy, not with it. With the long poll
// (DelayedFetch) the followers' fetches parked at the leader are answered
// with the append.
TEST(Replication, TheLeaderLearnsWhatAFetchCopiedFromTheNextFetch) {
  RunSpec spec;
  spec.producer = {{"acks", "all"}, {"linger.ms", "0"}, {"batch.size", "100"}};
  spec.broker = {{"min.insync.replicas", "2"}};
  spec.workload.records = 1;
  spec.workload.record_size_bytes = 100;
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const auto appended = steps_of(run.history(), StepKind::BatchAppended);
  const auto hw = steps_of(run.history(), StepKind::HighWatermarkAdvanced);
  ASSERT_EQ(appended.size(), 1u);
  ASSERT_FALSE(hw.empty());
  // Never with the append: the answer travels to the follower and its next
  // fetch back (1-3 ms each). At most one more trip: a follower whose first
  // fetch was still on its way gets the record in that fetch's answer.
  const ModelParameters physics;
  EXPECT_GE(hw.front().time_ms - appended.front().time_ms, 2 * physics.fetch_delay_min_ms);
  EXPECT_LE(hw.front().time_ms - appended.front().time_ms, 3 * physics.fetch_delay_max_ms);
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

// Partition.effectiveMinIsr (3.7+): min.insync.replicas above the replication
// factor is capped at it, so a full ISR accepts acks=all writes; 2.8 refuses
// every one with NOT_ENOUGH_REPLICAS.
TEST(Replication, MinInsyncReplicasAboveTheReplicationFactorIsCappedSince37) {
  RunSpec spec;
  spec.producer = {{"acks", "all"}, {"linger.ms", "0"}, {"batch.size", "100"}, {"enable.idempotence", "false"},
                   {"request.timeout.ms", "1000"}, {"delivery.timeout.ms", "2000"}, {"retries", "0"}};
  spec.broker = {{"min.insync.replicas", "4"}};
  spec.workload.records = 1;
  spec.workload.record_size_bytes = 100;
  spec.workload.mode = DeliveryMode::FireAndForget;
  const ScenarioRun capped = simulate_ok(spec);
  EXPECT_EQ(logged_sends(capped.history()), (std::vector<std::int64_t>{0})) << capped.timeline();
  spec.version = KafkaVersion::V2_8;
  const ScenarioRun refused = simulate_ok(spec);
  EXPECT_TRUE(logged_sends(refused.history()).empty()) << refused.timeline();
  EXPECT_TRUE(has_step(refused.history(), StepKind::ProduceRejected, "NOT_ENOUGH_REPLICAS")) << refused.timeline();
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

// A leadership move without a crash: the produce waiting in DelayedProduce on
// the old leader is answered NOT_LEADER_OR_FOLLOWER (Partition.makeFollower ->
// tryCompleteDelayedRequests), the producer refreshes its metadata and retries
// on the new leader, and the old leader's unreplicated copy is truncated when
// it follows (KIP-101): written once, no crash anywhere.
TEST(Replication, LeaderMovedAwayAnswersTheWaitingProduceNotLeaderAndTheOldCopyIsTruncated) {
  RunSpec spec;
  spec.producer = {{"acks", "all"}, {"enable.idempotence", "true"}, {"linger.ms", "0"}, {"batch.size", "100"},
                   {"request.timeout.ms", "1000"}, {"delivery.timeout.ms", "5000"}, {"retry.backoff.ms", "10"}};
  spec.broker = {{"min.insync.replicas", "2"}, {"replica.lag.time.max.ms", "200"}, {"replica.fetch.wait.max.ms", "100"}};
  spec.workload.records = 1;
  spec.workload.record_size_bytes = 100;
  spec.schedule.faults = {
      Fault{.kind = FaultKind::FollowerStall, .at_ms = 0, .broker = 1, .duration_ms = 50},
      Fault{.kind = FaultKind::FollowerStall, .at_ms = 0, .broker = 2, .duration_ms = 50},
      Fault{.kind = FaultKind::LeaderMovedAway, .at_ms = 20, .broker = 0},
  };
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  EXPECT_TRUE(has_step(run.history(), StepKind::ProduceResponseReceived, "NOT_LEADER_OR_FOLLOWER"));
  EXPECT_FALSE(has_step(run.history(), StepKind::BrokerCrashed));
  const auto truncated = steps_of(run.history(), StepKind::LogTruncated);
  ASSERT_FALSE(truncated.empty());
  EXPECT_EQ(truncated.front().broker, 0);
  EXPECT_EQ(logged_sends(run.history()), (std::vector<std::int64_t>{0}));
  const auto callbacks = callbacks_of_send(run.history(), 0);
  ASSERT_EQ(callbacks.size(), 1u);
  EXPECT_EQ(callbacks[0].error, std::nullopt);
}

// PreferredLeaderElection moves leadership back to the first replica once it
// is in sync again.
// PartitionLeaderElectionAlgorithms.offlinePartitionLeaderElection: the
// first live ISR member in replica order, and only when there is none (and
// unclean.leader.election.enable) any live replica. With unclean elections
// enabled, a clean choice stays clean and keeps the live ISR. Here the
// second election's choice is broker-0 (back in the ISR), the first replica.
TEST(Replication, WithUncleanElectionEnabledALiveInSyncFirstReplicaIsElectedCleanly) {
  RunSpec spec;
  spec.producer = {{"acks", "all"}, {"linger.ms", "0"}, {"batch.size", "100"}};
  spec.broker = {{"unclean.leader.election.enable", "true"}, {"replica.fetch.wait.max.ms", "100"}};
  spec.workload.records = 1;
  spec.workload.record_size_bytes = 100;
  spec.schedule.faults = {Fault{.kind = FaultKind::BrokerCrash, .at_ms = 5, .broker = 0},
                          Fault{.kind = FaultKind::BrokerRestart, .at_ms = 50, .broker = 0},
                          Fault{.kind = FaultKind::BrokerCrash, .at_ms = 400, .broker = 1}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const auto elections = steps_of(run.history(), StepKind::LeaderElected);
  ASSERT_GE(elections.size(), 2u);
  EXPECT_EQ(elections[1].broker, 0);
  EXPECT_EQ(elections[1].detail.rfind("clean election", 0), 0u) << elections[1].detail;
  EXPECT_NE(elections[1].detail.find("isr=[0,2]"), std::string::npos) << elections[1].detail;
  EXPECT_EQ(logged_sends(run.history()), (std::vector<std::int64_t>{0}));
}

// ProducerStateManager.isProducerExpired: a producer (with no open
// transaction) expires once currentTimeMs - lastTimestamp >=
// producer.id.expiration.ms: at exactly that age, not one tick later. With a
// check every millisecond (producer.id.expiration.check.interval.ms = 1) the
// leader drops the state the moment its last batch is that old.
TEST(Replication, AProducerExpiresWhenItsIdleTimeReachesProducerIdExpirationMs) {
  RunSpec spec;
  spec.producer = {{"acks", "all"}, {"linger.ms", "0"}, {"batch.size", "100"}};
  spec.broker = {{"producer.id.expiration.ms", "100"}, {"producer.id.expiration.check.interval.ms", "1"}};
  spec.workload.records = 1;
  spec.workload.record_size_bytes = 100;
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const auto appended = steps_of(run.history(), StepKind::BatchAppended);
  ASSERT_EQ(appended.size(), 1u);
  const auto expired = steps_of(run.history(), StepKind::ProducerStateExpired);
  const auto on_leader = std::find_if(expired.begin(), expired.end(),
                                      [&](const Step& s) { return s.node == appended[0].node; });
  ASSERT_NE(on_leader, expired.end());
  EXPECT_EQ(on_leader->time_ms, appended[0].time_ms + 100);
}

TEST(Replication, PreferredLeaderElectionMovesLeadershipBackToTheFirstReplica) {
  RunSpec spec;
  spec.producer = {{"acks", "all"}, {"linger.ms", "0"}, {"batch.size", "100"}};
  spec.workload.records = 1;
  spec.workload.record_size_bytes = 100;
  spec.schedule.faults = {Fault{.kind = FaultKind::LeaderMovedAway, .at_ms = 5, .broker = 0},
                          Fault{.kind = FaultKind::PreferredLeaderElection, .at_ms = 100}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const auto elections = steps_of(run.history(), StepKind::LeaderElected);
  ASSERT_EQ(elections.size(), 2u);
  EXPECT_NE(elections[0].broker, 0);
  EXPECT_EQ(elections[1].broker, 0);
  EXPECT_EQ(logged_sends(run.history()), (std::vector<std::int64_t>{0}));
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

// Partition.maybeExpandIsr runs only when the leader handles that follower's
// fetch (updateFollowerFetchState); the periodic task only shrinks. A paused
// follower therefore stays out of the ISR until it fetches again, even while
// the high watermark is frozen below min.insync.replicas (KIP-966) at an
// offset its last fetch reached (the soak search found the model flapping it).
TEST(Replication, APausedFollowerDoesNotRejoinTheIsrUntilItFetches) {
  RunSpec spec;
  spec.producer = {{"acks", "all"}, {"linger.ms", "0"}, {"batch.size", "100"}, {"request.timeout.ms", "1000"},
                   {"delivery.timeout.ms", "5000"}};
  spec.broker = {{"model.brokers", "2"}, {"default.replication.factor", "2"}, {"min.insync.replicas", "2"},
                 {"replica.lag.time.max.ms", "200"}, {"replica.fetch.wait.max.ms", "100"}};
  spec.workload.records = 2;
  spec.workload.send_interval_ms = 300;
  spec.workload.record_size_bytes = 100;
  spec.schedule.faults = {Fault{.kind = FaultKind::BrokerStall, .at_ms = 50, .broker = 1, .duration_ms = 2000}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  ASSERT_TRUE(has_step(run.history(), StepKind::IsrShrunk));
  for (const Step& s : steps_of(run.history(), StepKind::IsrExpanded))
    EXPECT_GE(s.time_ms, 2050) << "broker-" << s.broker << " rejoined while paused";
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

// The follower fetch is a long poll: a stalled follower and an idle one
// schedule a parked fetch and its expiry every replica.fetch.wait.max.ms, not
// a fetch every few milliseconds; and the ISR shrinks at the leader's
// isr-expiration run (every replica.lag.time.max.ms / 2,
// ReplicaManager.startup), the first one at which the follower has lagged
// MORE than replica.lag.time.max.ms: Kafka's defaults, last caught up at 0,
// 30,000 ms is not more, so 45,000 ms.
TEST(Replication, AStalledFollowerLeavesTheIsrAtTheIsrExpirationRunAndAQuietClusterSchedulesLittle) {
  RunSpec spec;
  spec.workload.records = 1;
  spec.schedule.faults = {Fault{.kind = FaultKind::FollowerStall, .at_ms = 0, .broker = 1, .duration_ms = 60000}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const auto shrunk = steps_of(run.history(), StepKind::IsrShrunk);
  ASSERT_EQ(shrunk.size(), 1u);
  EXPECT_EQ(shrunk.front().broker, 1);
  EXPECT_EQ(shrunk.front().time_ms, 45000);
  // Until then the lagging follower is in the ISR and holds the high
  // watermark back (Partition.maybeIncrementLeaderHW takes every ISR
  // member's log end, caught up or not): the record is acknowledged only
  // after the shrink, not when the follower stops counting as caught up (30 s).
  const auto hw = steps_of(run.history(), StepKind::HighWatermarkAdvanced);
  ASSERT_FALSE(hw.empty());
  EXPECT_GE(hw.front().time_ms, 45000);
  // About 60 s of virtual time: one idle follower parks 120 fetches, the
  // three brokers run their isr-expiration task 4 times each. Fetch ticks
  // every ~10 ms would be ~18,000 events.
  EXPECT_LT(run.result.events, 1000);
}

// A crashed follower leaves the ISR at once (the controller fences it) and
// stops counting as caught up: a record sent after the crash is
// acknowledged by the leader and the other follower within a few fetch
// trips, on 2.8's rule (lastCaughtUpTimeMs) and 3.0+'s
// (shouldWaitForReplicaToJoinIsr) alike.
TEST(Replication, AfterAFollowerCrashTheHighWatermarkDoesNotWaitForIt) {
  for (KafkaVersion version : {KafkaVersion::V3_9, KafkaVersion::V2_8}) {
    RunSpec spec;
    spec.version = version;
    spec.producer = {{"acks", "all"}, {"linger.ms", "0"}};
    spec.broker = {{"min.insync.replicas", "2"}};
    spec.workload.records = 1;
    spec.schedule.faults = {Fault{.kind = FaultKind::BrokerCrash, .at_ms = 0, .broker = 2}};
    const ScenarioRun run = simulate_ok(spec);
    SCOPED_TRACE(run.timeline());
    const auto hw = steps_of(run.history(), StepKind::HighWatermarkAdvanced);
    ASSERT_FALSE(hw.empty());
    EXPECT_LT(hw.front().time_ms, 100) << to_string(version);
  }
}

// One fetch chain per follower and partition: after every event the queue
// holds at most one FollowerFetch or FetchResponseArrives of each. The heal
// ends a follower's stall early and re-sends the fetch it held back
// (fetcher_stop, then fetcher_send): the held-back one must go, or the
// follower would fetch twice as often from then on.
TEST(Replication, TheHealLeavesOneFetchChainPerFollower) {
  RunSpec spec;
  spec.producer = {{"acks", "all"}, {"linger.ms", "0"}};
  spec.broker = {{"min.insync.replicas", "1"}};
  spec.workload.records = 2;
  spec.schedule.faults = {Fault{.kind = FaultKind::FollowerStall, .at_ms = 0, .broker = 1, .duration_ms = 100000},
                          Fault{.kind = FaultKind::BrokerCrash, .at_ms = 5, .broker = 0}};
  int worst = 0;
  const SimulationResult result = simulate(spec, ModelParameters{}, [&](const World& world) {
    std::map<std::pair<std::int64_t, std::int64_t>, int> chains;
    for (const Event& e : world.state().queue)
      if (e.kind == EventKind::FollowerFetch || e.kind == EventKind::FetchResponseArrives)
        worst = std::max(worst, ++chains[{e.a, e.b}]);
  });
  EXPECT_FALSE(result.cut_short);
  EXPECT_TRUE(std::any_of(result.history.steps.begin(), result.history.steps.end(),
                          [](const Step& s) { return s.kind == StepKind::FaultsHealed; }));
  EXPECT_EQ(worst, 1);
}

// A follower whose fetch waits at the leader's log end stays in the ISR
// however long the wait (Replica.isCaughtUp: its log end is the leader's),
// and the next append answers the parked fetch at once: records 400 ms
// apart with replica.lag.time.max.ms=200 shrink nothing, and each record's
// high watermark comes within three fetch trips (1-3 ms each).
TEST(Replication, AParkedFetchKeepsItsFollowerInSyncAndTheNextAppendAnswersIt) {
  RunSpec spec;
  spec.producer = {{"acks", "all"}, {"linger.ms", "0"}, {"batch.size", "100"}};
  spec.broker = {{"min.insync.replicas", "2"}, {"replica.lag.time.max.ms", "200"}, {"replica.fetch.wait.max.ms", "100"}};
  spec.workload.records = 3;
  spec.workload.record_size_bytes = 100;
  spec.workload.send_interval_ms = 400;
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  EXPECT_TRUE(steps_of(run.history(), StepKind::IsrShrunk).empty());
  const auto appended = steps_of(run.history(), StepKind::BatchAppended);
  const auto hw = steps_of(run.history(), StepKind::HighWatermarkAdvanced);
  ASSERT_EQ(appended.size(), 3u);
  ASSERT_EQ(hw.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(hw[i].offset, appended[i].offset + 1);
    EXPECT_LE(hw[i].time_ms - appended[i].time_ms, 3 * ModelParameters{}.fetch_delay_max_ms) << i;
  }
}

}  // namespace
}  // namespace kafka_model
