// kafka-model's command line, run as a person runs it: exit codes, the
// messages for every kind of bad input (each naming file, line and key), the
// JSON shape, replay/scenario/sequence/transition.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/junit.hpp"
#include "cli/kafka_release.hpp"
#include "cli/report.hpp"
#include "properties/allowed.hpp"
#include "tests/cli/run_cli.hpp"

namespace kafka_model::cli_test {
namespace {

namespace fs = std::filesystem;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = scratch_dir(::testing::UnitTest::GetInstance()->current_test_info()->name()); }
  // Writes `text` as <dir>/<name> and returns its path.
  std::string file(const std::string& name, const std::string& text) {
    write_file(dir_ / name, text);
    return (dir_ / name).string();
  }
  CliRun run(const std::string& args) { return run_kafka_model(args, dir_); }
  CliRun check(const std::string& producer_text, const std::string& extra = "") {
    return run("check --producer " + file("producer.properties", producer_text) + " --budget 20 --out " +
               (dir_ / "cx").string() + " " + extra);
  }
  fs::path dir_;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A row of check's verdict table: the guarantee's name padded to the
// table's column (cli::guarantee_column_width), then `rest`.
std::string table_row(const std::string& guarantee, const std::string& rest) {
  return fmt::format("{:<{}} {}", guarantee, cli::guarantee_column_width(), rest);
}

// ------------------------------------------------------------ check: input

TEST_F(Cli, MissingProducerFileIsExit2NamingThePath) {
  const CliRun r = run("check --producer " + (dir_ / "nope.properties").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "nope.properties: no such file")) << r.err;
}

TEST_F(Cli, ADirectoryIsNotAReadableFile) {
  const CliRun r = run("check --producer " + dir_.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, ": not a regular file")) << r.err;
}

TEST_F(Cli, UnreadableFileIsExit2) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads any file";
  const std::string path = file("secret.properties", "acks=all\n");
  fs::permissions(path, fs::perms::none);
  const CliRun r = run("check --producer " + path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "secret.properties: cannot read")) << r.err;
}

TEST_F(Cli, MalformedLineNamesFileAndLine) {
  const CliRun r = check("acks=all\n\nretries=\\u00zz\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "producer.properties:3: malformed \\uXXXX escape")) << r.err;
}

TEST_F(Cli, WrongValuesNameFileLineAndKeyWithKafkasText) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"# acks must be 0, 1 or all\nacks=2\n", "producer.properties:2: key 'acks': Invalid value 2 for configuration acks"},
      {"acks=all\nretries=-1\n", "producer.properties:2: key 'retries': Invalid value -1 for configuration retries"},
      {"batch.size=abc\n", "producer.properties:1: key 'batch.size': Invalid value abc for configuration batch.size"},
  };
  for (const auto& [text, message] : cases) {
    const CliRun r = check(text);
    EXPECT_EQ(r.exit_code, 2) << text;
    EXPECT_TRUE(contains(r.err, message)) << r.err;
  }
}

TEST_F(Cli, BrokerFileErrorsNameTheBrokerFile) {
  const std::string broker = file("broker.properties", "model.brokers=3\nmin.insync.replicas=0\n");
  const CliRun r = check("acks=all\n", "--broker " + broker);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "broker.properties:2: key 'min.insync.replicas': Invalid value 0")) << r.err;
}

TEST_F(Cli, UnknownKeyIsAWarningNamingItsLine) {
  const CliRun r = check("acks=all\nfoo.bar=1\n", "--guarantee no_duplicates_within_session");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "WARN These configurations '[foo.bar]' were supplied but are not used yet.")) << r.out;
  EXPECT_TRUE(contains(r.out, "producer.properties:2: foo.bar")) << r.out;
}

TEST_F(Cli, UnknownKeyUnderStrictIsExit2NamingFileLineAndKey) {
  const CliRun r = check("acks=all\nfoo.bar=1\n", "--strict");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "producer.properties:2: key 'foo.bar': Unknown producer configuration 'foo.bar'"))
      << r.err;
}

TEST_F(Cli, KafkaRefusingTheConfigurationIsExit3WithKafkasMessage) {
  const CliRun r = check("enable.idempotence=true\nacks=1\n");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.out, "Kafka refuses this configuration: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "producer.properties:")) << r.out;
  const CliRun j = check("enable.idempotence=true\nmax.in.flight.requests.per.connection=6\n", "--json");
  EXPECT_EQ(j.exit_code, 3);
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_TRUE(doc["config_error"].is_string());
  EXPECT_TRUE(contains(doc["config_error"].get<std::string>(), "max.in.flight.requests.per.connection"));
  EXPECT_TRUE(doc["guarantees"].empty());
}

TEST_F(Cli, AKafkaVersionThatIsNoReleaseIsExit2) {
  CliRun r = check("acks=all\n", "--kafka-version 3.x.y");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--kafka-version '3.x.y': not a Kafka release (write it as 3.5 or 3.9.0; modelled "
                              "rules: 2.8, 3.9, 4.0, 4.3)"))
      << r.err;
  r = check("acks=all\n", "--kafka-version 1.1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "older than the oldest modelled rules (2.8)")) << r.err;
}

TEST_F(Cli, UnknownGuaranteeIsExit2ListingTheKnownOnes) {
  const CliRun r = check("acks=all\n", "--guarantee exactly_once");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "unknown --guarantee 'exactly_once' (known: no_duplicates_within_session,")) << r.err;
}

TEST_F(Cli, UsageErrorsAreExit2) {
  EXPECT_EQ(run("check").exit_code, 2);              // --producer is required
  EXPECT_EQ(run("frobnicate").exit_code, 2);         // unknown subcommand
  EXPECT_EQ(check("acks=all\n", "--budget 0").exit_code, 2);
  EXPECT_EQ(run("--help").exit_code, 0);
}

// ------------------------------------------------------------ check: output

TEST_F(Cli, EffectiveConfigurationShowsIdempotenceSilentlyOffIn3x) {
  const CliRun r = check("acks=1\n", "--guarantee order_within_session");
  EXPECT_TRUE(contains(r.out, "enable.idempotence                       false")) << r.out;
  EXPECT_TRUE(contains(r.out, "acks                                     1  (set at ")) << r.out;
}

TEST_F(Cli, JsonHasTheDocumentedShape) {
  const CliRun r = check("enable.idempotence=false\nmax.in.flight.requests.per.connection=5\n", "--json --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;  // what is violated, Kafka does not promise here
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["exit_code"], 0);
  EXPECT_TRUE(doc["notes"].is_array());
  EXPECT_EQ(doc["model_cluster_keys"][0], "default.replication.factor");
  EXPECT_EQ(doc["kafka_version"], "3.9");
  EXPECT_EQ(doc["effective_config"]["enable.idempotence"], "false");
  EXPECT_EQ(doc["effective_config"]["min.insync.replicas"], "1");
  EXPECT_TRUE(doc["config_error"].is_null());
  ASSERT_EQ(doc["guarantees"].size(), 11u);
  bool saw_violation = false;
  for (const auto& g : doc["guarantees"]) {
    if (g["name"] == "no_aborted_reads" || g["name"] == "transactions_atomic" || g["name"] == "zombie_fenced" ||
        g["name"] == "last_stable_offset_advances" || g["name"] == "exactly_once_consume_process_produce") {
      EXPECT_EQ(g["verdict"], "not_exercised");  // no transactional.id: no transaction ran
      continue;
    }
    EXPECT_TRUE(g["verdict"] == "holds" || g["verdict"] == "violated");
    EXPECT_EQ(g["required"], g["kafka_promises"]);
    EXPECT_GT(g["acknowledged_sends"].get<int>(), 0);
    EXPECT_LE(g["schedules_with_acknowledged_send"].get<int>(), g["schedules_judged"].get<int>());
    EXPECT_FALSE(g["unexpected_violation"].get<bool>());
    EXPECT_TRUE(g["known_exceptions"].is_array());
    EXPECT_TRUE(g["violation_is_known_exception"].is_null() || g["violation_is_known_exception"].is_string());
    EXPECT_GE(g["schedules_explored"].get<int>(), 1);
    if (g["verdict"] == "holds") {
      EXPECT_TRUE(g["counterexample"].is_null());
      continue;
    }
    saw_violation = true;
    const auto& c = g["counterexample"];
    EXPECT_TRUE(fs::exists(c["replay_file"].get<std::string>()));
    EXPECT_EQ(c["steps"].get<std::size_t>(), c["timeline"].size());
    EXPECT_FALSE(c["faults"].empty());
  }
  EXPECT_TRUE(saw_violation);
}

TEST_F(Cli, GuaranteeOptionSelectsAndOrders) {
  const CliRun r = check("acks=all\n", "--json --guarantee order_within_session --guarantee no_duplicates_within_session");
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["guarantees"].size(), 2u);
  EXPECT_EQ(doc["guarantees"][0]["name"], "order_within_session");
  EXPECT_EQ(doc["guarantees"][1]["name"], "no_duplicates_within_session");
}

TEST_F(Cli, TextReportPrintsTimelineFaultsReplayAndRemedy) {
  const CliRun r = check("enable.idempotence=false\n", "--guarantee no_duplicates_within_session --mermaid --require all");
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.out, "== no_duplicates_within_session: violated")) << r.out;
  EXPECT_TRUE(contains(r.out, "Faults:\n  1. ")) << r.out;
  EXPECT_TRUE(contains(r.out, "   1  t=    0ms  producer-1")) << r.out;
  EXPECT_TRUE(contains(r.out, "Replay: kafka-model replay ")) << r.out;
  EXPECT_TRUE(contains(r.out, "Remedy: enable.idempotence=true")) << r.out;
  EXPECT_TRUE(contains(r.out, "```mermaid\nsequenceDiagram\n")) << r.out;
}

TEST_F(Cli, SameSeedSameOutput) {
  const CliRun a = check("enable.idempotence=false\n", "--seed 7");
  const CliRun b = check("enable.idempotence=false\n", "--seed 7");
  EXPECT_EQ(a.out, b.out);
}

// check says how many distinct world states its faults struck (issue 11's
// coverage behind a "holds"), over the schedules it simulated.
TEST_F(Cli, TheReportCountsTheWorldStatesItsFaultsStruck) {
  const CliRun r = check("acks=all\n", "--json --guarantee no_lost_acknowledged_writes");
  const auto doc = nlohmann::json::parse(r.out);
  const auto& c = doc["search_coverage"];
  ASSERT_TRUE(c.is_object()) << r.out;
  EXPECT_EQ(c["schedules"], doc["guarantees"][0]["schedules_explored"]);
  EXPECT_GT(c["fault_points"].get<int>(), 0);
  EXPECT_GT(c["distinct_fault_states"].get<int>(), 0);
  EXPECT_LE(c["distinct_fault_states"].get<int>(), c["fault_points"].get<int>());
  const CliRun text = check("acks=all\n", "--guarantee no_lost_acknowledged_writes");
  EXPECT_TRUE(contains(text.out, "Coverage: faults took effect at " + std::to_string(c["fault_points"].get<int>()) +
                                     " point(s) of the 20 schedule(s) simulated, in " +
                                     std::to_string(c["distinct_fault_states"].get<int>()) + " distinct world states"))
      << text.out;
}

TEST_F(Cli, NoProgressIndicatorWhenStderrIsNotATerminal) {
  const CliRun r = check("acks=all\n");
  EXPECT_EQ(r.err, "");
}

// ------------------------------------------------- replay, scenario, sequence

TEST_F(Cli, ReplayOfACounterexampleReproducesItsTimeline) {
  const CliRun found = check("enable.idempotence=false\n", "--json --guarantee no_duplicates_within_session");
  const auto cx = nlohmann::json::parse(found.out)["guarantees"][0]["counterexample"];
  const CliRun replayed = run("replay --json " + cx["replay_file"].get<std::string>());
  EXPECT_EQ(replayed.exit_code, 1) << replayed.err;
  const auto doc = nlohmann::json::parse(replayed.out);
  for (const auto& g : doc["guarantees"]) {
    EXPECT_EQ(g["schedules_explored"], 1);
    if (g["name"] == "no_duplicates_within_session") {
      EXPECT_EQ(g["verdict"], "violated");
      EXPECT_EQ(g["counterexample"]["timeline"], cx["timeline"]);
    }
  }
}

TEST_F(Cli, ReplayOfCorruptOrTruncatedFilesIsExit2NamingTheFile) {
  const std::string good = slurp(source("tests/scenarios/01-response-lost-idempotence-off.json"));
  const std::string truncated = file("truncated.json", good.substr(0, good.size() / 2));
  CliRun r = run("replay " + truncated);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "truncated.json")) << r.err;
  r = run("replay " + file("corrupt.json", "{\"faults\": [{\"kind\": \"Explode\"}]}"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "corrupt.json: faults[0].kind")) << r.err;
  r = run("replay " + (dir_ / "missing.json").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "missing.json")) << r.err;
  r = run("replay " + file("binary.json", std::string("\x00\x01\xff", 3)));
  EXPECT_EQ(r.exit_code, 2);
}

// Inputs a fuzzing pass found crashing, hanging or misattributed; each is
// now a clear exit 2.
TEST_F(Cli, AFaultOnABrokerTheClusterDoesNotHaveIsExit2) {
  const CliRun r = run("replay " + file("c1.json", R"({"faults":[{"kind":"BrokerCrash","at_ms":6,"broker":3}]})"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "c1.json: field 'faults[0].broker': BrokerCrash on broker 3, but model.brokers=3"))
      << r.err;
}

TEST_F(Cli, ReplayReadsOnlyRegularFiles) {
  for (const char* special : {"/dev/zero", "/dev/null"}) {
    const CliRun r = run(std::string("replay ") + special);
    EXPECT_EQ(r.exit_code, 2) << special;
    EXPECT_TRUE(contains(r.err, "not a regular file")) << r.err;
  }
}

TEST_F(Cli, AnOutPathThatIsAFileIsExit2BeforeSearching) {
  const std::string not_a_dir = file("afile", "x");
  const CliRun r = run("check --producer " + source("examples/producer-acks-1.properties") + " --budget 1 --out " +
                       not_a_dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "--out")) << r.err;
}

TEST_F(Cli, ASeedMustBeAWholeUnsignedNumber) {
  for (const char* seed : {"-1", "18446744073709551616", "1.5", "x"}) {
    const CliRun r = check("acks=all\n", std::string("--seed ") + seed);
    EXPECT_EQ(r.exit_code, 2) << seed;
    EXPECT_TRUE(contains(r.err, "--seed")) << r.err;
  }
}

TEST_F(Cli, ABrokerKeyErrorNamesTheBrokerFileEvenIfTheProducerFileHasItToo) {
  const std::string broker = file("b.properties", "# broker\nmodel.brokers=0\n");
  const CliRun r = check("acks=1\nmodel.brokers=5\n", "--broker " + broker);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "b.properties:2: key 'model.brokers'")) << r.err;
}

TEST_F(Cli, AReplicationFactorAboveTheBrokersNamesItsLine) {
  const std::string broker = file("b.properties", "model.brokers=2\ndefault.replication.factor=3\n");
  const CliRun r = check("acks=all\n", "--broker " + broker);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "b.properties:2: key 'default.replication.factor'")) << r.err;
}

TEST_F(Cli, NumbersBeyondWhatJsonCanHoldAreAMalformedFile) {
  const CliRun r = run("replay " + file("big.json", R"({"producer":{"retries":1e400}})"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "big.json: malformed JSON")) << r.err;
}

TEST_F(Cli, ReplayOfARefusedConfigurationIsExit3) {
  const CliRun r = run("replay " + file("refused.json", R"({"producer": {"enable.idempotence": "true", "acks": "0"}})"));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.out, "Kafka refuses this configuration: ")) << r.out;
}

TEST_F(Cli, ScenarioChecksItsExpectations) {
  CliRun r = run("scenario " + source("tests/scenarios/01-response-lost-idempotence-off.json"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "all met")) << r.out;
  std::string wrong = slurp(source("tests/scenarios/01-response-lost-idempotence-off.json"));
  const auto doc = nlohmann::json::parse(wrong);
  nlohmann::json flipped = doc;
  flipped["expect_holds"] = doc.value("expect_violated", nlohmann::json::array());
  flipped.erase("expect_violated");
  r = run("scenario " + file("flipped.json", flipped.dump()));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "FAILED: expected ")) << r.out;
  flipped["expect_holds"] = {"exactly_once"};
  r = run("scenario " + file("unknown.json", flipped.dump()));
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(Cli, SequencePrintsAMermaidDiagram) {
  const CliRun r = run("sequence " + source("tests/scenarios/01-response-lost-idempotence-off.json"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("sequenceDiagram\n    participant app\n    participant producer\n", 0), 0u) << r.out;
  EXPECT_TRUE(contains(r.out, "    app->>producer: [")) << r.out;
  EXPECT_TRUE(contains(r.out, "--xproducer: [")) << r.out;  // the lost response
  EXPECT_TRUE(contains(r.out, "-->>consumer: [")) << r.out;
  EXPECT_FALSE(contains(r.out, ";")) << "a ';' ends a Mermaid message";
}

// ------------------------------------------- verdicts that must not mislead

// Kafka 2.8 refuses every acks=all write when min.insync.replicas exceeds
// the replicas (3.7+ caps it: Partition.effectiveMinIsr): nothing is
// acknowledged, so nothing "holds".
TEST_F(Cli, AGuaranteeNoSendExercisedIsNotExercisedNotHolds) {
  const std::string broker = file("b.properties", "min.insync.replicas=4\n");
  const CliRun r = check("acks=all\n", "--kafka-version 2.8 --broker " + broker);
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, table_row("no_lost_acknowledged_writes", "NOT EXERCISED"))) << r.out;
  EXPECT_FALSE(contains(r.out, " holds ")) << r.out;
  EXPECT_TRUE(contains(r.out, "FAIL no_lost_acknowledged_writes: required but never exercised (exit 5).")) << r.out;
  const CliRun j = check("acks=all\n", "--json --kafka-version 2.8 --broker " + broker);
  const auto doc = nlohmann::json::parse(j.out);
  for (const auto& g : doc["guarantees"]) {
    EXPECT_EQ(g["verdict"], "not_exercised") << g["name"];
    EXPECT_EQ(g["acknowledged_sends"], 0);
    EXPECT_GT(g["sends"].get<int>(), 0);
  }
  EXPECT_EQ(doc["exit_code"], 5);
}

TEST_F(Cli, TheReportSaysWhatHoldsMeans) {
  const CliRun r = check("acks=all\n", "--guarantee order_within_session");
  EXPECT_TRUE(contains(r.out, "holds = no counterexample in that many schedules of this fault model (every fault kind "
                              "but transient refusals, crashed brokers keeping their disk"))
      << r.out;
  EXPECT_TRUE(contains(r.out, table_row("order_within_session", "holds                20"))) << r.out;
}

// The guarantee column is as wide as the longest registered name
// (exactly_once_consume_process_produce, 36 characters, overran the 30 it
// once had): every verdict stands under the table's "verdict" header.
TEST_F(Cli, TheVerdictTableLinesUpForTheLongestGuaranteeName) {
  const CliRun r = check("acks=all\n", "--guarantee exactly_once_consume_process_produce");
  const std::string name = "exactly_once_consume_process_produce";
  std::size_t header_verdict = std::string::npos, row_verdict = std::string::npos;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  guarantee ", 0) == 0) header_verdict = line.find("verdict");
    if (line.rfind("  " + name + " ", 0) == 0) row_verdict = line.find_first_not_of(' ', 2 + name.size());
  }
  ASSERT_NE(header_verdict, std::string::npos) << r.out;
  EXPECT_EQ(row_verdict, header_verdict) << r.out;
  EXPECT_GE(static_cast<std::size_t>(cli::guarantee_column_width()), name.size());
}

TEST_F(Cli, ACounterexampleOnASmallerClusterSaysSo) {
  const CliRun r = check("enable.idempotence=false\n", "--guarantee no_duplicates_within_session --json");
  const auto cx = nlohmann::json::parse(r.out)["guarantees"][0]["counterexample"];
  ASSERT_EQ(cx["brokers"], "1") << r.out;  // the search shrank the cluster
  const CliRun t = check("enable.idempotence=false\n", "--guarantee no_duplicates_within_session");
  EXPECT_TRUE(contains(t.out, "Cluster: this counterexample runs on 1 broker(s), not your 3: the search shrinks the "
                              "cluster"))
      << t.out;
}

TEST_F(Cli, KafkasSettingsAreApartFromTheModelsClusterShape) {
  const CliRun r = check("acks=all\n", "--guarantee order_within_session");
  const std::size_t kafka_block = r.out.find("  broker/topic:\n");
  const std::size_t model_block = r.out.find("The model's cluster (its shape and what-if knobs, not Kafka settings):\n");
  ASSERT_NE(kafka_block, std::string::npos) << r.out;
  ASSERT_NE(model_block, std::string::npos) << r.out;
  const std::size_t rf = r.out.find("default.replication.factor               3  [Kafka's broker default is 1]");
  EXPECT_GT(rf, model_block) << r.out;
  EXPECT_NE(rf, std::string::npos) << r.out;
  EXPECT_GT(r.out.find("min.insync.replicas"), kafka_block);
  EXPECT_LT(r.out.find("min.insync.replicas"), model_block);
}

TEST_F(Cli, ASingleBrokerDevelopmentSetupIsExpressible) {
  const std::string broker = file("b.properties", "model.brokers=1\n");
  const CliRun r = check("acks=all\n", "--broker " + broker + " --guarantee no_lost_acknowledged_writes");
  EXPECT_NE(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.out, "default.replication.factor               1")) << r.out;
  EXPECT_TRUE(contains(r.out, "NOTE default.replication.factor is not set and the cluster has 1 broker(s) (" + broker +
                                  ":1): the model's topic gets 1 replica(s)"))
      << r.out;
}

// A transactional.id runs transactions; the transaction guarantees are
// found, never advised to a producer that has one; without --consumer the
// consumer is read_uncommitted (Kafka's default) and reads aborted records.
TEST_F(Cli, ATransactionalIdRunsTransactions) {
  const CliRun r = run("check --producer " + source("examples/producer-transactional.properties") +
                       " --budget 50 --guarantee no_duplicates --guarantee no_aborted_reads --out " +
                       (dir_ / "cx").string());
  EXPECT_TRUE(contains(r.out, "NOTE This producer has a transactional.id: the model runs it in transactions")) << r.out;
  EXPECT_TRUE(contains(r.out, "isolation.level=read_uncommitted (Kafka's default")) << r.out;
  EXPECT_FALSE(contains(r.out, "Remedy: set transactional.id")) << r.out;
  EXPECT_TRUE(contains(r.out, "Remedy: isolation.level=read_committed on the consumer")) << r.out;
  EXPECT_TRUE(contains(r.out, "== no_aborted_reads: violated")) << r.out;
  const std::string consumer = file("consumer.properties", "isolation.level=read_committed\n");
  const CliRun committed = run("check --producer " + source("examples/producer-transactional.properties") +
                               " --consumer " + consumer + " --budget 50 --guarantee no_aborted_reads --out " +
                               (dir_ / "cx2").string());
  EXPECT_EQ(committed.exit_code, 0) << committed.out << committed.err;
  EXPECT_TRUE(contains(committed.out, table_row("no_aborted_reads", "holds"))) << committed.out;
  const std::string bad = file("bad.properties", "isolation.level=serializable\n");
  const CliRun refused = run("check --producer " + source("examples/producer-transactional.properties") +
                             " --consumer " + bad + " --budget 5");
  EXPECT_EQ(refused.exit_code, 2) << refused.out;
  EXPECT_TRUE(contains(refused.err + refused.out, "isolation.level")) << refused.err;
}

TEST_F(Cli, ANonTransactionalProducerNeverExercisesTheTransactionGuarantees) {
  const CliRun r = check("acks=all\n", "--guarantee no_aborted_reads --guarantee transactions_atomic");
  EXPECT_TRUE(contains(r.out, table_row("no_aborted_reads", "NOT EXERCISED"))) << r.out;
  EXPECT_TRUE(contains(r.out, table_row("transactions_atomic", "NOT EXERCISED"))) << r.out;
  EXPECT_TRUE(contains(r.out, "no transaction completed in any schedule")) << r.out;
}

// A known exception (the restart snapshot on a single broker; the
// first-batch race in scenario 12): the summary and the detail name the same one.
TEST_F(Cli, SummaryAndDetailAgreeOnAKnownException) {
  write_file(dir_ / "one-broker.properties", "model.brokers=1\n");
  const CliRun r = run("check --producer " + source("examples/producer-idempotent.properties") + " --broker " +
                       (dir_ / "one-broker.properties").string() +
                       " --guarantee no_duplicates_within_session --out " + (dir_ / "cx").string() + " --junit " +
                       (dir_ / "junit.xml").string());
  ASSERT_TRUE(contains(r.out, "VIOLATED")) << r.out;
  EXPECT_TRUE(contains(r.out, "yes, except the restart snapshot: this is it")) << r.out;
  EXPECT_TRUE(contains(r.out, "Kafka promises it, except in the restart snapshot: this counterexample is it.")) << r.out;
  EXPECT_FALSE(contains(r.out, "a bug in Kafka or the model")) << r.out;
  EXPECT_EQ(r.exit_code, 1) << "required (promised), violated, a known exception: 1, not 4";
  const std::string junit = slurp(dir_ / "junit.xml");
  EXPECT_TRUE(contains(junit, "<failure type=\"violated\"")) << junit;
  EXPECT_FALSE(contains(junit, "<error")) << junit;
  const CliRun race = run("replay " + source("tests/scenarios/12-known-race-refused-first-batch-of-a-new-producer-id.json"));
  EXPECT_TRUE(contains(race.out, table_row("no_duplicates_within_session", "VIOLATED"))) << race.out;
  EXPECT_TRUE(contains(race.out, "yes, except KAFKA-19880: this is it")) << race.out;
  EXPECT_TRUE(contains(race.out, "Kafka promises it, except in the first-batch race (KAFKA-19880): this counterexample "
                                 "is it."))
      << race.out;
  EXPECT_FALSE(contains(race.out, "a bug in Kafka or the model")) << race.out;
}

// ------------------------------------------------------ exit codes for CI

TEST_F(Cli, RequireDecidesTheExitCode) {
  const std::string p = "enable.idempotence=false\n";
  EXPECT_EQ(check(p, "--guarantee no_duplicates_within_session").exit_code, 0);  // not promised: not required
  EXPECT_EQ(check(p, "--require no_duplicates_within_session").exit_code, 1);
  EXPECT_EQ(check(p, "--require all").exit_code, 1);
  EXPECT_EQ(check(p, "--require none").exit_code, 0);
  const CliRun only = check(p, "--guarantee order_within_session --require no_duplicates_within_session --json");
  const auto doc = nlohmann::json::parse(only.out);
  ASSERT_EQ(doc["guarantees"].size(), 2u) << "a required guarantee is searched too";
  EXPECT_EQ(doc["guarantees"][1]["name"], "no_duplicates_within_session");
  EXPECT_EQ(doc["guarantees"][1]["required"], true);
  EXPECT_EQ(doc["guarantees"][0]["required"], false);
  const CliRun typo = check(p, "--require no_duplicate");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_TRUE(contains(typo.err, "unknown --require 'no_duplicate'")) << typo.err;
  EXPECT_TRUE(contains(typo.err, "(did you mean 'no_duplicates'?)")) << typo.err;
}

// A promised guarantee violated by none of the known exceptions: exit 4 and
// a JUnit <error>, whatever was required.
TEST(CliReport, APromiseBrokenByNoKnownExceptionIsExit4) {
  cli::Report report;
  cli::Verdict v;
  v.guarantee = "no_duplicates_within_session";
  v.violated = true;
  v.promise = Promise{true, "KIP-98", {KnownException{"the first-batch race", "KAFKA-19880", "open", "m"}}};
  v.counterexample = cli::CounterexampleReport{"x.json", {}, {}, {Anomaly{"no_duplicates_within_session", "duplicate", "twice"}}, 1, 0};
  v.exercise.acknowledged = 1;
  report.verdicts.push_back(v);
  report.requirements = true;
  EXPECT_TRUE(cli::unexpected_violation(report.verdicts[0]));
  EXPECT_EQ(cli::exit_code_for(report), cli::kUnexpectedViolation);
  report.verdicts[0].required = false;
  EXPECT_EQ(cli::exit_code_for(report), cli::kUnexpectedViolation);
  const std::string text = cli::render_text(report);
  EXPECT_TRUE(contains(text, "ALARM no_duplicates_within_session: Kafka promises it")) << text;
  const std::string junit = cli::render_junit(report, "p.properties");
  EXPECT_TRUE(contains(junit, "<error type=\"promised-but-violated\"")) << junit;
  EXPECT_TRUE(contains(junit, "errors=\"1\"")) << junit;
  report.verdicts[0].promise.promised = false;  // the same violation, not promised: no alarm
  EXPECT_EQ(cli::exit_code_for(report), cli::kOk);
}

TEST_F(Cli, JunitHasOneTestCasePerGuarantee) {
  const std::string junit_path = (dir_ / "out" / "junit.xml").string();
  fs::create_directories(dir_ / "out");
  const CliRun r = check("enable.idempotence=false\n", "--require no_duplicates_within_session --junit " + junit_path);
  EXPECT_EQ(r.exit_code, 1);
  const std::string xml = slurp(junit_path);
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kafka-model\" tests=\"11\"", 0), 0u)
      << xml;
  std::size_t cases = 0;
  for (std::size_t at = 0; (at = xml.find("<testcase ", at)) != std::string::npos; ++at) ++cases;
  EXPECT_EQ(cases, 11u);
  EXPECT_TRUE(contains(xml, "name=\"no_duplicates_within_session\">\n      <failure type=\"violated\"")) << xml;
  EXPECT_TRUE(contains(xml, "failures=\"1\"")) << xml;
  EXPECT_TRUE(contains(xml, "<skipped message=\"not required: no_duplicates: violated")) << xml;
  EXPECT_EQ(cli::xml_escape("a<b&\"\x01"), "a&lt;b&amp;&quot;\\x01");
  const CliRun refused = check("enable.idempotence=true\nacks=1\n", "--junit " + junit_path);
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_TRUE(contains(slurp(junit_path), "<failure type=\"kafka-refuses\"")) << slurp(junit_path);
}

TEST_F(Cli, VersionIsExit0) {
  const CliRun r = run("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("kafka-model 0.1.0 (models the rules of Kafka 2.8, 3.9, 4.0, 4.3", 0), 0u) << r.out;
}

// linger.ms at Long.MAX: no batch is ever sent; with max.block.ms at
// Long.MAX too the faults never heal early (World::producer_retries_past_bound
// waits max.block.ms), so each schedule runs to the model's bounds. The time
// limit answers and says what it covered.
TEST_F(Cli, ATimeLimitAnswersAndSaysWhatItCovered) {
  const CliRun r = run("check --producer " +
                       file("p.properties", "linger.ms=9223372036854775807\nmax.block.ms=9223372036854775807\n") +
                       " --budget 1000 --time-limit 2 --json --out " + (dir_ / "cx").string());
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_TRUE(doc["time_limit"].is_string()) << r.out;
  EXPECT_TRUE(contains(doc["time_limit"], "Time limit 2 s reached: the search covered only")) << doc["time_limit"];
  EXPECT_TRUE(contains(doc["time_limit"], "would take about")) << doc["time_limit"];
  for (const auto& g : doc["guarantees"]) {
    EXPECT_TRUE(g["time_limited"].get<bool>()) << g["name"];
    EXPECT_LT(g["schedules_explored"].get<int>(), 1000);
    EXPECT_EQ(g["verdict"], "not_exercised");
  }
  EXPECT_EQ(r.exit_code, 5);
  const CliRun fits = check("acks=all\n", "--guarantee order_within_session --time-limit 600");
  EXPECT_TRUE(contains(fits.out, "Time limit 600 s: the whole search fitted (20 schedules per guarantee).")) << fits.out;
}

TEST(KafkaRelease, AnyReleaseMapsToTheRulesItRuns) {
  const auto rules = [](const char* text) { return cli::parse_kafka_release(text).release->rules; };
  EXPECT_EQ(rules("3.5"), KafkaVersion::V3_9);
  EXPECT_EQ(rules("3.9.0"), KafkaVersion::V3_9);
  EXPECT_EQ(rules("3.0.0"), KafkaVersion::V2_8);  // KAFKA-13598: the idempotence default not applied
  EXPECT_EQ(rules("3.0.1"), KafkaVersion::V3_9);
  EXPECT_EQ(rules("2.6"), KafkaVersion::V2_8);
  EXPECT_EQ(rules("4.1.0"), KafkaVersion::V4_0);
  EXPECT_EQ(rules("4.5"), KafkaVersion::V4_3);
  EXPECT_EQ(cli::parse_kafka_release("3.9").release->note, "");
  EXPECT_TRUE(contains(cli::parse_kafka_release("3.5").release->note,
                       "Kafka 3.5 runs the model's 3.9 rules: the 3.x line's rules; retry.backoff.max.ms (KIP-580) only "
                       "exists from 3.7"));
  EXPECT_FALSE(cli::parse_kafka_release("0.11").release);
  EXPECT_FALSE(cli::parse_kafka_release("3.").release);
  EXPECT_FALSE(cli::parse_kafka_release("").release);
}

TEST_F(Cli, KafkaVersionSaysWhichRulesItUses) {
  const CliRun r = check("acks=all\n", "--kafka-version 3.5 --guarantee order_within_session");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "kafka-model check: Kafka 3.5, producer ")) << r.out;
  EXPECT_TRUE(contains(r.out, "Kafka 3.5 runs the model's 3.9 rules")) << r.out;
}

// ------------------------------------------------ the files people really have

TEST_F(Cli, SpringBootPropertiesAndYamlAreReadAsTheProducerTheyConfigure) {
  for (const char* name : {"15-spring-boot-application.properties", "17-spring-boot-application.yml"}) {
    const CliRun r = run("check --json --budget 2 --guarantee order_within_session --producer " +
                         source(std::string("tests/cli/configs/") + name) + " --out " + (dir_ / "cx").string());
    ASSERT_NE(r.exit_code, 2) << name << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["effective_config"]["retries"], "1") << name;
    EXPECT_EQ(doc["effective_config"]["acks"], "all") << name;
    EXPECT_EQ(doc["effective_config"]["transactional.id"], "transaction") << name;
    const std::string notes = doc["notes"].dump();
    EXPECT_TRUE(contains(notes, "read as Spring Boot")) << notes;
    EXPECT_TRUE(contains(notes, "spring.kafka.producer.transaction-id-prefix is a prefix")) << notes;
    EXPECT_TRUE(contains(notes, "the model runs it in transactions")) << notes;
  }
  const CliRun yml = run("check --budget 2 --guarantee order_within_session --producer " +
                         source("tests/cli/configs/17-spring-boot-application.yml") + " --out " + (dir_ / "cx").string());
  EXPECT_TRUE(contains(yml.out, "17-spring-boot-application.yml:8)")) << "the YAML line of retries: " << yml.out;
  EXPECT_TRUE(contains(yml.out, "were left out (first: spring.kafka.consumer.")) << yml.out;
}

TEST_F(Cli, SpringPrecedenceProducerOverCommonProperties) {
  const CliRun r = check("spring.kafka.properties.linger.ms=5\nspring.kafka.producer.properties.linger.ms=7\n"
                         "spring.kafka.producer.batch-size=1000\n",
                         "--json --guarantee order_within_session");
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["effective_config"]["linger.ms"], "7") << r.out;
  EXPECT_EQ(doc["effective_config"]["batch.size"], "1000") << r.out;
  EXPECT_TRUE(contains(doc["notes"].dump(), "spring.kafka.producer.properties.linger.ms overrides")) << r.out;
}

TEST_F(Cli, ConnectStreamsAndMirrorMakerPrefixes) {
  CliRun r = check("bootstrap.servers=x:9092\ngroup.id=connect\nproducer.acks=1\nproducer.override.acks=0\n",
                   "--json --guarantee order_within_session");
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["effective_config"]["acks"], "0") << "producer.override. wins: " << r.out;
  EXPECT_TRUE(contains(doc["notes"].dump(), "read as Kafka Connect")) << r.out;
  r = check("application.id=wordcount\nlinger.ms=50\nproducer.linger.ms=100\nprocessing.guarantee=exactly_once_v2\n",
            "--json --guarantee order_within_session");
  doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["effective_config"]["linger.ms"], "100") << r.out;
  EXPECT_TRUE(contains(doc["notes"].dump(), "read as Kafka Streams")) << r.out;
  EXPECT_TRUE(contains(doc["notes"].dump(), "processing.guarantee=exactly_once_v2")) << r.out;
  r = run("check --json --budget 2 --guarantee order_within_session --producer " +
          source("tests/cli/configs/16-mm2-connect-mirror-maker.properties") + " --out " + (dir_ / "cx").string());
  doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["effective_config"]["batch.size"], "327680") << r.out;
  EXPECT_EQ(doc["effective_config"]["linger.ms"], "100") << r.out;
  EXPECT_TRUE(contains(doc["notes"].dump(), "read as MirrorMaker 2")) << r.out;
  r = check("clusters=a,b\na.producer.acks=1\nb.producer.acks=all\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "producer settings for more than one cluster (a, b)")) << r.err;
}

TEST_F(Cli, APastedProducerConfigLogIsReadAsKafkaLoggedIt) {
  const CliRun r = run("check --json --budget 2 --guarantee order_within_session --producer " +
                       source("tests/cli/configs/11-producerconfig-log-dump-3x.properties") + " --out " +
                       (dir_ / "cx").string());
  ASSERT_NE(r.exit_code, 2) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["effective_config"]["acks"], "all");
  EXPECT_EQ(doc["effective_config"]["batch.size"], "16384") << "the note after ' #' is dropped";
  EXPECT_EQ(doc["effective_config"]["transactional.id"], "null") << "logged as null: unset";
  EXPECT_EQ(doc["effective_config"]["partitioner.class"], "org.apache.kafka.clients.producer.internals.DefaultPartitioner");
  EXPECT_TRUE(contains(doc["notes"].dump(), "read as a pasted \\\"ProducerConfig values:\\\" log")) << doc["notes"];
}

TEST_F(Cli, AFormatNotReadIsRefusedSayingWhatIs) {
  for (const char* text : {"kafka {\n  acks = all\n}\n", "{\"acks\": \"all\"}\n"}) {
    const CliRun r = check(text);
    EXPECT_EQ(r.exit_code, 2) << text;
    EXPECT_TRUE(contains(r.err, "which kafka-model does not read: give it a Java .properties file, a YAML file")) << r.err;
  }
  const CliRun yaml = run("check --producer " + file("app.yml", "spring:\n  kafka: [unclosed\n") + " --out " +
                          (dir_ / "cx").string());
  EXPECT_EQ(yaml.exit_code, 2);
  EXPECT_TRUE(contains(yaml.err, "app.yml:")) << yaml.err;
  EXPECT_TRUE(contains(yaml.err, "not valid YAML")) << yaml.err;
}

TEST_F(Cli, AKeyInTheWrongFileSaysWhereItBelongs) {
  const std::string broker = file("b.properties", "acks=all\n");
  const CliRun r = check("min.insync.replicas=2\n", "--broker " + broker);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "producer.properties:1: key 'min.insync.replicas' is a broker/topic setting, not the "
                              "producer's (the producer ignores it): put it in the --broker file"))
      << r.err;
  EXPECT_TRUE(contains(r.err, "b.properties:1: key 'acks' is a producer setting: put it in the --producer file")) << r.err;
}

TEST_F(Cli, ATypoGetsDidYouMean) {
  const CliRun r = check("enable.idempotnce=true\n", "--guarantee order_within_session");
  EXPECT_TRUE(contains(r.out, "producer.properties:1: unknown key 'enable.idempotnce': did you mean "
                              "'enable.idempotence'?"))
      << r.out;
  const CliRun g = check("acks=all\n", "--guarantee no_duplicate_within_session");
  EXPECT_TRUE(contains(g.err, "(did you mean 'no_duplicates_within_session'?)")) << g.err;
}

// Kafka reads .properties as ISO-8859-1 (Utils.loadProps): a UTF-8 byte
// order mark is part of the first key, which the producer then ignores.
TEST_F(Cli, AByteOrderMarkIsNamedAsKafkaReadsIt) {
  const CliRun r = check("\xEF\xBB\xBF" "acks=1\n", "--guarantee order_within_session");
  EXPECT_NE(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.out, "producer.properties:1: the file starts with a UTF-8 byte order mark")) << r.out;
  EXPECT_TRUE(contains(r.out, "so the producer does not see 'acks'")) << r.out;
  EXPECT_TRUE(contains(r.out, "acks                                     all")) << "Kafka's default, as Kafka would run";
}

TEST_F(Cli, ControlCharactersAreEscapedInMessages) {
  const CliRun r = check("acks=a\x1b[2Jb\n");  // in the middle: Kafka's ConfigDef trims the ends
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(contains(r.err, "\x1b")) << "an escape sequence reaches the terminal";
  EXPECT_TRUE(contains(r.err, "\\x1B[2J")) << r.err;
}

TEST_F(Cli, EveryErrorOfAFileIsReported) {
  const CliRun r = run("check --producer " + source("tests/cli/configs/07-robconrad-hocon-as-pasted.properties") +
                       " --out " + (dir_ / "cx").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, " error(s):\n")) << r.err;
  EXPECT_TRUE(contains(r.err, "07-robconrad-hocon-as-pasted.properties:13: key 'buffer.memory'")) << r.err;
  EXPECT_TRUE(contains(r.err, "07-robconrad-hocon-as-pasted.properties:14: key 'retries'")) << r.err;
  EXPECT_TRUE(contains(r.err, "(a .properties line has no inline comments")) << r.err;
  EXPECT_TRUE(contains(r.err, "(quotes are part of a .properties value)") ||
              contains(r.err, "acks")) << r.err;
  const CliRun two = check("retries=\\u00zz\nlinger.ms=\\u00qq\n");
  EXPECT_TRUE(contains(two.err, "producer.properties:1: malformed")) << two.err;
  EXPECT_TRUE(contains(two.err, "producer.properties:2: malformed")) << two.err;
}

TEST_F(Cli, JsonErrorsAreJson) {
  const CliRun r = check("retries=x\nlinger.ms=y\n", "--json");
  EXPECT_EQ(r.exit_code, 2);
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["exit_code"], 2);
  ASSERT_EQ(doc["errors"].size(), 2u) << r.out;
  EXPECT_TRUE(contains(doc["errors"][0], "key 'linger.ms'") || contains(doc["errors"][0], "key 'retries'"));
  const CliRun seed = check("acks=all\n", "--json --seed x");
  EXPECT_TRUE(nlohmann::json::parse(seed.out)["error"].is_string()) << seed.out;
}

// ------------------------------------------------------- smaller things

TEST_F(Cli, NoReplayDirectoryWhenNothingIsViolatedAndNoStaleFiles) {
  const fs::path out = dir_ / "never-made";
  CliRun r = run("check --producer " + file("p.properties", "acks=all\n") +
                 " --budget 5 --guarantee order_within_session --out " + out.string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(out)) << "created although nothing was violated";
  write_file(dir_ / "cx" / "no_duplicates_within_session.json", "{\"stale\": true}");
  r = run("check --producer " + file("p.properties", "acks=all\n") +
          " --budget 1 --guarantee no_duplicates_within_session --out " + (dir_ / "cx").string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "cx" / "no_duplicates_within_session.json")) << "an old replay file left beside new verdicts";
}

TEST_F(Cli, ABudgetThatIsNoNumberSaysSo) {
  const CliRun r = run("check --producer " + file("p.properties", "acks=all\n") + " --budget abc");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--budget 'abc': must be a whole number of schedules from 1 to 1000000")) << r.err;
}

TEST_F(Cli, AGuaranteeNamedTwiceIsSearchedOnce) {
  const CliRun r = check("acks=all\n", "--json --guarantee order_within_session --guarantee order_within_session");
  EXPECT_EQ(nlohmann::json::parse(r.out)["guarantees"].size(), 1u) << r.out;
}

TEST_F(Cli, AMistypedCommandIsNamed) {
  const CliRun r = run("chek --producer x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "kafka-model: unknown command 'chek' (commands: check, merge, explore, replay, scenario, sequence, "
                              "transition, diagrams) (did you mean 'check'?)"))
      << r.err;
}

TEST_F(Cli, DiagramsNeedAnOutDirectory) {
  const CliRun r = run("diagrams");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(contains(r.err, "--out")) << r.err;
}

TEST_F(Cli, ANonTransactionalProducerCannotReachATransaction) {
  const CliRun r = run("transition READY IN_TRANSACTION");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "IllegalStateException: Transactional method invoked on a non-transactional producer."))
      << r.out;
  EXPECT_EQ(run("transition READY IN_TRANSACTION --transactional-id t").exit_code, 0);
}

// ------------------------------------------------------------ transition

TEST_F(Cli, TransitionPrintsKafkasIllegalStateException) {
  const CliRun r = run("transition READY ABORTING_TRANSACTION --transactional-id prod-0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.out, "IllegalStateException: TransactionalId prod-0: Invalid transition attempted from "
                              "state READY to state ABORTING_TRANSACTION"))
      << r.out;
  const CliRun ok = run("transition IN_TRANSACTION ABORTING_TRANSACTION --transactional-id prod-0");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_TRUE(contains(ok.out, "UNINITIALIZED -> INITIALIZING -> READY -> IN_TRANSACTION")) << ok.out;
  EXPECT_EQ(run("transition READY NOWHERE").exit_code, 2);
}

}  // namespace
}  // namespace kafka_model::cli_test

// ------------------------------------------------------------ explore

namespace kafka_model::cli_test {
namespace {

// explore --json has the issue's fields, and a guarantee's verdict says what
// the behaviours exercised, as check's does: "holds" for the idempotence
// promises every behaviour acknowledged sends for, NOT EXERCISED for the
// transaction guarantees of a producer without transactional.id (no
// transaction ran), never "holds" for what nothing exercised.
TEST_F(Cli, ExploreJsonHasItsFieldsAndVerdictsSayWhatWasExercised) {
  const CliRun r = run("explore --producer " + file("producer.properties", "enable.idempotence=true\n") +
                       " --records 2 --faults 1 --json --out " + (dir_ / "cx").string());
  const auto doc = nlohmann::json::parse(r.out);
  for (const char* key : {"states_explored", "distinct_states", "states_per_second", "peak_memory_bytes", "depth"})
    EXPECT_TRUE(doc.contains(key)) << key;
  EXPECT_GT(doc["distinct_states"].get<std::int64_t>(), 0);
  EXPECT_TRUE(doc["complete"].get<bool>());
  std::map<std::string, std::string> verdict;
  for (const auto& g : doc["guarantees"]) {
    verdict[g["name"]] = g["verdict"];
    if (g["verdict"] != "violated") EXPECT_TRUE(g["holds_within_bounds"].get<bool>()) << g["name"];
  }
  EXPECT_EQ(verdict["no_duplicates_within_session"], "holds");
  EXPECT_EQ(verdict["order_within_session"], "holds");
  EXPECT_EQ(verdict["no_aborted_reads"], "not_exercised");
  EXPECT_EQ(verdict["zombie_fenced"], "not_exercised");
  // A transactional producer exercises them.
  const CliRun t = run("explore --producer " + source("examples/producer-transactional.properties") +
                       " --records 2 --faults 1 --json --out " + (dir_ / "cx2").string());
  const auto tdoc = nlohmann::json::parse(t.out);
  for (const auto& g : tdoc["guarantees"])
    if (g["name"] == "zombie_fenced" || g["name"] == "transactions_atomic") EXPECT_EQ(g["verdict"], "holds") << g["name"];
}

// explore judges the promises with the consumer file: read_committed and
// sendOffsetsToTransaction (enable.auto.commit=false) make
// exactly_once_consume_process_produce promised, and exercised.
TEST_F(Cli, ExplorePromisesWithTheConsumerFile) {
  const CliRun r = run("explore --producer " + source("examples/producer-transactional.properties") + " --broker " +
                       source("examples/broker-min-isr-2.properties") + " --consumer " +
                       source("examples/consumer-exactly-once.properties") +
                       " --records 2 --faults 1 --json --guarantee exactly_once_consume_process_produce"
                       " --guarantee no_aborted_reads --out " + (dir_ / "cx").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["guarantees"].size(), 2u);
  for (const auto& g : doc["guarantees"]) {
    EXPECT_EQ(g["verdict"], "holds") << g["name"];
    EXPECT_EQ(g["kafka_promises"], true) << g["name"];
  }
}

}  // namespace
}  // namespace kafka_model::cli_test
