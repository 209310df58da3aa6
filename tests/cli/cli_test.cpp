// kafka-model's command line, run as a person runs it: exit codes, the
// messages for every kind of bad input (each naming file, line and key), the
// JSON shape, replay/scenario/sequence/transition.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

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

TEST_F(Cli, UnknownKafkaVersionIsExit2) {
  const CliRun r = check("acks=all\n", "--kafka-version 3.7");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "unknown --kafka-version '3.7' (known: 2.8, 3.9, 4.0, 4.3)")) << r.err;
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
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["kafka_version"], "3.9");
  EXPECT_EQ(doc["effective_config"]["enable.idempotence"], "false");
  EXPECT_EQ(doc["effective_config"]["min.insync.replicas"], "1");
  EXPECT_TRUE(doc["config_error"].is_null());
  ASSERT_EQ(doc["guarantees"].size(), 6u);
  bool saw_violation = false;
  for (const auto& g : doc["guarantees"]) {
    EXPECT_TRUE(g["verdict"] == "holds" || g["verdict"] == "violated");
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
  const CliRun r = check("enable.idempotence=false\n", "--guarantee no_duplicates_within_session --mermaid");
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

// --jobs changes how fast, never what: the same report and replay files.
TEST_F(Cli, JobsDoNotChangeTheReportOrTheReplayFiles) {
  const std::string producer = file("producer.properties", "enable.idempotence=false\nrequest.timeout.ms=1000\n");
  std::vector<std::string> reports, replays;
  for (const char* jobs : {"1", "2", "5"}) {
    const fs::path out = dir_ / (std::string("cx-") + jobs);
    const CliRun r = run("check --producer " + producer + " --budget 60 --seed 4 --json --jobs " + jobs + " --out " +
                         out.string());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    std::string text = r.out;
    for (std::size_t at; (at = text.find(out.string())) != std::string::npos;) text.replace(at, out.string().size(), "OUT");
    reports.push_back(text);
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(out)) names.insert(entry.path().filename().string());
    std::string files;
    for (const std::string& name : names) files += name + "\n" + slurp(out / name);
    replays.push_back(files);
  }
  EXPECT_NE(replays[0], "");
  for (std::size_t i = 1; i < reports.size(); ++i) {
    EXPECT_EQ(reports[i], reports[0]);
    EXPECT_EQ(replays[i], replays[0]);
  }
  EXPECT_EQ(run("check --producer " + producer + " --jobs 0").exit_code, 2);
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

TEST_F(Cli, ARuleBrokenByADefaultNamesTheFileTheKeyBelongsIn) {
  const std::string broker = file("b.properties", "model.brokers=2\n");
  const CliRun r = check("acks=all\n", "--broker " + broker);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "b.properties: key 'default.replication.factor' (not set: the default)")) << r.err;
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
