// What Kafka promises, searched for counterexamples within the CI budget.
// A counterexample here is a finding, never a reason to weaken the test:
// the failure prints the shrunk timeline and the replay file; decide whether
// the world has a bug or the promise table is wrong.
#include <gtest/gtest.h>

#include "properties/generators.hpp"
#include "tests/properties/search_support.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

constexpr int kBudget = 1500;

void expect_holds(const std::string& label, const std::string& name, const SearchSpace& space,
                  std::uint64_t seed = 1, int budget = kBudget) {
  const TimedSearch t = timed_search(name, space, SearchOptions{.seed = seed, .budget = budget});
  print_measure(label + ": " + name, t);
  ASSERT_FALSE(t.result.config_error) << t.result.config_error->message;
  EXPECT_EQ(t.result.cases, budget);
  EXPECT_FALSE(t.result.counterexample) << label << "\n" << counterexample_text(t);
}

SearchSpace space(Properties producer, Properties broker = {}) {
  SearchSpace s;
  s.producer = small_timeouts(std::move(producer));
  s.broker = fast_replication(std::move(broker));
  return s;
}

// Idempotence promises are judged under idempotence_fault_kinds(): every
// fault but a transient refusal, which opens the race searched for in
// expected_violations_test.cpp (KnownRace).
SearchSpace idempotent_space(Properties producer = {{"enable.idempotence", "true"}}, Properties broker = {}) {
  SearchSpace s = space(std::move(producer), std::move(broker));
  s.fault_kinds = idempotence_fault_kinds();
  return s;
}

// Idempotence on (3.x default: acks=all, retries MAX, in-flight 5): one PID
// session never writes a send twice nor two sends out of order.
TEST(Holds, IdempotenceNoDuplicatesWithinSession) {
  expect_holds("idempotence on", "no_duplicates_within_session", idempotent_space());
}

TEST(Holds, IdempotenceOrderWithinSession) {
  expect_holds("idempotence on", "order_within_session", idempotent_space());
}

// Idempotence with a Kafka default configuration: the search scales its
// times to delivery.timeout.ms=120000 and still finds nothing.
TEST(Holds, IdempotenceWithKafkaDefaultTimeouts) {
  SearchSpace s;
  s.fault_kinds = idempotence_fault_kinds();
  expect_holds("Kafka defaults", "no_duplicates_within_session", s, 1, 300);
  expect_holds("Kafka defaults", "order_within_session", s, 1, 300);
}

// The what-if knob at Kafka's bound: a cache as large as in-flight is enough.
TEST(Holds, BrokerCacheAsLargeAsInFlightKeepsIdempotence) {
  expect_holds("cache 3 = in-flight 3", "no_duplicates_within_session",
               idempotent_space({{"max.in.flight.requests.per.connection", "3"}},
                                {{"model.producer.state.batches.to.retain", "3"}}));
}

// acks=all with min.insync.replicas=2 and clean elections: an acknowledged
// write is on two replicas, one of which becomes leader.
TEST(Holds, AcksAllMinIsrTwoNoLostAcknowledgedWrites) {
  const Properties broker = {{"min.insync.replicas", "2"}, {"unclean.leader.election.enable", "false"}};
  expect_holds("acks=all, min.isr=2, clean", "no_lost_acknowledged_writes", space({{"acks", "all"}}, broker));
  expect_holds("acks=all, min.isr=2, clean", "acknowledged_offsets_correct", space({{"acks", "all"}}, broker));
}

TEST(Holds, AcksZeroOffsetsAreMinusOneNeverWrong) {
  expect_holds("acks=0", "acknowledged_offsets_correct", space({{"acks", "0"}}));
}

// Over configurations: any valid idempotent producer (generators.hpp) keeps
// its session promises. Configurations drawn from one seed.
TEST(Holds, AnyIdempotentConfigurationKeepsSessionPromises) {
  const std::vector<SearchSpace> spaces = idempotent_spaces(7, 8);
  for (std::size_t i = 0; i < spaces.size(); ++i) {
    const std::string label = "idempotent config " + std::to_string(i);
    expect_holds(label, "no_duplicates_within_session", spaces[i], i + 1, 150);
    expect_holds(label, "order_within_session", spaces[i], i + 1, 150);
  }
}

}  // namespace
}  // namespace kafka_model
