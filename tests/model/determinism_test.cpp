// model: determinism is a feature. The same spec gives a byte-identical
// history; another seed gives another history.
#include <gtest/gtest.h>

#include "model/history_io.hpp"
#include "model/run_spec.hpp"
#include "model/simulation.hpp"

namespace kafka_model {
namespace {

// Many records on three partitions with faults of every timed kind, so the
// seed (network delays, fetch jitter) shapes the run.
RunSpec busy_spec(std::uint64_t seed) {
  RunSpec spec;
  spec.seed = seed;
  spec.producer = {{"acks", "all"},           {"enable.idempotence", "false"}, {"request.timeout.ms", "500"},
                   {"delivery.timeout.ms", "3000"}, {"retry.backoff.ms", "5"},       {"linger.ms", "2"},
                   {"batch.size", "300"}};
  spec.broker = {{"min.insync.replicas", "2"}, {"num.partitions", "3"}, {"replica.lag.time.max.ms", "100"},
                 {"replica.fetch.wait.max.ms", "50"}};
  spec.workload.records = 60;
  spec.workload.keys = 7;
  spec.schedule.faults = {
      Fault{.kind = FaultKind::DropResponse, .request = 3},
      Fault{.kind = FaultKind::FollowerStall, .at_ms = 5, .broker = 1, .duration_ms = 300},
      Fault{.kind = FaultKind::BrokerCrash, .at_ms = 30, .broker = 0},
      Fault{.kind = FaultKind::Disconnect, .at_ms = 45},
      Fault{.kind = FaultKind::BrokerRestart, .at_ms = 400, .broker = 0},
  };
  return spec;
}

TEST(Determinism, SameSpecGivesAByteIdenticalHistory) {
  for (std::uint64_t seed : {1u, 2u, 42u}) {
    const SimulationResult a = simulate(busy_spec(seed));
    const SimulationResult b = simulate(busy_spec(seed));
    ASSERT_FALSE(a.config_error.has_value());
    EXPECT_EQ(a.history.hash(), b.history.hash());
    EXPECT_EQ(to_json(a.history), to_json(b.history));
    EXPECT_GT(a.history.steps.size(), 100u);
  }
}

TEST(Determinism, AnotherSeedGivesAnotherHistory) {
  EXPECT_NE(simulate(busy_spec(1)).history.hash(), simulate(busy_spec(2)).history.hash());
}

TEST(Determinism, TheHistoryCarriesTheEffectiveConfiguration) {
  const SimulationResult r = simulate(busy_spec(1));
  EXPECT_EQ(r.history.config.at("acks"), "all");
  EXPECT_EQ(r.history.config.at("enable.idempotence"), "false");
  EXPECT_EQ(r.history.config.at("kafka.version"), "3.9");
}

}  // namespace
}  // namespace kafka_model
