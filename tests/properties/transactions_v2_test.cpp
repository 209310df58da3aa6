// Transactions V2 (KIP-890 part 2, Kafka 4.0 with transaction.version=2, a
// new 4.0 cluster's default) against Transactions V1 (2.8, 3.9, and 4.0 with
// transaction.version=1): no AddPartitionsToTxn from the client, an epoch
// bump at every EndTxn, and KAFKA-17754's late transactional write, which V1
// lets land and V2 refuses. Names: <area>: <what>.
#include <gtest/gtest.h>

#include <algorithm>

#include "model/run_spec.hpp"
#include "model/run_spec_io.hpp"
#include "properties/allowed.hpp"
#include "properties/exercise.hpp"
#include "properties/guarantee.hpp"
#include "properties/late_transaction_write.hpp"
#include "tests/model/scenario_support.hpp"
#include "tests/properties/search_support.hpp"

namespace kafka_model {
namespace {

using namespace kafka_model::testing;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

RunSpec scenario_spec(const std::string& name) {
  const RunSpecParse parsed = load_run_spec(std::string(KAFKA_MODEL_SOURCE_DIR) + "/tests/scenarios/" + name);
  EXPECT_TRUE(parsed.spec) << parsed.error;
  return parsed.spec.value_or(RunSpec{});
}

std::vector<Step> with_detail(const History& h, StepKind kind, const std::string& detail) {
  std::vector<Step> out;
  for (const Step& s : h.steps)
    if (s.kind == kind && contains(s.detail, detail)) out.push_back(s);
  return out;
}

// Three transactions of two records on one partition, the second aborted by
// the application.
RunSpec transactions_on(KafkaVersion version, const std::string& transaction_version = "") {
  RunSpec spec;
  spec.version = version;
  spec.producer = {{"transactional.id", "tx-1"}, {"linger.ms", "0"}, {"batch.size", "100"}};
  spec.broker = {{"min.insync.replicas", "2"}};
  if (!transaction_version.empty()) spec.broker["transaction.version"] = transaction_version;
  spec.consumer = {{"isolation.level", "read_committed"}};
  spec.workload.records = 6;
  spec.workload.send_interval_ms = 50;
  spec.workload.records_per_transaction = 2;
  spec.workload.abort_every = 2;
  spec.workload.max_resends_per_record = 1;
  return spec;
}

std::vector<std::int32_t> marker_epochs(const History& h) {
  std::vector<std::int32_t> out;
  for (const Step& s : steps_of(h, StepKind::MarkerWritten)) out.push_back(s.producer_epoch);
  return out;
}

// KAFKA-14563: the 4.0 client sends no AddPartitionsToTxn; the leader's
// produce verification adds the partition (Empty/Complete* -> Ongoing).
// KAFKA-14562: every EndTxn bumps the epoch, the response carries it and the
// next transaction runs under it; the markers carry the bumped epoch.
TEST(TransactionsV2, TheLeaderAddsThePartitionAndEveryEndTxnBumpsTheEpoch) {
  const ScenarioRun run = simulate_ok(transactions_on(KafkaVersion::V4_0));
  SCOPED_TRACE(run.timeline());
  const History& h = run.history();
  EXPECT_TRUE(with_detail(h, StepKind::TxnRequestSent, "AddPartitionsToTxn").empty());
  // Five transactions (the two aborted ones' records are sent again), each
  // opened at the coordinator by the leader's first batch of it.
  EXPECT_EQ(with_detail(h, StepKind::TxnRequestSent, "EndTxn").size(), 5u);
  EXPECT_EQ(with_detail(h, StepKind::TransactionStateChanged, "-> Ongoing").size(), 5u);
  EXPECT_EQ(with_detail(h, StepKind::TransactionEnded, "committed").size(), 3u);
  EXPECT_EQ(with_detail(h, StepKind::TransactionEnded, "aborted").size(), 2u);
  // InitProducerId gives epoch 0; each EndTxn moves it on by one.
  EXPECT_EQ(marker_epochs(h), (std::vector<std::int32_t>{1, 2, 3, 4, 5}));
  for (const Step& s : with_detail(h, StepKind::TxnResponseReceived, "EndTxn")) EXPECT_FALSE(s.error.has_value());
  // The next transaction's first batch waits for the previous one's markers
  // (CONCURRENT_TRANSACTIONS, answered retriable); nothing else is refused.
  for (const Step& s : steps_of(h, StepKind::ProduceRejected))
    EXPECT_TRUE(contains(s.detail, "CONCURRENT_TRANSACTIONS")) << s.detail;
}

// The same release with transaction.version=1 runs V1: AddPartitionsToTxn,
// one epoch for every transaction.
TEST(TransactionsV2, TransactionVersionOneKeepsA40ClusterOnTransactionsV1) {
  for (KafkaVersion v : {KafkaVersion::V3_9, KafkaVersion::V4_0}) {
    const ScenarioRun run = simulate_ok(transactions_on(v, v == KafkaVersion::V4_0 ? "1" : ""));
    SCOPED_TRACE(run.timeline());
    const History& h = run.history();
    EXPECT_GE(with_detail(h, StepKind::TxnRequestSent, "AddPartitionsToTxn [p0]").size(), 5u) << to_string(v);
    EXPECT_EQ(marker_epochs(h), (std::vector<std::int32_t>{0, 0, 0, 0, 0})) << to_string(v);
  }
}

// KAFKA-17754 under V1 and V2, one schedule: scenario 19's stale retry of
// transaction 0 reaches the leader after transaction 0's ABORT marker. Kafka
// 2.8 (V1, no verification) appends it and the next transaction's COMMIT
// marker completes it: read_committed returns an aborted record. 4.0 with
// transaction.version=1 refuses it by KIP-890 part 1's verification, as 3.9
// does (19b). 4.0's default Transactions V2 refuses it by the epoch: the
// ABORT's EndTxn bumped it (scenario 21).
TEST(TransactionsV2, TheLateWriteThatV1AppendsIsRefusedUnderV2) {
  const History v1 = scenario_history("19-late-transactional-write-aborted-read-2.8.json");
  const auto late = late_transaction_write(v1);
  ASSERT_TRUE(late.has_value());
  EXPECT_FALSE(check_no_aborted_reads(v1).empty());

  const History v2 = scenario_history("21-late-transactional-write-refused-by-transactions-v2-4.0.json");
  EXPECT_FALSE(late_transaction_write(v2).has_value());
  EXPECT_TRUE(check_no_aborted_reads(v2).empty());
  EXPECT_TRUE(check_transactions_atomic(v2).empty());
  EXPECT_TRUE(check_zombie_fenced(v2).empty());
  EXPECT_TRUE(any_step(v2, StepKind::ProduceRejected, "PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"));
  EXPECT_TRUE(any_step(v2, StepKind::TransactionStateChanged, "Ongoing -> PrepareAbort"));
  // The ABORT marker carries the bumped epoch the stale retry is older than.
  ASSERT_FALSE(steps_of(v2, StepKind::MarkerWritten).empty());
  EXPECT_EQ(steps_of(v2, StepKind::MarkerWritten).front().producer_epoch, 1);

  RunSpec v1_on_40 = scenario_spec("21-late-transactional-write-refused-by-transactions-v2-4.0.json");
  v1_on_40.broker["transaction.version"] = "1";
  const ScenarioRun verified = simulate_ok(v1_on_40);
  SCOPED_TRACE(verified.timeline());
  EXPECT_FALSE(late_transaction_write(verified.history()).has_value());
  EXPECT_TRUE(any_step(verified.history(), StepKind::ProduceRejected, "transaction verification: CONCURRENT_TRANSACTIONS",
                       "NOT_ENOUGH_REPLICAS"));
}

// Kafka promises read_committed's guarantees under V2 without the late-write
// exception (V2 closes KAFKA-17754); under V1 on 4.0 the exception stays.
TEST(TransactionsV2, TheLateWriteIsAKnownExceptionOnlyUnderV1) {
  for (const char* tv : {"1", "2"}) {
    const ConfigResult r = build_configuration(KafkaVersion::V4_0, {{"transactional.id", "t1"}},
                                               {{"min.insync.replicas", "2"}, {"transaction.version", tv}});
    ASSERT_TRUE(r.config.has_value());
    Configuration c = *r.config;
    ASSERT_FALSE(apply_consumer_properties(c, {{"isolation.level", "read_committed"}}).has_value());
    for (const char* g : {"no_aborted_reads", "transactions_atomic"}) {
      const Promise p = kafka_promises(c, g);
      EXPECT_TRUE(p.promised) << g;
      EXPECT_EQ(p.exceptions.size(), std::string(tv) == "1" ? 1u : 0u) << g << " transaction.version=" << tv;
    }
  }
}

// KAFKA-20785: a commitTransaction whose EndTxn reaches the coordinator after
// its own transaction.timeout.ms abort. The abort fenced and bumped the
// epoch; under V2 with one bump (4.1+, KAFKA-19367) the commit's epoch is
// the V2 retry epoch (stored == request + 1), so it passes the epoch check
// and fails the state check: INVALID_TXN_STATE in CompleteAbort, fatal for
// the client. V1 (strict epoch equality) and 4.0 (two bumps) answer
// PRODUCER_FENCED. Either way the producer is closed and a new one commits.
TEST(TransactionsV2, ACommitRacingTheTimeoutAbortIsInvalidTxnStateUnderV2) {
  const RunSpec spec = scenario_spec("22-commit-races-the-timeout-abort-invalid-txn-state-v2-4.3.json");
  struct Case {
    KafkaVersion version;
    const char* transaction_version;
    const char* error;
    const char* bump;
  };
  for (const Case& c : {Case{KafkaVersion::V4_3, "", "INVALID_TXN_STATE", "epoch + 1"},
                        Case{KafkaVersion::V4_3, "1", "PRODUCER_FENCED", "epoch + 1"},
                        Case{KafkaVersion::V4_0, "", "PRODUCER_FENCED", "epoch + 2"},
                        Case{KafkaVersion::V3_9, "", "PRODUCER_FENCED", "epoch + 1"}}) {
    RunSpec s = spec;
    s.version = c.version;
    if (*c.transaction_version != 0) s.broker["transaction.version"] = c.transaction_version;
    const ScenarioRun run = simulate_ok(s);
    SCOPED_TRACE(run.timeline());
    const History& h = run.history();
    EXPECT_TRUE(any_step(h, StepKind::TransactionStateChanged, std::string("transaction.timeout.ms=1000 expired: ") + c.bump))
        << to_string(c.version);
    EXPECT_TRUE(any_step(h, StepKind::TxnResponseReceived, "EndTxn", c.error)) << to_string(c.version) << " " << c.error;
    EXPECT_TRUE(any_step(h, StepKind::TransactionEnded, "committed")) << to_string(c.version);
    EXPECT_TRUE(check_no_aborted_reads(h).empty());
    EXPECT_TRUE(check_transactions_atomic(h).empty());
  }
}

// KAFKA-18464 (tests/scenarios/32): an abort sent while the previous
// commit's markers are written is CONCURRENT_TRANSACTIONS and retried on 4.0
// (the pending transition checked before the epoch), not PRODUCER_FENCED;
// the one producer instance runs all three transactions.
TEST(TransactionsV2, AnAbortRightAfterACommitIsRetriedNotFenced) {
  const History h = scenario_history("32-abort-after-commit-retried-not-fenced-v2-4.0.json");
  SCOPED_TRACE(to_timeline(h));
  EXPECT_TRUE(any_step(h, StepKind::TxnResponseReceived, "EndTxn", "CONCURRENT_TRANSACTIONS"));
  EXPECT_FALSE(any_step(h, StepKind::TxnResponseReceived, "", "PRODUCER_FENCED"));
  EXPECT_EQ(steps_of(h, StepKind::ProducerStarted).size(), 1u);
  EXPECT_TRUE(any_step(h, StepKind::TransactionStateChanged, "CompleteCommit -> PrepareAbort"));
  EXPECT_TRUE(any_step(h, StepKind::TransactionEnded, "aborted"));
  EXPECT_EQ(logged_records(h), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
}

// The property search over 4.0's Transactions V2 with read_committed, under
// every fault kind: no aborted read, no torn or undecided transaction read,
// no zombie write; each search must have completed transactions to judge.
SearchSpace v2_space() {
  SearchSpace s;
  s.version = KafkaVersion::V4_0;
  s.producer = small_timeouts({{"transactional.id", "tx-1"}});
  s.broker = fast_replication({{"min.insync.replicas", "2"}});
  s.consumer = {{"isolation.level", "read_committed"}};
  return s;
}

// Kafka 2.8 (V1, no partition verification) where a late transactional write
// can land: delivery.timeout.ms short enough to expire a batch still in
// flight, and Kafka's replica.lag.time.max.ms, so stalled followers stay in
// the ISR and a request waits in DelayedProduce with another unread behind it.
SearchSpace late_write_space_28() {
  SearchSpace s = v2_space();
  s.version = KafkaVersion::V2_8;
  s.producer["delivery.timeout.ms"] = "1500";
  s.broker = {{"min.insync.replicas", "2"}};
  return s;
}

void expect_v2_holds(const std::string& name, const SearchSpace& space, std::uint64_t seed, int budget) {
  std::int64_t transactions = 0;
  int late_refused = 0;
  SearchOptions options{.seed = seed, .budget = budget};
  options.on_case = [&](const CaseRead& c) {
    transactions += exercise_of(*c.history).transactions;
    if (any_step(*c.history, StepKind::ProduceRejected, "", "INVALID_PRODUCER_EPOCH")) ++late_refused;
  };
  const TimedSearch t = timed_search(name, space, options);
  print_measure("4.0 Transactions V2, read_committed: " + name, t);
  std::printf("[search]   transactions completed=%lld, cases with an INVALID_PRODUCER_EPOCH refusal=%d\n",
              static_cast<long long>(transactions), late_refused);
  ASSERT_FALSE(t.result.config_error) << t.result.config_error->message;
  EXPECT_EQ(t.result.cases, budget);
  EXPECT_GT(transactions, budget);  // exercised, not vacuous
  EXPECT_FALSE(t.result.counterexample) << counterexample_text(t);
}

TEST(TransactionsV2Holds, NoAbortedReadsTransactionsAtomicZombieFenced) {
  for (const char* g : {"no_aborted_reads", "transactions_atomic", "zombie_fenced"}) expect_v2_holds(g, v2_space(), 1, 1000);
  SearchSpace restarts = v2_space();
  restarts.fault_kinds = {FaultKind::ProducerRestart, FaultKind::DelayResponse, FaultKind::DropResponse,
                          FaultKind::BrokerStall, FaultKind::FollowerStall, FaultKind::DropRequest};
  expect_v2_holds("zombie_fenced", restarts, 2, 1000);
  expect_v2_holds("no_aborted_reads", restarts, 3, 1000);
}

// One search, two protocols: on Kafka 2.8 (Transactions V1, no partition
// verification) it finds KAFKA-17754's late write as an aborted read and
// shrinks it; the same space, seed and budget on 4.0's Transactions V2
// finds nothing (above, with every fault kind).
TEST(TransactionsV2Holds, TheSearchThatFindsKafka17754OnV1FindsNothingOnV2) {
  const SearchSpace v1 = late_write_space_28();
  SearchSpace v2 = v1;
  v2.version = KafkaVersion::V4_0;
  const SearchOptions options{.seed = 1, .budget = 1000};
  const TimedSearch found = timed_search("no_aborted_reads", v1, options);
  print_measure("2.8 Transactions V1, read_committed: no_aborted_reads", found);
  ASSERT_TRUE(found.result.counterexample);
  EXPECT_TRUE(late_transaction_write(found.result.counterexample->history).has_value())
      << counterexample_text(found);
  EXPECT_GT(found.result.counterexample->shrink_steps, 0);
  const TimedSearch none = timed_search("no_aborted_reads", v2, options);
  print_measure("4.0 Transactions V2, read_committed: no_aborted_reads", none);
  EXPECT_EQ(none.result.cases, 1000);
  EXPECT_FALSE(none.result.counterexample) << counterexample_text(none);
}

// KAFKA-14053, a hanging transaction, found by the search: on Kafka 2.8
// (V1, no partition verification) a late write of an aborted transaction
// lands after its ABORT marker; when the application sends nothing more to
// the partition (max_resends_per_record=0), no marker ever ends it and the
// last stable offset stays below the high watermark (tests/scenarios/27).
// The same space on 3.9 (KIP-890 part 1 verification) finds nothing.
TEST(TransactionsV1, TheSearchFindsKafka14053sHangingTransactionOn28NotOn39) {
  SearchSpace v1 = late_write_space_28();
  v1.max_resends_per_record = 0;
  const SearchOptions options{.seed = 1, .budget = 1000};
  const TimedSearch found = timed_search("last_stable_offset_advances", v1, options);
  print_measure("2.8 Transactions V1, no re-sends: last_stable_offset_advances", found);
  ASSERT_TRUE(found.result.counterexample);
  SCOPED_TRACE(counterexample_text(found));
  EXPECT_TRUE(late_transaction_write(found.result.counterexample->history).has_value());
  EXPECT_GT(found.result.counterexample->shrink_steps, 0);
  EXPECT_LE(found.result.counterexample->spec.schedule.faults.size(), 3u);
  SearchSpace verified = v1;
  verified.version = KafkaVersion::V3_9;
  const TimedSearch none = timed_search("last_stable_offset_advances", verified, options);
  print_measure("3.9 Transactions V1, verification, no re-sends: last_stable_offset_advances", none);
  EXPECT_EQ(none.result.cases, 1000);
  EXPECT_FALSE(none.result.counterexample) << counterexample_text(none);
}

}  // namespace
}  // namespace kafka_model
