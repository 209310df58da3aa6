#include "cli/report.hpp"

#include "properties/known_races.hpp"
#include "properties/restart_snapshot.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "cli/sequence_diagram.hpp"
#include "model/history_io.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model::cli {
namespace {

bool is_broker_key(const Report& r, const std::string& key) {
  return std::find(r.broker_keys.begin(), r.broker_keys.end(), key) != r.broker_keys.end();
}

std::string config_lines(const Report& r, bool broker) {
  std::string out;
  for (const auto& [key, value] : r.effective_config) {
    if (is_broker_key(r, key) != broker) continue;
    std::string note;
    const auto where = r.written.find(key);
    if (where != r.written.end()) {
      const std::string& wrote = r.written_value.at(key);
      note = wrote == value ? fmt::format("  (set at {})", where->second)
                            : fmt::format("  (set at {} to '{}')", where->second, wrote);
    }
    out += fmt::format("    {:<40} {}{}\n", key, value, note);
  }
  return out;
}

std::string effective_config_text(const Report& r) {
  if (r.effective_config.empty()) return "";
  return fmt::format("Effective configuration (what Kafka {} runs with):\n  producer:\n{}  broker/topic:\n{}",
                     to_string(r.version), config_lines(r, false), config_lines(r, true));
}

std::string warnings_text(const Report& r) {
  if (r.warnings.empty()) return "";
  std::string out = "Warnings (as Kafka logs them):\n";
  for (const std::string& w : r.warnings) out += fmt::format("  WARN {}\n", w);
  return out;
}

std::string verdict_word(const Verdict& v) { return v.violated ? "VIOLATED" : "holds"; }

// The known exception (properties/allowed.hpp) a violation of a promised
// guarantee is, with the evidence from its history; the summary table and
// the detail both ask this, so they cannot disagree.
struct ExceptionMatch {
  const KnownException* exception = nullptr;
  std::string evidence;
};

std::optional<ExceptionMatch> known_exception(const Verdict& v) {
  if (!v.violated || !v.promise.promised || !v.counterexample) return std::nullopt;
  const History& history = v.counterexample->history;
  const auto race = first_batch_race_for(history, v.guarantee);
  const auto snapshot = race ? std::nullopt : restart_snapshot_refusal(history);
  for (const KnownException& e : v.promise.exceptions) {
    if (race && e.name == "the first-batch race") return ExceptionMatch{&e, race->evidence};
    if (snapshot && e.name == "the restart snapshot") return ExceptionMatch{&e, *snapshot};
  }
  return std::nullopt;
}

// "KAFKA-19880" of "KAFKA-19880 (also ...)".
// An exception with no ticket is named by itself ("the restart snapshot").
std::string main_ticket(const KnownException& e) {
  if (e.tickets.rfind("KAFKA-", 0) != 0) return e.name;
  return e.tickets.substr(0, e.tickets.find(' '));
}

std::string promise_word(const Verdict& v) {
  if (!v.promise.promised) return "no";
  if (!v.violated) return "yes";
  if (const auto match = known_exception(v)) return "yes, except " + main_ticket(*match->exception) + ": this is it";
  return "YES (a bug in Kafka or the model)";
}

// "the first-batch race (KAFKA-19880)", or the name alone when it has no ticket.
std::string exception_label(const KnownException& e) {
  const std::string ticket = main_ticket(e);
  return ticket == e.name ? e.name : fmt::format("{} ({})", e.name, ticket);
}

// The detail's promise line: the promise, its known exceptions, and which one this counterexample is.
std::string promise_text(const Verdict& v) {
  if (!v.promise.promised) return fmt::format("Kafka promises it: no. {}\n", v.promise.why);
  if (const auto match = known_exception(v)) {
    const KnownException& e = *match->exception;
    return fmt::format(
        "Kafka promises it, except in {}: this counterexample is it. {}\n  The exception: {}; {}.\n"
        "  Its status: {}.\nKnown race in Kafka's rules: {}\n",
        exception_label(e), v.promise.why, e.tickets, e.mechanism, e.status, match->evidence);
  }
  std::string out = fmt::format("Kafka promises it: yes. {}\n", v.promise.why);
  for (const KnownException& e : v.promise.exceptions)
    out += fmt::format("  Known exception: {}; this counterexample is not it: a bug in Kafka or the model.\n",
                       exception_label(e));
  return out;
}

std::string summary_table(const Report& r) {
  std::string out = fmt::format("  {:<30} {:<9} {:>9}  {}\n", "guarantee", "verdict", "schedules", "Kafka promises it");
  for (const Verdict& v : r.verdicts)
    out += fmt::format("  {:<30} {:<9} {:>9}  {}\n", v.guarantee, verdict_word(v), v.schedules_explored,
                       promise_word(v));
  return out;
}

std::string counterexample_text(const Verdict& v, bool mermaid) {
  const CounterexampleReport& c = *v.counterexample;
  std::string out = fmt::format("\n== {}: violated\n", v.guarantee);
  out += promise_text(v);
  if (c.found_at_case > 0)
    out += fmt::format("Found at schedule {}, shrunk in {} steps to:\n", c.found_at_case, c.shrink_steps);
  out += "Anomalies:\n";
  for (const Anomaly& a : c.anomalies) out += fmt::format("  - {}: {}\n", a.kind, a.summary);
  const std::vector<std::string> faults = fault_lines(c.spec);
  out += faults.empty() ? "Faults: none\n" : "Faults:\n";
  for (std::size_t i = 0; i < faults.size(); ++i) out += fmt::format("  {}. {}\n", i + 1, faults[i]);
  out += fmt::format("Workload: {} records, mode {}\n", c.spec.workload.records, to_string(c.spec.workload.mode));
  out += "Timeline:\n";
  for (const std::string& line : timeline_lines(c.history)) out += line + "\n";
  if (mermaid) out += "Sequence diagram (Mermaid):\n```mermaid\n" + to_mermaid_sequence(c.history) + "```\n";
  out += c.replay_file.empty() ? std::string("Replay: (the replay file could not be written)\n")
                               : fmt::format("Replay: kafka-model replay {}\n", c.replay_file);
  if (!v.remedy.empty()) out += fmt::format("Remedy: {}\n", v.remedy);
  return out;
}

nlohmann::ordered_json counterexample_json(const Verdict& v) {
  const CounterexampleReport& c = *v.counterexample;
  nlohmann::ordered_json j;
  j["replay_file"] = c.replay_file;
  j["steps"] = c.history.steps.size();
  j["shrink_steps"] = c.shrink_steps;
  j["faults"] = fault_lines(c.spec);
  nlohmann::ordered_json anomalies = nlohmann::ordered_json::array();
  for (const Anomaly& a : c.anomalies) anomalies.push_back({{"kind", a.kind}, {"summary", a.summary}});
  j["anomalies"] = anomalies;
  const auto match = known_exception(v);
  j["known_race"] = match ? nlohmann::ordered_json(match->evidence) : nlohmann::ordered_json(nullptr);
  j["timeline"] = timeline_lines(c.history);
  return j;
}

}  // namespace

void set_promise(Verdict& verdict, const Configuration& config) {
  verdict.promise = kafka_promises(config, verdict.guarantee);
  verdict.remedy = remedy(config, verdict.guarantee);
}

Verdict judge_run(const std::string& guarantee, const Configuration& config, const RunSpec& spec,
                  const History& history, const std::string& file) {
  Verdict v;
  v.guarantee = guarantee;
  v.schedules_explored = 1;
  set_promise(v, config);
  const Guarantee* g = find_guarantee(guarantee);
  std::vector<Anomaly> anomalies = g != nullptr ? g->check(history) : std::vector<Anomaly>{};
  v.violated = !anomalies.empty();
  if (v.violated) v.counterexample = CounterexampleReport{file, spec, history, std::move(anomalies), 0, 0};
  return v;
}

void set_effective_config(Report& report, const Configuration& config) {
  report.effective_config = config.effective_producer_properties();
  for (const auto& [k, v] : config.effective_broker_properties()) {
    report.effective_config[k] = v;
    report.broker_keys.push_back(k);
  }
}

std::vector<std::string> timeline_lines(const History& history) {
  std::vector<std::string> lines;
  const std::string text = to_timeline(history);
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(text.substr(start, end - start));
  return lines;
}

std::vector<std::string> fault_lines(const RunSpec& spec) {
  std::vector<std::string> lines;
  for (const Fault& f : spec.schedule.faults) lines.push_back(describe(f));
  return lines;
}

std::string render_text(const Report& r) {
  std::string out = effective_config_text(r) + warnings_text(r);
  if (r.config_error) return out + fmt::format("Kafka refuses this configuration: {}\n", *r.config_error);
  out += "\nGuarantees:\n" + summary_table(r);
  bool legend_due = true;
  for (const Verdict& v : r.verdicts) {
    if (!v.counterexample) continue;
    out += counterexample_text(v, r.mermaid);
    legend_due = false;
  }
  if (!legend_due) out += "\n" + timeline_legend();
  return out;
}

std::string render_json(const Report& r) {
  nlohmann::ordered_json j;
  j["kafka_version"] = to_string(r.version);
  j["effective_config"] = r.effective_config;
  j["warnings"] = r.warnings;
  j["config_error"] = r.config_error ? nlohmann::ordered_json(*r.config_error) : nlohmann::ordered_json(nullptr);
  nlohmann::ordered_json guarantees = nlohmann::ordered_json::array();
  for (const Verdict& v : r.verdicts) {
    nlohmann::ordered_json g;
    g["name"] = v.guarantee;
    g["verdict"] = v.violated ? "violated" : "holds";
    g["schedules_explored"] = v.schedules_explored;
    g["kafka_promises"] = v.promise.promised;
    g["why"] = v.promise.why;
    nlohmann::ordered_json exceptions = nlohmann::ordered_json::array();
    for (const KnownException& e : v.promise.exceptions)
      exceptions.push_back({{"name", e.name}, {"tickets", e.tickets}, {"status", e.status}, {"mechanism", e.mechanism}});
    g["known_exceptions"] = std::move(exceptions);
    const auto match = known_exception(v);
    g["violation_is_known_exception"] = match ? nlohmann::ordered_json(main_ticket(*match->exception))
                                              : nlohmann::ordered_json(nullptr);
    g["remedy"] = v.remedy.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.remedy);
    g["counterexample"] = v.counterexample ? counterexample_json(v) : nlohmann::ordered_json(nullptr);
    guarantees.push_back(std::move(g));
  }
  j["guarantees"] = std::move(guarantees);
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace kafka_model::cli
