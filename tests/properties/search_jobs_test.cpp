// The search's two shortcuts must not change a single answer:
//  - one simulation per case judged by several guarantees gives each
//    guarantee exactly what its own search gives (cases, counts, excuse,
//    counterexample, shrinking);
//  - any number of jobs gives what one job gives for the same seed (the
//    lowest violating case, the same shrink path and counts);
//  - shards (`check --shard I/N`) draw the whole search's cases: the lowest
//    violating case across the shards is the whole search's, shrunk the same;
//  - on_case sees each case read once, in order; stop ends the search.
#include <gtest/gtest.h>

#include "model/run_spec_io.hpp"
#include "properties/restart_snapshot.hpp"
#include "tests/properties/search_support.hpp"

namespace kafka_model::testing {
namespace {

// Everything a result says, as text, so a difference prints legibly.
std::string fingerprint(const Counterexample& c) {
  return fmt::format("found@{} steps={} tries={} seed={} anomalies={}\n", c.found_at_case, c.shrink_steps,
                     c.shrink_tries, c.search_seed, c.anomalies.size()) +
         to_json(c.spec);
}

std::string fingerprint(const SearchResult& r) {
  std::string out = fmt::format("{} cases={} last={} cut_short={} excused={} first_excuse={}\n", r.guarantee, r.cases,
                                r.last_case, r.cut_short, r.excused, r.first_excuse);
  if (r.counterexample) out += fingerprint(*r.counterexample);
  return out;
}

SearchSpace idempotence_off() {
  SearchSpace space;
  space.producer = small_timeouts({{"enable.idempotence", "false"}, {"acks", "all"}});
  space.broker = fast_replication();
  return space;
}

SearchSpace idempotent_min_isr_2() {
  SearchSpace space;
  space.producer = small_timeouts({{"enable.idempotence", "true"}, {"acks", "all"}});
  space.broker = fast_replication({{"min.insync.replicas", "2"}});
  return space;
}

std::vector<SearchTarget> every_guarantee() {
  std::vector<SearchTarget> targets;
  for (const Guarantee& g : all_guarantees()) targets.push_back(SearchTarget{&g, {}});
  return targets;
}

TEST(SearchSharing, OneSimulationPerCaseGivesEachGuaranteeItsOwnSearch) {
  for (const SearchSpace& space : {idempotence_off(), idempotent_min_isr_2()}) {
    const SearchOptions options{.seed = 3, .budget = 150};
    const std::vector<SearchResult> shared = search(every_guarantee(), space, options);
    ASSERT_EQ(shared.size(), all_guarantees().size());
    int violated = 0;
    for (std::size_t i = 0; i < shared.size(); ++i) {
      EXPECT_EQ(fingerprint(shared[i]), fingerprint(search(all_guarantees()[i], space, options)));
      violated += shared[i].counterexample ? 1 : 0;
    }
    if (space.producer.at("enable.idempotence") == "false") EXPECT_GE(violated, 2);  // the test compares shrinks
  }
}

// An excuse given to one target applies to it alone.
TEST(SearchSharing, AnExcuseIsPerGuarantee) {
  const SearchSpace space = idempotence_off();
  const SearchOptions options{.seed = 3, .budget = 150};
  const auto excuse_all = [](const History&) -> std::optional<std::string> { return std::string("excused"); };
  std::vector<SearchTarget> targets = every_guarantee();
  targets[0].excuse = excuse_all;  // no_duplicates_within_session: every violation excused
  const std::vector<SearchResult> shared = search(targets, space, options);
  SearchOptions alone = options;
  alone.excuse = excuse_all;
  EXPECT_EQ(fingerprint(shared[0]), fingerprint(search(*targets[0].guarantee, space, alone)));
  EXPECT_FALSE(shared[0].counterexample);
  EXPECT_GT(shared[0].excused, 0);
  for (std::size_t i = 1; i < shared.size(); ++i)
    EXPECT_EQ(fingerprint(shared[i]), fingerprint(search(all_guarantees()[i], space, options)));
}

TEST(SearchJobs, AnyNumberOfJobsGivesOneJobsResult) {
  for (const SearchSpace& space : {idempotence_off(), idempotent_min_isr_2()}) {
    SearchOptions options{.seed = 5, .budget = 120};
    options.excuse = kafka_idempotence_exception;
    const std::vector<SearchResult> one = search(every_guarantee(), space, options);
    for (int jobs : {2, 3, 8}) {
      options.jobs = jobs;
      const std::vector<SearchResult> many = search(every_guarantee(), space, options);
      ASSERT_EQ(many.size(), one.size());
      for (std::size_t i = 0; i < one.size(); ++i)
        EXPECT_EQ(fingerprint(many[i]), fingerprint(one[i])) << "jobs=" << jobs;
    }
  }
}

TEST(SearchShards, TheLowestViolatingCaseAcrossShardsIsTheWholeSearchs) {
  const SearchSpace space = idempotence_off();
  SearchOptions options{.seed = 7, .budget = 150};
  const std::vector<SearchResult> whole = search(every_guarantee(), space, options);
  std::vector<std::vector<SearchResult>> shards;
  std::vector<std::vector<int>> read(3);
  for (int i = 0; i < 3; ++i) {
    options.shard_index = i;
    options.shard_count = 3;
    options.jobs = i + 1;
    options.on_case = [&read, i](const CaseRead& c) { read[static_cast<std::size_t>(i)].push_back(c.number); };
    shards.push_back(search(every_guarantee(), space, options));
    for (std::size_t n = 0; n < read[static_cast<std::size_t>(i)].size(); ++n)
      EXPECT_EQ(read[static_cast<std::size_t>(i)][n], i + 1 + 3 * static_cast<int>(n)) << "shard " << i;
  }
  int violated = 0;
  for (std::size_t g = 0; g < whole.size(); ++g) {
    const SearchResult* lowest = nullptr;
    for (const auto& shard : shards)
      if (shard[g].counterexample &&
          (!lowest || shard[g].counterexample->found_at_case < lowest->counterexample->found_at_case))
        lowest = &shard[g];
    ASSERT_EQ(lowest != nullptr, whole[g].counterexample.has_value()) << whole[g].guarantee;
    if (!lowest) continue;
    ++violated;
    EXPECT_EQ(fingerprint(*lowest->counterexample), fingerprint(*whole[g].counterexample)) << whole[g].guarantee;
  }
  EXPECT_GE(violated, 2);
}

// Sampling the states where faults took effect reads the world only: the
// same results, and the same samples for any number of jobs.
TEST(SearchCoverage, FaultStatesAreSampledWithoutChangingTheSearch) {
  const SearchSpace space = idempotent_min_isr_2();
  SearchOptions options{.seed = 5, .budget = 80};
  const std::vector<SearchResult> plain = search(every_guarantee(), space, options);
  options.sample_fault_states = true;
  std::vector<std::vector<std::uint64_t>> one, two;
  for (auto* samples : {&one, &two}) {
    options.jobs = samples == &one ? 1 : 2;
    options.on_case = [samples](const CaseRead& c) { samples->push_back(*c.fault_states); };
    const std::vector<SearchResult> sampled = search(every_guarantee(), space, options);
    for (std::size_t i = 0; i < plain.size(); ++i) EXPECT_EQ(fingerprint(sampled[i]), fingerprint(plain[i]));
  }
  EXPECT_EQ(one, two);
  std::size_t points = 0;
  for (const auto& c : one) points += c.size();
  EXPECT_GT(points, one.size());  // several faults per case take effect on average
}

TEST(SearchStop, StopEndsTheSearchAndMarksWhatWasStillSearching) {
  const SearchSpace space = idempotent_min_isr_2();
  SearchOptions options{.seed = 5, .budget = 100};
  int polls = 0;
  std::vector<int> read;
  options.on_case = [&read](const CaseRead& c) { read.push_back(c.number); };
  options.stop = [&polls] { return ++polls > 10; };
  const std::vector<SearchResult> results = search(every_guarantee(), space, options);
  EXPECT_LE(read.size(), 11u);
  for (const SearchResult& r : results) {
    if (r.counterexample) continue;
    EXPECT_TRUE(r.stopped) << r.guarantee;
    EXPECT_EQ(r.last_case, static_cast<int>(read.size()));
  }
}

}  // namespace
}  // namespace kafka_model::testing
