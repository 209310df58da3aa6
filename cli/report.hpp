// What `check`, `replay` and `scenario` print: the effective configuration,
// then one verdict per guarantee, each violation with its counterexample
// (timeline, faults, replay file, remedy). Text for people, JSON for tools;
// both are built from the same Verdict values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/history.hpp"
#include "model/run_spec.hpp"
#include "properties/allowed.hpp"
#include "properties/anomaly.hpp"

namespace kafka_model::cli {

struct CounterexampleReport {
  std::string replay_file;
  RunSpec spec;
  History history;
  std::vector<Anomaly> anomalies;
  int found_at_case = 0;  // 0 when replayed, not searched
  int shrink_steps = 0;
};

struct Verdict {
  std::string guarantee;
  bool violated = false;
  int schedules_explored = 0;
  Promise promise;
  std::string remedy;  // "" when promised or no setting helps
  std::optional<CounterexampleReport> counterexample;
};

struct Report {
  KafkaVersion version = KafkaVersion::V3_9;
  std::map<std::string, std::string> effective_config;  // producer and broker keys
  std::vector<std::string> broker_keys;                 // which of them are broker/topic keys
  std::map<std::string, std::string> written;           // key -> "file:line" for keys the user set
  std::map<std::string, std::string> written_value;     // key -> value as the user wrote it
  std::vector<std::string> warnings;
  std::optional<std::string> config_error;  // Kafka's message when it refuses
  std::vector<Verdict> verdicts;
  bool mermaid = false;  // text only: a sequence diagram after each timeline
};

// One guarantee judged on one run (replay, scenario): schedules_explored = 1,
// the counterexample is the run itself when the checker finds anomalies.
Verdict judge_run(const std::string& guarantee, const Configuration& config, const RunSpec& spec,
                  const History& history, const std::string& file);

// Promise and remedy for `guarantee` under `config`.
void set_promise(Verdict& verdict, const Configuration& config);

// Fills effective_config from a built configuration.
void set_effective_config(Report& report, const Configuration& config);

std::string render_text(const Report& report);
std::string render_json(const Report& report);  // one object, pretty, ending in '\n'

// Numbered timeline lines (to_timeline) and one line per fault (describe(Fault)).
std::vector<std::string> timeline_lines(const History& history);
std::vector<std::string> fault_lines(const RunSpec& spec);

}  // namespace kafka_model::cli
