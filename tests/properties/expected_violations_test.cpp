// Every anomaly kafka-semantics.md section 4 says Kafka allows, found by the
// search within a fixed case budget and shrunk to a small counterexample
// whose replay file reproduces it byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "model/history_io.hpp"
#include "model/run_spec_io.hpp"
#include "properties/known_races.hpp"
#include "tests/properties/search_support.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

struct Expected {
  std::string label;  // also names its replay file: <guarantee>--<slug of label>.json
  std::string guarantee;
  SearchSpace space;
  std::size_t max_faults = 0;   // bounds on the shrunk counterexample
  std::int32_t max_records = 0;
};

constexpr int kBudget = 2000;

std::string slug(const std::string& label) {
  std::string out;
  for (char ch : label) {
    const bool keep = std::isalnum(static_cast<unsigned char>(ch)) != 0;
    if (keep) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// The search must find it, shrink it within the bounds, and the shrunk
// RunSpec, written and read back as JSON, must replay to the same history.
SearchResult expect_found(const Expected& e, std::uint64_t seed = 1) {
  const TimedSearch t = timed_search(e.guarantee, e.space, SearchOptions{.seed = seed, .budget = kBudget});
  print_measure(e.label, t);
  EXPECT_FALSE(t.result.config_error) << t.result.config_error->message;
  if (!t.result.counterexample) {
    ADD_FAILURE() << e.label << ": no counterexample to " << e.guarantee << " in " << t.result.cases << " cases";
    return t.result;
  }
  const Counterexample& c = *t.result.counterexample;
  SCOPED_TRACE(counterexample_text(t));
  EXPECT_FALSE(c.anomalies.empty());
  EXPECT_LE(c.spec.schedule.faults.size(), e.max_faults);
  EXPECT_LE(c.spec.workload.records, e.max_records);
  // KM_WRITE_COUNTEREXAMPLES=<dir> regenerates tests/counterexamples/ from these searches.
  if (const char* dir = std::getenv("KM_WRITE_COUNTEREXAMPLES")) write_replay_file(c, e.guarantee, dir, "--" + slug(e.label));
  const RunSpecParse parsed = parse_run_spec(to_json(c.spec), "replay");
  EXPECT_TRUE(parsed.spec) << parsed.error;
  if (parsed.spec) {
    EXPECT_EQ(*parsed.spec, c.spec);
    EXPECT_EQ(simulate(*parsed.spec).history.hash(), c.history.hash());
  }
  return t.result;
}

bool has_step(const History& h, StepKind kind) {
  return std::any_of(h.steps.begin(), h.steps.end(), [&](const Step& s) { return s.kind == kind; });
}

SearchSpace space(Properties producer, Properties broker = {}, std::vector<FaultKind> kinds = {}) {
  SearchSpace s;
  s.producer = small_timeouts(std::move(producer));
  s.broker = fast_replication(std::move(broker));
  s.fault_kinds = std::move(kinds);
  return s;
}

const Properties kIdempotenceOff = {{"enable.idempotence", "false"}, {"acks", "all"}};

// A transactional producer read by a read_uncommitted consumer (Kafka's
// default isolation.level): an aborted transaction's records are returned.
// The shrunk case is the smallest abort: a producer restart whose new
// instance's initTransactions fences and aborts the open transaction, or the
// application's own abortTransaction.
TEST(ExpectedViolation, ReadUncommittedReadsAbortedTransactions) {
  const SearchResult r = expect_found({"transactional, read_uncommitted", "no_aborted_reads",
                                       space({{"transactional.id", "tx-1"}}, {{"min.insync.replicas", "2"}}), 1, 7});
  ASSERT_TRUE(r.counterexample);
  EXPECT_TRUE(has_step(r.counterexample->history, StepKind::MarkerWritten));
  EXPECT_EQ(r.counterexample->anomalies.front().kind, "G1a");
}

TEST(ExpectedViolation, IdempotenceOffInFlightFiveDuplicates) {
  auto r = expect_found({"idempotence off, in-flight 5: duplicate", "no_duplicates_within_session",
                         space(kIdempotenceOff), 1, 2});
}

TEST(ExpectedViolation, IdempotenceOffInFlightFiveReorders) {
  expect_found({"idempotence off, in-flight 5: reorder", "order_within_session", space(kIdempotenceOff), 2, 3});
}

TEST(ExpectedViolation, IdempotenceOffInFlightOneDuplicatesButKeepsOrder) {
  Properties p = kIdempotenceOff;
  p["max.in.flight.requests.per.connection"] = "1";
  expect_found({"idempotence off, in-flight 1: duplicate", "no_duplicates_within_session", space(p), 1, 1});
  const TimedSearch order = timed_search("order_within_session", space(p), SearchOptions{.seed = 1, .budget = kBudget});
  print_measure("idempotence off, in-flight 1: order holds", order);
  EXPECT_FALSE(order.result.counterexample) << counterexample_text(order);
}

TEST(ExpectedViolation, AcksZeroLosesWrites) {
  expect_found({"acks=0: lost write", "no_lost_acknowledged_writes", space({{"acks", "0"}}), 1, 1});
}

TEST(ExpectedViolation, AcksOneLosesAnAcknowledgedWriteOnFailover) {
  const SearchResult r = expect_found({"acks=1: acknowledged loss on failover", "no_lost_acknowledged_writes",
                                       space({{"acks", "1"}}), 3, 1});
  if (r.counterexample) EXPECT_TRUE(has_step(r.counterexample->history, StepKind::LogTruncated));
}

TEST(ExpectedViolation, AcksAllMinIsrOneUncleanElectionLosesAnAcknowledgedWrite) {
  expect_found({"acks=all, min.isr=1, unclean: acknowledged loss", "no_lost_acknowledged_writes",
                space({{"acks", "all"}}, {{"min.insync.replicas", "1"}, {"unclean.leader.election.enable", "true"}}), 4,
                1});
}

// Idempotence on; the only new producer id comes from a restart.
TEST(ExpectedViolation, ProducerRestartWithoutTransactionalIdDuplicates) {
  const SearchResult r = expect_found({"restart without transactional.id: duplicate", "no_duplicates",
                                       space({}, {}, {FaultKind::ProducerRestart, FaultKind::DropRequest, FaultKind::Disconnect}),
                                       2, 1});
  if (r.counterexample) EXPECT_TRUE(has_step(r.counterexample->history, StepKind::ProducerCrashed));
}

// Idempotence on, no restart: the application re-sends a record whose batch
// expired with an unknown outcome; the KIP-360 epoch bump lets both in.
TEST(ExpectedViolation, ResendAfterDeliveryTimeoutDuplicatesEvenWithIdempotence) {
  std::vector<FaultKind> kinds;
  for (int i = 0; i < kFaultKindCount; ++i)
    if (static_cast<FaultKind>(i) != FaultKind::ProducerRestart) kinds.push_back(static_cast<FaultKind>(i));
  const SearchResult r = expect_found(
      {"re-send after delivery timeout: duplicate", "no_duplicates", space({}, {}, kinds), 2, 6});
  if (r.counterexample) EXPECT_TRUE(has_step(r.counterexample->history, StepKind::BatchExpired));
}

// The same through a paused leader: the batch expires while the leader holds
// it, the producer bumps its epoch (KIP-360), the leader writes the original
// when it resumes and the re-send at sequence 0 of the new epoch.
TEST(ExpectedViolation, ResendAfterDeliveryTimeoutAcrossAnEpochBump) {
  const SearchResult r = expect_found({"re-send after delivery timeout (leader paused): duplicate", "no_duplicates",
                                       space({}, {}, {FaultKind::BrokerStall}), 1, 1});
  if (r.counterexample) {
    EXPECT_TRUE(has_step(r.counterexample->history, StepKind::BatchExpired));
    EXPECT_TRUE(has_step(r.counterexample->history, StepKind::EpochBumped));
  }
}

// The what-if Kafka forbids: the broker caches fewer batches than the
// producer keeps in flight.
TEST(ExpectedViolation, BrokerCacheSmallerThanInFlightDuplicatesWithinTheSession) {
  for (const char* in_flight : {"3", "5"}) {
    const SearchResult r = expect_found(
        {std::string("cache 2 < in-flight ") + in_flight + ": duplicate", "no_duplicates_within_session",
         space({{"max.in.flight.requests.per.connection", in_flight}},
               {{"model.producer.state.batches.to.retain", "2"}}),
         3, 3});
    if (r.counterexample) EXPECT_TRUE(has_step(r.counterexample->history, StepKind::EpochBumped));
  }
}

// Kafka docs (producer.id.expiration.ms): below delivery.timeout.ms a retry
// can reach a leader that expired the idle producer's state and is written
// again (tests/scenarios/17). The search finds it from the broker setting alone.
TEST(ExpectedViolation, ProducerIdExpirationBelowDeliveryTimeoutDuplicates) {
  const SearchResult r = expect_found(
      {"producer.id.expiration.ms below delivery.timeout.ms: duplicate", "no_duplicates_within_session",
       space({{"enable.idempotence", "true"}},
             {{"producer.id.expiration.ms", "500"}, {"producer.id.expiration.check.interval.ms", "100"}}),
       1, 2});
  if (r.counterexample) EXPECT_TRUE(has_step(r.counterexample->history, StepKind::ProducerStateExpired));
}

// The first-batch race (docs/model.md; KAFKA-19880): a transient refusal of a new
// producer id's first batch while its second is accepted (the leader accepts
// any sequence from a producer it has no state for), then the retry of
// sequence 0 is refused as out of order, the producer bumps its epoch and
// writes the second batch again. Kafka 3.9's client and broker allow it; the
// idempotence holds tests excuse it by its conditions (SearchOptions::excuse).
TEST(ExpectedViolation, KnownRaceRefusedFirstBatchOfANewProducerIdDuplicates) {
  // A leadership move needs somewhere to move: three brokers, and the
  // refusal is NOT_LEADER_OR_FOLLOWER.
  // The kinds that make it: a refusal, and a lost success (C4).
  SearchSpace s = space({{"enable.idempotence", "true"}}, {{"model.brokers", "3"}, {"default.replication.factor", "3"}},
                        {FaultKind::ErrorResponse, FaultKind::DropResponse, FaultKind::DropRequest,
                         FaultKind::Disconnect, FaultKind::BrokerCrash});
  s.error_responses = {Errors::NOT_LEADER_OR_FOLLOWER};
  const SearchResult r =
      expect_found({"known race: refused first batch of a new producer id", "no_duplicates_within_session", s, 3, 2});
  if (r.counterexample) {
    EXPECT_TRUE(has_step(r.counterexample->history, StepKind::EpochBumped));
    const auto& faults = r.counterexample->spec.schedule.faults;
    EXPECT_TRUE(std::any_of(faults.begin(), faults.end(),
                            [](const Fault& f) { return f.kind == FaultKind::ErrorResponse; }));
  }
}

}  // namespace
}  // namespace kafka_model
