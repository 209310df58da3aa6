// The consumer's configuration: isolation.level, as ConsumerConfig defines it
// (clients/.../consumer/ConsumerConfig.java: ISOLATION_LEVEL_CONFIG, default
// "read_uncommitted", ValidString of IsolationLevel's lower-case names; the
// consumer lower-cases the value: ConsumerConfig's CaseInsensitiveValidString).
#include <fmt/core.h>

#include <algorithm>
#include <cctype>

#include "model/config.hpp"

namespace kafka_model {

const char* isolation_level_text(const ConsumerConfig& consumer) {
  return consumer.read_committed ? "read_committed" : "read_uncommitted";
}

std::optional<ConfigError> apply_consumer_properties(Configuration& config, const Properties& consumer) {
  if (auto error = read_consumer_group_properties(config.consumer, consumer)) return error;
  const auto it = consumer.find("isolation.level");
  if (it == consumer.end()) return std::nullopt;
  std::string value = it->second;
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
  if (value != "read_committed" && value != "read_uncommitted")
    return ConfigError{ConfigErrorKind::InvalidValue, "isolation.level",
                       fmt::format("Invalid value {} for configuration isolation.level: String must be one of "
                                   "(case insensitive): read_uncommitted, read_committed",
                                   it->second)};
  config.consumer.read_committed = value == "read_committed";
  return std::nullopt;
}

}  // namespace kafka_model
