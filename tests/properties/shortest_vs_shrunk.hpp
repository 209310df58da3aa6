// Shortest vs shrunk (docs/explorer.md): for an expected violation, the
// RapidCheck search's shrunk counterexample (expected_violations_test.cpp's
// space and seed) is no longer than 1.5x the explorer's shortest in the same
// world (the shrunk run's configuration, workload, seed, fault kinds and
// fault count), both measured as the events of their replay.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>

#include "model/simulation.hpp"
#include "properties/explorer.hpp"
#include "tests/properties/expected_violations.hpp"

namespace kafka_model::testing {

struct ShortestVsShrunk {
  std::int64_t shrunk_events = 0;
  std::int64_t shortest_events = 0;  // 0: the explorer found none within max_states
  bool explorer_complete = true;
};

inline ShortestVsShrunk expect_shrunk_close_to_shortest(const Expected& e, std::int64_t max_states = 300'000) {
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
  world.workload = shrunk.workload;
  ExploreOptions options;
  options.max_faults = static_cast<int>(shrunk.schedule.faults.size());
  options.seeds = {shrunk.seed};
  options.fault_kinds = e.space.fault_kinds;
  options.error_responses = e.space.error_responses;
  options.max_states = max_states;
  const ExploreResult r = explore({&guarantee(e.guarantee)}, world, options);
  out.explorer_complete = r.complete;
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
              r.complete ? "" : fmt::format("  (explorer stopped at {} states)", r.distinct_states).c_str());
  for (const Fault& f : shrunk.schedule.faults) std::printf("[shortest-vs-shrunk]   shrunk:   %s\n", describe(f).c_str());
  if (v.counterexample)
    for (const Fault& f : v.counterexample->spec.schedule.faults)
      std::printf("[shortest-vs-shrunk]   shortest: %s\n", describe(f).c_str());
  if (!v.counterexample) {
    ADD_FAILURE() << e.label << ": the explorer finds none in the shrunk run's world"
                  << (r.complete ? "" : " (it stopped at max_states)");
    return out;
  }
  EXPECT_LE(out.shortest_events, out.shrunk_events) << e.label << ": the explorer's shortest is the shortest";
  EXPECT_LE(static_cast<double>(out.shrunk_events), 1.5 * static_cast<double>(out.shortest_events)) << e.label;
  return out;
}

}  // namespace kafka_model::testing
