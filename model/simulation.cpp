#include "model/simulation.hpp"

#include <fmt/core.h>

#include "model/chooser.hpp"
#include "model/world.hpp"

namespace kafka_model {
namespace {

// A fault on a broker the configuration does not have names the fault and
// the rule (model.brokers), instead of reaching the world.
std::optional<ConfigError> check_faults_against(const FaultSchedule& schedule, const Configuration& config) {
  for (std::size_t i = 0; i < schedule.faults.size(); ++i) {
    const Fault& fault = schedule.faults[i];
    if (!fault_fields(fault.kind).broker || fault.broker < config.broker.brokers) continue;
    return ConfigError{ConfigErrorKind::InvalidValue, fmt::format("faults[{}].broker", i),
                       fmt::format("{} on broker {}, but model.brokers={} (brokers 0..{})", to_string(fault.kind),
                                   fault.broker, config.broker.brokers, config.broker.brokers - 1)};
  }
  return std::nullopt;
}

}  // namespace

SimulationResult simulate(const RunSpec& spec, const ModelParameters& parameters, Chooser& chooser,
                          const StepObserver& observe) {
  SimulationResult result;
  ConfigResult built = build_configuration(spec.version, spec.producer, spec.broker);
  if (built.error) {
    result.config_error = built.error;
    return result;
  }
  if (auto error = apply_consumer_properties(*built.config, spec.consumer)) {
    result.config_error = error;
    return result;
  }
  if (auto error = check_faults_against(spec.schedule, *built.config)) {
    result.config_error = error;
    return result;
  }
  World world(*built.config, spec.workload, spec.schedule, chooser, parameters);
  if (observe) {
    while (world.step()) observe(world);
  } else {
    world.run();
  }
  result.config = std::move(built.config);
  result.history = world.take_history();
  result.cut_short = world.cut_short();
  result.events = world.state().events_processed;
  return result;
}

SimulationResult simulate(const RunSpec& spec, const ModelParameters& parameters) {
  return simulate(spec, parameters, StepObserver{});
}

SimulationResult simulate(const RunSpec& spec, const ModelParameters& parameters, const StepObserver& observe) {
  ReplayChooser chooser(spec.choices, spec.seed);
  SimulationResult result = simulate(spec, parameters, chooser, observe);
  // A recorded decision the model did not offer: the file belongs to another
  // model or configuration, and its run is not the one recorded.
  if (const auto& m = chooser.mismatch(); m && !result.config_error)
    result.config_error = ConfigError{
        ConfigErrorKind::InvalidValue, fmt::format("choices[{}]", m->index),
        fmt::format("{} is outside the decision the model asks there ({}, values 0..{}): the file was recorded "
                    "against another model or configuration",
                    m->value, m->what, m->bound - 1)};
  return result;
}

}  // namespace kafka_model
