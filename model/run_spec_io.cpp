// RunSpec <-> JSON. The reader is strict (unknown keys, wrong types, fields a
// fault kind does not use are errors) because its input is typed by people:
// a typo must not silently become a default.
#include "model/run_spec_io.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <vector>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/json_read.hpp"

namespace kafka_model {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;
using namespace json_read;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

// ---- duplicate keys -------------------------------------------------------------
//
// nlohmann::json keeps the last of two equal keys of an object without a
// word (RFC 8259 leaves it to the parser), so `"acks": "all", ..., "acks": "1"`
// would run acks=1 with no sign of the first. A SAX pass over the (already
// well-formed) text finds the first repeated key and names it with its path.
class DuplicateKeyFinder : public nlohmann::json_sax<json> {
 public:
  bool found = false;
  std::string duplicate_path;
  std::string duplicate_key;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override {
    open(true);
    return true;
  }
  bool key(string_t& name) override {
    Frame& f = frames_.back();
    if (!f.keys.insert(name).second) {
      found = true;
      duplicate_path = path();
      duplicate_key = name;
      return false;  // stop at the first
    }
    f.current = name;
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override {
    open(false);
    return true;
  }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  struct Frame {
    bool object = true;
    std::set<std::string> keys;
    std::string current;  // the key being read (objects)
    std::int64_t index = -1;  // the element being read (arrays)
  };
  std::vector<Frame> frames_;

  // A value (scalar, object or array) begins inside the innermost frame.
  void begin_value() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
  }
  bool value() {
    begin_value();
    return true;
  }
  void open(bool object) {
    begin_value();
    frames_.push_back(Frame{object, {}, {}, -1});
  }
  bool close() {
    frames_.pop_back();
    return true;
  }
  // Where the innermost object is: "", "producer", "faults[2]".
  std::string path() const {
    std::string out;
    for (std::size_t i = 0; i + 1 < frames_.size(); ++i)
      out = frames_[i].object ? member(out, frames_[i].current) : element(out, static_cast<std::size_t>(frames_[i].index));
    return out;
  }
};

void reject_duplicate_keys(std::string_view text) {
  DuplicateKeyFinder finder;
  json::sax_parse(text.begin(), text.end(), &finder, nlohmann::detail::input_format_t::json, /*strict=*/true,
                  /*ignore_comments=*/true);
  if (finder.found)
    fail(member(finder.duplicate_path, finder.duplicate_key),
         fmt::format("duplicate key '{}': a JSON object may name a key once (the parser would silently keep "
                     "the last value)",
                     finder.duplicate_key));
}

// ---- writing ------------------------------------------------------------------

ordered_json fault_to_json(const Fault& fault) {
  const FaultFields f = fault_fields(fault.kind);
  ordered_json j;
  j["kind"] = std::string(to_string(fault.kind));
  if (f.request) j["request"] = fault.request;
  if (f.at_ms) j["at_ms"] = fault.at_ms;
  if (f.broker) j["broker"] = fault.broker;
  if (f.duration_ms) j["duration_ms"] = fault.duration_ms;
  if (f.error) j["error"] = std::string(to_string(fault.error));
  return j;
}

ordered_json workload_to_json(const Workload& w) {
  ordered_json j;
  j["records"] = w.records;
  j["keys"] = w.keys;
  j["send_interval_ms"] = w.send_interval_ms;
  j["record_size_bytes"] = w.record_size_bytes;
  j["max_resends_per_record"] = w.max_resends_per_record;
  j["mode"] = to_string(w.mode);
  // Only when changed: a file written before transactions writes as it did.
  const Workload defaults;
  if (w.records_per_transaction != defaults.records_per_transaction)
    j["records_per_transaction"] = w.records_per_transaction;
  if (w.abort_every != defaults.abort_every) j["abort_every"] = w.abort_every;
  return j;
}

ordered_json properties_to_json(const std::map<std::string, std::string>& properties) {
  ordered_json j = ordered_json::object();
  for (const auto& [key, value] : properties) j[key] = value;
  return j;
}

// ---- reading ------------------------------------------------------------------

std::string all_fault_kinds() {
  std::string out;
  for (int i = 0; i < kFaultKindCount; ++i)
    append_listed(out, to_string(static_cast<FaultKind>(i)));
  return out;
}

// Errors a broker can answer a produce request with: not NONE (that is no
// fault) and not the client-side TimeoutException (never on the wire).
// The transaction coordinator's answers are not produce errors either.
bool broker_answers(Errors e) {
  return e != Errors::NONE && e != Errors::TIMEOUT && (e < Errors::COORDINATOR_NOT_AVAILABLE || e > Errors::TRANSACTION_ABORTED);
}

std::string broker_error_names() {
  std::string out;
  for (int i = 0; i <= static_cast<int>(Errors::TIMEOUT); ++i)
    if (broker_answers(static_cast<Errors>(i))) append_listed(out, to_string(static_cast<Errors>(i)));
  return out;
}

Errors read_error_name(const json& v, const std::string& path) {
  const std::string name = read_string(v, path);
  const auto error = parse_error(name);
  if (!error) fail(path, fmt::format("unknown error '{}' (one of: {})", name, broker_error_names()));
  if (!broker_answers(*error))
    fail(path, fmt::format("{} is not an error a broker answers (one of: {})", name, broker_error_names()));
  return *error;
}

FaultKind read_fault_kind(const json& j, const std::string& path) {
  if (!j.contains("kind")) fail(member(path, "kind"), fmt::format("missing (one of: {})", all_fault_kinds()));
  const std::string text = read_string(j["kind"], member(path, "kind"));
  const auto kind = parse_fault_kind(text);
  if (!kind) fail(member(path, "kind"), fmt::format("unknown fault kind '{}' (one of: {})", text, all_fault_kinds()));
  return *kind;
}

// Every field the kind uses must be given, and no other: "DropResponse" with
// "at_ms" is a message fault someone meant to time, and would be ignored.
void check_fault_keys(const json& j, const std::string& path, FaultKind kind) {
  const FaultFields f = fault_fields(kind);
  const std::pair<std::string_view, bool> uses[] = {
      {"request", f.request}, {"at_ms", f.at_ms}, {"broker", f.broker}, {"duration_ms", f.duration_ms}, {"error", f.error}};
  std::string used;
  for (const auto& [key, needed] : uses)
    if (needed) append_listed(used, key);
  for (const auto& [key, needed] : uses) {
    if (needed && !j.contains(key))
      fail(member(path, key), fmt::format("missing: {} needs {}", to_string(kind), used));
    if (!needed && j.contains(key))
      fail(member(path, key), fmt::format("{} does not use {} (it takes: {}){}", to_string(kind), key, used,
                                          is_message_fault(kind) ? "; a message fault targets the n-th produce request" : ""));
  }
}

Fault read_fault(const json& j, const std::string& path) {
  expect_object(j, path);
  reject_unknown_keys(j, path, "fault", {"kind", "request", "at_ms", "broker", "duration_ms", "error"});
  Fault fault;
  fault.kind = read_fault_kind(j, path);
  check_fault_keys(j, path, fault.kind);
  if (j.contains("request"))
    fault.request = read_int32(j["request"], member(path, "request"), 1, "the n-th produce request, 1-based");
  if (j.contains("at_ms")) fault.at_ms = read_int(j["at_ms"], member(path, "at_ms"), 0, kInt64Max);
  if (j.contains("broker")) fault.broker = read_int32(j["broker"], member(path, "broker"), 0, "a broker id");
  if (j.contains("duration_ms")) fault.duration_ms = read_int(j["duration_ms"], member(path, "duration_ms"), 0, kInt64Max);
  if (j.contains("error")) fault.error = read_error_name(j["error"], member(path, "error"));
  return fault;
}

FaultSchedule read_faults(const json& v) {
  if (!v.is_array()) fail("faults", fmt::format("expected an array, got {}", found(v)));
  FaultSchedule schedule;
  for (std::size_t i = 0; i < v.size(); ++i) schedule.faults.push_back(read_fault(v[i], element("faults", i)));
  return schedule;
}

Workload read_workload(const json& j) {
  expect_object(j, "workload");
  reject_unknown_keys(j, "workload", "workload",
                      {"records", "keys", "send_interval_ms", "record_size_bytes", "max_resends_per_record", "mode",
                       "records_per_transaction", "abort_every"});
  Workload w;
  // The model's limits keep one run a run (a search makes thousands):
  // Kafka's own max.request.size default bounds a record at 1 MiB.
  auto int32_at = [&](const char* key, std::int32_t& out, std::int32_t max, std::string_view hint = {}) {
    if (j.contains(key))
      out = static_cast<std::int32_t>(read_int(j[key], member("workload", key), 0, max, hint));
  };
  int32_at("records", w.records, 1'000'000);
  int32_at("keys", w.keys, 1'000'000, "0 = null keys");
  int32_at("record_size_bytes", w.record_size_bytes, 1 << 20);
  int32_at("max_resends_per_record", w.max_resends_per_record, 1000);
  int32_at("records_per_transaction", w.records_per_transaction, 1'000'000);
  if (j.contains("records_per_transaction") && w.records_per_transaction < 1)
    fail("workload.records_per_transaction", "must be at least 1");
  int32_at("abort_every", w.abort_every, 1'000'000, "0 = abort only after a failed send");
  if (j.contains("send_interval_ms"))
    w.send_interval_ms = read_int(j["send_interval_ms"], "workload.send_interval_ms", 0, 86'400'000);
  if (j.contains("mode")) {
    const std::string mode = read_string(j["mode"], "workload.mode");
    if (!parse_delivery_mode(mode, w.mode))
      fail("workload.mode", fmt::format("unknown delivery mode '{}' (one of: {}, {}, {})", mode,
                                        to_string(DeliveryMode::AtLeastOnce), to_string(DeliveryMode::FireAndForget),
                                        to_string(DeliveryMode::Synchronous)));
  }
  return w;
}

// Kafka properties are text; a scenario may write `"retries": 0` or
// `"enable.idempotence": false` and mean the same as the quoted form.
std::map<std::string, std::string> read_properties(const json& j, const std::string& section) {
  expect_object(j, section);
  std::map<std::string, std::string> properties;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const json& v = it.value();
    const std::string path = member(section, it.key());
    if (v.is_string()) properties[it.key()] = v.get<std::string>();
    else if (v.is_boolean()) properties[it.key()] = v.get<bool>() ? "true" : "false";
    else if (v.is_number()) properties[it.key()] = v.dump();
    else fail(path, fmt::format("expected a string, number or boolean, got {}", found(v)));
  }
  return properties;
}

KafkaVersion read_version(const json& v) {
  if (!v.is_string() && !v.is_number())
    fail("kafka_version", fmt::format("expected a string such as \"3.9\", got {}", found(v)));
  const std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  const auto version = parse_kafka_version(text);
  if (!version) fail("kafka_version", fmt::format("unknown Kafka version '{}' (one of: {})", text, kKnownKafkaVersions));
  return *version;
}

std::uint64_t read_seed(const json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) fail("seed", fmt::format("must be at least 0, got {}", v.get<std::int64_t>()));
  fail("seed", fmt::format("expected a non-negative integer, got {}", found(v)));
}

// Recorded Chooser decisions: non-negative integers. Whether each is inside
// its decision's range is only known when the world asks (simulate() reports
// the first that is not, naming choices[i]).
std::vector<std::uint64_t> read_choices(const json& v) {
  if (!v.is_array()) fail("choices", fmt::format("expected an array of non-negative integers, got {}", found(v)));
  std::vector<std::uint64_t> choices;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const json& c = v[i];
    if (c.is_number_unsigned()) choices.push_back(c.get<std::uint64_t>());
    else if (c.is_number_integer()) fail(element("choices", i), fmt::format("must be at least 0, got {}", c.get<std::int64_t>()));
    else fail(element("choices", i), fmt::format("expected a non-negative integer, got {}", found(c)));
  }
  return choices;
}

std::vector<std::string> read_names(const json& v, const std::string& path) {
  if (!v.is_array()) fail(path, fmt::format("expected an array of guarantee names, got {}", found(v)));
  std::vector<std::string> names;
  for (std::size_t i = 0; i < v.size(); ++i) names.push_back(read_string(v[i], element(path, i)));
  return names;
}

RunSpec spec_from_document(const json& root) {
  expect_object(root, "");
  reject_unknown_keys(root, "", "top-level",
                      {"description", "kafka_version", "seed", "producer", "broker", "consumer", "workload", "faults",
                       "choices", "expect_violated", "expect_holds"});
  RunSpec spec;
  if (root.contains("description")) spec.description = read_string(root["description"], "description");
  if (root.contains("kafka_version")) spec.version = read_version(root["kafka_version"]);
  if (root.contains("seed")) spec.seed = read_seed(root["seed"]);
  if (root.contains("producer")) spec.producer = read_properties(root["producer"], "producer");
  if (root.contains("broker")) spec.broker = read_properties(root["broker"], "broker");
  if (root.contains("consumer")) spec.consumer = read_properties(root["consumer"], "consumer");
  if (root.contains("workload")) spec.workload = read_workload(root["workload"]);
  if (root.contains("faults")) spec.schedule = read_faults(root["faults"]);
  if (root.contains("choices")) spec.choices = read_choices(root["choices"]);
  if (root.contains("expect_violated")) spec.expect_violated = read_names(root["expect_violated"], "expect_violated");
  if (root.contains("expect_holds")) spec.expect_holds = read_names(root["expect_holds"], "expect_holds");
  return spec;
}

}  // namespace

std::string to_json(const RunSpec& spec) {
  ordered_json j;
  j["description"] = spec.description;
  j["kafka_version"] = to_string(spec.version);
  j["seed"] = spec.seed;
  j["producer"] = properties_to_json(spec.producer);
  j["broker"] = properties_to_json(spec.broker);
  if (!spec.consumer.empty()) j["consumer"] = properties_to_json(spec.consumer);
  j["workload"] = workload_to_json(spec.workload);
  j["faults"] = ordered_json::array();
  for (const Fault& fault : spec.schedule.faults) j["faults"].push_back(fault_to_json(fault));
  // Only when recorded: a file without choices writes as it always did.
  if (!spec.choices.empty()) j["choices"] = spec.choices;
  if (!spec.expect_violated.empty()) j["expect_violated"] = spec.expect_violated;
  if (!spec.expect_holds.empty()) j["expect_holds"] = spec.expect_holds;
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

RunSpecParse parse_run_spec(std::string_view text, std::string_view source_name) {
  RunSpecParse result;
  try {
    json document = parse_document(text);
    reject_duplicate_keys(text);
    result.spec = spec_from_document(document);
  } catch (const ReadError& e) {
    result.error = located(source_name, e);
  } catch (const std::exception& e) {  // not expected: the readers check before they convert
    result.error = fmt::format("{}: {}", source_name, e.what());
  }
  return result;
}

RunSpecParse load_run_spec(const std::string& path) {
  RunSpecParse result;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    result.error = fmt::format("{}: cannot read the file: it does not exist", path);
    return result;
  }
  if (std::filesystem::is_directory(path, ec)) {
    result.error = fmt::format("{}: cannot read the file: it is a directory", path);
    return result;
  }
  if (!std::filesystem::is_regular_file(path, ec)) {  // a FIFO or /dev/zero would block or never end
    result.error = fmt::format("{}: cannot read the file: not a regular file", path);
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    result.error = fmt::format("{}: cannot read the file: {}", path, std::strerror(errno));
    return result;
  }
  return parse_run_spec(text.str(), path);
}

}  // namespace kafka_model
