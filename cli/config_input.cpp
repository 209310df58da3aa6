#include "cli/config_input.hpp"

#include <fmt/core.h>

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "cli/config_formats.hpp"
#include "cli/text_util.hpp"

namespace kafka_model::cli {
namespace {

// The file a key's error is about: a broker key's own file first.
const PropertiesFile* file_defining(const std::string& key, const ConfigInput& input) {
  const bool broker_key = is_broker_key(key);
  const PropertiesFile* first = broker_key ? &input.broker : &input.producer;
  const PropertiesFile* second = broker_key ? &input.producer : &input.broker;
  if (first->values.count(key) != 0) return first;
  if (second->values.count(key) != 0) return second;
  return nullptr;
}

// The keys of both files that a warning names ('key' or [a, key, b]), with
// their locations, e.g. " (producer.properties:4: foo.bar)". The warning is
// cut into words once and each looked up, so a warning naming a million
// unknown keys costs n log n, not n squared.
std::string locations_named_in(const std::string& warning, const ConfigInput& input) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : warning + " ") {
    if (c == ' ' || c == '\'' || c == '[' || c == ']' || c == ',' || c == '(' || c == ')') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  std::string where;
  std::set<std::pair<const PropertiesFile*, std::string>> seen;
  std::size_t listed = 0;
  for (const std::string& w : words)
    for (const PropertiesFile* file : {&input.producer, &input.broker}) {
      const auto line = file->line_of.find(w);
      if (line == file->line_of.end() || !seen.insert({file, w}).second) continue;
      if (++listed > 20) continue;  // the first 20 are enough to find them
      where += fmt::format("{}{}:{}: {}", where.empty() ? "" : ", ", file->path, line->second, w);
    }
  if (listed > 20) where += fmt::format(", and {} more", listed - 20);
  return where.empty() ? "" : " (" + where + ")";
}

// The model's topic has 3 replicas (BrokerConfig); on a cluster of fewer
// brokers that the user did not give a replication factor, the topic takes
// one replica per broker, as a development cluster would be set up (Kafka's
// own broker default, default.replication.factor=1, is what a one-broker
// cluster runs).
void derive_replication_factor(ConfigInput& input, std::vector<std::string>& notes) {
  const std::map<std::string, std::string>& b = input.broker.values;
  const auto brokers = b.find("model.brokers");
  if (brokers == b.end() || b.count("default.replication.factor") != 0) return;
  int n = 0;
  try {
    std::size_t used = 0;
    n = std::stoi(brokers->second, &used);
    if (used != brokers->second.size()) return;
  } catch (...) {
    return;  // build_configuration reports the bad value
  }
  if (n < 1 || n >= 3) return;
  input.derived_broker["default.replication.factor"] = std::to_string(n);
  notes.push_back(fmt::format(
      "default.replication.factor is not set and the cluster has {} broker(s) ({}): the model's topic gets {} "
      "replica(s) instead of its usual 3.",
      n, input.broker.where("model.brokers"), n));
}

}  // namespace

std::map<std::string, std::string> ConfigInput::broker_values() const {
  std::map<std::string, std::string> out = broker.values;
  for (const auto& [k, v] : derived_broker) out.emplace(k, v);
  return out;
}

std::string locate(const ConfigError& error, const ConfigInput& input) {
  const PropertiesFile* file = file_defining(error.key, input);
  if (file == nullptr) {  // the rule broke on a default: name the file the key belongs in
    const PropertiesFile& home = is_broker_key(error.key) ? input.broker : input.producer;
    const std::string where = home.path.empty() ? (is_broker_key(error.key) ? "broker defaults" : "producer defaults")
                                                : home.path;
    return fmt::format("{}: key '{}' (not set: the default): {}", where, error.key, error.message);
  }
  return fmt::format("{}: key '{}': {}", file->where(error.key), error.key, error.message);
}

namespace {

std::vector<std::string> model_broker_key_names() {
  std::vector<std::string> names;
  for (const auto& [k, v] : default_configuration(KafkaVersion::V3_9).effective_broker_properties()) names.push_back(k);
  return names;
}

bool is_kafka_producer_key(const std::string& key) {
  const auto& names = kafka_producer_key_names();
  return std::find(names.begin(), names.end(), key) != names.end();
}

// A key in the other file's place: a broker/topic key in the producer file
// is ignored by the producer (and the verdict would silently use the
// broker default), so it is an error that says where it belongs.
void misplaced_keys(const ConfigInput& input, bool broker_file_given, std::vector<std::string>& errors) {
  for (const auto& [key, value] : input.producer.values)
    if (is_broker_key(key))
      errors.push_back(fmt::format(
          "{}: key '{}' is a broker/topic setting, not the producer's (the producer ignores it): put it in the "
          "--broker file{}",
          input.producer.where(key), escape_for_message(key),
          broker_file_given ? fmt::format(" ({})", input.broker.path) : ""));
  for (const auto& [key, value] : input.broker.values)
    if (!is_broker_key(key) && is_kafka_producer_key(key))
      errors.push_back(fmt::format("{}: key '{}' is a producer setting: put it in the --producer file ({})",
                                   input.broker.where(key), escape_for_message(key), input.producer.path));
}

// "did you mean" for the unknown keys a warning lists (the first 20 only:
// a file of a million unknown keys must not cost a million searches).
std::vector<std::string> suggestions(const ConfigInput& input) {
  std::vector<std::string> producer_names = kafka_producer_key_names();
  const std::vector<std::string> broker_names = model_broker_key_names();
  std::vector<std::string> out;
  int asked = 0;
  for (const PropertiesFile* file : {&input.producer, &input.broker}) {
    const bool broker = file == &input.broker;
    for (const auto& [key, value] : file->values) {
      if (asked >= 20) return out;
      if (broker ? is_broker_key(key) : is_kafka_producer_key(key)) continue;
      ++asked;
      const std::string best = closest(key, broker ? broker_names : producer_names);
      if (!best.empty() && best != key)
        out.push_back(fmt::format("{}: unknown key '{}': did you mean '{}'?", file->where(key),
                                  escape_for_message(key), best));
    }
  }
  return out;
}

// A value Java's .properties reading keeps whole that its author did not
// mean: an inline comment or quotes (a HOCON or shell habit).
std::string value_hint(const std::string& value) {
  if (value.find(" #") != std::string::npos)
    return " (a .properties line has no inline comments: ' #' and what follows are part of the value)";
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\''))
    return " (quotes are part of a .properties value)";
  return "";
}

// Every ConfigError of the files: build, and on an error drop the key it
// names and build again, until none is left or Kafka itself refuses.
std::vector<std::string> every_error(const ConfigInput& input, KafkaVersion version, bool strict,
                                     const ConfigError& first) {
  std::vector<std::string> out;
  std::map<std::string, std::string> producer = input.producer.values;
  std::map<std::string, std::string> broker = input.broker_values();
  std::optional<ConfigError> error = first;
  std::set<std::string> seen;
  while (error && error->kind != ConfigErrorKind::KafkaConfigException && seen.insert(error->key).second) {
    const auto value = input.producer.values.count(error->key) != 0 ? input.producer.values.at(error->key)
                       : input.broker.values.count(error->key) != 0 ? input.broker.values.at(error->key)
                                                                     : std::string();
    out.push_back(escape_for_message(locate(*error, input) + value_hint(value)));
    if (producer.erase(error->key) + broker.erase(error->key) == 0) break;
    error = build_configuration(version, producer, broker, strict).error;
  }
  return out;
}

}  // namespace

LoadedConfig load_config(const std::string& producer_path, const std::string& broker_path, KafkaVersion version,
                         bool strict) {
  LoadedConfig loaded;
  auto fail = [&](const std::vector<std::string>& errors) {
    for (const std::string& e : errors) loaded.all_errors.push_back(escape_for_message(e));
    loaded.error_text = loaded.all_errors.empty() ? "" : loaded.all_errors.front();
    if (loaded.all_errors.size() > 1)
      loaded.error_text = fmt::format("{} error(s):\n  {}", loaded.all_errors.size(),
                                      fmt::join(loaded.all_errors, "\n  "));
    return loaded;
  };
  FormatRead producer = read_config_file(producer_path, true);
  std::vector<std::string> errors = producer.errors;
  FormatRead broker;
  if (!broker_path.empty()) {
    broker = read_config_file(broker_path, false);
    errors.insert(errors.end(), broker.errors.begin(), broker.errors.end());
  }
  if (!errors.empty()) return fail(errors);
  for (const auto* r : {&producer, &broker})
    for (const std::string& n : r->notes) loaded.notes.push_back(escape_for_message(n));
  ConfigInput input{version, std::move(*producer.file), broker.file ? std::move(*broker.file) : PropertiesFile{}};
  misplaced_keys(input, !broker_path.empty(), errors);
  derive_replication_factor(input, loaded.notes);
  if (!errors.empty()) {  // also every other error of the files, with the misplaced keys left out
    ConfigInput rest = input;
    for (auto* file : {&rest.producer, &rest.broker})
      for (auto it = file->values.begin(); it != file->values.end();)
        it = (file == &rest.producer) == is_broker_key(it->first) ? file->values.erase(it) : std::next(it);
    const ConfigResult built = build_configuration(version, rest.producer.values, rest.broker_values(), strict);
    if (built.error && built.error->kind != ConfigErrorKind::KafkaConfigException) {
      const std::vector<std::string> more = every_error(rest, version, strict, *built.error);
      errors.insert(errors.end(), more.begin(), more.end());
    }
    return fail(errors);
  }
  ConfigResult built = build_configuration(version, input.producer.values, input.broker_values(), strict);
  if (built.error) {
    if (built.error->kind != ConfigErrorKind::KafkaConfigException) return fail(every_error(input, version, strict, *built.error));
    loaded.error = built.error;
    loaded.error_text = escape_for_message(locate(*built.error, input));
    loaded.all_errors = {loaded.error_text};
  } else {
    for (const std::string& w : built.config->warnings)
      loaded.warnings.push_back(escape_for_message(w + locations_named_in(w, input)));
    for (const std::string& s : suggestions(input)) loaded.warnings.push_back(s);
    loaded.config = std::move(built.config);
  }
  loaded.input = std::move(input);
  return loaded;
}

}  // namespace kafka_model::cli
