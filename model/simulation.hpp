// The world as a pure function: RunSpec (configuration, workload, faults,
// seed) -> History. Same spec, same build or not, same bytes.
#pragma once

#include <functional>
#include <optional>

#include "model/chooser.hpp"
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

// The decisions are the spec's recorded choices, then its seed's
// (ReplayChooser); a recorded value outside its decision's range is a
// config_error naming choices[i].
SimulationResult simulate(const RunSpec& spec, const ModelParameters& parameters = {});

// The same run, with `observe` called after every event the world
// processes, the world as it is then (the search samples states with it,
// properties/search.hpp). It only reads: the run is the one simulate() gives.
class World;
using StepObserver = std::function<void(const World&)>;
SimulationResult simulate(const RunSpec& spec, const ModelParameters& parameters, const StepObserver& observe);

// The same run with the caller's Chooser deciding (spec.seed and spec.choices
// unused): the explorer's recording chooser.
SimulationResult simulate(const RunSpec& spec, const ModelParameters& parameters, Chooser& chooser,
                          const StepObserver& observe = {});

}  // namespace kafka_model
