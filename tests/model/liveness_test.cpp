// model: runs that must end and be judged (not cut at ModelParameters' bounds),
// and a producer that recovers as Kafka's does once a fault is over. Each
// spec was a run the model left unjudged or stuck before its fix.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "model/run_spec_io.hpp"
#include "tests/model/scenario_support.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

RunSpec spec_of(const std::string& json) {
  RunSpecParse parsed = parse_run_spec(json, "liveness_test");
  EXPECT_TRUE(parsed.spec.has_value());
  return *parsed.spec;
}

// The first successful callback's time, or -1.
std::int64_t first_ack_ms(const History& h) {
  for (const Step& s : h.steps)
    if (s.kind == StepKind::CallbackCompleted && !s.error) return s.time_ms;
  return -1;
}

// Kafka Streams' exactly_once_v2 producer (delivery.timeout.ms=MAX_VALUE) and
// the only broker crashed for good: Kafka retries the batches until the broker
// is back (Sender.canRetry). The faults heal max.block.ms after the first
// batch was created (World::producer_retries_past_bound) and the transaction
// commits; before, the world waited for an idle producer and the run was cut
// at max_time_ms, unjudged.
TEST(Liveness, AnInfiniteDeliveryTimeoutOnAnOfflinePartitionHealsAndCommits) {
  const ScenarioRun run = simulate_ok(spec_of(R"({
    "kafka_version": "3.9", "seed": 1,
    "producer": {"linger.ms": "100", "delivery.timeout.ms": "2147483647", "enable.idempotence": "true",
                 "transaction.timeout.ms": "10000", "transactional.id": "wordcount-app-1"},
    "broker": {"model.brokers": "1", "default.replication.factor": "1"},
    "consumer": {"isolation.level": "read_committed"},
    "workload": {"records": 3, "keys": 1, "send_interval_ms": 100},
    "faults": [{"kind": "BrokerCrash", "at_ms": 8, "broker": 0}]})"));
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto healed = steps_of(h, StepKind::FaultsHealed);
  ASSERT_EQ(healed.size(), 1u);
  EXPECT_LE(healed[0].time_ms, 8 + 100 + 60000 + 10000);
  EXPECT_EQ(steps_of(h, StepKind::ConsumerRead).size(), 3u);
}

// A partition offline and its leader back (BrokerRestart) before the delivery
// timeout: the producer finds it with its next metadata refresh
// (Sender.sendProducerData -> unknownLeaderTopics -> metadata.requestUpdate,
// within retry.backoff.max.ms) and delivers. Before, nothing woke the Sender
// until delivery.timeout.ms and the batch expired 115 s after the restart.
TEST(Liveness, ALeaderThatComesBackIsFoundByTheNextMetadataRefresh) {
  const ScenarioRun run = simulate_ok(spec_of(R"({
    "kafka_version": "3.9", "seed": 1,
    "producer": {"enable.idempotence": "true"},
    "broker": {"model.brokers": "1", "default.replication.factor": "1"},
    "workload": {"records": 1, "keys": 1, "send_interval_ms": 100},
    "faults": [{"kind": "BrokerCrash", "at_ms": 0, "broker": 0},
               {"kind": "BrokerRestart", "at_ms": 5000, "broker": 0}]})"));
  SCOPED_TRACE(run.timeline());
  const std::int64_t acked = first_ack_ms(run.history());
  EXPECT_GE(acked, 5000);
  EXPECT_LE(acked, 5000 + 1200 + 10);  // retry.backoff.max.ms with jitter, a round trip
  EXPECT_TRUE(std::none_of(run.history().steps.begin(), run.history().steps.end(), [](const Step& s) {
    return s.kind == StepKind::CallbackCompleted && s.error.has_value();
  }));
}

// The first response delayed for 22 hours: request.timeout.ms closes the
// connection (NetworkClient.handleTimedOutRequests) and the retry goes on a
// new one, answered at once. Before, the new connection's answers queued
// behind the old one's late response (one FIFO per broker), every retry timed
// out and the batch expired, four sends in a row.
TEST(Liveness, ANewConnectionsAnswersDoNotWaitBehindAClosedOnesLateResponse) {
  const ScenarioRun run = simulate_ok(spec_of(R"({
    "kafka_version": "3.9", "seed": 1,
    "producer": {"enable.idempotence": "true"},
    "broker": {"model.brokers": "1", "default.replication.factor": "1"},
    "workload": {"records": 1, "keys": 1, "send_interval_ms": 100},
    "faults": [{"kind": "DelayResponse", "request": 1, "duration_ms": 80000000}]})"));
  SCOPED_TRACE(run.timeline());
  const std::int64_t acked = first_ack_ms(run.history());
  EXPECT_GT(acked, 30000);  // after request.timeout.ms
  EXPECT_LT(acked, 31500);  // the retry's round trip, not the late response
}

// A transactional application blocked for max.block.ms lets the faults heal
// and goes on (a new producer after PRODUCER_FENCED); a DropResponse on a
// request sent after the heal black-holed the connection for
// request.timeout.ms, past the settle time: the run was cut, unjudged (found
// by check with the exactly_once_v2 producer). No fault applies to a request
// sent after the heal.
TEST(Liveness, NoMessageFaultAppliesToARequestSentAfterTheHeal) {
  const ScenarioRun run = simulate_ok(spec_of(R"json({"description": "", "kafka_version": "3.9", "seed": 470774340, "producer": {"delivery.timeout.ms": "2147483647", "enable.idempotence": "true", "linger.ms": "100", "transaction.timeout.ms": "10000", "transactional.id": "wordcount-app-0d7a3e2b-1f4c-4a5e-9c1e-6b2f0a9d8e71-1"}, "broker": {"default.replication.factor": "2", "model.brokers": "2"}, "consumer": {"isolation.level": "read_committed"}, "workload": {"records": 6, "keys": 0, "send_interval_ms": 1, "record_size_bytes": 100, "max_resends_per_record": 3, "mode": "at-least-once"}, "faults": [{"kind": "DropRequest", "request": 1}, {"kind": "DropResponse", "request": 2}, {"kind": "DropResponse", "request": 5}]})json"));
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  const auto healed = steps_of(h, StepKind::FaultsHealed);
  ASSERT_EQ(healed.size(), 1u);
  for (const Step& s : h.steps)
    if (s.time_ms > healed[0].time_ms)
      EXPECT_NE(s.kind, StepKind::ProduceResponseDropped) << s.time_ms;
}

}  // namespace
}  // namespace kafka_model
