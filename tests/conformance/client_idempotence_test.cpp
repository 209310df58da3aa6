// conformance: Kafka 3.9's own client tests for the idempotent (non-
// transactional) producer, ported as world-level scenarios. Each GoogleTest
// is named after the Kafka test it ports and cites its file and version:
//   S = clients/src/test/java/org/apache/kafka/clients/producer/internals/SenderTest.java
//   T = clients/src/test/java/org/apache/kafka/clients/producer/internals/TransactionManagerTest.java
// (apache/kafka tag 3.9.0-rc3 = Kafka 3.9.0). Kafka's tests drive a mock
// client; here the faults (ErrorResponse, DelayResponse, DropResponse) put the
// real world's client in the same situation, and the assertions read the
// recorded history. Kafka's broker answers one connection's requests in order
// (SocketServer mutes a connection until its response is sent), so where a
// Kafka test answers a later request first, the port answers in request order
// and says so; the outcome asserted is the same.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/run_spec.hpp"
#include "tests/model/scenario_support.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

// One broker, one partition, one record per batch (batch.size = record size),
// fire-and-forget sends (no application re-sends muddle the sequences).
// SenderTest uses DELIVERY_TIMEOUT_MS = 1500; request.timeout.ms may not
// exceed it (KafkaProducer.configureDeliveryTimeout), so it is 1500 here too.
RunSpec conformance_spec(int records, std::int64_t send_interval_ms) {
  RunSpec spec;
  spec.producer = {{"acks", "all"},
                   {"enable.idempotence", "true"},
                   {"request.timeout.ms", "1500"},
                   {"delivery.timeout.ms", "1500"},
                   {"retry.backoff.ms", "10"},
                   {"linger.ms", "0"},
                   {"batch.size", "100"}};
  spec.broker = {{"model.brokers", "1"}, {"default.replication.factor", "1"}, {"min.insync.replicas", "1"}};
  spec.workload.records = records;
  spec.workload.keys = 1;
  spec.workload.send_interval_ms = send_interval_ms;
  spec.workload.record_size_bytes = 100;
  spec.workload.mode = DeliveryMode::FireAndForget;
  return spec;
}

Fault answer(int request, Errors error) { return Fault{.kind = FaultKind::ErrorResponse, .request = request, .error = error}; }
Fault delay(int request, std::int64_t ms) { return Fault{.kind = FaultKind::DelayResponse, .request = request, .duration_ms = ms}; }

// Batches come 800 ms apart. The first batch's answer, NOT_LEADER_OR_FOLLOWER,
// is held back 900 ms, so the second batch is sent behind it (a batch in
// backoff at the head of a partition's deque would hold the second back:
// RecordAccumulator.drainBatchesForOneNode skips a backing-off partition);
// then it backs off longer than its delivery timeout (retry.backoff.ms 2000,
// max 5000) and expires while in retry at 1500 ms — the Kafka tests'
// "disconnect + backoff" that keeps it from being re-sent. The second's
// answer is held back 900 ms too, so it arrives after that expiry and after
// the third batch was appended (1600 ms).
RunSpec first_batch_expires_in_retry(int records) {
  RunSpec spec = conformance_spec(records, 800);
  spec.producer["retry.backoff.ms"] = "2000";
  spec.producer["retry.backoff.max.ms"] = "5000";
  spec.schedule.faults = {answer(1, Errors::NOT_LEADER_OR_FOLLOWER), delay(1, 900), delay(2, 900)};
  return spec;
}

std::vector<Step> sequences_of_batch(const History& h, std::int64_t batch) {
  std::vector<Step> out;
  for (const Step& s : steps_of(h, StepKind::SequenceAssigned))
    if (s.batch == batch) out.push_back(s);
  return out;
}

const Step* first_step(const History& h, StepKind kind, std::int64_t batch = -1) {
  auto it = std::find_if(h.steps.begin(), h.steps.end(),
                         [&](const Step& s) { return s.kind == kind && (batch < 0 || s.batch == batch); });
  return it == h.steps.end() ? nullptr : &*it;
}

// S 3.9 testExpiryOfFirstBatchShouldNotCauseUnresolvedSequencesIfFutureBatchesSucceed:
// the first batch expires in retry (its sequence is unresolved); the third
// batch is not drained while it is; the second batch's success resolves it
// (lastAckedSequence == nextSequence - 1), so the third goes out at
// sequence 2 under the same epoch, with no epoch bump.
TEST(KafkaSenderTest, testExpiryOfFirstBatchShouldNotCauseUnresolvedSequencesIfFutureBatchesSucceed) {
  const ScenarioRun run = simulate_ok(first_batch_expires_in_retry(3));
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, "TimeoutException");
  const Step* expired = first_step(h, StepKind::BatchExpired, 0);
  ASSERT_NE(expired, nullptr);
  EXPECT_NE(expired->detail.find("outcome unknown"), std::string::npos);
  const auto third = sequences_of_batch(h, 2);
  ASSERT_EQ(third.size(), 1u);
  const Step* second_answered = first_step(h, StepKind::ProduceResponseReceived, 1);
  ASSERT_NE(second_answered, nullptr);
  EXPECT_GT(third[0].time_ms, second_answered->time_ms - 1);  // not before the second batch's answer
  EXPECT_GE(third[0].time_ms, 1600);                           // appended at 1600 while unresolved
  EXPECT_EQ(third[0].sequence, 2);
  EXPECT_EQ(third[0].producer_epoch, 0);
  EXPECT_FALSE(has_step(h, StepKind::EpochBumped));
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, "");
  EXPECT_EQ(callbacks_of_send(h, 2).at(0).error, "");
}

// S 3.9 testExpiryOfFirstBatchShouldCauseEpochBumpIfFutureBatchesFail: as
// above, but the second batch (the one right after the unresolved sequence)
// is refused OUT_OF_ORDER_SEQUENCE_NUMBER: at that answer the epoch is bumped
// to 1 and the second batch is renumbered to sequence 0 of epoch 1 and
// re-enqueued (Kafka: two batches queued, sequenceNumber(tp0) == 1, no
// unresolved sequence); the third batch got no sequence while the first was
// unresolved. (Later the second batch, backing off retry.backoff.ms like the
// first, expires in retry too: a second bump, not part of Kafka's test.)
TEST(KafkaSenderTest, testExpiryOfFirstBatchShouldCauseEpochBumpIfFutureBatchesFail) {
  RunSpec spec = first_batch_expires_in_retry(3);
  spec.schedule.faults.push_back(answer(2, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER));
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, "TimeoutException");
  const Step* refused = first_step(h, StepKind::ProduceResponseReceived, 1);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->error, "OUT_OF_ORDER_SEQUENCE_NUMBER");
  EXPECT_GT(refused->time_ms, 1600);  // after the first batch expired and the third was appended
  const Step* bump = first_step(h, StepKind::EpochBumped);
  ASSERT_NE(bump, nullptr);
  EXPECT_EQ(bump->producer_epoch, 1);
  EXPECT_EQ(bump->time_ms, refused->time_ms);
  const auto second = sequences_of_batch(h, 1);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[1].time_ms, refused->time_ms);
  EXPECT_EQ(second[1].producer_epoch, 1);
  EXPECT_EQ(second[1].sequence, 0);
  for (const Step& s : sequences_of_batch(h, 2)) EXPECT_GT(s.time_ms, refused->time_ms);
}

// T 3.9 testEpochBumpAfterLastInflightBatchFails: the first batch expires in
// retry (unresolved), the second succeeds, the third expires in flight (its
// response is lost): with nothing in flight and lastAckedSequence 1 !=
// nextSequence 3 - 1, maybeResolveSequences bumps the epoch and the partition
// is no longer unresolved — a batch held back meanwhile (the fourth) then
// starts epoch 1 at sequence 0 (Kafka: sequenceNumber(tp0) == 0 after the bump).
// Batches 600 ms apart; the first's NOT_LEADER_OR_FOLLOWER is held back 1300 ms
// so the second and third are sent behind it.
TEST(KafkaTransactionManagerTest, testEpochBumpAfterLastInflightBatchFails) {
  RunSpec spec = conformance_spec(4, 600);
  spec.producer["retry.backoff.ms"] = "2000";
  spec.producer["retry.backoff.max.ms"] = "5000";
  spec.schedule.faults = {answer(1, Errors::NOT_LEADER_OR_FOLLOWER), delay(1, 1300),
                          Fault{.kind = FaultKind::DropResponse, .request = 3}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, "TimeoutException");
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, "");
  EXPECT_EQ(callbacks_of_send(h, 2).at(0).error, "TimeoutException");
  EXPECT_EQ(callbacks_of_send(h, 3).at(0).error, "");
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_EQ(bumps[0].producer_epoch, 1);
  const Step* third_expired = first_step(h, StepKind::BatchExpired, 2);
  ASSERT_NE(third_expired, nullptr);
  EXPECT_GE(bumps[0].time_ms, third_expired->time_ms);  // only once the last in-flight batch failed
  const auto fourth = sequences_of_batch(h, 3);
  ASSERT_EQ(fourth.size(), 1u);
  EXPECT_GE(fourth[0].time_ms, bumps[0].time_ms);  // held back while the sequence was unresolved
  EXPECT_EQ(fourth[0].producer_epoch, 1);
  EXPECT_EQ(fourth[0].sequence, 0);
}

// S 3.9 testCorrectHandlingOfOutOfOrderResponses. Kafka's test answers the
// second request (OUT_OF_ORDER_SEQUENCE_NUMBER) before the first
// (NOT_LEADER_OR_FOLLOWER); in request order here. The second batch is not
// the next sequence (lastAckedSequence is none): it is retried without an
// epoch bump; both go back in sequence order, and the retries go one at a
// time, sequence 0 first, so the offsets follow the sends.
TEST(KafkaSenderTest, testCorrectHandlingOfOutOfOrderResponses) {
  RunSpec spec = conformance_spec(2, 1);
  spec.schedule.faults = {answer(1, Errors::NOT_LEADER_OR_FOLLOWER), answer(2, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  EXPECT_FALSE(has_step(h, StepKind::EpochBumped));
  EXPECT_TRUE(has_step(h, StepKind::BatchRetried, "OUT_OF_ORDER_SEQUENCE_NUMBER"));
  const auto sent = steps_of(h, StepKind::ProduceRequestSent);
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_NE(sent[2].detail.find("batch 0 "), std::string::npos);  // sequence 0 goes first ...
  EXPECT_NE(sent[3].detail.find("batch 1 "), std::string::npos);
  const Step* first_answered = nullptr;  // ... and the second only after it was answered
  for (const Step& s : steps_of(h, StepKind::ProduceResponseReceived))
    if (s.request == sent[2].request) first_answered = &s;
  ASSERT_NE(first_answered, nullptr);
  EXPECT_GE(sent[3].time_ms, first_answered->time_ms);
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).offset, 0);
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).offset, 1);
}

// S 3.9 testCorrectHandlingOfDuplicateSequenceError (answers in request order
// here): DUPLICATE_SEQUENCE_NUMBER is not retried; Sender.completeBatch
// completes the batch as a success with no offset (-1), the next batch
// succeeds normally, and no epoch is bumped.
TEST(KafkaSenderTest, testCorrectHandlingOfDuplicateSequenceError) {
  RunSpec spec = conformance_spec(2, 1);
  spec.schedule.faults = {answer(1, Errors::DUPLICATE_SEQUENCE_NUMBER)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto first = callbacks_of_send(h, 0);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].error, "");
  EXPECT_EQ(first[0].offset, -1);
  EXPECT_FALSE(has_step(h, StepKind::BatchRetried));
  EXPECT_FALSE(has_step(h, StepKind::EpochBumped));
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, "");
}

// S 3.9 testEpochBumpOnOutOfOrderSequenceForNextBatch: a two-record batch is
// acknowledged (lastAckedSequence 1); the next batch, sequence 2, is refused
// OUT_OF_ORDER_SEQUENCE_NUMBER: it is the next sequence, so the epoch is
// bumped and it is renumbered to sequence 0 of epoch 1 (sequenceNumber 1,
// firstInFlightSequence 0).
TEST(KafkaSenderTest, testEpochBumpOnOutOfOrderSequenceForNextBatch) {
  RunSpec spec = conformance_spec(3, 1);
  spec.producer["batch.size"] = "200";  // records 0 and 1 share the first batch
  spec.producer["linger.ms"] = "5";
  spec.producer["request.timeout.ms"] = "1495";  // delivery.timeout.ms >= linger.ms + request.timeout.ms
  spec.schedule.faults = {answer(2, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto first = sequences_of_batch(h, 0);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].last_sequence, 1);
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_EQ(bumps[0].producer_epoch, 1);
  const auto second = sequences_of_batch(h, 1);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].sequence, 2);
  EXPECT_EQ(second[1].sequence, 0);
  EXPECT_EQ(second[1].producer_epoch, 1);
  EXPECT_EQ(logged_sends(h), (std::vector<std::int64_t>{0, 1, 2}));
}

// S 3.9 testIdempotentUnknownProducerHandlingWhenRetentionLimitReached: after
// an acknowledged batch, the next one is answered UNKNOWN_PRODUCER_ID. The
// idempotent producer retries it after an epoch bump, renumbered from
// sequence 0. (Kafka's test reaches the bump through "logStartOffset 1010 >
// lastAckedOffset 1000"; the model's logs always start at 0, so the client
// takes canRetry's other idempotent branch, which also bumps and retries.)
TEST(KafkaSenderTest, testIdempotentUnknownProducerHandlingWhenRetentionLimitReached) {
  RunSpec spec = conformance_spec(2, 20);
  spec.schedule.faults = {answer(2, Errors::UNKNOWN_PRODUCER_ID)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  EXPECT_TRUE(has_step(h, StepKind::BatchRetried, "UNKNOWN_PRODUCER_ID"));
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_EQ(bumps[0].producer_epoch, 1);
  const auto second = sequences_of_batch(h, 1);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[1].sequence, 0);
  EXPECT_EQ(second[1].producer_epoch, 1);
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, "");
  EXPECT_EQ(logged_sends(h), (std::vector<std::int64_t>{0, 1}));
}

}  // namespace
}  // namespace kafka_model
