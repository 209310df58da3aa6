// Every configuration in examples/ gets the verdict Kafka's documentation
// predicts. The tool derives each verdict by search (seed 1); this table
// states what it must find. A violation must be found within the default
// budget (1000 schedules; the search stops at the first one); "holds" is
// checked with --budget 200 to keep the suite fast (it can only get
// weaker: fewer schedules, fewer chances to find a violation).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <vector>

#include "tests/cli/run_cli.hpp"

namespace kafka_model::cli_test {
namespace {

namespace fs = std::filesystem;

constexpr bool H = false;  // holds
constexpr bool V = true;   // violated

struct Example {
  const char* producer;
  const char* broker;  // "" = broker defaults
  // no_duplicates_within_session, no_duplicates, order_within_session,
  // no_lost_acknowledged_writes, acknowledged_offsets_correct
  bool violated[5];
  // Extra check arguments for the violations (default: none, the default budget).
  const char* violation_budget = "";
};

const char* const kGuarantees[5] = {"no_duplicates_within_session", "no_duplicates", "order_within_session",
                                    "no_lost_acknowledged_writes", "acknowledged_offsets_correct"};

// Why each row is right:
//  idempotent: nothing written twice or reordered within a session in the
//    default 1000 schedules from seed 1; a re-send after a producer restart
//    (new producer id) is a duplicate Kafka cannot see. Kafka's own rules do
//    allow a duplicate within a session (the restart snapshot,
//    tests/scenarios/16; the first-batch race, 12-15), but this budget and
//    seed no longer reach one since the fault space has leadership moves: a
//    sample's "holds" is not a proof (issue: the exhaustive explorer).
//  idempotence off, in-flight 5: a lost response duplicates, a retry reorders.
//  in-flight 1: still duplicates, but nothing overtakes a retry.
//  acks=0: a dropped request is lost silently; offsets are -1, never wrong;
//    a zombie instance and its replacement both write the same record (a
//    duplicate across two producer ids, no retry needed).
//  acks=1, replication 3: a leader crash before replication loses an
//    acknowledged record and hands its offset to another.
//  acks=all + min.insync.replicas=1 + unclean election: acknowledged loss;
//    with min.insync.replicas=2 and clean elections: none. Seed 1 finds the
//    loss at schedule 861 (seeds 2-8: 2376, 193, 476, 505, 265, 68, 55; the
//    fault times include the first round trips, properties/generators.hpp):
//    a stalled follower leaves the ISR at the leader's isr-expiration run
//    (every replica.lag.time.max.ms / 2), and acks=all answers within a fetch
//    round trip, so few schedules crash the last in-sync replica inside the
//    window. The search gets 5000 schedules for it (seeds vary widely).
//  transactional.id: runs transactions; within a session as the idempotent
//    producer; a restart re-sends what a committed transaction wrote (no
//    sendOffsetsToTransaction): a duplicate.
const Example kExamples[] = {
    {"producer-idempotent", "", {H, V, H, H, H}},
    {"producer-idempotence-off", "", {V, V, V, H, H}},
    {"producer-in-flight-1", "", {V, V, H, H, H}},
    {"producer-acks-0", "", {H, V, H, V, H}},
    {"producer-acks-1", "broker-replication-3", {V, V, V, V, V}},
    {"producer-acks-all", "broker-min-isr-1-unclean", {H, V, H, V, V}, " --budget 5000"},
    {"producer-acks-all", "broker-min-isr-2", {H, V, H, H, H}},
    {"producer-transactional", "", {H, V, H, H, H}},
};

std::string example_path(const std::string& name) { return source("examples/" + name + ".properties"); }

class Examples : public ::testing::TestWithParam<Example> {};

// Runs `check --json` on the example for `guarantees`; returns name -> verdict.
std::map<std::string, std::string> verdicts(const Example& e, const std::vector<std::string>& guarantees,
                                            const std::string& budget, const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (guarantees.empty()) return out;
  std::string args = "check --json --require all --producer " + example_path(e.producer) + " --out " +
                     (dir / "cx").string() + budget;
  if (*e.broker != '\0') args += " --broker " + example_path(e.broker);
  for (const std::string& g : guarantees) args += " --guarantee " + g;
  const CliRun r = run_kafka_model(args, dir);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  if (r.exit_code != 0 && r.exit_code != 1) return out;
  const auto doc = nlohmann::json::parse(r.out);
  for (const auto& g : doc["guarantees"]) out[g["name"]] = g["verdict"];
  EXPECT_EQ(r.exit_code, doc.dump().find("\"violated\"") != std::string::npos ? 1 : 0);
  return out;
}

TEST_P(Examples, CheckFindsTheDocumentedVerdicts) {
  const Example& e = GetParam();
  const fs::path dir = scratch_dir(std::string(e.producer) + "-" + e.broker);
  std::vector<std::string> expect_holds, expect_violated;
  for (int i = 0; i < 5; ++i) (e.violated[i] ? expect_violated : expect_holds).push_back(kGuarantees[i]);
  std::map<std::string, std::string> found = verdicts(e, expect_violated, e.violation_budget, dir);
  const std::map<std::string, std::string> held = verdicts(e, expect_holds, " --budget 200", dir);
  found.insert(held.begin(), held.end());
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(found[kGuarantees[i]], e.violated[i] ? "violated" : "holds") << kGuarantees[i];
}

std::string example_name(const ::testing::TestParamInfo<Example>& info) {
  std::string name = std::string(info.param.producer) + (*info.param.broker ? "_" : "") + info.param.broker;
  for (char& c : name)
    if (c == '-') c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllFiles, Examples, ::testing::ValuesIn(kExamples), example_name);

// The transaction guarantees, with the consumer that reads: the default
// read_uncommitted returns an aborted transaction's records (a verdict found
// by search: the application aborts some transactions, a restart fences one);
// read_committed never does, and sees each committed transaction whole.
struct TransactionalExample {
  const char* producer;
  const char* broker;    // "" = broker defaults
  const char* consumer;  // "" = Kafka's default consumer (read_uncommitted)
  const char* no_aborted_reads;
  const char* transactions_atomic;
};

const TransactionalExample kTransactionalExamples[] = {
    {"producer-transactional", "", "", "violated", "holds"},
    {"producer-transactional", "broker-min-isr-2", "consumer-read-committed", "holds", "holds"},
    {"producer-idempotent", "", "consumer-read-committed", "not_exercised", "not_exercised"},
};

TEST(TransactionalExamples, CheckFindsTheTransactionVerdicts) {
  for (const TransactionalExample& e : kTransactionalExamples) {
    const fs::path dir = scratch_dir(std::string("txn-") + e.producer + "-" + e.broker + "-" + e.consumer);
    std::string args = "check --json --producer " + example_path(e.producer) + " --out " + (dir / "cx").string() +
                       " --budget 200 --guarantee no_aborted_reads --guarantee transactions_atomic";
    if (*e.broker != '\0') args += " --broker " + example_path(e.broker);
    if (*e.consumer != '\0') args += " --consumer " + example_path(e.consumer);
    const CliRun r = run_kafka_model(args, dir);
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    std::map<std::string, std::string> found;
    for (const auto& g : doc["guarantees"]) found[g["name"]] = g["verdict"];
    EXPECT_EQ(found["no_aborted_reads"], e.no_aborted_reads) << e.producer << " " << e.consumer;
    EXPECT_EQ(found["transactions_atomic"], e.transactions_atomic) << e.producer << " " << e.consumer;
  }
}

// Consume-transform-produce (a consumer file with group.id): without
// sendOffsetsToTransaction (auto-commit, the consumer's default) a restart
// processes committed input again; with it each input is processed once.
struct ConsumingExample {
  const char* consumer;
  const char* verdict;  // exactly_once_consume_process_produce
};

const ConsumingExample kConsumingExamples[] = {
    {"consumer-consume-process-produce", "violated"},
    {"consumer-exactly-once", "holds"},
};

TEST(ConsumingExamples, CheckFindsTheExactlyOnceVerdicts) {
  for (const ConsumingExample& e : kConsumingExamples) {
    const fs::path dir = scratch_dir(std::string("cpp-") + e.consumer);
    const std::string args = "check --json --producer " + example_path("producer-transactional") + " --broker " +
                             example_path("broker-min-isr-2") + " --consumer " + example_path(e.consumer) +
                             " --out " + (dir / "cx").string() +
                             " --budget 200 --guarantee exactly_once_consume_process_produce";
    const CliRun r = run_kafka_model(args, dir);
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    ASSERT_EQ(doc["guarantees"].size(), 1u);
    EXPECT_EQ(doc["guarantees"][0]["verdict"], e.verdict) << e.consumer;
  }
}

// A new file in examples/ needs a row above.
TEST(ExamplesTable, CoversEveryFileInExamples) {
  std::set<std::string> covered;
  for (const Example& e : kExamples) {
    covered.insert(e.producer);
    if (*e.broker != '\0') covered.insert(e.broker);
  }
  for (const TransactionalExample& e : kTransactionalExamples)
    if (*e.consumer != '\0') covered.insert(e.consumer);
  for (const ConsumingExample& e : kConsumingExamples) covered.insert(e.consumer);
  for (const auto& entry : fs::directory_iterator(source("examples"))) {
    if (entry.path().extension() != ".properties") continue;
    EXPECT_EQ(covered.count(entry.path().stem().string()), 1u) << entry.path() << " has no expected verdicts";
  }
}

}  // namespace
}  // namespace kafka_model::cli_test
