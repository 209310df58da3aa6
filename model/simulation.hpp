// The world as a pure function: RunSpec (configuration, workload, faults,
// seed) -> History. Same spec, same build or not, same bytes.
#pragma once

#include <optional>

#include "model/config.hpp"
#include "model/history.hpp"
#include "model/run_spec.hpp"
#include "model/world_state.hpp"

namespace kafka_model {

struct SimulationResult {
  std::optional<Configuration> config;   // what the producer ran with
  std::optional<ConfigError> config_error;  // Kafka (or the model) refused the configuration
  History history;
  bool cut_short = false;  // hit ModelParameters' time or event bound
  std::int64_t events = 0;
};

SimulationResult simulate(const RunSpec& spec, const ModelParameters& parameters = {});

}  // namespace kafka_model
