// The files people really have, read into the producer's (or broker's)
// Kafka keys: a plain Java .properties file; YAML (application.yml, read with
// yaml-cpp); Spring Boot's spring.kafka.producer.* / spring.kafka.properties.*
// and Spring Cloud Stream's binder keys; Kafka Connect's producer. /
// producer.override.; Kafka Streams' producer.; MirrorMaker 2's
// <cluster>.producer.; a pasted "ProducerConfig values:" log. The format is
// detected from the file's name and keys and said in a note; a file in none
// of them (HOCON, JSON) is refused with a message saying what is read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/java_properties.hpp"

namespace kafka_model::cli {

struct FormatRead {
  std::optional<PropertiesFile> file;  // Kafka keys -> values, each with the line it was written on
  std::vector<std::string> errors;     // every error, "<path>:<line>: ..."
  std::vector<std::string> notes;      // the format read, keys mapped or ignored, precedence decided
};

// `producer_side`: frameworks are recognised only in the producer file.
FormatRead read_config_file(const std::string& path, bool producer_side);

// From already loaded text (tests).
FormatRead read_config_text(const std::string& text, const std::string& path, bool producer_side);

// Kafka 3.9's producer configuration names (ProducerConfig and the
// CommonClientConfigs it defines), for "did you mean".
const std::vector<std::string>& kafka_producer_key_names();

}  // namespace kafka_model::cli
