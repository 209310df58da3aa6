// model: History — JSON round trip, timeline columns, canonical hash.
#include <gtest/gtest.h>

#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/history.hpp"
#include "model/history_io.hpp"

namespace kafka_model {
namespace {

// A step with only time, kind and node set (designated initializers would
// leave trailing strings out, which -Wmissing-field-initializers flags).
Step at(std::int64_t time_ms, StepKind kind, StepNode node = {}) {
  Step s;
  s.time_ms = time_ms;
  s.kind = kind;
  s.node = node;
  return s;
}

std::vector<StepKind> all_step_kinds() {
  std::vector<StepKind> kinds;
  for (int i = 0; i < kStepKindCount; ++i) kinds.push_back(static_cast<StepKind>(i));
  return kinds;
}

// Every field set to a value distinct from its default and from the others.
Step full_step(StepKind kind, std::int64_t t) {
  Step s;
  s.time_ms = t;
  s.kind = kind;
  s.node = "broker-2";
  s.record = 11;
  s.send = 12;
  s.batch = 13;
  s.request = 14;
  s.partition = 15;
  s.broker = 16;
  s.offset = 17;
  s.producer_id = 1000;
  s.producer_epoch = 19;
  s.sequence = 20;
  s.last_sequence = 21;
  s.instance = 22;
  s.error = Errors::NOT_ENOUGH_REPLICAS;
  s.detail = "why: \"quoted\", a\nnewline, \\ and caf\xc3\xa9";
  s.producer_state_created = true;
  return s;
}

Step batch_appended_example() {
  Step s;
  s.time_ms = 12;
  s.kind = StepKind::BatchAppended;
  s.node = "broker-0";
  s.partition = 0;
  s.offset = 3;
  s.batch = 2;
  s.producer_id = 1000;
  s.producer_epoch = 0;
  s.sequence = 3;
  s.last_sequence = 4;
  s.detail = "sends=[3,4]";
  return s;
}

// ---- step kinds ---------------------------------------------------------------

TEST(StepKind, EveryKindHasAUniqueNameThatParsesBack) {
  std::set<std::string_view> names;
  for (StepKind kind : all_step_kinds()) {
    EXPECT_NE(to_string(kind), "?");
    EXPECT_TRUE(names.insert(to_string(kind)).second) << to_string(kind);
    EXPECT_EQ(parse_step_kind(to_string(kind)), kind);
  }
  EXPECT_EQ(parse_step_kind("BatchAppendedd"), std::nullopt);
  EXPECT_EQ(parse_step_kind(""), std::nullopt);
}

// ---- nodes --------------------------------------------------------------------

TEST(StepNode, EveryNodeNameParsesBackAndOthersDoNot) {
  const std::vector<StepNode> nodes = {
      StepNode{},         "app",         "producer-1", "producer-12", "broker-0", "broker-10", "controller",
      "network",          "world",       "consumer",   "consumer-read_committed", "consumer-read_uncommitted"};
  std::set<std::string> names;
  for (StepNode n : nodes) {
    EXPECT_EQ(StepNode::parse(to_string(n)), n) << to_string(n);
    EXPECT_TRUE(names.insert(to_string(n)).second) << to_string(n);
  }
  EXPECT_EQ(to_string(broker_node(3)), "broker-3");
  EXPECT_EQ(to_string(producer_node(2)), "producer-2");
  EXPECT_EQ(to_string(StepNode{}), "");
  for (const char* bad : {"broker-", "broker-01", "broker--1", "producer-x", "Broker-0", "consumer-", "apps",
                          "broker-1234567890"})
    EXPECT_EQ(StepNode::parse(bad), std::nullopt) << bad;
}

// ---- JSON ---------------------------------------------------------------------

TEST(HistoryJson, RoundTripsEveryStepKindWithEveryFieldSet) {
  History h;
  for (StepKind kind : all_step_kinds()) h.steps.push_back(full_step(kind, static_cast<std::int64_t>(h.steps.size())));
  EXPECT_EQ(history_from_json(to_json(h)), h);
}

TEST(HistoryJson, RoundTripsEveryStepKindWithDefaultFields) {
  History h;
  for (StepKind kind : all_step_kinds()) h.steps.push_back(at(7, kind));
  EXPECT_EQ(history_from_json(to_json(h)), h);
}

TEST(HistoryJson, RoundTripsExtremeValuesAndTheEmptyHistory) {
  Step s = full_step(StepKind::ConsumerRead, std::numeric_limits<std::int64_t>::max());
  s.offset = std::numeric_limits<std::int64_t>::min();
  s.producer_id = std::numeric_limits<std::int64_t>::max();
  s.sequence = std::numeric_limits<std::int32_t>::max();
  s.last_sequence = std::numeric_limits<std::int32_t>::min();
  s.record = 0;  // 0 is a value, not a default
  History h{{s}};
  EXPECT_EQ(history_from_json(to_json(h)), h);
  EXPECT_EQ(to_json(History{}), "{\"steps\": []}\n");
  EXPECT_EQ(history_from_json(to_json(History{})), History{});
}

TEST(HistoryJson, OneStepPerLineKeysInDeclarationOrderDefaultsOmitted) {
  Step send = at(5, StepKind::SendCalled, "app");
  send.record = 1;
  send.send = 0;
  send.partition = 0;
  Step healed = at(90, StepKind::FaultsHealed);
  EXPECT_EQ(to_json(History{{send, healed}}),
            "{\"steps\": [\n"
            "  {\"time_ms\":5,\"kind\":\"SendCalled\",\"node\":\"app\",\"record\":1,\"send\":0,\"partition\":0},\n"
            "  {\"time_ms\":90,\"kind\":\"FaultsHealed\"}\n"
            "]}\n");
}

TEST(HistoryJson, BadDocumentsNameTheFieldAndNeverThrow) {
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {R"({"steps": [{"kind": "Nope"}]})", "h.json: steps[0].kind: unknown step kind 'Nope' (see StepKind in model/history.hpp)"},
      {R"({"steps": [{"time_ms": 1}]})", "h.json: steps[0].kind: missing"},
      {R"({"steps": [{"kind": "SendCalled", "record": "1"}]})", "h.json: steps[0].record: expected an integer, got string \"1\""},
      {R"({"steps": [{"kind": "SendCalled", "partition": 2147483648}]})",
       "h.json: steps[0].partition: must be at most 2147483647, got 2147483648"},
      {R"({"steps": [{"kind": "SendCalled", "colour": 1}]})",
       "h.json: steps[0].colour: unknown step key (one of: time_ms, kind, node, record, send, batch, request, partition, "
       "broker, offset, producer_id, producer_epoch, sequence, last_sequence, instance, error, detail, "
       "producer_state_created, transaction)"},
      {R"({"steps": [{"kind": "BatchAppended", "producer_state_created": 1}]})",
       "h.json: steps[0].producer_state_created: expected true or false, got number 1"},
      {R"({"steps": [{"kind": "SendCalled", "node": "broker-x"}]})",
       "h.json: steps[0].node: unknown node 'broker-x' (see StepNode in model/step_node.hpp)"},
      {R"({"steps": [{"kind": "SendCalled", "error": "NOPE"}]})",
       "h.json: steps[0].error: unknown error 'NOPE' (see Errors in model/errors.hpp)"},
      {R"({"steps": {}})", "h.json: steps: expected an array, got object"},
      {R"({"seed": 1})", "h.json: seed: unknown top-level key (one of: config, steps)"},
      {R"({})", "h.json: steps: missing (is this a history file?)"},
      {R"([1])", "h.json: expected a JSON object, got array"},
  };
  for (const Case& c : cases) {
    HistoryParse parsed;
    EXPECT_NO_THROW(parsed = parse_history(c.text, "h.json")) << c.text;
    EXPECT_FALSE(parsed.history) << c.text;
    EXPECT_EQ(parsed.error, c.error) << c.text;
  }
  HistoryParse truncated = parse_history("{\"steps\": [{\"kind\": \"Send", "h.json");
  EXPECT_NE(truncated.error.find("h.json: malformed JSON: parse error at line 1, column"), std::string::npos)
      << truncated.error;
  EXPECT_NE(truncated.error.find("truncated?"), std::string::npos) << truncated.error;
}

TEST(HistoryJson, HistoryFromJsonThrowsInvalidArgumentWithTheMessage) {
  try {
    history_from_json(R"({"steps": [{"kind": 3}]})");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "history: steps[0].kind: expected a string, got number 3");
  }
}

// ---- timeline -----------------------------------------------------------------

TEST(Timeline, BatchAppendedReadsAsAProtocolLog) {
  History h;
  for (int i = 0; i < 6; ++i) h.steps.push_back(at(i, StepKind::FaultsHealed));
  h.steps.push_back(batch_appended_example());
  const std::string timeline = to_timeline(h);
  const std::string last = timeline.substr(timeline.rfind('\n', timeline.size() - 2) + 1);
  EXPECT_EQ(last,
            "   7  t=   12ms  broker-0     BatchAppended            p0 offset=3 batch=2 pid=1000 epoch=0 seq=3..4 "
            "sends=[3,4]\n");
}

TEST(Timeline, ColumnsStartAtFixedPositionsForEveryKind) {
  History h;
  for (StepKind kind : all_step_kinds()) h.steps.push_back(full_step(kind, 123));
  h.steps.push_back(at(4, StepKind::ProduceResponseReceived, "producer-1"));
  h.steps.back().error = Errors::NONE;
  const std::string timeline = to_timeline(h);
  std::size_t begin = 0, lines = 0;
  while (begin < timeline.size()) {
    const std::size_t end = timeline.find('\n', begin);
    ASSERT_NE(end, std::string::npos);
    const std::string line = timeline.substr(begin, end - begin);
    const Step& step = h.steps[lines];
    EXPECT_EQ(line.substr(6, 2), "t=") << line;
    EXPECT_EQ(line.substr(17, to_string(step.node).size()), to_string(step.node)) << line;
    EXPECT_EQ(line.substr(30, to_string(step.kind).size()), to_string(step.kind)) << line;
    ASSERT_GT(line.size(), 55u) << line;  // every step here has details
    EXPECT_EQ(line.substr(53, 2), "  ") << line;
    EXPECT_NE(line[55], ' ') << line;  // details start in one column
    begin = end + 1;
    ++lines;
  }
  EXPECT_EQ(lines, h.steps.size());  // the detail's newline did not break a line
}

TEST(Timeline, NoRecordedFieldIsHiddenWhateverTheKind) {
  for (StepKind kind : all_step_kinds()) {
    const std::string line = to_timeline(History{{full_step(kind, 1)}});
    for (const char* token : {"record=11", "send=12", "batch=13", "request=14", "p15", "broker=16", "offset=17",
                              "pid=1000", "epoch=19", "seq=20..21", "instance=22", "error=NOT_ENOUGH_REPLICAS",
                              "new-producer-state", "why: \"quoted\", a\\nnewline"})
      EXPECT_NE(line.find(token), std::string::npos) << to_string(kind) << " lacks " << token << ": " << line;
  }
}

TEST(Timeline, KindsLeadWithWhatAKafkaEngineerLooksFor) {
  Step response = at(40, StepKind::ProduceResponseReceived, "producer-1");
  response.batch = 2;
  response.request = 3;
  response.partition = 0;
  response.broker = 1;
  response.offset = 5;
  response.error = Errors::NONE;
  EXPECT_EQ(to_timeline(History{{response}}),
            "   1  t=   40ms  producer-1   ProduceResponseReceived  request=3 broker=1 p0 batch=2 error=NONE offset=5\n");
  Step healed = at(100000, StepKind::FaultsHealed);
  EXPECT_EQ(to_timeline(History{{healed}}), "   1  t=100000ms  -            FaultsHealed\n");
  Step one_record = at(0, StepKind::SequenceAssigned);
  one_record.sequence = 7;
  one_record.last_sequence = 7;
  EXPECT_NE(to_timeline(History{{one_record}}).find(" seq=7\n"), std::string::npos);
}

TEST(Timeline, LegendDocumentsEverySymbol) {
  const std::string legend = timeline_legend();
  for (const char* symbol : {"t=", "node", "event", "pN", "record=", "send=", "batch=", "request=", "broker=",
                             "offset=", "pid=", "epoch=", "seq=A..B", "instance=", "error=", "new-producer-state"})
    EXPECT_NE(legend.find(symbol), std::string::npos) << symbol;
}

// ---- hash ---------------------------------------------------------------------

TEST(HistoryHash, StableAcrossCopiesAndRoundTrips) {
  History h;
  for (StepKind kind : all_step_kinds()) h.steps.push_back(full_step(kind, 3));
  const History copy = h;
  EXPECT_EQ(copy.hash(), h.hash());
  EXPECT_EQ(history_from_json(to_json(h)).hash(), h.hash());
  EXPECT_EQ(History{}.hash(), History{}.hash());
}

TEST(HistoryHash, ChangesWhenAnyFieldChanges) {
  using Mutation = void (*)(Step&);
  const std::vector<Mutation> mutations = {
      [](Step& s) { s.time_ms++; },        [](Step& s) { s.kind = StepKind::ConsumerRead; },
      [](Step& s) { s.node.id++; },       [](Step& s) { s.record++; },
      [](Step& s) { s.send++; },           [](Step& s) { s.batch++; },
      [](Step& s) { s.request++; },        [](Step& s) { s.partition++; },
      [](Step& s) { s.broker++; },         [](Step& s) { s.offset++; },
      [](Step& s) { s.producer_id++; },    [](Step& s) { s.producer_epoch++; },
      [](Step& s) { s.sequence++; },       [](Step& s) { s.last_sequence++; },
      [](Step& s) { s.instance++; },       [](Step& s) { s.error = Errors::TIMEOUT; },
      [](Step& s) { s.detail += "x"; },    [](Step& s) { s.producer_state_created = !s.producer_state_created; },
  };
  const Step base = full_step(StepKind::BatchAppended, 9);
  std::set<std::uint64_t> hashes{History{{base}}.hash()};
  for (std::size_t i = 0; i < mutations.size(); ++i) {
    Step changed = base;
    mutations[i](changed);
    EXPECT_TRUE(hashes.insert(History{{changed}}.hash()).second) << "mutation " << i << " did not change the hash";
  }
}

TEST(HistoryHash, ChangesWithOrderCountAndStringBoundaries) {
  Step a = full_step(StepKind::SendCalled, 1), b = full_step(StepKind::CallbackCompleted, 2);
  EXPECT_NE((History{{a, b}}.hash()), (History{{b, a}}.hash()));
  EXPECT_NE((History{{a}}.hash()), (History{{a, a}}.hash()));
  EXPECT_NE(History{}.hash(), (History{{Step{}}}.hash()));
  Step a1 = a, b1 = b, a2 = a, b2 = b;  // the detail's text does not run into the next step's
  a1.detail = "ab";
  b1.detail = "c";
  a2.detail = "a";
  b2.detail = "bc";
  EXPECT_NE((History{{a1, b1}}.hash()), (History{{a2, b2}}.hash()));
  Step no_error = a, none = a;  // an absent error is not NONE
  no_error.error = std::nullopt;
  none.error = Errors::NONE;
  EXPECT_NE(History{{no_error}}.hash(), History{{none}}.hash());
}

}  // namespace
}  // namespace kafka_model

namespace kafka_model {
namespace {

TEST(HistoryJson, TheRunsConfigurationRoundTripsAndIsHashed) {
  History history;
  history.config = {{"acks", "all"}, {"kafka.version", "3.9"}};
  history.steps.push_back(Step{.time_ms = 1, .kind = StepKind::SendCalled, .node = "app", .record = 0, .send = 0});
  EXPECT_EQ(history_from_json(to_json(history)), history);
  History other = history;
  other.config["acks"] = "1";
  EXPECT_NE(other.hash(), history.hash());
}

}  // namespace
}  // namespace kafka_model
