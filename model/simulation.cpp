#include "model/simulation.hpp"

#include "model/chooser.hpp"
#include "model/world.hpp"

namespace kafka_model {

SimulationResult simulate(const RunSpec& spec, const ModelParameters& parameters) {
  SimulationResult result;
  ConfigResult built = build_configuration(spec.version, spec.producer, spec.broker);
  if (built.error) {
    result.config_error = built.error;
    return result;
  }
  SeededChooser chooser(spec.seed);
  World world(*built.config, spec.workload, spec.schedule, chooser, parameters);
  world.run();
  result.config = std::move(built.config);
  result.history = world.history();
  result.cut_short = world.cut_short();
  result.events = world.state().events_processed;
  return result;
}

}  // namespace kafka_model
