// The Kafka release whose behaviour is modelled. Defaults, ConfigException
// rules and the client's transition table differ between releases.
#pragma once

#include <optional>
#include <string_view>

namespace kafka_model {

enum class KafkaVersion : unsigned char { V2_8, V3_9, V4_0 };

inline const char* to_string(KafkaVersion v) {
  switch (v) {
    case KafkaVersion::V2_8: return "2.8";
    case KafkaVersion::V3_9: return "3.9";
    case KafkaVersion::V4_0: return "4.0";
  }
  return "?";
}

inline std::optional<KafkaVersion> parse_kafka_version(std::string_view text) {
  if (text == "2.8") return KafkaVersion::V2_8;
  if (text == "3.9" || text == "3.x" || text == "3") return KafkaVersion::V3_9;
  if (text == "4.0" || text == "4") return KafkaVersion::V4_0;
  return std::nullopt;
}

}  // namespace kafka_model
