// The Kafka release whose behaviour is modelled. Defaults, ConfigException
// rules and the client's transition table differ between releases. 4.3 (the
// latest release) runs 4.0's rules: nothing the model simulates changed in
// 4.1, 4.2 or 4.3 (docs/model.md, "Kafka 4.1 to 4.3"). Releases are ordered:
// `version >= KafkaVersion::V4_0` reads "4.0 or later".
#pragma once

#include <optional>
#include <string_view>

namespace kafka_model {

enum class KafkaVersion : unsigned char { V2_8, V3_9, V4_0, V4_3 };

// For messages that list the releases (CLI, scenario files).
inline constexpr const char* kKnownKafkaVersions = "2.8, 3.9, 4.0, 4.3";

inline const char* to_string(KafkaVersion v) {
  switch (v) {
    case KafkaVersion::V2_8: return "2.8";
    case KafkaVersion::V3_9: return "3.9";
    case KafkaVersion::V4_0: return "4.0";
    case KafkaVersion::V4_3: return "4.3";
  }
  return "?";
}

inline std::optional<KafkaVersion> parse_kafka_version(std::string_view text) {
  if (text == "2.8") return KafkaVersion::V2_8;
  if (text == "3.9" || text == "3.x" || text == "3") return KafkaVersion::V3_9;
  if (text == "4.0" || text == "4") return KafkaVersion::V4_0;
  if (text == "4.3") return KafkaVersion::V4_3;
  return std::nullopt;
}

}  // namespace kafka_model
