// Everything one run depends on: configuration (as the Kafka properties a
// person wrote), workload, fault schedule, seed and recorded choices. The world is a pure
// function of it. Serialized as JSON, it is both a hand-written scenario file
// (tests/scenarios/) and a replay file of a shrunk counterexample.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/fault_schedule.hpp"
#include "model/workload.hpp"
#include "statemachines/kafka_version.hpp"

namespace kafka_model {

struct RunSpec {
  KafkaVersion version = KafkaVersion::V3_9;
  std::map<std::string, std::string> producer;  // producer.properties keys
  std::map<std::string, std::string> broker;    // broker/topic keys
  std::map<std::string, std::string> consumer;  // consumer.properties keys (isolation.level)
  Workload workload;
  FaultSchedule schedule;
  std::uint64_t seed = 1;
  // Recorded Chooser decisions (model/chooser.hpp, ReplayChooser): one value
  // per decision in the order the world asks, the seed's draws after the
  // last. Empty = the seed decides everything (every file before the field).
  // `kafka-model explore` writes them for a behaviour that needs a decision
  // the seed does not draw (a particular network delay).
  std::vector<std::uint64_t> choices;
  std::string description;  // optional, for scenario files
  // What a scenario or counterexample file asserts, by guarantee name
  // (properties/guarantee.hpp): replaying it must violate / keep these.
  std::vector<std::string> expect_violated;
  std::vector<std::string> expect_holds;
  bool operator==(const RunSpec&) const = default;
};

}  // namespace kafka_model
