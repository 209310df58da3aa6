#include "cli/config_input.hpp"

#include <fmt/core.h>

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
// their locations, e.g. " (producer.properties:4: foo.bar)".
std::string locations_named_in(const std::string& warning, const ConfigInput& input) {
  std::string where;
  for (const PropertiesFile* file : {&input.producer, &input.broker}) {
    for (const auto& [key, line] : file->line_of) {
      const bool named = warning.find("'" + key + "'") != std::string::npos ||
                         warning.find("[" + key + "]") != std::string::npos ||
                         warning.find("[" + key + ",") != std::string::npos ||
                         warning.find(" " + key + ",") != std::string::npos ||
                         warning.find(" " + key + "]") != std::string::npos;
      if (named) where += fmt::format("{}{}:{}: {}", where.empty() ? "" : ", ", file->path, line, key);
    }
  }
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

LoadedConfig load_config(const std::string& producer_path, const std::string& broker_path, KafkaVersion version,
                         bool strict) {
  LoadedConfig loaded;
  PropertiesParse producer = load_properties(producer_path);
  if (!producer.file) {
    loaded.error_text = producer.error;
    return loaded;
  }
  ConfigInput input{version, std::move(*producer.file), PropertiesFile{}};
  if (!broker_path.empty()) {
    PropertiesParse broker = load_properties(broker_path);
    if (!broker.file) {
      loaded.error_text = broker.error;
      return loaded;
    }
    input.broker = std::move(*broker.file);
  }
  derive_replication_factor(input, loaded.notes);
  ConfigResult built = build_configuration(version, input.producer.values, input.broker_values(), strict);
  if (built.error) {
    loaded.error = built.error;
    loaded.error_text = locate(*built.error, input);
  } else {
    for (const std::string& w : built.config->warnings) loaded.warnings.push_back(w + locations_named_in(w, input));
    loaded.config = std::move(built.config);
  }
  loaded.input = std::move(input);
  return loaded;
}

}  // namespace kafka_model::cli
