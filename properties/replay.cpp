#include "properties/replay.hpp"

#include <fmt/format.h>

#include "model/run_spec_io.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model {
namespace {

// Judges one named guarantee; false (with a failure) when the name is unknown.
bool judge(const std::string& name, ReplayOutcome& out) {
  const Guarantee* guarantee = find_guarantee(name);
  if (guarantee == nullptr || guarantee->check == nullptr) {
    out.failures.push_back(fmt::format("unknown guarantee '{}'", name));
    return false;
  }
  out.anomalies[name] = guarantee->check(out.result.history);
  return true;
}

}  // namespace

ReplayOutcome replay(const RunSpec& spec) {
  ReplayOutcome out;
  out.spec = spec;
  out.result = simulate(spec);
  if (out.result.config_error) {
    const ConfigError& e = *out.result.config_error;
    out.failures.push_back(e.key.rfind("choices[", 0) == 0
                               ? fmt::format("{}: {}", e.key, e.message)
                               : fmt::format("the configuration was refused: {}", e.message));
    return out;
  }
  if (out.result.cut_short) out.failures.push_back("the run hit the model's time/event bound");
  for (const std::string& name : spec.expect_violated)
    if (judge(name, out) && out.anomalies[name].empty())
      out.failures.push_back(fmt::format("expected {} to be violated, but it held", name));
  for (const std::string& name : spec.expect_holds)
    if (judge(name, out) && !out.anomalies[name].empty())
      out.failures.push_back(fmt::format("expected {} to hold, but it was violated: {}", name,
                                         out.anomalies[name].front().summary));
  return out;
}

ReplayOutcome replay_file(const std::string& path) {
  const RunSpecParse parsed = load_run_spec(path);
  if (!parsed.spec) {
    ReplayOutcome out;
    out.failures.push_back(parsed.error);
    return out;
  }
  return replay(*parsed.spec);
}

}  // namespace kafka_model
