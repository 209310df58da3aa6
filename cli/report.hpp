// What `check`, `replay` and `scenario` print: the effective configuration,
// then one verdict per guarantee, each violation with its counterexample
// (timeline, faults, replay file, remedy). Text for people, JSON for tools;
// both are built from the same Verdict values.
#pragma once

#include <cstdint>
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

// How much of the configuration a verdict's schedules exercised: a guarantee
// about sends is only evidence when sends were acknowledged (a "holds" over
// schedules where every write was refused, or nothing was ever sent, says
// nothing).
struct Exercise {
  int schedules_judged = 0;           // schedules the checker judged (cut-short ones are not)
  int schedules_with_ack = 0;         // of them, with at least one acknowledged send
  std::int64_t sends = 0;             // send() calls across them
  std::int64_t acknowledged = 0;      // callbacks completed without error
  std::int64_t transactions = 0;      // transactions that completed (committed or aborted)
  std::int64_t offset_commits = 0;    // the consumer group's committed offset moved (consume-transform-produce)
  int cut_short = 0;                  // schedules that hit the model's bounds (never judged)
};

struct Verdict {
  std::string guarantee;
  bool violated = false;
  int schedules_explored = 0;
  Exercise exercise;
  bool required = false;     // --require (default: the guarantees Kafka promises here)
  bool time_limited = false;  // --time-limit stopped this search before its budget
  int budget = 0;             // schedules the search was asked for (0 = a single run)
  std::string user_brokers;  // model.brokers of the configuration searched ("" for a single run)
  bool shrink_stopped = false;  // --time-limit stopped shrinking: the counterexample is the last one reached
  Promise promise;
  std::string remedy;  // "" when promised or no setting helps
  std::optional<CounterexampleReport> counterexample;
};

// "violated", "holds" or "not exercised" (no send acknowledged in any schedule).
bool exercised(const Verdict& v);
const char* verdict_name(const Verdict& v);
// A violation of a guarantee Kafka promises that is not one of its known
// exceptions: a bug in Kafka or in the model.
bool unexpected_violation(const Verdict& v);
// Counts what a history exercised into `e` (one schedule).
void count_exercise(const History& history, Exercise& e);

// How much of the world a check's search perturbed: the world states in
// which its faults took effect (properties/search.hpp CaseRead::fault_states),
// over the schedules it simulated. A sample, not every state visited: hashing
// every state after every event would cost more than the search itself.
struct SearchCoverage {
  int schedules = 0;                     // schedules simulated (cases read)
  std::int64_t fault_points = 0;         // faults that took effect across them
  std::int64_t distinct_fault_states = 0;  // distinct world states at those points
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
  std::string fault_model;  // what the schedules injected, for the "holds means" line ("" = a single run)
  std::vector<std::string> notes;  // plain statements about the input (transactions not modelled, ...)
  std::optional<std::string> time_limit_note;  // what --time-limit covered
  std::optional<SearchCoverage> coverage;      // check only
  bool requirements = false;  // check: verdicts carry `required`; print the exit-code line
  std::string required_by;    // where the requirement came from, for that line
};

// The exit code for a searched report (commands.hpp ExitCode).
int exit_code_for(const Report& report);

// One guarantee judged on one run (replay, scenario): schedules_explored = 1,
// the counterexample is the run itself when the checker finds anomalies.
Verdict judge_run(const std::string& guarantee, const Configuration& config, const RunSpec& spec,
                  const History& history, const std::string& file);

// Promise and remedy for `guarantee` under `config`.
void set_promise(Verdict& verdict, const Configuration& config);

// Fills effective_config from a built configuration.
void set_effective_config(Report& report, const Configuration& config);

// The width of a column of guarantee names (check's verdict table,
// explore's results): the longest registered name, a guarantee's or a
// diagnostic's, so the columns after it line up whatever is checked.
int guarantee_column_width();

std::string render_text(const Report& report);
std::string render_json(const Report& report);  // one object, pretty, ending in '\n'

// Numbered timeline lines (to_timeline) and one line per fault (describe(Fault)).
std::vector<std::string> timeline_lines(const History& history);
std::vector<std::string> fault_lines(const RunSpec& spec);

// The text report's pieces, for the HTML report (cli/html_report.hpp), so the
// two always say the same: the verdict word and "Kafka promises it" column of
// the summary table, what the words mean and the exit-code lines, the
// effective configuration block, and a counterexample's detail without its
// timeline (the HTML shows the timeline beside its diagram).
std::string verdict_label(const Verdict& v);
std::string promise_label(const Verdict& v);
std::string verdict_meaning_text(const Report& report);
std::string effective_configuration_text(const Report& report);
std::string counterexample_detail_text(const Verdict& v);

}  // namespace kafka_model::cli
