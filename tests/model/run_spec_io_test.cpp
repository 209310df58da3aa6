// model: RunSpec as JSON — round trip, defaults, and a clear error (never an
// exception) for every kind of bad scenario file. Also the fault and workload
// names the files use.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "model/chooser.hpp"
#include "model/fault_schedule.hpp"
#include "model/run_spec_io.hpp"
#include "model/workload.hpp"

namespace kafka_model {
namespace {

// One fault of every kind, each with exactly the fields its kind uses.
FaultSchedule every_fault_kind() {
  return FaultSchedule{{
      Fault{.kind = FaultKind::DropRequest, .request = 1},
      Fault{.kind = FaultKind::DropResponse, .request = 2},
      Fault{.kind = FaultKind::DelayResponse, .request = 3, .duration_ms = 300},
      Fault{.kind = FaultKind::ErrorResponse, .request = 4, .error = Errors::NOT_LEADER_OR_FOLLOWER},
      Fault{.kind = FaultKind::Disconnect, .at_ms = 10},
      Fault{.kind = FaultKind::BrokerCrash, .at_ms = 20, .broker = 0},
      Fault{.kind = FaultKind::BrokerRestart, .at_ms = 30, .broker = 0},
      Fault{.kind = FaultKind::FollowerStall, .at_ms = 5, .broker = 2, .duration_ms = 400},
      Fault{.kind = FaultKind::BrokerStall, .at_ms = 40, .broker = 1, .duration_ms = 50},
      Fault{.kind = FaultKind::ProducerRestart, .at_ms = 60},
  }};
}

RunSpec full_spec() {
  RunSpec spec;
  spec.version = KafkaVersion::V2_8;
  spec.producer = {{"acks", "all"}, {"enable.idempotence", "false"}, {"retries", "0"}};
  spec.broker = {{"min.insync.replicas", "2"}, {"unclean.leader.election.enable", "true"}};
  spec.workload = Workload{.records = 7, .keys = 0, .send_interval_ms = 3, .record_size_bytes = 1,
                           .max_resends_per_record = 0, .mode = DeliveryMode::Synchronous};
  spec.schedule = every_fault_kind();
  spec.seed = std::numeric_limits<std::uint64_t>::max();
  spec.description = "lost \"response\"\nthen caf\xc3\xa9";
  return spec;
}

RunSpecParse parse(const std::string& text) {
  RunSpecParse parsed;
  EXPECT_NO_THROW(parsed = parse_run_spec(text, "replay.json")) << text;
  return parsed;
}

// ---- names --------------------------------------------------------------------

TEST(FaultKindNames, EveryKindHasAUniqueNameThatParsesBack) {
  std::set<std::string_view> names;
  for (int i = 0; i < kFaultKindCount; ++i) {
    const auto kind = static_cast<FaultKind>(i);
    EXPECT_TRUE(names.insert(to_string(kind)).second);
    EXPECT_EQ(parse_fault_kind(to_string(kind)), kind);
    EXPECT_EQ(is_message_fault(kind), fault_fields(kind).request);
  }
  EXPECT_EQ(parse_fault_kind("dropresponse"), std::nullopt);
  // A value past the last kind (a corrupt cast) names nothing, never reads past the table.
  EXPECT_EQ(to_string(static_cast<FaultKind>(kFaultKindCount)), "?");
}

TEST(FaultDescribe, OneLineAPersonReads) {
  const std::vector<std::string> expected = {
      "DropRequest request=1",
      "DropResponse request=2",
      "DelayResponse request=3 by=300ms",
      "ErrorResponse request=4 error=NOT_LEADER_OR_FOLLOWER",
      "Disconnect at=10ms",
      "BrokerCrash at=20ms broker=0",
      "BrokerRestart at=30ms broker=0",
      "FollowerStall at=5ms broker=2 for=400ms",
      "BrokerStall at=40ms broker=1 for=50ms",
      "ProducerRestart at=60ms",
  };
  const FaultSchedule schedule = every_fault_kind();
  ASSERT_EQ(schedule.faults.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(describe(schedule.faults[i]), expected[i]);
}

TEST(DeliveryModeNames, ParseBackAndRejectOthers) {
  for (auto mode : {DeliveryMode::AtLeastOnce, DeliveryMode::FireAndForget, DeliveryMode::Synchronous}) {
    DeliveryMode parsed = DeliveryMode::AtLeastOnce;
    EXPECT_TRUE(parse_delivery_mode(to_string(mode), parsed));
    EXPECT_EQ(parsed, mode);
  }
  DeliveryMode untouched = DeliveryMode::FireAndForget;
  EXPECT_FALSE(parse_delivery_mode("exactly-once", untouched));
  EXPECT_EQ(untouched, DeliveryMode::FireAndForget);
}

// ---- round trip ---------------------------------------------------------------

TEST(RunSpecJson, RoundTripsEveryFaultKindVersionAndMode) {
  for (auto version : {KafkaVersion::V2_8, KafkaVersion::V3_9, KafkaVersion::V4_0}) {
    for (auto mode : {DeliveryMode::AtLeastOnce, DeliveryMode::FireAndForget, DeliveryMode::Synchronous}) {
      RunSpec spec = full_spec();
      spec.version = version;
      spec.workload.mode = mode;
      spec.expect_violated = {"no_duplicates"};
      spec.expect_holds = {"no_duplicates_within_session", "order_within_session"};
      const RunSpecParse parsed = parse(to_json(spec));
      ASSERT_TRUE(parsed.spec) << parsed.error;
      EXPECT_EQ(*parsed.spec, spec);
    }
  }
  const RunSpecParse defaults = parse(to_json(RunSpec{}));
  ASSERT_TRUE(defaults.spec) << defaults.error;
  EXPECT_EQ(*defaults.spec, RunSpec{});
}

TEST(RunSpecJson, WritesPrettyDeterministicJsonInAFixedKeyOrder) {
  RunSpec spec;
  spec.description = "one lost response";
  spec.producer = {{"retries", "5"}, {"acks", "all"}};
  spec.workload.records = 1;
  spec.schedule.faults = {Fault{.kind = FaultKind::DropResponse, .request = 1},
                          Fault{.kind = FaultKind::BrokerCrash, .at_ms = 20, .broker = 0}};
  const std::string expected = R"({
  "description": "one lost response",
  "kafka_version": "3.9",
  "seed": 1,
  "producer": {
    "acks": "all",
    "retries": "5"
  },
  "broker": {},
  "workload": {
    "records": 1,
    "keys": 1,
    "send_interval_ms": 1,
    "record_size_bytes": 100,
    "max_resends_per_record": 3,
    "mode": "at-least-once"
  },
  "faults": [
    {
      "kind": "DropResponse",
      "request": 1
    },
    {
      "kind": "BrokerCrash",
      "at_ms": 20,
      "broker": 0
    }
  ]
}
)";
  EXPECT_EQ(to_json(spec), expected);
  EXPECT_EQ(to_json(spec), to_json(RunSpec(spec)));
}

// Recorded Chooser decisions (model/chooser.hpp, ReplayChooser): written
// after the faults only when there are some, so every file without them
// writes byte for byte as before; they read back; a negative or non-integer
// value names its element.
TEST(RunSpecJson, RecordedChoicesRoundTripAndAreOmittedWhenEmpty) {
  RunSpec spec = full_spec();
  EXPECT_EQ(to_json(spec).find("choices"), std::string::npos);
  spec.choices = {2, 0, 1, 17};
  const std::string text = to_json(spec);
  EXPECT_NE(text.find("\"choices\": [\n    2,\n    0,\n    1,\n    17\n  ]"), std::string::npos) << text;
  EXPECT_LT(text.find("\"faults\""), text.find("\"choices\""));
  const RunSpecParse parsed = parse(text);
  ASSERT_TRUE(parsed.spec) << parsed.error;
  EXPECT_EQ(*parsed.spec, spec);
}

// ReplayChooser: the recorded values first, the seed's draws after, the
// seed's generator drawn at every decision: an empty list is SeededChooser,
// a list that repeats the seed's draws changes nothing, and a value outside
// the decision's range is not used but kept as the mismatch to report.
TEST(ReplayChooser, RecordedValuesThenTheSeedsDraws) {
  SeededChooser seeded(7);
  std::vector<std::uint64_t> draws;
  for (int i = 0; i < 6; ++i) draws.push_back(seeded.choose(3, "network.delay"));
  ReplayChooser empty({}, 7), same({draws[0], draws[1]}, 7), other({(draws[0] + 1) % 3}, 7);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(empty.choose(3, "network.delay"), draws[i]);
    EXPECT_EQ(same.choose(3, "network.delay"), draws[i]);
    EXPECT_EQ(other.choose(3, "network.delay"), i == 0 ? (draws[0] + 1) % 3 : draws[i]);
  }
  ReplayChooser bad({5}, 7);
  EXPECT_EQ(bad.choose(3, "fetch.jitter"), draws[0]);
  ASSERT_TRUE(bad.mismatch());
  EXPECT_EQ(bad.mismatch()->index, 0u);
  EXPECT_EQ(bad.mismatch()->what, "fetch.jitter");
  EXPECT_FALSE(same.mismatch());
}

TEST(RunSpecJson, MissingSectionsTakeDefaults) {
  const RunSpecParse parsed = parse("{}");
  ASSERT_TRUE(parsed.spec) << parsed.error;
  EXPECT_EQ(*parsed.spec, RunSpec{});
  const RunSpecParse partial = parse(R"({"workload": {"records": 3}})");
  ASSERT_TRUE(partial.spec) << partial.error;
  Workload expected;
  expected.records = 3;
  EXPECT_EQ(partial.spec->workload, expected);
  EXPECT_EQ(partial.spec->seed, 1u);
  EXPECT_EQ(partial.spec->version, KafkaVersion::V3_9);
}

TEST(RunSpecJson, PropertyValuesMayBeStringsNumbersOrBooleans) {
  const RunSpecParse parsed = parse(R"({
    // a comment a person left in a scenario
    "kafka_version": 4.0,
    "producer": {"retries": 0, "enable.idempotence": false, "acks": "all", "weird": 1.5, "big": 18446744073709551615},
    "broker": {"min.insync.replicas": 2, "unclean.leader.election.enable": true}
  })");
  ASSERT_TRUE(parsed.spec) << parsed.error;
  EXPECT_EQ(parsed.spec->version, KafkaVersion::V4_0);
  const std::map<std::string, std::string> producer = {
      {"retries", "0"}, {"enable.idempotence", "false"}, {"acks", "all"}, {"weird", "1.5"},
      {"big", "18446744073709551615"}};
  EXPECT_EQ(parsed.spec->producer, producer);
  const std::map<std::string, std::string> broker = {{"min.insync.replicas", "2"},
                                                     {"unclean.leader.election.enable", "true"}};
  EXPECT_EQ(parsed.spec->broker, broker);
}

// ---- bad input ----------------------------------------------------------------

struct BadCase {
  std::string text;
  std::string error;
};

void expect_errors(const std::vector<BadCase>& cases) {
  for (const BadCase& c : cases) {
    const RunSpecParse parsed = parse(c.text);
    EXPECT_FALSE(parsed.spec) << c.text;
    EXPECT_EQ(parsed.error, c.error) << c.text;
  }
}

const std::string kAllKinds =
    "DropRequest, DropResponse, DelayResponse, ErrorResponse, Disconnect, BrokerCrash, BrokerRestart, "
    "FollowerStall, BrokerStall, ProducerRestart, LeaderMovedAway, PreferredLeaderElection, ProducerZombie";
const std::string kBrokerErrors =
    "NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, OUT_OF_ORDER_SEQUENCE_NUMBER, "
    "INVALID_PRODUCER_EPOCH, REQUEST_TIMED_OUT, NETWORK_EXCEPTION, UNKNOWN_PRODUCER_ID, DUPLICATE_SEQUENCE_NUMBER";

TEST(RunSpecJsonErrors, UnknownNamesListTheKnownOnes) {
  expect_errors({
      {R"({"faults": [{"kind": "DropRequest", "request": 1}, {"kind": "Disconnect", "at_ms": 1},
                      {"kind": "DropEverything"}]})",
       "replay.json: faults[2].kind: unknown fault kind 'DropEverything' (one of: " + kAllKinds + ")"},
      {R"({"faults": [{"kind": "ErrorResponse", "request": 1, "error": "NOT_LEADER"}]})",
       "replay.json: faults[0].error: unknown error 'NOT_LEADER' (one of: " + kBrokerErrors + ")"},
      {R"({"faults": [{"kind": "ErrorResponse", "request": 1, "error": "NONE"}]})",
       "replay.json: faults[0].error: NONE is not an error a broker answers (one of: " + kBrokerErrors + ")"},
      {R"({"faults": [{"kind": "ErrorResponse", "request": 1, "error": "TimeoutException"}]})",
       "replay.json: faults[0].error: TimeoutException is not an error a broker answers (one of: " + kBrokerErrors + ")"},
      {R"({"kafka_version": "3.5"})", "replay.json: kafka_version: unknown Kafka version '3.5' (one of: 2.8, 3.9, 4.0, 4.3)"},
      {R"({"workload": {"mode": "exactly-once"}})",
       "replay.json: workload.mode: unknown delivery mode 'exactly-once' (one of: at-least-once, fire-and-forget, "
       "synchronous)"},
      {R"({"fualts": []})",
       "replay.json: fualts: unknown top-level key (one of: description, kafka_version, seed, producer, broker, "
       "consumer, workload, faults, choices, expect_violated, expect_holds)"},
      {R"({"workload": {"record": 3}})",
       "replay.json: workload.record: unknown workload key (one of: records, keys, send_interval_ms, "
       "record_size_bytes, max_resends_per_record, mode, records_per_transaction, abort_every)"},
      {R"({"faults": [{"kind": "BrokerCrash", "at_ms": 1, "brokers": 0}]})",
       "replay.json: faults[0].brokers: unknown fault key (one of: kind, request, at_ms, broker, duration_ms, error)"},
  });
}

TEST(RunSpecJsonErrors, NegativeAndOutOfRangeNumbers) {
  expect_errors({
      {R"({"faults": [{"kind": "DropResponse", "request": -1}]})",
       "replay.json: faults[0].request: must be at least 1 (the n-th produce request, 1-based), got -1"},
      {R"({"faults": [{"kind": "DropResponse", "request": 0}]})",
       "replay.json: faults[0].request: must be at least 1 (the n-th produce request, 1-based), got 0"},
      {R"({"faults": [{"kind": "DropResponse", "request": 2147483648}]})",
       "replay.json: faults[0].request: must be at most 2147483647 (the n-th produce request, 1-based), got 2147483648"},
      {R"({"faults": [{"kind": "BrokerCrash", "at_ms": -20, "broker": 0}]})",
       "replay.json: faults[0].at_ms: must be at least 0, got -20"},
      {R"({"faults": [{"kind": "FollowerStall", "at_ms": 5, "broker": 2, "duration_ms": -400}]})",
       "replay.json: faults[0].duration_ms: must be at least 0, got -400"},
      {R"({"faults": [{"kind": "BrokerCrash", "at_ms": 5, "broker": -1}]})",
       "replay.json: faults[0].broker: must be at least 0 (a broker id), got -1"},
      {R"({"seed": -1})", "replay.json: seed: must be at least 0, got -1"},
      {R"({"workload": {"records": -3}})", "replay.json: workload.records: must be at least 0, got -3"},
      {R"({"workload": {"send_interval_ms": -1}})", "replay.json: workload.send_interval_ms: must be at least 0, got -1"},
  });
}

TEST(RunSpecJsonErrors, RecordedChoicesAreNonNegativeIntegers) {
  expect_errors({
      {R"({"choices": 3})", "replay.json: choices: expected an array of non-negative integers, got number 3"},
      {R"({"choices": [1, -2]})", "replay.json: choices[1]: must be at least 0, got -2"},
      {R"({"choices": [1, "2"]})", "replay.json: choices[1]: expected a non-negative integer, got string \"2\""},
  });
}

TEST(RunSpecJsonErrors, WrongTypes) {
  expect_errors({
      {R"([{"seed": 1}])", "replay.json: expected a JSON object, got array"},
      {R"({"seed": "1"})", "replay.json: seed: expected a non-negative integer, got string \"1\""},
      {R"({"seed": 1.5})", "replay.json: seed: expected a non-negative integer, got number 1.5"},
      {R"({"description": 3})", "replay.json: description: expected a string, got number 3"},
      {R"({"kafka_version": ["3.9"]})", "replay.json: kafka_version: expected a string such as \"3.9\", got array"},
      {R"({"producer": ["acks=all"]})", "replay.json: producer: expected a JSON object, got array"},
      {R"({"producer": {"acks": null}})",
       "replay.json: producer.acks: expected a string, number or boolean, got null"},
      {R"({"broker": {"x": {"y": 1}}})", "replay.json: broker.x: expected a string, number or boolean, got object"},
      {R"({"workload": 10})", "replay.json: workload: expected a JSON object, got number 10"},
      {R"({"workload": {"records": "ten"}})", "replay.json: workload.records: expected an integer, got string \"ten\""},
      {R"({"workload": {"records": 2.5}})", "replay.json: workload.records: expected an integer, got number 2.5"},
      {R"({"faults": {"kind": "DropResponse"}})", "replay.json: faults: expected an array, got object"},
      {R"({"faults": [3]})", "replay.json: faults[0]: expected a JSON object, got number 3"},
      {R"({"faults": [{"kind": 1}]})", "replay.json: faults[0].kind: expected a string, got number 1"},
      {R"({"faults": [{"kind": "DropResponse", "request": "1"}]})",
       "replay.json: faults[0].request: expected an integer, got string \"1\""},
  });
}

TEST(RunSpecJsonErrors, FaultFieldsMustMatchTheKind) {
  expect_errors({
      {R"({"faults": [{"request": 1}]})", "replay.json: faults[0].kind: missing (one of: " + kAllKinds + ")"},
      {R"({"faults": [{"kind": "DropResponse"}]})", "replay.json: faults[0].request: missing: DropResponse needs request"},
      {R"({"faults": [{"kind": "FollowerStall", "at_ms": 5, "broker": 2}]})",
       "replay.json: faults[0].duration_ms: missing: FollowerStall needs at_ms, broker, duration_ms"},
      {R"({"faults": [{"kind": "DropResponse", "at_ms": 20}]})",
       "replay.json: faults[0].request: missing: DropResponse needs request"},
      {R"({"faults": [{"kind": "DropResponse", "request": 1, "at_ms": 20}]})",
       "replay.json: faults[0].at_ms: DropResponse does not use at_ms (it takes: request); a message fault targets "
       "the n-th produce request"},
      {R"({"faults": [{"kind": "BrokerCrash", "at_ms": 20, "broker": 0, "error": "NONE"}]})",
       "replay.json: faults[0].error: BrokerCrash does not use error (it takes: at_ms, broker)"},
  });
}

// nlohmann::json would keep the last of two equal keys silently: an error
// naming the file and the key's path instead, at any depth; equal keys in
// different objects are fine.
TEST(RunSpecJsonErrors, ADuplicateKeyIsAnErrorNamingTheFileAndTheKey) {
  const std::string why = "a JSON object may name a key once (the parser would silently keep the last value)";
  expect_errors({
      {R"({"seed": 1, "seed": 2})", "replay.json: seed: duplicate key 'seed': " + why},
      {R"({"producer": {"acks": "all", "linger.ms": 5, "acks": "1"}})",
       "replay.json: producer.acks: duplicate key 'acks': " + why},
      {R"({"faults": [{"kind": "DropRequest", "request": 1}, {"kind": "DropRequest", "request": 2, "request": 3}]})",
       "replay.json: faults[1].request: duplicate key 'request': " + why},
      {"{\"broker\": {}, // a comment\n \"broker\": {}}", "replay.json: broker: duplicate key 'broker': " + why},
  });
  EXPECT_TRUE(parse(R"({"producer": {"acks": "all"}, "broker": {"min.insync.replicas": 2},
                        "faults": [{"kind": "DropRequest", "request": 1}, {"kind": "DropRequest", "request": 2}]})")
                  .spec);
}

TEST(RunSpecJsonErrors, MalformedJsonReportsLineAndColumn) {
  const RunSpecParse bad = parse("{\n  \"seed\": 1,\n  \"faults\": [,]\n}");
  EXPECT_FALSE(bad.spec);
  EXPECT_EQ(bad.error.rfind("replay.json: malformed JSON: parse error at line 3, column 14: syntax error", 0), 0u)
      << bad.error;
  const RunSpecParse empty = parse("");
  EXPECT_EQ(empty.error.rfind("replay.json: malformed JSON: ", 0), 0u) << empty.error;
}

TEST(RunSpecJsonErrors, TruncatedFileSaysSo) {
  const std::string text = to_json(full_spec());
  const RunSpecParse parsed = parse(text.substr(0, text.size() / 2));
  EXPECT_FALSE(parsed.spec);
  EXPECT_EQ(parsed.error.rfind("replay.json: malformed JSON: parse error at line", 0), 0u) << parsed.error;
  EXPECT_NE(parsed.error.find("(the file ends early: truncated?)"), std::string::npos) << parsed.error;
}

// Every prefix and many corruptions of a valid file: an answer, never an exception.
TEST(RunSpecJsonErrors, NoPrefixOrCorruptionThrows) {
  const std::string text = to_json(full_spec());
  for (std::size_t n = 0; n < text.size(); ++n) {
    const RunSpecParse parsed = parse(text.substr(0, n));
    EXPECT_NE(parsed.spec.has_value(), !parsed.error.empty()) << n;
  }
  SplitMix64 random(42);
  const std::string alphabet = "{}[]\",:-0123456789.e \xff\xc3\\nul";
  for (int round = 0; round < 2000; ++round) {
    std::string corrupt = text;
    corrupt[random.next() % corrupt.size()] = alphabet[random.next() % alphabet.size()];
    const RunSpecParse parsed = parse(corrupt);
    EXPECT_NE(parsed.spec.has_value(), !parsed.error.empty()) << corrupt;
  }
}

// ---- files --------------------------------------------------------------------

TEST(LoadRunSpec, MissingFileOrDirectoryIsAnErrorNamingThePath) {
  const RunSpecParse missing = load_run_spec("/nonexistent/replay.json");
  EXPECT_FALSE(missing.spec);
  EXPECT_EQ(missing.error, "/nonexistent/replay.json: cannot read the file: it does not exist");
  const std::string dir = std::filesystem::temp_directory_path().string();
  EXPECT_EQ(load_run_spec(dir).error, dir + ": cannot read the file: it is a directory");
}

TEST(LoadRunSpec, ReadsAFileAndNamesItInErrors) {
  const auto dir = std::filesystem::temp_directory_path() / "km_run_spec_io_test";
  std::filesystem::create_directories(dir);
  const std::string good = (dir / "good.json").string(), bad = (dir / "bad.json").string();
  std::ofstream(good) << to_json(full_spec());
  std::ofstream(bad) << R"({"faults": [{"kind": "DropEverything"}]})";
  const RunSpecParse loaded = load_run_spec(good);
  ASSERT_TRUE(loaded.spec) << loaded.error;
  EXPECT_EQ(*loaded.spec, full_spec());
  EXPECT_EQ(load_run_spec(bad).error,
            bad + ": faults[0].kind: unknown fault kind 'DropEverything' (one of: " + kAllKinds + ")");
  std::filesystem::remove_all(dir);
}

// The documented example and every scenario in the folder parse.
TEST(ScenarioFiles, ReadmeExampleAndEveryScenarioParse) {
  const std::filesystem::path folder = std::filesystem::path(KAFKA_MODEL_SOURCE_DIR) / "tests" / "scenarios";
  std::ifstream readme(folder / "README.md");
  ASSERT_TRUE(readme) << "tests/scenarios/README.md";
  const std::string text((std::istreambuf_iterator<char>(readme)), std::istreambuf_iterator<char>());
  const auto begin = text.find("```json\n"), end = text.find("\n```", begin + 8);
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const RunSpecParse example = parse_run_spec(text.substr(begin + 8, end - begin - 8), "README.md");
  EXPECT_TRUE(example.spec) << example.error;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".json") continue;
    const RunSpecParse scenario = load_run_spec(entry.path().string());
    EXPECT_TRUE(scenario.spec) << scenario.error;
  }
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

TEST(RunSpecJsonLimits, AWorkloadBeyondTheModelsLimitsNamesTheFieldAndTheBound) {
  const RunSpecParse records = parse_run_spec(R"({"workload": {"records": 1000001}})", "w.json");
  ASSERT_FALSE(records.spec);
  EXPECT_NE(records.error.find("w.json: workload.records: must be at most 1000000"), std::string::npos) << records.error;
  const RunSpecParse size = parse_run_spec(R"({"workload": {"record_size_bytes": 1073741824}})", "w.json");
  ASSERT_FALSE(size.spec);
  EXPECT_NE(size.error.find("workload.record_size_bytes: must be at most 1048576"), std::string::npos) << size.error;
}

}  // namespace
}  // namespace kafka_model
