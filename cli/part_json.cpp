#include "cli/part_json.hpp"

#include <fmt/core.h>

#include <charconv>
#include <map>
#include <stdexcept>

#include "model/run_spec_io.hpp"
#include "model/simulation.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model::cli {
namespace {

using Json = PartJson;

Json promise_json(const Promise& p) {
  Json exceptions = Json::array();
  for (const KnownException& e : p.exceptions)
    exceptions.push_back({{"name", e.name}, {"tickets", e.tickets}, {"status", e.status}, {"mechanism", e.mechanism}});
  return {{"promised", p.promised}, {"why", p.why}, {"exceptions", std::move(exceptions)}};
}

Promise promise_from(const Json& j) {
  Promise p{j.at("promised").get<bool>(), j.at("why").get<std::string>(), {}};
  for (const Json& e : j.at("exceptions"))
    p.exceptions.push_back(KnownException{e.at("name").get<std::string>(), e.at("tickets").get<std::string>(),
                                          e.at("status").get<std::string>(), e.at("mechanism").get<std::string>()});
  return p;
}

}  // namespace

Json part_header_json(const char* kind_key, int format, int shard_index, int shard_count) {
  Json j;
  j[kind_key] = format;
  j["kafka_model_version"] = KAFKA_MODEL_VERSION;
  j["shard"] = {{"index", shard_index}, {"count", shard_count}};
  return j;
}

bool read_part_header(const Json& j, const char* kind_key, int format, int& shard_index, int& shard_count,
                      std::string& error) {
  if (j.at(kind_key).get<int>() != format || j.at("kafka_model_version").get<std::string>() != KAFKA_MODEL_VERSION) {
    error = fmt::format("written by kafka-model {} (part format {}); this is kafka-model {}: run every shard and "
                        "the merge with one build",
                        j.at("kafka_model_version").dump(), j.at(kind_key).dump(), KAFKA_MODEL_VERSION);
    return false;
  }
  shard_index = j.at("shard").at("index").get<int>();
  shard_count = j.at("shard").at("count").get<int>();
  if (shard_count < 1 || shard_index < 0 || shard_index >= shard_count)
    throw std::runtime_error(fmt::format("shard {}/{}: not a shard", shard_index, shard_count));
  return true;
}

void check_guarantee_order(const Json& guarantees, const Report& frame, bool fewer_allowed) {
  if (!fewer_allowed && guarantees.size() != frame.verdicts.size())
    throw std::runtime_error("guarantees: not one per guarantee of setup.report.verdicts");
  for (std::size_t g = 0; g < guarantees.size(); ++g) {
    const std::string name = guarantees[g].at("guarantee").get<std::string>();
    if (g >= frame.verdicts.size() || name != frame.verdicts[g].guarantee)
      throw std::runtime_error(fmt::format("guarantees[{}]: '{}' is not setup.report.verdicts[{}]", g, name, g));
  }
}

std::string check_part_set(const std::vector<PartIdentity>& parts, const std::string& run,
                           const std::string& setup_fields) {
  if (parts.empty()) return "no parts given";
  const PartIdentity& first = parts.front();
  const int count = first.shard_count;
  std::map<int, std::string> file_of;  // shard index -> file
  for (const PartIdentity& p : parts) {
    if (p.shard_count != count)
      return fmt::format("{}: shard {}/{}, but {} is a shard of {}: parts of different runs", p.file, p.shard_index,
                         p.shard_count, first.file, count);
    if (p.setup != first.setup)
      return fmt::format("{}: another {} than {} ({} differ)", p.file, run, first.file, setup_fields);
    if (const auto seen = file_of.find(p.shard_index); seen != file_of.end())
      return fmt::format("{}: shard {}/{} again (also {})", p.file, p.shard_index, count, seen->second);
    file_of[p.shard_index] = p.file;
  }
  for (int i = 0; i < count; ++i)
    if (file_of.count(i) == 0)
      return fmt::format("shard {}/{} is missing: {} part(s) given, {} needed", i, count, parts.size(), count);
  return "";
}

// The frame: everything of the Report but the search's results.
Json frame_json(const Report& r) {
  Json j;
  j["kafka_version"] = to_string(r.version);
  j["effective_config"] = r.effective_config;
  j["broker_keys"] = r.broker_keys;
  j["written"] = r.written;
  j["written_value"] = r.written_value;
  j["warnings"] = r.warnings;
  j["config_error"] = r.config_error ? Json(*r.config_error) : Json(nullptr);
  j["mermaid"] = r.mermaid;
  j["fault_model"] = r.fault_model;
  j["notes"] = r.notes;
  j["requirements"] = r.requirements;
  j["required_by"] = r.required_by;
  Json verdicts = Json::array();
  for (const Verdict& v : r.verdicts)
    verdicts.push_back({{"guarantee", v.guarantee},
                        {"required", v.required},
                        {"budget", v.budget},
                        {"user_brokers", v.user_brokers},
                        {"promise", promise_json(v.promise)},
                        {"remedy", v.remedy}});
  j["verdicts"] = std::move(verdicts);
  return j;
}

Report frame_from(const Json& j) {
  Report r;
  const auto version = parse_kafka_version(j.at("kafka_version").get<std::string>());
  if (!version) throw std::runtime_error("setup.report.kafka_version: not a release this build models");
  r.version = *version;
  r.effective_config = j.at("effective_config").get<std::map<std::string, std::string>>();
  r.broker_keys = j.at("broker_keys").get<std::vector<std::string>>();
  r.written = j.at("written").get<std::map<std::string, std::string>>();
  r.written_value = j.at("written_value").get<std::map<std::string, std::string>>();
  r.warnings = j.at("warnings").get<std::vector<std::string>>();
  if (!j.at("config_error").is_null()) r.config_error = j.at("config_error").get<std::string>();
  r.mermaid = j.at("mermaid").get<bool>();
  r.fault_model = j.at("fault_model").get<std::string>();
  r.notes = j.at("notes").get<std::vector<std::string>>();
  r.requirements = j.at("requirements").get<bool>();
  r.required_by = j.at("required_by").get<std::string>();
  for (const Json& jv : j.at("verdicts")) {
    Verdict v;
    v.guarantee = jv.at("guarantee").get<std::string>();
    v.required = jv.at("required").get<bool>();
    v.budget = jv.at("budget").get<int>();
    v.user_brokers = jv.at("user_brokers").get<std::string>();
    v.promise = promise_from(jv.at("promise"));
    v.remedy = jv.at("remedy").get<std::string>();
    r.verdicts.push_back(std::move(v));
  }
  return r;
}

Json counterexample_json(const Counterexample& c) {
  return {{"found_at_case", c.found_at_case},
          {"shrink_steps", c.shrink_steps},
          {"shrink_stopped", c.shrink_stopped},
          {"spec", Json::parse(kafka_model::to_json(c.spec))}};
}

// A counterexample is carried as its RunSpec; replaying it gives back the
// history and anomalies byte for byte (properties/replay.hpp), so a part
// stays small and a tampered one is caught.
Counterexample replayed_counterexample(const Json& j, const std::string& guarantee, std::uint64_t seed) {
  const RunSpecParse parsed = parse_run_spec(j.at("spec").dump(), "spec");
  if (!parsed.spec) throw std::runtime_error(fmt::format("{}'s counterexample: {}", guarantee, parsed.error));
  Counterexample c;
  c.spec = *parsed.spec;
  c.found_at_case = j.at("found_at_case").get<int>();
  c.shrink_steps = j.at("shrink_steps").get<int>();
  c.shrink_stopped = j.at("shrink_stopped").get<bool>();
  c.search_seed = seed;
  const Guarantee* g = find_guarantee(guarantee);
  if (g == nullptr) throw std::runtime_error(fmt::format("unknown guarantee '{}'", guarantee));
  SimulationResult result = simulate(c.spec);
  if (!result.config_error && !result.cut_short) c.anomalies = g->check(result.history);
  if (c.anomalies.empty())
    throw std::runtime_error(
        fmt::format("{}'s counterexample does not violate it when replayed (a part of another build?)", guarantee));
  c.history = std::move(result.history);
  return c;
}


// --shard I/N: 0 <= I < N.
bool parse_shard(const std::string& text, int& index, int& count) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  const char* a = text.data();
  const char* mid = a + slash;
  const char* end = a + text.size();
  const auto [p1, e1] = std::from_chars(a, mid, index);
  const auto [p2, e2] = std::from_chars(mid + 1, end, count);
  return slash > 0 && e1 == std::errc() && p1 == mid && e2 == std::errc() && p2 == end && count >= 1 &&
         count <= 1000000 && index >= 0 && index < count;
}

}  // namespace kafka_model::cli
