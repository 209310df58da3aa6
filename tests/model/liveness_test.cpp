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
    if (s.kind == StepKind::CallbackCompleted && s.error.empty()) return s.time_ms;
  return -1;
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
    return s.kind == StepKind::CallbackCompleted && !s.error.empty();
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

}  // namespace
}  // namespace kafka_model
