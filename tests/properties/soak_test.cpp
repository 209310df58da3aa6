// The long search (label soak, excluded from the default run): the holds
// properties with 20x the CI budget over several seeds and a few hundred
// valid configurations. Run: ctest -L soak, or test_soak directly.
#include <gtest/gtest.h>

#include "properties/generators.hpp"
#include "tests/properties/search_support.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

constexpr int kBudget = 30000;

void soak(const std::string& label, const std::string& name, SearchSpace space, int budget = kBudget) {
  for (std::uint64_t seed : {11u, 12u, 13u}) {
    const TimedSearch t = timed_search(name, space, SearchOptions{.seed = seed, .budget = budget / 3});
    print_measure(label + " seed " + std::to_string(seed) + ": " + name, t);
    EXPECT_FALSE(t.result.counterexample) << label << "\n" << counterexample_text(t);
  }
}

SearchSpace space(Properties producer, Properties broker = {}) {
  SearchSpace s;
  s.producer = small_timeouts(std::move(producer));
  s.broker = fast_replication(std::move(broker));
  return s;
}

// Idempotence is judged under idempotence_fault_kinds() (no transient
// refusals: the race in docs/model.md), as in holds_test.cpp.
SearchSpace idempotent_space() {
  SearchSpace s = space({{"enable.idempotence", "true"}});
  s.fault_kinds = idempotence_fault_kinds();
  return s;
}

TEST(Soak, IdempotenceSessionPromises) {
  soak("idempotence on", "no_duplicates_within_session", idempotent_space());
  soak("idempotence on", "order_within_session", idempotent_space());
}

TEST(Soak, AcksAllMinIsrTwoDurability) {
  const Properties broker = {{"min.insync.replicas", "2"}};
  soak("acks=all, min.isr=2", "no_lost_acknowledged_writes", space({{"acks", "all"}}, broker));
  soak("acks=all, min.isr=2", "acknowledged_offsets_correct", space({{"acks", "all"}}, broker));
}

TEST(Soak, AnyIdempotentConfiguration) {
  const std::vector<SearchSpace> spaces = idempotent_spaces(101, 100);
  for (std::size_t i = 0; i < spaces.size(); ++i) {
    const TimedSearch t =
        timed_search("no_duplicates_within_session", spaces[i], SearchOptions{.seed = 200u + i, .budget = 300});
    EXPECT_FALSE(t.result.counterexample) << counterexample_text(t);
  }
}

}  // namespace
}  // namespace kafka_model
