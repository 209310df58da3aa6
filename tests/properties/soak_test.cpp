// The long search (label soak, excluded from the default run): the holds
// properties with 20x the CI budget over several seeds and a few hundred
// valid configurations. Run: ctest -L soak, or test_soak directly.
#include <gtest/gtest.h>

#include "properties/generators.hpp"
#include "properties/restart_snapshot.hpp"
#include "tests/properties/search_support.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

constexpr int kBudget = 30000;

void soak(const std::string& label, const std::string& name, SearchSpace space, int budget = kBudget) {
  for (std::uint64_t seed : {11u, 12u, 13u}) {
    SearchOptions options{.seed = seed, .budget = budget / 3};
    if (name == "no_duplicates_within_session" || name == "order_within_session")
      options.excuse = kafka_idempotence_exception;  // Kafka's known exceptions, counted and printed
    const TimedSearch t = timed_search(name, space, options);
    print_measure(label + " seed " + std::to_string(seed) + ": " + name, t);
    if (t.result.excused > 0)
      std::printf("[search]   %d case(s) excused as Kafka's own, first: %s\n", t.result.excused,
                  t.result.first_excuse.c_str());
    EXPECT_FALSE(t.result.counterexample) << label << "\n" << counterexample_text(t);
  }
}

SearchSpace space(Properties producer, Properties broker = {}) {
  SearchSpace s;
  s.producer = small_timeouts(std::move(producer));
  s.broker = fast_replication(std::move(broker));
  return s;
}

// Idempotence is judged under every fault kind with Kafka's known
// exceptions excused (soak()), as in holds_test.cpp; min.insync.replicas 1 and 2.
SearchSpace idempotent_space(Properties broker = {}) { return space({{"enable.idempotence", "true"}}, broker); }

TEST(Soak, IdempotenceSessionPromises) {
  soak("idempotence on", "no_duplicates_within_session", idempotent_space());
  soak("idempotence on", "order_within_session", idempotent_space());
  soak("idempotence on, min.isr=2", "no_duplicates_within_session", idempotent_space({{"min.insync.replicas", "2"}}));
  soak("idempotence on, min.isr=2", "order_within_session", idempotent_space({{"min.insync.replicas", "2"}}));
}

TEST(Soak, AcksAllMinIsrTwoDurability) {
  const Properties broker = {{"min.insync.replicas", "2"}};
  soak("acks=all, min.isr=2", "no_lost_acknowledged_writes", space({{"acks", "all"}}, broker));
  soak("acks=all, min.isr=2", "acknowledged_offsets_correct", space({{"acks", "all"}}, broker));
}

TEST(Soak, AnyIdempotentConfiguration) {
  const std::vector<SearchSpace> spaces = idempotent_spaces(101, 100);
  for (std::size_t i = 0; i < spaces.size(); ++i) {
    const TimedSearch t = timed_search("no_duplicates_within_session", spaces[i],
                                       SearchOptions{.seed = 200u + i, .budget = 300, .excuse = kafka_idempotence_exception});
    EXPECT_FALSE(t.result.counterexample) << counterexample_text(t);
  }
}

}  // namespace
}  // namespace kafka_model
