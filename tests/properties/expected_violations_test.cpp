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
#include "tests/properties/expected_violations.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

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

// A transactional producer read by a read_uncommitted consumer (Kafka's
// default isolation.level): an aborted transaction's records are returned.
// The shrunk case is the smallest abort: a producer restart whose new
// instance's initTransactions fences and aborts the open transaction, or the
// application's own abortTransaction.
TEST(ExpectedViolation, ReadUncommittedReadsAbortedTransactions) {
  const SearchResult r = expect_found({"transactional, read_uncommitted", "no_aborted_reads",
                                       violation_space({{"transactional.id", "tx-1"}}, {{"min.insync.replicas", "2"}}), 1, 7});
  ASSERT_TRUE(r.counterexample);
  EXPECT_TRUE(has_step(r.counterexample->history, StepKind::MarkerWritten));
  EXPECT_EQ(r.counterexample->anomalies.front().kind, "G1a");
}

TEST(ExpectedViolation, IdempotenceOffInFlightFiveDuplicates) {
  expect_found(expected_violation("idempotence off, in-flight 5: duplicate"));
}

TEST(ExpectedViolation, IdempotenceOffInFlightFiveReorders) {
  expect_found(expected_violation("idempotence off, in-flight 5: reorder"));
}

TEST(ExpectedViolation, IdempotenceOffInFlightOneDuplicatesButKeepsOrder) {
  const Expected e = expected_violation("idempotence off, in-flight 1: duplicate");
  expect_found(e);
  const TimedSearch order = timed_search("order_within_session", e.space, SearchOptions{.seed = 1, .budget = kBudget});
  print_measure("idempotence off, in-flight 1: order holds", order);
  EXPECT_FALSE(order.result.counterexample) << counterexample_text(order);
}

TEST(ExpectedViolation, AcksZeroLosesWrites) { expect_found(expected_violation("acks=0: lost write")); }

TEST(ExpectedViolation, AcksOneLosesAnAcknowledgedWriteOnFailover) {
  const SearchResult r = expect_found(expected_violation("acks=1: acknowledged loss on failover"));
  if (r.counterexample) EXPECT_TRUE(has_step(r.counterexample->history, StepKind::LogTruncated));
}

TEST(ExpectedViolation, AcksAllMinIsrOneUncleanElectionLosesAnAcknowledgedWrite) {
  expect_found(expected_violation("acks=all, min.isr=1, unclean: acknowledged loss"));
}

// Idempotence on; the only new producer id comes from a restart. The restart
// must fall between the append and the acknowledgement: with the followers'
// long poll that window is one fetch round trip (1-3 ms), and the search's
// first find (two records, the restart during the second send) shrinks no
// further: one record needs the restart at 1-2 ms.
TEST(ExpectedViolation, ProducerRestartWithoutTransactionalIdDuplicates) {
  const SearchResult r = expect_found(expected_violation("restart without transactional.id: duplicate"));
  if (r.counterexample) EXPECT_TRUE(has_step(r.counterexample->history, StepKind::ProducerCrashed));
}

// A zombie beside its replacement, no transactional.id: two producer ids
// write the same record, each once (no_duplicates_within_session holds).
TEST(ExpectedViolation, ZombieWithoutTransactionalIdDuplicates) {
  const SearchResult r = expect_found(expected_violation("zombie without transactional.id: duplicate"));
  if (r.counterexample) EXPECT_TRUE(has_step(r.counterexample->history, StepKind::ProducerZombie));
}

// Idempotence on, no restart: the application re-sends a record whose batch
// expired with an unknown outcome; the KIP-360 epoch bump lets both in.
TEST(ExpectedViolation, ResendAfterDeliveryTimeoutDuplicatesEvenWithIdempotence) {
  const SearchResult r = expect_found(expected_violation("re-send after delivery timeout: duplicate"));
  if (r.counterexample) EXPECT_TRUE(has_step(r.counterexample->history, StepKind::BatchExpired));
}

// The same through a paused leader: the batch expires while the leader holds
// it, the producer bumps its epoch (KIP-360), the leader writes the original
// when it resumes and the re-send at sequence 0 of the new epoch.
TEST(ExpectedViolation, ResendAfterDeliveryTimeoutAcrossAnEpochBump) {
  const SearchResult r = expect_found(expected_violation("re-send after delivery timeout (leader paused): duplicate"));
  if (r.counterexample) {
    EXPECT_TRUE(has_step(r.counterexample->history, StepKind::BatchExpired));
    EXPECT_TRUE(has_step(r.counterexample->history, StepKind::EpochBumped));
  }
}

// The what-if Kafka forbids: the broker caches fewer batches than the
// producer keeps in flight.
TEST(ExpectedViolation, BrokerCacheSmallerThanInFlightDuplicatesWithinTheSession) {
  for (const char* in_flight : {"3", "5"}) {
    const SearchResult r =
        expect_found(expected_violation(std::string("cache 2 < in-flight ") + in_flight + ": duplicate"));
    if (r.counterexample) EXPECT_TRUE(has_step(r.counterexample->history, StepKind::EpochBumped));
  }
}

// Kafka docs (producer.id.expiration.ms): below delivery.timeout.ms a retry
// can reach a leader that expired the idle producer's state and is written
// again (tests/scenarios/17). The search finds it from the broker setting alone.
TEST(ExpectedViolation, ProducerIdExpirationBelowDeliveryTimeoutDuplicates) {
  const SearchResult r =
      expect_found(expected_violation("producer.id.expiration.ms below delivery.timeout.ms: duplicate"));
  if (r.counterexample) EXPECT_TRUE(has_step(r.counterexample->history, StepKind::ProducerStateExpired));
}

// The first-batch race (docs/model.md; KAFKA-19880): a transient refusal of a new
// producer id's first batch while its second is accepted (the leader accepts
// any sequence from a producer it has no state for), then the retry of
// sequence 0 is refused as out of order, the producer bumps its epoch and
// writes the second batch again. Kafka 3.9's client and broker allow it; the
// idempotence holds tests excuse it by its conditions (SearchOptions::excuse).
TEST(ExpectedViolation, KnownRaceRefusedFirstBatchOfANewProducerIdDuplicates) {
  const SearchResult r = expect_found(expected_violation("known race: refused first batch of a new producer id"));
  if (r.counterexample) {
    EXPECT_TRUE(has_step(r.counterexample->history, StepKind::EpochBumped));
    const auto& faults = r.counterexample->spec.schedule.faults;
    EXPECT_TRUE(std::any_of(faults.begin(), faults.end(),
                            [](const Fault& f) { return f.kind == FaultKind::ErrorResponse; }));
  }
}

// KIP-98's consume-transform-produce without sendOffsetsToTransaction: the
// input offsets are committed outside the transactions (auto-commit), so a
// restarted instance processes again input whose output a transaction
// already committed, and read_committed returns both copies.
TEST(ExpectedViolation, ConsumeProcessProduceWithoutSendOffsetsToTransactionDuplicatesOnRestart) {
  const SearchResult r =
      expect_found(expected_violation("consume-process-produce without sendOffsetsToTransaction, restart: duplicate"));
  ASSERT_TRUE(r.counterexample);
  EXPECT_TRUE(has_step(r.counterexample->history, StepKind::ProducerCrashed));
  EXPECT_NE(r.counterexample->anomalies.front().summary.find("duplicate output"), std::string::npos)
      << r.counterexample->anomalies.front().summary;
}

}  // namespace
}  // namespace kafka_model
