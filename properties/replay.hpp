// Replaying a RunSpec that states its outcome (a counterexample file from the
// search, or a hand-written scenario in tests/scenarios/): simulate it and
// check that every guarantee in expect_violated is violated and every one in
// expect_holds holds. FoundationDB's habit: a folder of runs that must fail.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/run_spec.hpp"
#include "model/simulation.hpp"
#include "properties/anomaly.hpp"

namespace kafka_model {

struct ReplayOutcome {
  RunSpec spec;
  SimulationResult result;
  // Anomalies per guarantee named in expect_violated or expect_holds.
  std::map<std::string, std::vector<Anomaly>> anomalies;
  // One sentence per unmet expectation ("expected no_duplicates to be
  // violated, but it held"), or why the file could not be replayed.
  std::vector<std::string> failures;
  bool ok() const { return failures.empty(); }
};

ReplayOutcome replay(const RunSpec& spec);

// load_run_spec + replay; an unreadable or invalid file is one failure naming it.
ReplayOutcome replay_file(const std::string& path);

}  // namespace kafka_model
