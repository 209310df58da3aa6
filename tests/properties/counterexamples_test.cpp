// Every replay file in tests/counterexamples/ (shrunk counterexamples the
// search found, regenerated with KM_WRITE_COUNTEREXAMPLES=<dir> test_search)
// and every scenario in tests/scenarios/ must replay with the outcome it
// states: expect_violated violated, expect_holds held — and identically twice.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "model/history_io.hpp"
#include "properties/replay.hpp"

namespace kafka_model {
namespace {

std::vector<std::string> json_files(const std::string& dir) {
  std::vector<std::string> out;
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".json") out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

void expect_replays(const std::string& path) {
  SCOPED_TRACE(path);
  const ReplayOutcome first = replay_file(path);
  std::string failures;
  for (const std::string& f : first.failures) failures += "  " + f + "\n";
  EXPECT_TRUE(first.ok()) << path << ":\n" << failures << to_timeline(first.result.history);
  EXPECT_FALSE(first.spec.expect_violated.empty() && first.spec.expect_holds.empty())
      << path << " states no outcome (expect_violated / expect_holds)";
  const ReplayOutcome second = replay_file(path);
  EXPECT_EQ(first.result.history.hash(), second.result.history.hash()) << "replay is not deterministic";
}

TEST(Counterexamples, EveryReplayFileShowsItsViolation) {
  const auto files = json_files(std::string(KAFKA_MODEL_SOURCE_DIR) + "/tests/counterexamples");
  EXPECT_FALSE(files.empty()) << "tests/counterexamples/ holds no replay file";
  for (const std::string& path : files) expect_replays(path);
}

TEST(Counterexamples, EveryScenarioFileHasItsStatedOutcome) {
  const auto files = json_files(std::string(KAFKA_MODEL_SOURCE_DIR) + "/tests/scenarios");
  if (files.empty()) GTEST_SKIP() << "tests/scenarios/ holds no scenario file";
  for (const std::string& path : files) expect_replays(path);
}

// A missing file or a wrong expectation is reported, not silently passed.
TEST(Counterexamples, AnUnmetExpectationIsAFailure) {
  EXPECT_FALSE(replay_file("/nonexistent/replay.json").ok());
  RunSpec spec;
  spec.workload.records = 1;
  spec.expect_violated = {"no_duplicates_within_session"};  // nothing goes wrong without faults
  const ReplayOutcome outcome = replay(spec);
  ASSERT_EQ(outcome.failures.size(), 1u);
  EXPECT_NE(outcome.failures[0].find("expected no_duplicates_within_session to be violated"), std::string::npos);
  spec.expect_violated = {"no_such_guarantee"};
  EXPECT_FALSE(replay(spec).ok());
}

}  // namespace
}  // namespace kafka_model
