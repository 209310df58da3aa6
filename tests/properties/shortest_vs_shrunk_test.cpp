// Shortest vs shrunk (docs/explorer.md): for every expected violation
// (tests/properties/expected_violations.hpp), the RapidCheck search's shrunk
// counterexample (expected_violations_test.cpp's space and seed) is no longer
// than 1.5x the explorer's shortest in the same world (the shrunk run's
// configuration, workload, seed, fault kinds and fault count), both measured
// as the events of their replay; and the explorer's is never longer when its
// bounds hold the shrunk run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

#include "model/simulation.hpp"
#include "properties/explorer.hpp"
#include "tests/properties/expected_violations.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

struct ShortestVsShrunk {
  std::int64_t shrunk_events = 0;
  std::int64_t shortest_events = 0;  // 0: the explorer found none within max_states
  bool explorer_complete = true;
  bool shrunk_within_bounds = true;  // every shrunk fault is one the explorer offers (kind, broker, duration)
};

// Whether the explorer's menu (explore_fault_menu) has each of the shrunk
// schedule's faults, up to when it strikes and which request: the explorer
// tries every point. A duration outside the menu (a BrokerStall of 5002 ms
// where the menu has 5000) is outside its bounds, so its shortest may be longer.
bool within_menu(const RunSpec& shrunk, const std::vector<FaultKind>& kinds, const std::vector<Errors>& errors) {
  const ConfigResult built = build_configuration(shrunk.version, shrunk.producer, shrunk.broker);
  if (!built.config) return false;
  const std::vector<Fault> menu = explore_fault_menu(*built.config, kinds, errors.empty() ? default_error_responses() : errors);
  return std::all_of(shrunk.schedule.faults.begin(), shrunk.schedule.faults.end(), [&](const Fault& f) {
    return std::any_of(menu.begin(), menu.end(), [&](const Fault& m) {
      return m.kind == f.kind && m.broker == f.broker && m.duration_ms == f.duration_ms && m.error == f.error;
    });
  });
}

ShortestVsShrunk expect_shrunk_close_to_shortest(const Expected& e, std::int64_t max_states = 300'000) {
  ShortestVsShrunk out;
  const TimedSearch t = timed_search(e.guarantee, e.space, SearchOptions{.seed = 1, .budget = 2000});
  if (!t.result.counterexample) {
    ADD_FAILURE() << e.label << ": the search found no counterexample";
    return out;
  }
  const RunSpec& shrunk = t.result.counterexample->spec;
  out.shrunk_events = simulate(shrunk).events;
  ExploreSpace world;
  world.version = shrunk.version;
  world.producer = shrunk.producer;
  world.broker = shrunk.broker;
  world.consumer = shrunk.consumer;
  world.workload = shrunk.workload;
  ExploreOptions options;
  options.max_faults = static_cast<int>(shrunk.schedule.faults.size());
  options.seeds = {shrunk.seed};
  // The search's kinds: empty there is every kind (ErrorResponse included).
  options.fault_kinds = e.space.fault_kinds;
  if (options.fault_kinds.empty())
    for (int i = 0; i < kFaultKindCount; ++i) options.fault_kinds.push_back(static_cast<FaultKind>(i));
  options.error_responses = e.space.error_responses;
  options.max_states = max_states;
  const ExploreResult r = explore({&guarantee(e.guarantee)}, world, options);
  out.explorer_complete = r.complete;
  out.shrunk_within_bounds = within_menu(shrunk, options.fault_kinds, options.error_responses);
  const ExploreVerdict& v = r.verdicts[0];
  if (v.counterexample) out.shortest_events = v.length_events;
  std::printf("[shortest-vs-shrunk] %-58s shrunk=%lld events (%zu faults)  shortest=%s  ratio=%s%s\n", e.label.c_str(),
              static_cast<long long>(out.shrunk_events), shrunk.schedule.faults.size(),
              v.counterexample ? fmt::format("{} events ({} faults)", v.length_events,
                                             v.counterexample->spec.schedule.faults.size())
                                     .c_str()
                               : "none",
              v.counterexample ? fmt::format("{:.2f}", static_cast<double>(out.shrunk_events) /
                                                           static_cast<double>(v.length_events))
                                     .c_str()
                               : "-",
              (std::string(r.complete ? "" : fmt::format("  (explorer stopped at {} states)", r.distinct_states)) +
               (out.shrunk_within_bounds ? "" : "  (a shrunk fault is outside the explorer's menu)"))
                  .c_str());
  for (const Fault& f : shrunk.schedule.faults) std::printf("[shortest-vs-shrunk]   shrunk:   %s\n", describe(f).c_str());
  if (v.counterexample)
    for (const Fault& f : v.counterexample->spec.schedule.faults)
      std::printf("[shortest-vs-shrunk]   shortest: %s\n", describe(f).c_str());
  if (!v.counterexample) {
    ADD_FAILURE() << e.label << ": the explorer finds none in the shrunk run's world"
                  << (r.complete ? "" : " (it stopped at max_states)");
    return out;
  }
  if (out.shrunk_within_bounds && r.complete)
    EXPECT_LE(out.shortest_events, out.shrunk_events) << e.label << ": the explorer's shortest is the shortest";
  EXPECT_LE(static_cast<double>(out.shrunk_events), 1.5 * static_cast<double>(out.shortest_events)) << e.label;
  return out;
}

class EveryExpectedViolation : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryExpectedViolation, ShrunkIsWithinOneAndAHalfOfTheShortest) {
  expect_shrunk_close_to_shortest(expected_violation(GetParam()));
}

std::vector<std::string> labels() {
  std::vector<std::string> out;
  for (const Expected& e : expected_violations()) out.push_back(e.label);
  return out;
}

INSTANTIATE_TEST_SUITE_P(ShortestVsShrunk, EveryExpectedViolation, ::testing::ValuesIn(labels()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name;
                           for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace kafka_model
