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
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, Errors::TIMEOUT);
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
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, std::nullopt);
  EXPECT_EQ(callbacks_of_send(h, 2).at(0).error, std::nullopt);
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
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, Errors::TIMEOUT);
  const Step* refused = first_step(h, StepKind::ProduceResponseReceived, 1);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->error, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER);
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
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, Errors::TIMEOUT);
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, std::nullopt);
  EXPECT_EQ(callbacks_of_send(h, 2).at(0).error, Errors::TIMEOUT);
  EXPECT_EQ(callbacks_of_send(h, 3).at(0).error, std::nullopt);
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
  const auto answered = steps_of(h, StepKind::ProduceResponseReceived);  // kept: first_answered points into it
  for (const Step& s : answered)
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
  EXPECT_EQ(first[0].error, std::nullopt);
  EXPECT_EQ(first[0].offset, -1);
  EXPECT_FALSE(has_step(h, StepKind::BatchRetried));
  EXPECT_FALSE(has_step(h, StepKind::EpochBumped));
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, std::nullopt);
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
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, std::nullopt);
  EXPECT_EQ(logged_sends(h), (std::vector<std::int64_t>{0, 1}));
}


// ---- ported by the second helper -------------------------------------------------

// Three partitions on the one broker, keys k0..k15: record i has key k<i>, and
// murmur2 puts records 0..11 on partitions 2,2,0,1,1,0,1,1,2,2,1,0. Kafka's
// two-partition tests use tp0 = partition 0 and tp1 = partition 1 here;
// records 0 and 1 (partition 2) are acknowledged before anything happens and
// only stand in the way of nothing.
RunSpec three_partition_spec(int records, std::int64_t send_interval_ms) {
  RunSpec spec = conformance_spec(records, send_interval_ms);
  spec.broker["num.partitions"] = "3";
  spec.workload.keys = 16;
  return spec;
}

// The faulted requests must carry the batches the port means; a changed
// timing shows here rather than as a puzzling assertion further down.
void expect_request_carries(const History& h, std::int64_t request, std::int64_t batch) {
  const auto sent = requests_with_batch(h, batch);
  EXPECT_TRUE(std::any_of(sent.begin(), sent.end(), [&](const Step& s) { return s.request == request; }))
      << "request " << request << " should carry batch " << batch;
}

// The first batch waits in the accumulator: the connection is down at 0 and
// reconnects only after reconnect.backoff.ms = 400 (no jitter: max = initial,
// ExponentialBackoff). So it is sent at 400, its request times out only after
// 400 + request.timeout.ms, while its delivery timeout ends at 1500: an
// answer held back past 1500 finds it expired in flight, with its request
// still open (Kafka's tests do this with MockTime; a real client needs the
// batch to have waited before it was sent, since delivery.timeout.ms >=
// linger.ms + request.timeout.ms).
RunSpec first_batch_sent_late(int records, std::int64_t send_interval_ms) {
  RunSpec spec = conformance_spec(records, send_interval_ms);
  spec.producer["reconnect.backoff.ms"] = "400";
  spec.producer["reconnect.backoff.max.ms"] = "400";
  spec.schedule.faults = {Fault{.kind = FaultKind::Disconnect, .at_ms = 0}};
  return spec;
}

// T 3.9 testNoProducerIdResetAfterLastInFlightBatchSucceeds: three batches in
// flight; the first fails with a timeout after a retry (its sequence is
// unresolved), the second fails too, the third succeeds: lastAckedSequence 2
// == nextSequence 3 - 1, so the sequences resolve with no epoch bump and no
// producer id reset, and sequenceNumber(tp0) stays 3 (the fourth batch, held
// back while unresolved, goes out at sequence 3 of epoch 0). Here the first
// two both get NOT_LEADER_OR_FOLLOWER held back until the third was sent and
// expire in retry (Kafka's test fails the second without marking it
// unresolved; marking it too changes nothing asserted); the third's success
// is held back until after both expired.
TEST(KafkaTransactionManagerTest, testNoProducerIdResetAfterLastInFlightBatchSucceeds) {
  RunSpec spec = conformance_spec(4, 400);
  spec.producer["retry.backoff.ms"] = "2000";
  spec.producer["retry.backoff.max.ms"] = "5000";
  spec.schedule.faults = {answer(1, Errors::NOT_LEADER_OR_FOLLOWER), delay(1, 900),
                          answer(2, Errors::NOT_LEADER_OR_FOLLOWER), delay(3, 1200)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  for (int b = 0; b < 3; ++b) expect_request_carries(h, b + 1, b);
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, Errors::TIMEOUT);
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, Errors::TIMEOUT);
  const Step* second_expired = first_step(h, StepKind::BatchExpired, 1);
  ASSERT_NE(second_expired, nullptr);
  const Step* third_answered = response_to(h, 3, 2);
  ASSERT_NE(third_answered, nullptr);
  EXPECT_EQ(third_answered->error, Errors::NONE);
  EXPECT_GT(third_answered->time_ms, second_expired->time_ms);  // the last in-flight batch succeeds last
  EXPECT_EQ(callbacks_of_send(h, 2).at(0).error, std::nullopt);
  EXPECT_FALSE(has_step(h, StepKind::EpochBumped));
  EXPECT_EQ(steps_of(h, StepKind::ProducerIdAssigned).size(), 1u);
  const auto fourth = sequences_of_batch(h, 3);
  ASSERT_EQ(fourth.size(), 1u);
  EXPECT_GE(fourth[0].time_ms, third_answered->time_ms);  // held back until resolved
  EXPECT_EQ(fourth[0].sequence, 3);
  EXPECT_EQ(fourth[0].producer_epoch, 0);
  EXPECT_EQ(callbacks_of_send(h, 3).at(0).error, std::nullopt);
}

// S 3.9 testExpiryOfUnsentBatchesShouldNotCauseUnresolvedSequences: the
// connection is down and backing off (Kafka: client.disconnect +
// client.backoff), the batch expires never sent: TimeoutException, and no
// unresolved sequence (it never had one), so no epoch bump: the next batch
// starts at sequence 0 of epoch 0.
TEST(KafkaSenderTest, testExpiryOfUnsentBatchesShouldNotCauseUnresolvedSequences) {
  RunSpec spec = conformance_spec(2, 1600);
  spec.producer["reconnect.backoff.ms"] = "2000";
  spec.producer["reconnect.backoff.max.ms"] = "2000";
  spec.schedule.faults = {Fault{.kind = FaultKind::Disconnect, .at_ms = 0}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, Errors::TIMEOUT);
  const Step* expired = first_step(h, StepKind::BatchExpired, 0);
  ASSERT_NE(expired, nullptr);
  EXPECT_EQ(expired->detail, "never sent");
  EXPECT_TRUE(requests_with_batch(h, 0).empty());
  EXPECT_TRUE(sequences_of_batch(h, 0).empty());
  EXPECT_FALSE(has_step(h, StepKind::EpochBumped));
  const auto second = sequences_of_batch(h, 1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].sequence, 0);
  EXPECT_EQ(second[0].producer_epoch, 0);
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, std::nullopt);
}

// S 3.9 testExpiryOfAllSentBatchesShouldCauseUnresolvedSequences: the only
// batch is answered NOT_LEADER_OR_FOLLOWER and expires while backing off
// (Kafka: disconnect + backoff): TimeoutException, its sequence is
// unresolved, nothing is in flight and the deque is empty; in the next run
// loop the epoch is bumped (lastAckedSequence none != nextSequence 1 - 1) and
// the unresolved sequence cleared: the next batch is sequence 0 of epoch 1.
TEST(KafkaSenderTest, testExpiryOfAllSentBatchesShouldCauseUnresolvedSequences) {
  RunSpec spec = conformance_spec(2, 1600);
  spec.producer["retry.backoff.ms"] = "2000";
  spec.producer["retry.backoff.max.ms"] = "5000";
  spec.schedule.faults = {answer(1, Errors::NOT_LEADER_OR_FOLLOWER)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, Errors::TIMEOUT);
  const Step* expired = first_step(h, StepKind::BatchExpired, 0);
  ASSERT_NE(expired, nullptr);
  EXPECT_NE(expired->detail.find("outcome unknown"), std::string::npos);
  EXPECT_EQ(requests_with_batch(h, 0).size(), 1u);  // it was never re-sent
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_GE(bumps[0].time_ms, expired->time_ms);
  EXPECT_EQ(bumps[0].producer_epoch, 1);
  EXPECT_EQ(bumps[0].producer_id, steps_of(h, StepKind::ProducerIdAssigned).at(0).producer_id);
  const auto second = sequences_of_batch(h, 1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_GE(second[0].time_ms, bumps[0].time_ms);
  EXPECT_EQ(second[0].producer_epoch, 1);
  EXPECT_EQ(second[0].sequence, 0);
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, std::nullopt);
}

// S 3.9 testUnknownProducerErrorShouldBeRetriedForFutureBatchesWhenFirstFails:
// the first batch is acknowledged; the second and third are in flight
// together; the second is answered UNKNOWN_PRODUCER_ID: the epoch is bumped
// and both are renumbered from 0 (lastAckedSequence forgotten) and the second
// retried; the third's original answer, UNKNOWN_PRODUCER_ID too, comes after
// the bump: its sequence has been reset, so it is retried as well — but only
// once the second's retry is answered (one in flight while retrying). Offsets
// follow the sends. (Kafka's test reaches the bump with logStartOffset 1010 >
// lastAckedOffset 1000; the model's logs start at 0, so the idempotent client
// takes canRetry's other branch, which also bumps and retries.)
TEST(KafkaSenderTest, testUnknownProducerErrorShouldBeRetriedForFutureBatchesWhenFirstFails) {
  RunSpec spec = conformance_spec(3, 20);
  spec.schedule.faults = {answer(2, Errors::UNKNOWN_PRODUCER_ID), delay(2, 30),
                          answer(3, Errors::UNKNOWN_PRODUCER_ID), delay(3, 40)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  for (int b = 0; b < 3; ++b) expect_request_carries(h, b + 1, b);
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_EQ(bumps[0].producer_epoch, 1);
  const auto second = sequences_of_batch(h, 1);
  const auto third = sequences_of_batch(h, 2);
  ASSERT_EQ(second.size(), 2u);
  ASSERT_EQ(third.size(), 2u);
  EXPECT_EQ(second[1].producer_epoch, 1);
  EXPECT_EQ(second[1].sequence, 0);
  EXPECT_EQ(third[1].producer_epoch, 1);
  EXPECT_EQ(third[1].sequence, 1);
  const Step* third_original = response_to(h, 3, 2);
  ASSERT_NE(third_original, nullptr);
  EXPECT_EQ(third_original->error, Errors::UNKNOWN_PRODUCER_ID);
  EXPECT_GT(third_original->time_ms, bumps[0].time_ms);  // answered after it was renumbered
  const auto second_sent = requests_with_batch(h, 1);
  const auto third_sent = requests_with_batch(h, 2);
  ASSERT_EQ(second_sent.size(), 2u);
  ASSERT_EQ(third_sent.size(), 2u);
  EXPECT_LT(second_sent[1].time_ms, third_original->time_ms);  // the second's retry was in flight with it
  const Step* second_retry_answered = response_to(h, second_sent[1].request, 1);
  ASSERT_NE(second_retry_answered, nullptr);
  EXPECT_GE(third_sent[1].time_ms, second_retry_answered->time_ms);
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).offset, 0);
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).offset, 1);
  EXPECT_EQ(callbacks_of_send(h, 2).at(0).offset, 2);
  EXPECT_EQ(logged_sends(h), (std::vector<std::int64_t>{0, 1, 2}));
}

// S 3.9 testBatchesDrainedWithOldProducerIdShouldSucceedOnSubsequentRetry:
// tp0's batch is answered OUT_OF_ORDER_SEQUENCE_NUMBER (the next sequence:
// epoch bump, renumbered), while tp1's batch, drained under the old epoch, is
// answered NOT_LEADER_OR_FOLLOWER; tp1's batch is retried with the old
// producer id and epoch (only tp0 was rewritten), fails once more, then
// succeeds; the epoch of tp1 is bumped and its sequence reset only when its
// next batch is drained (Kafka: sequenceNumber(tp1) == 1 after the success,
// the new epoch at the next send). Kafka puts both batches in one request
// and answers per partition; the model's faults answer whole requests, so
// the two batches go in requests 3 and 4, both in flight before either is
// answered.
TEST(KafkaSenderTest, testBatchesDrainedWithOldProducerIdShouldSucceedOnSubsequentRetry) {
  RunSpec spec = three_partition_spec(5, 20);
  spec.schedule.faults = {answer(3, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER), delay(3, 30),
                          answer(4, Errors::NOT_LEADER_OR_FOLLOWER), delay(4, 50),
                          answer(6, Errors::NOT_LEADER_OR_FOLLOWER)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  expect_request_carries(h, 3, 2);  // tp0
  expect_request_carries(h, 4, 3);  // tp1
  expect_request_carries(h, 6, 3);
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_EQ(bumps[0].producer_epoch, 1);
  const auto tp0 = sequences_of_batch(h, 2);
  ASSERT_EQ(tp0.size(), 2u);
  EXPECT_EQ(tp0[1].producer_epoch, 1);
  EXPECT_EQ(tp0[1].sequence, 0);
  const auto tp1 = sequences_of_batch(h, 3);
  ASSERT_EQ(tp1.size(), 1u);  // never renumbered: retried with the old epoch
  EXPECT_EQ(tp1[0].producer_epoch, 0);
  EXPECT_EQ(tp1[0].sequence, 0);
  EXPECT_EQ(requests_with_batch(h, 3).size(), 3u);
  const auto appended = std::find_if(h.steps.begin(), h.steps.end(), [](const Step& s) {
    return s.kind == StepKind::BatchAppended && s.batch == 3;
  });
  ASSERT_NE(appended, h.steps.end());
  EXPECT_EQ(appended->producer_epoch, 0);
  const auto tp1_done = callbacks_of_send(h, 3);
  ASSERT_EQ(tp1_done.size(), 1u);
  EXPECT_EQ(tp1_done[0].error, std::nullopt);
  const auto tp1_next = sequences_of_batch(h, 4);
  ASSERT_EQ(tp1_next.size(), 1u);
  EXPECT_GE(tp1_next[0].time_ms, tp1_done[0].time_ms);
  EXPECT_EQ(tp1_next[0].producer_epoch, 1);
  EXPECT_EQ(tp1_next[0].sequence, 0);
  EXPECT_EQ(logged_sends(h, 1), (std::vector<std::int64_t>{3, 4}));
}

// S 3.9 testEpochBumpOnOutOfOrderSequenceForNextBatchWhenThereIsNoBatchInFlight:
// tp0 and tp1 each have an acknowledged batch; tp0's next batch is refused
// OUT_OF_ORDER_SEQUENCE_NUMBER: the epoch is bumped, tp0 is reset to the new
// epoch (its batch renumbered to 0 and acknowledged), tp1's state is left
// stale; tp1's next batch, with nothing in flight, then starts the new epoch
// at sequence 0 (TransactionManager.maybeUpdateProducerIdAndEpoch).
TEST(KafkaSenderTest, testEpochBumpOnOutOfOrderSequenceForNextBatchWhenThereIsNoBatchInFlight) {
  RunSpec spec = three_partition_spec(7, 20);
  spec.schedule.faults = {answer(6, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  expect_request_carries(h, 6, 5);  // tp0's second batch
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_EQ(bumps[0].producer_epoch, 1);
  const auto tp0_second = sequences_of_batch(h, 5);
  ASSERT_EQ(tp0_second.size(), 2u);
  EXPECT_EQ(tp0_second[0].sequence, 1);
  EXPECT_EQ(tp0_second[1].producer_epoch, 1);
  EXPECT_EQ(tp0_second[1].sequence, 0);
  for (std::int64_t b : {3, 4}) EXPECT_EQ(sequences_of_batch(h, b).size(), 1u);  // tp1 not rewritten
  const auto tp1_next = sequences_of_batch(h, 6);
  ASSERT_EQ(tp1_next.size(), 1u);
  EXPECT_GT(tp1_next[0].time_ms, bumps[0].time_ms);
  EXPECT_EQ(tp1_next[0].producer_epoch, 1);
  EXPECT_EQ(tp1_next[0].sequence, 0);
  for (int send = 0; send < 7; ++send) EXPECT_EQ(callbacks_of_send(h, send).at(0).error, std::nullopt) << send;
  EXPECT_EQ(logged_sends(h, 0), (std::vector<std::int64_t>{2, 5}));
  EXPECT_EQ(logged_sends(h, 1), (std::vector<std::int64_t>{3, 4, 6}));
}

// S 3.9 testEpochBumpOnOutOfOrderSequenceForNextBatchWhenBatchInFlightFails
// (retries = 1): tp0's and tp1's second batches are in flight together; tp0's
// is refused OUT_OF_ORDER_SEQUENCE_NUMBER (bump, renumbered to 0 of epoch 1);
// tp1's is answered NOT_LEADER_OR_FOLLOWER, retried under the old epoch
// (tp1 is stale, bumped lazily), answered NOT_LEADER_OR_FOLLOWER again and
// failed (retries exhausted: no sequence adjustment). tp1's next batch then
// starts epoch 1 at sequence 0; tp0's next is sequence 1 of epoch 1.
TEST(KafkaSenderTest, testEpochBumpOnOutOfOrderSequenceForNextBatchWhenBatchInFlightFails) {
  RunSpec spec = three_partition_spec(12, 20);
  spec.producer["retries"] = "1";
  spec.schedule.faults = {answer(6, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER), delay(6, 25),
                          answer(7, Errors::NOT_LEADER_OR_FOLLOWER), delay(7, 15),
                          answer(9, Errors::NOT_LEADER_OR_FOLLOWER)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  expect_request_carries(h, 6, 5);  // tp0's second batch
  expect_request_carries(h, 7, 6);  // tp1's second batch ...
  expect_request_carries(h, 9, 6);  // ... and its one retry
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_EQ(bumps[0].producer_epoch, 1);
  const auto tp0_second = sequences_of_batch(h, 5);
  ASSERT_EQ(tp0_second.size(), 2u);
  EXPECT_EQ(tp0_second[1].producer_epoch, 1);
  EXPECT_EQ(tp0_second[1].sequence, 0);
  const auto tp1_second = sequences_of_batch(h, 6);
  ASSERT_EQ(tp1_second.size(), 1u);  // retried under epoch 0, never renumbered
  EXPECT_EQ(tp1_second[0].producer_epoch, 0);
  EXPECT_EQ(tp1_second[0].sequence, 2);
  const auto tp1_failed = callbacks_of_send(h, 6);
  ASSERT_EQ(tp1_failed.size(), 1u);
  EXPECT_EQ(tp1_failed[0].error, Errors::NOT_LEADER_OR_FOLLOWER);
  const auto tp1_third = sequences_of_batch(h, 7);
  ASSERT_EQ(tp1_third.size(), 1u);
  EXPECT_GE(tp1_third[0].time_ms, tp1_failed[0].time_ms);
  EXPECT_EQ(tp1_third[0].producer_epoch, 1);
  EXPECT_EQ(tp1_third[0].sequence, 0);
  const auto tp0_third = sequences_of_batch(h, 11);
  ASSERT_EQ(tp0_third.size(), 1u);
  EXPECT_EQ(tp0_third[0].producer_epoch, 1);
  EXPECT_EQ(tp0_third[0].sequence, 1);
  EXPECT_EQ(bumps.size(), steps_of(h, StepKind::EpochBumped).size());
  EXPECT_EQ(logged_sends(h, 0), (std::vector<std::int64_t>{2, 5, 11}));
  EXPECT_EQ(logged_sends(h, 1), (std::vector<std::int64_t>{3, 4, 7, 10}));
}

// S 3.9 testWhenFirstBatchExpireNoSendSecondBatchIfGuaranteeOrder
// (max.in.flight.requests.per.connection = 1, no idempotence, as Kafka's
// test: no TransactionManager): the first batch expires in flight; the second
// is not drained while the partition is muted — expiry does not unmute it
// (Sender.sendProducerData fails expired batches without unmutePartition) —
// but only once the first batch's (late) response has arrived. (A third
// record, appended at 1600 between the expiry and that response, wakes the
// Sender there: the partition is still muted.) With one request allowed in
// flight, the open request also holds the connection (NetworkClient.ready ->
// InFlightRequests.canSendMore), so the second batch waits for either reason:
// breaking the mute alone leaves this green; breaking it together with the
// in-flight limit turns it red.
TEST(KafkaSenderTest, testWhenFirstBatchExpireNoSendSecondBatchIfGuaranteeOrder) {
  RunSpec spec = first_batch_sent_late(3, 800);
  spec.producer["enable.idempotence"] = "false";
  spec.producer["max.in.flight.requests.per.connection"] = "1";
  spec.schedule.faults.push_back(delay(1, 1300));
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  expect_request_carries(h, 1, 0);
  const Step* expired = first_step(h, StepKind::BatchExpired, 0);
  ASSERT_NE(expired, nullptr);
  EXPECT_EQ(expired->time_ms, 1500);
  EXPECT_NE(expired->detail.find("outcome unknown"), std::string::npos);
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, Errors::TIMEOUT);
  EXPECT_FALSE(has_step(h, StepKind::RequestTimedOut));
  const Step* late = response_to(h, 1, 0);
  ASSERT_NE(late, nullptr);
  EXPECT_GT(late->time_ms, expired->time_ms);
  const auto second = requests_with_batch(h, 1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_GE(second[0].time_ms, late->time_ms);  // muted until the response, not the expiry
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, std::nullopt);
  EXPECT_EQ(callbacks_of_send(h, 2).at(0).error, std::nullopt);
}

// S 3.9 testProducerBatchRetriesWhenPartitionLeaderChanges (KIP-951, 3.7+;
// no idempotence, as Kafka's test): a batch answered NOT_LEADER_OR_FOLLOWER
// is retried at once, skipping its backoff, when the metadata shows a new
// leader epoch for its partition; answered NOT_LEADER_OR_FOLLOWER again by the
// same leader (epoch unchanged), the next retry waits its backoff; then it
// succeeds. Kafka's test bumps the leader epoch by hand; here the leader
// crashes (broker-0; the ISR elects broker-1 with epoch 1), which the client
// learns by refreshing metadata after the connection reset. retry.backoff.ms =
// retry.backoff.max.ms = 100: no jitter.
TEST(KafkaSenderTest, testProducerBatchRetriesWhenPartitionLeaderChanges) {
  RunSpec spec = conformance_spec(1, 1);
  spec.producer["enable.idempotence"] = "false";
  spec.producer["retry.backoff.ms"] = "100";
  spec.producer["retry.backoff.max.ms"] = "100";
  spec.broker = {{"model.brokers", "2"}, {"default.replication.factor", "2"}, {"min.insync.replicas", "1"}};
  spec.schedule.faults = {answer(1, Errors::NOT_LEADER_OR_FOLLOWER), delay(1, 20),
                          Fault{.kind = FaultKind::BrokerCrash, .at_ms = 60, .broker = 0},
                          answer(2, Errors::NOT_LEADER_OR_FOLLOWER)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto sent = requests_with_batch(h, 0);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].broker, 0);
  const Step* first_answer = response_to(h, sent[0].request, 0);
  ASSERT_NE(first_answer, nullptr);
  EXPECT_LT(first_answer->time_ms, 60);
  EXPECT_EQ(sent[1].broker, 1);
  EXPECT_EQ(sent[1].time_ms, 60);  // the new leader: at once, not first_answer + 100
  const Step* second_answer = response_to(h, sent[1].request, 0);
  ASSERT_NE(second_answer, nullptr);
  EXPECT_EQ(second_answer->error, Errors::NOT_LEADER_OR_FOLLOWER);
  EXPECT_EQ(sent[2].broker, 1);
  EXPECT_GE(sent[2].time_ms, second_answer->time_ms + 100);  // the same leader: the backoff
  const auto done = callbacks_of_send(h, 0);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].error, std::nullopt);
  EXPECT_EQ(done[0].offset, 0);
}

// World (Sender.completeBatch -> TransactionManager.handleCompletedBatch for a
// batch already expired, Sender.java:749-752, TransactionManager.java:636-645):
// a late success of a batch that expired in flight still updates
// lastAckedSequence. The first batch (sent late, see first_batch_sent_late)
// expires in flight at 1500 and its success arrives after; the second, in
// flight behind it, is then refused OUT_OF_ORDER_SEQUENCE_NUMBER. It is the
// next sequence only because lastAckedSequence is now 0: the epoch is bumped
// and it is renumbered (had the late success been ignored, lastAckedSequence
// would be none and the client would retry it unchanged).
TEST(KafkaWorld, lateSuccessOfExpiredBatchUpdatesLastAckedSequence) {
  RunSpec spec = first_batch_sent_late(2, 600);
  spec.schedule.faults.push_back(delay(1, 1300));
  spec.schedule.faults.push_back(answer(2, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER));
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  expect_request_carries(h, 1, 0);
  expect_request_carries(h, 2, 1);
  const Step* expired = first_step(h, StepKind::BatchExpired, 0);
  ASSERT_NE(expired, nullptr);
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, Errors::TIMEOUT);
  const Step* late = response_to(h, 1, 0);
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(late->error, Errors::NONE);
  EXPECT_GT(late->time_ms, expired->time_ms);
  const Step* refused = response_to(h, 2, 1);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->error, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER);
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_EQ(bumps[0].time_ms, refused->time_ms);
  const auto second = sequences_of_batch(h, 1);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[1].producer_epoch, 1);
  EXPECT_EQ(second[1].sequence, 0);
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, std::nullopt);
  EXPECT_EQ(logged_sends(h), (std::vector<std::int64_t>{0, 1}));  // the expired one was written
}

// World (NetworkClient.handleTimedOutRequests -> processTimeoutDisconnection
// -> cancelInFlightRequests(timedOut = true), NetworkClient.java:351-378,
// 814-815, 866-873; Sender.handleProduceResponse, Sender.java:587-599): when
// one request times out, its connection is closed and EVERY request in flight
// on it completes as timed out: the Sender fails their batches with
// REQUEST_TIMED_OUT, not NETWORK_EXCEPTION, including a request that had not
// reached request.timeout.ms itself. The first response is lost (and with it
// the connection: the second request never arrives); request.timeout.ms =
// 1000 so the request times out before the batches' delivery timeout.
TEST(KafkaWorld, everyRequestOnTimedOutConnectionFailsWithRequestTimedOut) {
  RunSpec spec = conformance_spec(2, 100);
  spec.producer["request.timeout.ms"] = "1000";
  spec.schedule.faults = {Fault{.kind = FaultKind::DropResponse, .request = 1}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  expect_request_carries(h, 1, 0);
  expect_request_carries(h, 2, 1);
  const auto timed_out = steps_of(h, StepKind::RequestTimedOut);
  ASSERT_EQ(timed_out.size(), 1u);
  EXPECT_EQ(timed_out[0].request, 1);
  const auto retried = steps_of(h, StepKind::BatchRetried);
  ASSERT_EQ(retried.size(), 2u);
  for (const Step& r : retried) {
    EXPECT_EQ(r.error, Errors::REQUEST_TIMED_OUT);
    EXPECT_EQ(r.time_ms, timed_out[0].time_ms);
  }
  EXPECT_EQ(retried[0].batch, 0);
  EXPECT_EQ(retried[1].batch, 1);
  EXPECT_LT(timed_out[0].time_ms, 100 + 1000);  // the second request had not timed out itself
  EXPECT_FALSE(has_step(h, StepKind::BatchRetried, "NETWORK_EXCEPTION"));
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).offset, 0);  // the first was written: a duplicate on retry
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).offset, 1);
  EXPECT_EQ(logged_sends(h), (std::vector<std::int64_t>{0, 1}));
}

// ---- further idempotent cases of SenderTest and TransactionManagerTest -------------

// S 3.9 testSequenceNumberIncrement: the first batch goes out as sequence 0 of
// the producer id and epoch 0 InitProducerId gave; once acknowledged
// (lastAckedSequence 0) the next sequence is 1.
TEST(KafkaSenderTest, testSequenceNumberIncrement) {
  const ScenarioRun run = simulate_ok(conformance_spec(2, 20));
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto pid = steps_of(h, StepKind::ProducerIdAssigned);
  ASSERT_EQ(pid.size(), 1u);
  const auto first = sequences_of_batch(h, 0);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].producer_id, pid[0].producer_id);
  EXPECT_EQ(first[0].producer_epoch, 0);
  EXPECT_EQ(first[0].sequence, 0);
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, std::nullopt);
  const auto second = sequences_of_batch(h, 1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].sequence, 1);
}

// S 3.9 testIdempotenceWithMultipleInflights: two batches in flight at once
// (sequences 0 and 1, nothing acknowledged yet); the answers come in order,
// offsets 0 and 1.
TEST(KafkaSenderTest, testIdempotenceWithMultipleInflights) {
  RunSpec spec = conformance_spec(2, 1);
  spec.schedule.faults = {delay(1, 10)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const Step* first_answered = response_to(h, 1, 0);
  ASSERT_NE(first_answered, nullptr);
  const auto second_sent = requests_with_batch(h, 1);
  ASSERT_EQ(second_sent.size(), 1u);
  EXPECT_LT(second_sent[0].time_ms, first_answered->time_ms);  // both in flight
  EXPECT_EQ(sequences_of_batch(h, 0).at(0).sequence, 0);
  EXPECT_EQ(sequences_of_batch(h, 1).at(0).sequence, 1);
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).offset, 0);
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).offset, 1);
  EXPECT_FALSE(has_step(h, StepKind::BatchRetried));
}

// S 3.9 testIdempotenceWithMultipleInflightsRetriedInOrder: three batches in
// flight; the first is answered with a retriable error (Kafka:
// LEADER_NOT_AVAILABLE; the model's broker has NOT_LEADER_OR_FOLLOWER, also
// retriable and an InvalidMetadataException), the second and third
// OUT_OF_ORDER_SEQUENCE_NUMBER (not the next sequence: retried, no bump). A
// fourth batch, appended meanwhile, is not drained (sequenceNumber stays 3)
// while the retries go on; they go one at a time in sequence order, and the
// offsets follow the sends.
TEST(KafkaSenderTest, testIdempotenceWithMultipleInflightsRetriedInOrder) {
  RunSpec spec = conformance_spec(4, 20);  // the fourth at 60, after the answers (47..51)
  spec.schedule.faults = {answer(1, Errors::NOT_LEADER_OR_FOLLOWER), delay(1, 45),
                          answer(2, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER),
                          answer(3, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  for (int b = 0; b < 3; ++b) expect_request_carries(h, b + 1, b);
  EXPECT_FALSE(has_step(h, StepKind::EpochBumped));
  // The retries go one at a time, each after the previous one was answered
  // (only the first in-flight sequence may go); the fourth batch, which has
  // no sequence yet, follows the last retry once that one has been sent
  // (Kafka's test drains it in the runOnce after request 3's resend, before
  // receiving that response: RecordAccumulator.shouldStopDrainBatchesForPartition
  // holds back only batches that already have a sequence).
  std::vector<Step> later;
  for (const Step& s : steps_of(h, StepKind::ProduceRequestSent))
    if (s.request > 3) later.push_back(s);
  ASSERT_EQ(later.size(), 4u);
  for (std::size_t i = 0; i < later.size(); ++i)
    EXPECT_NE(later[i].detail.find(":batch " + std::to_string(i) + " ("), std::string::npos) << i;
  for (std::size_t i = 1; i < 3; ++i) {
    const Step* previous = response_to(h, later[i - 1].request, static_cast<std::int64_t>(i - 1));
    ASSERT_NE(previous, nullptr);
    EXPECT_GE(later[i].time_ms, previous->time_ms) << i;
  }
  const auto fourth = sequences_of_batch(h, 3);
  ASSERT_EQ(fourth.size(), 1u);
  EXPECT_EQ(fourth[0].sequence, 3);  // not drained (sequenceNumber stayed 3) while the retries went on
  EXPECT_GE(fourth[0].time_ms, later[2].time_ms);
  for (int send = 0; send < 4; ++send) EXPECT_EQ(callbacks_of_send(h, send).at(0).offset, send);
}

// S 3.9 testIdempotenceWithMultipleInflightsWhereFirstFailsFatallyAndSequenceOfFutureBatchesIsAdjusted:
// the first of two in-flight batches fails with a non-retriable error
// (Kafka: MESSAGE_TOO_LARGE on a one-record batch, RecordTooLargeException;
// the model has no MESSAGE_TOO_LARGE, so INVALID_PRODUCER_EPOCH stands in:
// InvalidProducerEpochException is not retriable and not fatal to an
// idempotent producer, TransactionManager.maybeTransitionToErrorState, so it
// takes the same path): failBatch with adjustSequenceNumbers = true, which
// for the idempotent producer bumps the epoch (handleFailedBatch ->
// requestEpochBumpForPartition); the second batch is renumbered to sequence
// 0; its answer to the old sequence, OUT_OF_ORDER_SEQUENCE_NUMBER, is retried
// (sequence reset), and it lands at offset 0.
TEST(KafkaSenderTest, testIdempotenceWithMultipleInflightsWhereFirstFailsFatallyAndSequenceOfFutureBatchesIsAdjusted) {
  RunSpec spec = conformance_spec(2, 1);
  spec.schedule.faults = {answer(1, Errors::INVALID_PRODUCER_EPOCH), delay(1, 5),
                          answer(2, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER), delay(2, 20)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  expect_request_carries(h, 1, 0);
  expect_request_carries(h, 2, 1);
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, Errors::INVALID_PRODUCER_EPOCH);
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  const auto second = sequences_of_batch(h, 1);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[1].sequence, 0);
  EXPECT_EQ(second[1].producer_epoch, 1);
  const Step* refused = response_to(h, 2, 1);
  ASSERT_NE(refused, nullptr);
  EXPECT_GT(refused->time_ms, bumps[0].time_ms);  // answered after the renumbering: retried for it
  EXPECT_TRUE(has_step(h, StepKind::BatchRetried, "OUT_OF_ORDER_SEQUENCE_NUMBER"));
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).offset, 0);
  EXPECT_EQ(logged_sends(h), (std::vector<std::int64_t>{1}));
}

// S 3.9 testBumpEpochWhenOutOfOrderSequenceReceived: the first batch is
// refused OUT_OF_ORDER_SEQUENCE_NUMBER; it is the next sequence (nothing
// acknowledged), so the epoch is bumped to 1 and the batch is not completed
// but stays in flight under the new epoch (retried), and succeeds.
TEST(KafkaSenderTest, testBumpEpochWhenOutOfOrderSequenceReceived) {
  RunSpec spec = conformance_spec(1, 1);
  spec.schedule.faults = {answer(1, Errors::OUT_OF_ORDER_SEQUENCE_NUMBER)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_EQ(bumps[0].producer_epoch, 1);
  EXPECT_TRUE(has_step(h, StepKind::BatchRetried, "OUT_OF_ORDER_SEQUENCE_NUMBER"));
  const auto done = callbacks_of_send(h, 0);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].error, std::nullopt);
  const auto sent = requests_with_batch(h, 0);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_GE(sent[1].time_ms, bumps[0].time_ms);
}

// S 3.9 testShouldRaiseOutOfOrderSequenceExceptionToUserIfLogWasNotTruncated:
// the first batch is acknowledged (lastAckedOffset 0); the second is answered
// UNKNOWN_PRODUCER_ID with the log start at or below lastAckedOffset (the log
// was not truncated: in the model every log starts at 0, so this is the case
// the model always takes): the idempotent producer requests an epoch bump,
// the epoch becomes 1, lastAckedSequence is forgotten and the second batch is
// not failed (retried at sequence 0 of epoch 1).
TEST(KafkaSenderTest, testShouldRaiseOutOfOrderSequenceExceptionToUserIfLogWasNotTruncated) {
  RunSpec spec = conformance_spec(2, 20);
  spec.schedule.faults = {answer(2, Errors::UNKNOWN_PRODUCER_ID)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).offset, 0);
  const Step* refused = response_to(h, 2, 1);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->error, Errors::UNKNOWN_PRODUCER_ID);
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_EQ(bumps[0].producer_epoch, 1);
  EXPECT_EQ(bumps[0].time_ms, refused->time_ms);
  const auto second = sequences_of_batch(h, 1);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[1].sequence, 0);  // sequences restart: lastAckedSequence forgotten
  EXPECT_EQ(second[1].producer_epoch, 1);
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, std::nullopt);
}

// T 3.9 testBumpEpochAndResetSequenceNumbersAfterUnknownProducerId: the first
// of five batches succeeds; the second is answered UNKNOWN_PRODUCER_ID
// (canRetry true): the epoch is bumped and the four unfinished batches are
// renumbered 0..3 under the new epoch. (The third to fifth are refused by
// the broker, which had the first at sequence 0 and not the second; their
// answers come with the second's, before the bump, and are retried as not
// the next sequence; renumbered, they land in order.)
TEST(KafkaTransactionManagerTest, testBumpEpochAndResetSequenceNumbersAfterUnknownProducerId) {
  RunSpec spec = conformance_spec(5, 1);
  spec.schedule.faults = {answer(2, Errors::UNKNOWN_PRODUCER_ID), delay(2, 20)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  for (int b = 0; b < 5; ++b) expect_request_carries(h, b + 1, b);
  EXPECT_TRUE(has_step(h, StepKind::BatchRetried, "UNKNOWN_PRODUCER_ID"));
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_EQ(bumps[0].producer_epoch, 1);
  for (std::int64_t b = 1; b < 5; ++b) {
    const auto seqs = sequences_of_batch(h, b);
    ASSERT_EQ(seqs.size(), 2u) << b;
    EXPECT_EQ(seqs[1].time_ms, bumps[0].time_ms) << b;
    EXPECT_EQ(seqs[1].producer_epoch, 1) << b;
    EXPECT_EQ(seqs[1].sequence, b - 1) << b;
  }
  EXPECT_EQ(logged_sends(h), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
}

// T 3.9 testDuplicateSequenceAfterProducerReset (request.timeout.ms 10000,
// delivery.timeout.ms 15000): the batch's request times out, its retry is in
// flight when its delivery timeout passes (TimeoutException; in retry, so its
// sequence is unresolved), and the epoch is bumped with nothing else in
// flight; the next batch is sequence 0 of the new epoch, sent on the
// connection where the expired retry is still open; when that retry's request
// times out, the new batch's request fails with it (REQUEST_TIMED_OUT) and is
// retried, not failed. Here the responses are lost (DropResponse), which
// takes the later requests on the connection with them.
TEST(KafkaTransactionManagerTest, testDuplicateSequenceAfterProducerReset) {
  RunSpec spec = conformance_spec(2, 16000);
  spec.producer["request.timeout.ms"] = "10000";
  spec.producer["delivery.timeout.ms"] = "15000";
  spec.schedule.faults = {Fault{.kind = FaultKind::DropResponse, .request = 1},
                          Fault{.kind = FaultKind::DropResponse, .request = 2}};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  expect_request_carries(h, 1, 0);
  expect_request_carries(h, 2, 0);
  expect_request_carries(h, 3, 1);
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, Errors::TIMEOUT);
  const Step* expired = first_step(h, StepKind::BatchExpired, 0);
  ASSERT_NE(expired, nullptr);
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_GE(bumps[0].time_ms, expired->time_ms);
  const auto next = sequences_of_batch(h, 1);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].producer_epoch, 1);
  EXPECT_EQ(next[0].sequence, 0);
  const auto timed_out = steps_of(h, StepKind::RequestTimedOut);
  ASSERT_EQ(timed_out.size(), 2u);
  EXPECT_EQ(timed_out[1].request, 2);  // the expired batch's retry ...
  EXPECT_GT(timed_out[1].time_ms, requests_with_batch(h, 1).at(0).time_ms);
  bool next_retried = false;  // ... takes the new batch's request with it
  for (const Step& s : steps_of(h, StepKind::BatchRetried))
    next_retried = next_retried || (s.batch == 1 && s.error == Errors::REQUEST_TIMED_OUT && s.time_ms == timed_out[1].time_ms);
  EXPECT_TRUE(next_retried);
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, std::nullopt);
  EXPECT_EQ(logged_sends(h), (std::vector<std::int64_t>{0, 1}));  // the expired batch had been written
}

// T 3.9 testBumpEpochAfterTimeoutWithoutPendingInflightRequests: a first
// batch is acknowledged (nothing to resolve, no bump); a second one fails with
// a timeout after a retry (its sequence is unresolved) while nothing else is
// in flight: the unresolved state clears at once and the epoch is bumped
// (lastAckedSequence 0 != nextSequence 2 - 1); the next batch starts epoch 1
// at sequence 0.
TEST(KafkaTransactionManagerTest, testBumpEpochAfterTimeoutWithoutPendingInflightRequests) {
  RunSpec spec = conformance_spec(3, 1600);
  spec.producer["retry.backoff.ms"] = "2000";
  spec.producer["retry.backoff.max.ms"] = "5000";
  spec.schedule.faults = {answer(2, Errors::NOT_LEADER_OR_FOLLOWER)};
  const ScenarioRun run = simulate_ok(spec);
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  expect_request_carries(h, 2, 1);
  EXPECT_EQ(callbacks_of_send(h, 0).at(0).error, std::nullopt);
  EXPECT_EQ(callbacks_of_send(h, 1).at(0).error, Errors::TIMEOUT);
  const Step* expired = first_step(h, StepKind::BatchExpired, 1);
  ASSERT_NE(expired, nullptr);
  EXPECT_NE(expired->detail.find("outcome unknown"), std::string::npos);
  const auto bumps = steps_of(h, StepKind::EpochBumped);
  ASSERT_EQ(bumps.size(), 1u);
  EXPECT_GE(bumps[0].time_ms, expired->time_ms);
  EXPECT_EQ(bumps[0].producer_epoch, 1);
  const auto third = sequences_of_batch(h, 2);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].producer_epoch, 1);
  EXPECT_EQ(third[0].sequence, 0);
  EXPECT_EQ(callbacks_of_send(h, 2).at(0).error, std::nullopt);
}

}  // namespace
}  // namespace kafka_model
