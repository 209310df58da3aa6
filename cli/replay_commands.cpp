// `kafka-model replay FILE`, `kafka-model scenario FILE` and
// `kafka-model sequence FILE`: run one RunSpec file (a counterexample the
// search saved, or a hand-written scenario; same format, model/run_spec_io.hpp)
// and judge every guarantee on its history.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/html_report.hpp"
#include "cli/report.hpp"
#include "cli/sequence_diagram.hpp"
#include "model/run_spec_io.hpp"
#include "model/simulation.hpp"
#include "properties/guarantee.hpp"
#include "properties/replay.hpp"

namespace kafka_model::cli {
namespace {

struct ReplayOptions {
  std::string file;
  bool json = false;
  bool mermaid = false;
  std::string html_file;  // replay --html (cli/html_report.hpp)
};

// Loads the file; prints the error (file and field) when it cannot.
std::optional<RunSpec> load(const char* command, const std::string& path) {
  RunSpecParse parsed = load_run_spec(path);
  if (!parsed.spec) fmt::print(stderr, "kafka-model {}: {}\n", command, parsed.error);
  return parsed.spec;
}

// A file whose configuration Kafka refuses: exit 3 with Kafka's message; one
// the model's validation refuses: exit 2.
int refused(const char* command, const std::string& path, const RunSpec& spec, const ConfigError& error, bool json) {
  if (error.kind != ConfigErrorKind::KafkaConfigException) {
    fmt::print(stderr, "kafka-model {}: {}: {} '{}': {}\n", command, path,
               error.key.rfind("faults[", 0) == 0 || error.key.rfind("choices[", 0) == 0 ? "field" : (is_broker_key(error.key) ? "broker key" : "producer key"),
               error.key, error.message);
    return kBadInput;
  }
  Report report;
  report.version = spec.version;
  report.config_error = fmt::format("{}: key '{}': {}", path, error.key, error.message);
  fmt::print("{}", json ? render_json(report) : render_text(report));
  return kKafkaRefuses;
}

Report judge_all(const RunSpec& spec, const SimulationResult& result, const std::string& path, bool mermaid) {
  Report report;
  report.version = spec.version;
  report.mermaid = mermaid;
  set_effective_config(report, *result.config);
  report.warnings = result.config->warnings;
  for (const Guarantee& g : all_guarantees())
    report.verdicts.push_back(judge_run(g.name, *result.config, spec, result.history, path));
  return report;
}

std::string header(const RunSpec& spec, const std::string& path) {
  std::string out = fmt::format("{}: Kafka {}, seed {}{}, {} fault(s)\n", path, to_string(spec.version), spec.seed,
                                spec.choices.empty() ? std::string()
                                                     : fmt::format(" after {} recorded choice(s)", spec.choices.size()),
                                spec.schedule.faults.size());
  if (!spec.description.empty()) out += fmt::format("Description: {}\n", spec.description);
  return out + "\n";
}

int run_replay(const ReplayOptions& o) {
  const std::optional<RunSpec> spec = load("replay", o.file);
  if (!spec) return kBadInput;
  const SimulationResult result = simulate(*spec);
  if (result.config_error) return refused("replay", o.file, *spec, *result.config_error, o.json);
  const Report report = judge_all(*spec, result, o.file, o.mermaid);
  fmt::print("{}", o.json ? render_json(report) : header(*spec, o.file) + render_text(report));
  if (!o.html_file.empty() && !write_html(o.html_file, report, "kafka-model replay", header(*spec, o.file))) {
    fmt::print(stderr, "kafka-model replay: --html '{}': cannot write the file\n", o.html_file);
    return kBadInput;
  }
  for (const Verdict& v : report.verdicts)
    if (v.violated) return kViolated;
  return kOk;
}

// A scenario states its outcome (expect_violated / expect_holds); replay()
// checks it (properties/replay.hpp).
int run_scenario(const ReplayOptions& o) {
  const std::optional<RunSpec> spec = load("scenario", o.file);
  if (!spec) return kBadInput;
  for (const auto* list : {&spec->expect_violated, &spec->expect_holds})
    for (const std::string& name : *list)
      if (find_guarantee(name) == nullptr) {
        fmt::print(stderr, "kafka-model scenario: {}: unknown guarantee '{}' in its expectations\n", o.file, name);
        return kBadInput;
      }
  const ReplayOutcome outcome = replay(*spec);
  if (outcome.result.config_error) return refused("scenario", o.file, *spec, *outcome.result.config_error, false);
  const Report report = judge_all(*spec, outcome.result, o.file, o.mermaid);
  std::string out = header(*spec, o.file) + render_text(report) + "\nExpectations:\n";
  for (const std::string& name : spec->expect_violated) out += fmt::format("  expect violated: {}\n", name);
  for (const std::string& name : spec->expect_holds) out += fmt::format("  expect holds:    {}\n", name);
  for (const std::string& failure : outcome.failures) out += fmt::format("  FAILED: {}\n", failure);
  out += outcome.ok() ? "  all met\n" : "";
  fmt::print("{}", out);
  return outcome.ok() ? kOk : kViolated;
}

int run_sequence(const ReplayOptions& o) {
  const std::optional<RunSpec> spec = load("sequence", o.file);
  if (!spec) return kBadInput;
  const SimulationResult result = simulate(*spec);
  if (result.config_error) return refused("sequence", o.file, *spec, *result.config_error, false);
  fmt::print("{}", to_mermaid_sequence(result.history));
  return kOk;
}

using Runner = int (*)(const ReplayOptions&);

void add(CLI::App& app, int& exit_code, const char* name, const char* help, Runner run, bool json, bool mermaid) {
  auto o = std::make_shared<ReplayOptions>();
  auto* cmd = app.add_subcommand(name, help);
  cmd->add_option("FILE", o->file, "A RunSpec JSON file (tests/scenarios/README.md)")->required();
  if (json) cmd->add_flag("--json", o->json, "One JSON object on stdout");
  if (mermaid) cmd->add_flag("--mermaid", o->mermaid, "Also print the run as a Mermaid sequence diagram");
  if (run == &run_replay)
    cmd->add_option("--html", o->html_file, "Also write the report as one HTML page with the run as a sequence diagram");
  cmd->callback([o, run, &exit_code] { exit_code = run(*o); });
}

}  // namespace

void add_replay_commands(CLI::App& app, int& exit_code) {
  add(app, exit_code, "replay", "Re-run a replay file and judge every guarantee (exit 1 if any is violated)",
      &run_replay, true, true);
  add(app, exit_code, "scenario",
      "Run a hand-written scenario file and check its expect_violated / expect_holds lists", &run_scenario, false,
      true);
  add(app, exit_code, "sequence", "Print a run (replay or scenario file) as a Mermaid sequenceDiagram",
      &run_sequence, false, false);
}

}  // namespace kafka_model::cli
