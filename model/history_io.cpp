// History <-> JSON, and the timeline a person reads.
#include "model/history_io.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/json_read.hpp"

namespace kafka_model {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;
using namespace json_read;

// The integer fields after `node`, in Step's declaration order; -1 = absent.
struct IntField {
  std::string_view name;
  std::int64_t Step::*wide = nullptr;
  std::int32_t Step::*narrow = nullptr;

  std::int64_t get(const Step& s) const { return wide ? s.*wide : s.*narrow; }
  void set(Step& s, std::int64_t v) const {
    if (wide) s.*wide = v;
    else s.*narrow = static_cast<std::int32_t>(v);
  }
  std::int64_t max() const {
    return wide ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int32_t>::max();
  }
  std::int64_t min() const {
    return wide ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int32_t>::min();
  }
};

const IntField kIntFields[] = {
    {"record", &Step::record},
    {"send", &Step::send},
    {"batch", &Step::batch},
    {"request", &Step::request},
    {"partition", nullptr, &Step::partition},
    {"broker", nullptr, &Step::broker},
    {"offset", &Step::offset},
    {"producer_id", &Step::producer_id},
    {"producer_epoch", nullptr, &Step::producer_epoch},
    {"sequence", nullptr, &Step::sequence},
    {"last_sequence", nullptr, &Step::last_sequence},
    {"instance", nullptr, &Step::instance},
    {"transaction", &Step::transaction},
};

ordered_json step_to_json(const Step& s) {
  ordered_json j;
  j["time_ms"] = s.time_ms;
  j["kind"] = std::string(to_string(s.kind));
  if (!s.node.empty()) j["node"] = to_string(s.node);
  for (const IntField& f : kIntFields)
    if (f.get(s) != -1) j[std::string(f.name)] = f.get(s);
  if (s.error) j["error"] = std::string(to_string(*s.error));
  if (!s.detail.empty()) j["detail"] = s.detail;
  if (s.producer_state_created) j["producer_state_created"] = true;  // only when set: old histories stay byte-identical
  return j;
}

Step step_from_json(const json& j, const std::string& path) {
  expect_object(j, path);
  reject_unknown_keys(j, path, "step",
                      {"time_ms", "kind", "node", "record", "send", "batch", "request", "partition", "broker",
                       "offset", "producer_id", "producer_epoch", "sequence", "last_sequence", "instance", "error",
                       "detail", "producer_state_created", "transaction"});
  Step s;
  if (!j.contains("kind")) fail(member(path, "kind"), "missing");
  const std::string kind = read_string(j["kind"], member(path, "kind"));
  const auto parsed = parse_step_kind(kind);
  if (!parsed) fail(member(path, "kind"), fmt::format("unknown step kind '{}' (see StepKind in model/history.hpp)", kind));
  s.kind = *parsed;
  if (j.contains("time_ms"))
    s.time_ms = read_int(j["time_ms"], member(path, "time_ms"), std::numeric_limits<std::int64_t>::min(),
                         std::numeric_limits<std::int64_t>::max());
  if (j.contains("node")) {
    const std::string node = read_string(j["node"], member(path, "node"));
    const auto parsed_node = StepNode::parse(node);
    if (!parsed_node)
      fail(member(path, "node"), fmt::format("unknown node '{}' (see StepNode in model/step_node.hpp)", node));
    s.node = *parsed_node;
  }
  for (const IntField& f : kIntFields)
    if (j.contains(f.name)) f.set(s, read_int(j[std::string(f.name)], member(path, f.name), f.min(), f.max()));
  if (j.contains("error")) {
    const std::string error = read_string(j["error"], member(path, "error"));
    s.error = parse_error(error);
    if (!s.error) fail(member(path, "error"), fmt::format("unknown error '{}' (see Errors in model/errors.hpp)", error));
  }
  if (j.contains("detail")) s.detail = read_string(j["detail"], member(path, "detail"));
  if (j.contains("producer_state_created")) {
    const json& v = j["producer_state_created"];
    if (!v.is_boolean()) fail(member(path, "producer_state_created"), fmt::format("expected true or false, got {}", found(v)));
    s.producer_state_created = v.get<bool>();
  }
  return s;
}

History history_from_document(const json& root) {
  expect_object(root, "");
  reject_unknown_keys(root, "", "top-level", {"config", "steps"});
  if (!root.contains("steps")) fail("steps", "missing (is this a history file?)");
  History history;
  if (root.contains("config")) {
    const json& config = root["config"];
    expect_object(config, "config");
    for (const auto& [key, value] : config.items()) history.config[key] = read_string(value, member("config", key));
  }
  const json& steps = root["steps"];
  if (!steps.is_array()) fail("steps", fmt::format("expected an array, got {}", found(steps)));
  history.steps.reserve(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) history.steps.push_back(step_from_json(steps[i], element("steps", i)));
  return history;
}


// ---- timeline ----------------------------------------------------------------

// The details column: which fields a kind leads with, in the order a Kafka
// engineer reads them (a produce response: request, partition, error, offset).
// Fields present but not listed follow in declaration order, so a timeline
// never hides a field the world recorded.
enum class Field { Record, Send, Partition, Batch, Request, Broker, Offset, Pid, Epoch, Seq, Instance, Error, NewState, Txn };
using Fields = std::vector<Field>;

const Fields kDeclarationOrder = {Field::Record, Field::Send, Field::Batch, Field::Request, Field::Partition,
                                  Field::Broker, Field::Offset, Field::Pid,   Field::Epoch,   Field::Seq,
                                  Field::Instance, Field::Error, Field::NewState, Field::Txn};

Fields lead_fields(StepKind kind) {
  using F = Field;
  switch (kind) {
    case StepKind::SendCalled: return {F::Record, F::Send, F::Partition, F::Instance};
    case StepKind::SendFailed: return {F::Record, F::Send, F::Error};
    case StepKind::ProducerStarted: return {F::Instance};
    case StepKind::ProducerIdAssigned: return {F::Pid, F::Epoch, F::Instance};
    case StepKind::EpochBumped: return {F::Pid, F::Epoch};
    case StepKind::BatchCreated: return {F::Partition, F::Batch};
    case StepKind::SequenceAssigned: return {F::Partition, F::Batch, F::Pid, F::Epoch, F::Seq};
    case StepKind::BatchExpired: return {F::Partition, F::Batch, F::Error};
    case StepKind::ProduceRequestSent: return {F::Request, F::Broker, F::Partition, F::Batch};
    case StepKind::ProduceResponseReceived:
      return {F::Request, F::Broker, F::Partition, F::Batch, F::Error, F::Offset};
    case StepKind::RequestTimedOut: return {F::Request, F::Broker};
    case StepKind::BatchRetried: return {F::Partition, F::Batch, F::Error};
    case StepKind::CallbackCompleted: return {F::Send, F::Record, F::Partition, F::Offset, F::Error};
    case StepKind::ProduceRequestDropped:
    case StepKind::ProduceResponseDropped:
    case StepKind::ProduceResponseDelayed: return {F::Request, F::Broker};
    case StepKind::ConnectionDisconnected: return {F::Broker};
    case StepKind::BatchAppended:
    case StepKind::DuplicateDetected: return {F::Partition, F::Offset, F::Batch, F::Pid, F::Epoch, F::Seq};
    case StepKind::ProduceRejected: return {F::Partition, F::Batch, F::Pid, F::Epoch, F::Seq, F::Error};
    case StepKind::HighWatermarkAdvanced: return {F::Partition, F::Offset};
    case StepKind::IsrShrunk:
    case StepKind::IsrExpanded:
    case StepKind::LeaderElected: return {F::Partition, F::Broker};
    case StepKind::LogTruncated: return {F::Partition, F::Broker, F::Offset};
    case StepKind::BrokerCrashed:
    case StepKind::BrokerRestarted:
    case StepKind::FollowerStalled:
    case StepKind::BrokerStalled: return {F::Broker};
    case StepKind::ProducerCrashed: return {F::Instance};
    case StepKind::ProducerZombie: return {F::Instance};
    case StepKind::ProducerStateExpired: return {F::Partition, F::Broker, F::Pid};
    case StepKind::TransactionBegun:
    case StepKind::TransactionEnding:
    case StepKind::TransactionEnded: return {F::Txn, F::Instance, F::Error};
    case StepKind::TxnRequestSent:
    case StepKind::TxnResponseReceived: return {F::Txn, F::Pid, F::Epoch, F::Error};
    case StepKind::TransactionStateChanged: return {F::Txn, F::Pid, F::Epoch};
    case StepKind::CoordinatorElected: return {F::Broker, F::Txn, F::Pid, F::Epoch};
    case StepKind::MarkerWritten: return {F::Partition, F::Offset, F::Txn, F::Pid, F::Epoch};
    case StepKind::TransactionHanging: return {F::Partition, F::Offset, F::Pid, F::Epoch, F::Broker};
    case StepKind::OffsetsPending:
    case StepKind::OffsetsCommitted:
    case StepKind::OffsetsDiscarded: return {F::Offset, F::Txn, F::Pid, F::Epoch};
    case StepKind::OtherConsumerRead: return {F::Partition, F::Offset, F::Record, F::Send, F::Txn};
    case StepKind::FaultsHealed: return {};
    case StepKind::ConsumerRead: return {F::Partition, F::Offset, F::Record, F::Send, F::Pid, F::Epoch, F::Seq};
  }
  return {};
}

bool present(const Step& s, Field f) {
  switch (f) {
    case Field::Record: return s.record != -1;
    case Field::Send: return s.send != -1;
    case Field::Partition: return s.partition != -1;
    case Field::Batch: return s.batch != -1;
    case Field::Request: return s.request != -1;
    case Field::Broker: return s.broker != -1;
    case Field::Offset: return s.offset != -1;
    case Field::Pid: return s.producer_id != -1;
    case Field::Epoch: return s.producer_epoch != -1;
    case Field::Seq: return s.sequence != -1 || s.last_sequence != -1;
    case Field::Instance: return s.instance != -1;
    case Field::Error: return s.error.has_value();
    case Field::NewState: return s.producer_state_created;
    case Field::Txn: return s.transaction != -1;
  }
  return false;
}

// "seq=3..4" for a batch, "seq=3" for one record; "?" marks a missing end.
std::string sequence_range(const Step& s) {
  auto end = [](std::int32_t v) { return v == -1 ? std::string("?") : std::to_string(v); };
  if (s.last_sequence == -1 || s.last_sequence == s.sequence) return "seq=" + end(s.sequence);
  return fmt::format("seq={}..{}", end(s.sequence), end(s.last_sequence));
}

std::string render(const Step& s, Field f) {
  switch (f) {
    case Field::Record: return fmt::format("record={}", s.record);
    case Field::Send: return fmt::format("send={}", s.send);
    case Field::Partition: return fmt::format("p{}", s.partition);
    case Field::Batch: return fmt::format("batch={}", s.batch);
    case Field::Request: return fmt::format("request={}", s.request);
    case Field::Broker: return fmt::format("broker={}", s.broker);
    case Field::Offset: return fmt::format("offset={}", s.offset);
    case Field::Pid: return fmt::format("pid={}", s.producer_id);
    case Field::Epoch: return fmt::format("epoch={}", s.producer_epoch);
    case Field::Seq: return sequence_range(s);
    case Field::Instance: return fmt::format("instance={}", s.instance);
    case Field::Error: return "error=" + std::string(to_string(*s.error));
    case Field::NewState: return "new-producer-state";
    case Field::Txn: return fmt::format("txn={}", s.transaction);
  }
  return {};
}

// A timeline line never breaks: control characters in free text are escaped.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += ' ';
    else out += c;
  }
  return out;
}

std::string details(const Step& s) {
  Fields order = lead_fields(s.kind);
  for (Field f : kDeclarationOrder)
    if (std::find(order.begin(), order.end(), f) == order.end()) order.push_back(f);
  std::string out;
  for (Field f : order) {
    if (!present(s, f)) continue;
    if (!out.empty()) out += ' ';
    out += render(s, f);
  }
  if (!s.detail.empty()) {
    if (!out.empty()) out += ' ';
    out += one_line(s.detail);
  }
  return out;
}

std::string timeline_line(std::size_t number, const Step& s) {
  std::string line = fmt::format("{:>4}  t={:>5}ms  {:<11}  {:<23}  {}", number, s.time_ms,
                                 s.node.empty() ? std::string("-") : to_string(s.node), to_string(s.kind), details(s));
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + '\n';
}

}  // namespace

// One step per line: a history diffs line by line and greps by kind.
std::string to_json(const History& history) {
  std::string out = "{";
  if (!history.config.empty()) {
    ordered_json config = ordered_json::object();
    for (const auto& [key, value] : history.config) config[key] = value;
    out += "\"config\": " + config.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + ",\n ";
  }
  if (history.steps.empty()) return out + "\"steps\": []}\n";
  out += "\"steps\": [\n";
  for (std::size_t i = 0; i < history.steps.size(); ++i) {
    out += "  ";
    out += step_to_json(history.steps[i]).dump(-1, ' ', false, ordered_json::error_handler_t::replace);
    out += i + 1 < history.steps.size() ? ",\n" : "\n";
  }
  out += "]}\n";
  return out;
}

HistoryParse parse_history(std::string_view text, std::string_view source_name) {
  HistoryParse result;
  try {
    result.history = history_from_document(parse_document(text));
  } catch (const ReadError& e) {
    result.error = located(source_name, e);
  } catch (const std::exception& e) {
    result.error = fmt::format("{}: {}", source_name, e.what());
  }
  return result;
}

History history_from_json(std::string_view text) {
  HistoryParse parsed = parse_history(text, "history");
  if (!parsed.history) throw std::invalid_argument(parsed.error);
  return std::move(*parsed.history);
}

std::string to_timeline(const History& history) {
  std::string out;
  for (std::size_t i = 0; i < history.steps.size(); ++i) out += timeline_line(i + 1, history.steps[i]);
  return out;
}

std::string timeline_legend() {
  return R"(Timeline: one line per step of the history.
  column 1   step number, 1-based (what a checker's evidence cites)
  t=  Nms    simulated time in milliseconds
  node       who acted: app, producer-N, broker-N, controller, network, consumer ("-": none)
  event      the step kind, past tense, Kafka's names (StepKind in model/history.hpp)
  details    the fields the step carries, then its free text:
    pN           partition N of the topic
    record=R     the application's record id (one record may be sent several times)
    send=S       one send() call; a re-send of a record is a new send
    batch=B      a producer batch (ProducerBatch)
    request=N    the N-th produce request on the wire, counted as fault schedules count them
    broker=N     a broker id (the destination of a request, the subject of an ISR change)
    offset=O     a log offset (a batch's base offset; a duplicate's original offset)
    pid=P        producer id (InitProducerId)
    epoch=E      producer epoch (bumped locally since KIP-360)
    seq=A..B     base..last sequence of a batch; seq=A for one record; ? when unknown
    instance=I   the producer instance: 1, then 2 after a restart, ...
    error=X      Kafka error name (org.apache.kafka.common.protocol.Errors)
    new-producer-state  the leader had no state for this producer id on the partition
                 and created it for this batch (any sequence is accepted then)
    txn=T        the application's transaction (0, 1, ...; with transactional.id)
)";
}

}  // namespace kafka_model
