// Exhaustive bounded exploration (properties/explorer.hpp, docs/explorer.md):
// within small bounds the explorer proves the idempotence promises for safe
// configurations (Kafka's own known exceptions reported as Kafka's), finds the
// shortest counterexample for unsafe ones, writes it as a replay file that
// reproduces (shortest vs shrunk: shortest_vs_shrunk_test.cpp).
#include <gtest/gtest.h>

#include <cstdio>

#include "model/run_spec_io.hpp"
#include "model/simulation.hpp"
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

ExploreOptions bounds(int faults, int depth = 0) {
  ExploreOptions o;
  o.max_faults = faults;
  o.max_depth = depth;
  return o;
}

const Properties kTwoBrokers = {{"model.brokers", "2"}, {"default.replication.factor", "2"}};

// The found counterexample: written in check's replay-file format, read back,
// and `replay` (properties/replay.hpp, what `kafka-model replay` runs) sees
// the guarantee violated.
void expect_replays(const ExploreVerdict& v) {
  ASSERT_TRUE(v.counterexample) << v.guarantee;
  const std::string dir = ::testing::TempDir() + "explorer-replays";
  const std::string path = write_replay_file(*v.counterexample, v.guarantee, dir, "--explored");
  ASSERT_FALSE(path.empty());
  const ReplayOutcome outcome = replay_file(path);
  EXPECT_TRUE(outcome.ok()) << path << ": " << (outcome.failures.empty() ? "" : outcome.failures.front());
  EXPECT_EQ(outcome.result.history.hash(), v.counterexample->history.hash());
  EXPECT_EQ(outcome.result.events, v.length_events);
}

// Idempotence on (the 3.x default), 2 brokers: no fault of any kind at any
// point, one at a time, makes one session write a send twice or two sends out of order.
TEST(Explore, IdempotenceHoldsWithinBoundsOneFault) {
  for (const char* version : {"2.8", "3.9", "4.3"}) {
    ExploreSpace space = small_world({{"enable.idempotence", "true"}}, kTwoBrokers);
    space.version = *parse_kafka_version(version);
    const ExploreResult r = run_explore(std::string("idempotent ") + version + ", 2 brokers, K=1",
                                        {"no_duplicates_within_session", "order_within_session"}, space, bounds(1));
    EXPECT_TRUE(r.complete);
    EXPECT_GT(r.behaviours, 10);
    for (const ExploreVerdict& v : r.verdicts)
      EXPECT_FALSE(v.counterexample) << version << " " << v.guarantee << "\n" << describe(*v.counterexample, v.guarantee);
  }
}

// Two faults within the first events: still no violation but Kafka's own.
TEST(Explore, IdempotenceHoldsWithinBoundsTwoFaults) {
  const ExploreResult r =
      run_explore("idempotent 3.9, 2 brokers, K=2, D=40", {"no_duplicates_within_session", "order_within_session"},
                  small_world({{"enable.idempotence", "true"}}, kTwoBrokers), bounds(2, 40));
  EXPECT_TRUE(r.complete);
  for (const ExploreVerdict& v : r.verdicts)
    EXPECT_FALSE(v.counterexample) << v.guarantee << "\n" << describe(*v.counterexample, v.guarantee);
}

// A transactional producer with a read_committed consumer, 2 brokers,
// min.insync.replicas=2: no single fault anywhere breaks the transaction
// guarantees; with read_uncommitted the shortest aborted read replays.
TEST(Explore, TransactionsHoldWithinBoundsOneFaultAndReadUncommittedReadsAborted) {
  ExploreSpace space = small_world({{"transactional.id", "tx-1"}},
                                   {{"model.brokers", "2"}, {"default.replication.factor", "2"}, {"min.insync.replicas", "2"}});
  space.consumer = {{"isolation.level", "read_committed"}};
  const ExploreResult r = run_explore("transactional 3.9, read_committed, K=1",
                                      {"no_aborted_reads", "transactions_atomic", "zombie_fenced"}, space, bounds(1));
  EXPECT_TRUE(r.complete);
  EXPECT_GT(r.behaviours, 10);
  for (const ExploreVerdict& v : r.verdicts)
    EXPECT_FALSE(v.counterexample) << v.guarantee << "\n" << describe(*v.counterexample, v.guarantee);
  space.consumer = {{"isolation.level", "read_uncommitted"}};
  const ExploreResult dirty = run_explore("transactional 3.9, read_uncommitted, K=1", {"no_aborted_reads"}, space, bounds(1));
  ASSERT_TRUE(dirty.verdicts[0].counterexample);
  expect_replays(dirty.verdicts[0]);
}

TEST(Explore, IdempotenceOffFindsTheShortestDuplicate) {
  const ExploreResult r = run_explore("idempotence off: duplicate", {"no_duplicates_within_session"},
                                      small_world({{"enable.idempotence", "false"}, {"acks", "all"}}, {}, 1), bounds(1));
  ASSERT_TRUE(r.verdicts[0].counterexample);
  EXPECT_EQ(r.verdicts[0].counterexample->spec.schedule.faults.size(), 1u);
  expect_replays(r.verdicts[0]);
}

TEST(Explore, AcksOneFindsTheShortestLostWrite) {
  const ExploreResult r = run_explore("acks=1: lost write", {"no_lost_acknowledged_writes"},
                                      small_world({{"acks", "1"}}, kTwoBrokers, 1), bounds(1));
  ASSERT_TRUE(r.verdicts[0].counterexample);
  expect_replays(r.verdicts[0]);
}

// Enumerating the Chooser's network delays (ExploreOptions::choice_labels):
// idempotence off, one broker, two records. With the seed's delays alone the
// shortest duplicate is L events; with every delay of one decision free
// there is a shorter one, so it needs a delay the seed does not draw. It is
// written with its recorded choices, replays exactly through replay_file,
// and without its choices the same file is another run.
TEST(Explore, EnumeratedDelaysFindAShorterDuplicateThatReplays) {
  ExploreSpace space;
  space.producer = {{"enable.idempotence", "false"}, {"acks", "all"},           {"retries", "5"},
                    {"request.timeout.ms", "30"},    {"delivery.timeout.ms", "200"}, {"linger.ms", "0"}};
  space.broker = {{"model.brokers", "1"}, {"default.replication.factor", "1"}, {"min.insync.replicas", "1"}};
  space.workload.records = 2;
  const ExploreResult seeded = run_explore("idempotence off, seed's delays", {"no_duplicates"}, space, bounds(1));
  ExploreOptions options = bounds(1);
  options.choice_labels = {"network.delay"};
  const ExploreResult chosen = run_explore("idempotence off, every delay once", {"no_duplicates"}, space, options);
  ASSERT_TRUE(seeded.verdicts[0].counterexample && chosen.verdicts[0].counterexample);
  EXPECT_TRUE(chosen.complete);
  EXPECT_GT(chosen.choice_branches, 0);
  EXPECT_GT(chosen.distinct_states, seeded.distinct_states);
  EXPECT_LT(chosen.verdicts[0].length_events, seeded.verdicts[0].length_events);
  const Counterexample& c = *chosen.verdicts[0].counterexample;
  EXPECT_FALSE(c.spec.choices.empty());
  expect_replays(chosen.verdicts[0]);
  RunSpec without = c.spec;
  without.choices.clear();
  EXPECT_NE(simulate(without).history.hash(), c.history.hash());
  // No choices enumerated: the exploration is the seed's, state for state.
  ExploreOptions none = bounds(1);
  none.choice_labels = {};
  const ExploreResult again = run_explore("idempotence off, no labels", {"no_duplicates"}, space, none);
  EXPECT_EQ(again.distinct_states, seeded.distinct_states);
  EXPECT_EQ(again.choice_branches, 0);
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

ExploreResult explore_shard(const std::vector<const Guarantee*>& gs, const ExploreSpace& space, ExploreOptions options,
                            int index, int count) {
  options.excuse = kafka_known_exception;
  options.shard_index = index;
  options.shard_count = count;
  return explore(gs, space, options);
}

// explore --shard I/N + merge (docs/scale-out.md): the violated guarantees,
// each shortest length and every "holds" of one run; the shards' counts add
// up to at least the single run's (a state below two shards' nodes is
// counted in each), and one shard of one is the single run exactly.
TEST(ExploreShards, MergedShardsGiveTheSingleRunsVerdictsAndShortestLengths) {
  std::vector<const Guarantee*> gs;
  for (const char* n : {"no_duplicates_within_session", "order_within_session", "no_lost_acknowledged_writes"})
    gs.push_back(&guarantee(n));
  // K=1: no layer holds two states (a faulted child is a tail), so the
  // shards divide the behaviours; acks=1 with K=2 splits a layer.
  struct Case {
    const char* label;
    Properties producer;
    Properties broker;
    int faults;
  };
  const std::vector<Case> cases = {
      {"idempotence off", {{"enable.idempotence", "false"}, {"acks", "all"}}, {{"model.brokers", "2"}, {"default.replication.factor", "2"}}, 1},
      {"idempotent", {{"enable.idempotence", "true"}}, {{"model.brokers", "2"}, {"default.replication.factor", "2"}}, 1},
      {"acks=1", {{"acks", "1"}, {"enable.idempotence", "false"}}, {{"model.brokers", "2"}, {"default.replication.factor", "2"}}, 2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    ExploreSpace space;
    space.producer = small_timeouts(c.producer);
    space.broker = fast_replication(c.broker);
    space.workload.records = 2;
    ExploreOptions options;
    options.max_faults = c.faults;
    options.excuse = kafka_known_exception;
    const ExploreResult single = explore(gs, space, options);
    const ExploreResult one = merge_explore_shards({explore_shard(gs, space, options, 0, 1)});
    EXPECT_EQ(one.counts(), single.counts());
    for (int n : {2, 3, 7}) {
      std::vector<ExploreResult> parts;
      for (int i = 0; i < n; ++i) parts.push_back(explore_shard(gs, space, options, i, n));
      for (const ExploreResult& p : parts) EXPECT_LT(p.behaviours, single.behaviours) << n;  // the work is divided
      if (c.faults == 2) EXPECT_GE(parts.front().split_depth, 0) << n;
      const ExploreResult merged = merge_explore_shards(parts);
      EXPECT_EQ(merged.complete, single.complete);
      EXPECT_GE(merged.behaviours, single.behaviours) << n;
      EXPECT_GE(merged.distinct_states, single.distinct_states) << n;
      for (std::size_t g = 0; g < gs.size(); ++g) {
        SCOPED_TRACE(gs[g]->name);
        ASSERT_EQ(merged.verdicts[g].counterexample.has_value(), single.verdicts[g].counterexample.has_value()) << n;
        EXPECT_EQ(merged.verdicts[g].length_events, single.verdicts[g].length_events) << n;
        EXPECT_EQ(merged.verdicts[g].excused > 0, single.verdicts[g].excused > 0) << n;
      }
    }
  }
}

TEST(ExploreShards, AShardOfSeveralSeedsOrOutOfRangeIsRefused) {
  std::vector<const Guarantee*> gs{&guarantee("no_duplicates_within_session")};
  ExploreSpace space;
  ExploreOptions options;
  options.seeds = {1, 2};
  EXPECT_THROW(explore_shard(gs, space, options, 0, 2), std::invalid_argument);
  options.seeds = {1};
  EXPECT_THROW(explore_shard(gs, space, options, 2, 2), std::invalid_argument);
}

}  // namespace
}  // namespace kafka_model
