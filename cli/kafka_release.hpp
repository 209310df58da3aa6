// `--kafka-version` as people write it: any Apache Kafka release ("3.5",
// "3.9.0", "2.6.1", "4.1"), mapped to the modelled release whose rules it
// runs, with a sentence saying so and what differs.
#pragma once

#include <optional>
#include <string>

#include "statemachines/kafka_version.hpp"

namespace kafka_model::cli {

struct KafkaRelease {
  KafkaVersion rules = KafkaVersion::V3_9;  // the modelled release whose rules are used
  std::string asked;                        // as written
  std::string note;                         // "" when `asked` is a modelled release itself
};

struct KafkaReleaseParse {
  std::optional<KafkaRelease> release;
  std::string error;  // set when release is not
};

KafkaReleaseParse parse_kafka_release(const std::string& text);

}  // namespace kafka_model::cli
