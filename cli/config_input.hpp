// The configuration a person hands `kafka-model check`: producer and broker
// .properties files, read as Java reads them and built as Kafka `version`
// builds them (model/config.hpp). Every message names the file, the line and
// the key it is about.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/java_properties.hpp"
#include "model/config.hpp"

namespace kafka_model::cli {

struct ConfigInput {
  KafkaVersion version = KafkaVersion::V3_9;
  PropertiesFile producer;
  PropertiesFile broker;  // empty (path "") when no --broker file was given
  // Broker keys the CLI derives rather than the user wrote: the model's topic
  // replication factor follows a cluster smaller than its default of 3
  // brokers (model.brokers=1 is a single-broker development setup).
  std::map<std::string, std::string> derived_broker;
  std::map<std::string, std::string> broker_values() const;  // broker.values + derived_broker
};

struct LoadedConfig {
  std::optional<ConfigInput> input;      // set unless a file could not be read or parsed
  std::optional<Configuration> config;   // set when Kafka (and the model) accept it
  std::optional<ConfigError> error;      // build_configuration's refusal
  std::string error_text;                // the message to print, with file:line when known
  std::vector<std::string> warnings;     // as Kafka logs them, each prefixed with where the key was written
  std::vector<std::string> notes;        // what the CLI decided about the input (derived keys, formats read)
  std::vector<std::string> all_errors;   // every error found in the files, error_text being the first
};

// Reads both files and builds the configuration. `broker_path` may be empty.
LoadedConfig load_config(const std::string& producer_path, const std::string& broker_path, KafkaVersion version,
                         bool strict);

// The message for a ConfigError, prefixed "<file>:<line>: key '<key>': " from
// the file that defines the key.
std::string locate(const ConfigError& error, const ConfigInput& input);

}  // namespace kafka_model::cli
