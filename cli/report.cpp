#include "cli/report.hpp"

#include "properties/known_races.hpp"
#include "properties/late_transaction_write.hpp"
#include "properties/restart_snapshot.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "cli/sequence_diagram.hpp"
#include "model/history_io.hpp"
#include "properties/exercise.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model::cli {
namespace {

bool is_broker_key(const Report& r, const std::string& key) {
  return std::find(r.broker_keys.begin(), r.broker_keys.end(), key) != r.broker_keys.end();
}

// The model's cluster shape and what-if knobs, as opposed to Kafka's own
// settings: Kafka has no "number of brokers" setting, and its broker default
// for default.replication.factor is 1 (KafkaConfig / ServerLogConfigs), while
// the model's topic has 3 replicas unless told otherwise.
bool is_model_shape_key(const std::string& key) {
  return key.rfind("model.", 0) == 0 || key == "num.partitions" || key == "default.replication.factor";
}

// Which block of the effective configuration a key is printed in.
enum class Block { Producer, Broker, Model };
Block block_of(const Report& r, const std::string& key) {
  if (!is_broker_key(r, key)) return Block::Producer;
  return is_model_shape_key(key) ? Block::Model : Block::Broker;
}

std::string shape_note(const std::string& key) {
  if (key == "default.replication.factor") return "  [Kafka's broker default is 1]";
  if (key == "model.brokers") return "  [the simulated cluster; Kafka has no such setting]";
  if (key == "model.producer.state.batches.to.retain") return "  [what-if knob; Kafka fixes it at 5]";
  if (key == "model.reject.nonzero.first.sequence.on.empty.partition") return "  [what-if knob; Kafka 4.5's rule]";
  return "";
}

std::string config_lines(const Report& r, Block block) {
  std::string out;
  for (const auto& [key, value] : r.effective_config) {
    if (block_of(r, key) != block) continue;
    std::string note;
    const auto where = r.written.find(key);
    if (where != r.written.end()) {
      const std::string& wrote = r.written_value.at(key);
      note = wrote == value ? fmt::format("  (set at {})", where->second)
                            : fmt::format("  (set at {} to '{}')", where->second, wrote);
    }
    if (block == Block::Model && note.empty()) note = shape_note(key);
    out += fmt::format("    {:<40} {}{}\n", key, value, note);
  }
  return out;
}

std::string effective_config_text(const Report& r) {
  if (r.effective_config.empty()) return "";
  return fmt::format(
      "Effective configuration (what Kafka {} runs with):\n  producer:\n{}  broker/topic:\n{}"
      "The model's cluster (its shape and what-if knobs, not Kafka settings):\n{}",
      to_string(r.version), config_lines(r, Block::Producer), config_lines(r, Block::Broker),
      config_lines(r, Block::Model));
}

std::string notes_text(const Report& r) {
  std::string out;
  for (const std::string& n : r.notes) out += fmt::format("NOTE {}\n", n);
  return out;
}

std::string warnings_text(const Report& r) {
  if (r.warnings.empty()) return "";
  std::string out = "Warnings (as Kafka logs them):\n";
  for (const std::string& w : r.warnings) out += fmt::format("  WARN {}\n", w);
  return out;
}

std::string verdict_word(const Verdict& v) {
  if (v.violated) return "VIOLATED";
  return exercised(v) ? "holds" : "NOT EXERCISED";
}

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
  const auto late = late_transaction_write(history);
  for (const KnownException& e : v.promise.exceptions) {
    if (race && e.name == "the first-batch race") return ExceptionMatch{&e, race->evidence};
    if (snapshot && e.name == "the restart snapshot") return ExceptionMatch{&e, *snapshot};
    if (late && e.name == "a late transactional write") return ExceptionMatch{&e, *late};
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

// "1000", or "340/1000" when --time-limit stopped the search early.
std::string schedules_text(const Verdict& v) {
  return v.time_limited ? fmt::format("{}/{}", v.schedules_explored, v.budget) : std::to_string(v.schedules_explored);
}

std::string summary_table(const Report& r) {
  const int width = guarantee_column_width();
  const std::string req = r.requirements ? fmt::format(" {:<8}", "required") : "";
  std::string out = fmt::format("  {:<{}} {:<13} {:>9} {:>10}{}  {}\n", "guarantee", width, "verdict", "schedules",
                                "acked", req, "Kafka promises it");
  for (const Verdict& v : r.verdicts)
    out += fmt::format("  {:<{}} {:<13} {:>9} {:>10}{}  {}\n", v.guarantee, width, verdict_word(v),
                       schedules_text(v), v.exercise.acknowledged,
                       r.requirements ? fmt::format(" {:<8}", v.required ? "yes" : "no") : "", promise_word(v));
  return out;
}

// What the verdict words mean, said once under the table.
std::string meaning_text(const Report& r) {
  if (r.fault_model.empty()) {  // one run: replay, scenario
    return "holds = this one run shows no violation; NOT EXERCISED = it acknowledged no send.\n";
  }
  std::string out = fmt::format(
      "holds = no counterexample in that many schedules of this fault model ({}), not a proof; \"acked\" counts "
      "the sends acknowledged across them.\n",
      r.fault_model);
  bool any_idle = false, any_idle_transactional = false, any_idle_consuming = false;
  for (const Verdict& v : r.verdicts) {
    const Guarantee* g = find_guarantee(v.guarantee);
    const bool consuming = g != nullptr && g->consume_process_produce;
    const bool transactional = g != nullptr && g->transactional && !consuming;
    any_idle = any_idle || (!exercised(v) && !transactional && !consuming);
    any_idle_transactional = any_idle_transactional || (!exercised(v) && transactional);
    any_idle_consuming = any_idle_consuming || (!exercised(v) && consuming);
  }
  if (any_idle)
    out += "NOT EXERCISED = no send was acknowledged in any schedule, so the guarantee was never put to the test: "
           "every write was refused or nothing was sent (see the warnings and the configuration).\n";
  if (any_idle_transactional)
    out += "NOT EXERCISED for a transaction guarantee = no transaction completed in any schedule: "
           "without transactional.id the producer runs none.\n";
  if (any_idle_consuming)
    out += "NOT EXERCISED for exactly_once_consume_process_produce = no input offset was committed in any schedule: "
           "the application consumes an input topic only with transactional.id and a consumer group.id "
           "(check --consumer FILE).\n";
  for (const Verdict& v : r.verdicts)
    if (v.exercise.cut_short > 0)
      out += fmt::format("{}: {} schedule(s) hit the model's bounds before settling and were not judged.\n",
                         v.guarantee, v.exercise.cut_short);
  if (r.coverage)
    out += fmt::format(
        "Coverage: faults took effect at {} point(s) of the {} schedule(s) simulated, in {} distinct world states "
        "(states as explore identifies them, docs/explorer.md; sampled only where a fault took effect).\n",
        r.coverage->fault_points, r.coverage->schedules, r.coverage->distinct_fault_states);
  if (r.time_limit_note) out += *r.time_limit_note + "\n";
  return out;
}

std::string requirement_text(const Report& r) {
  if (!r.requirements) return "";
  std::string names;
  for (const Verdict& v : r.verdicts)
    if (v.required) names += (names.empty() ? "" : ", ") + v.guarantee;
  std::string out = fmt::format("Required: {} ({}).\n", names.empty() ? "none" : names, r.required_by);
  for (const Verdict& v : r.verdicts) {
    if (unexpected_violation(v))
      out += fmt::format(
          "ALARM {}: Kafka promises it for this configuration and it is violated by none of the known exceptions: "
          "a bug in Kafka or in the model (exit 4).\n",
          v.guarantee);
    else if (v.required && v.violated)
      out += fmt::format("FAIL {}: required and violated (exit 1).\n", v.guarantee);
    else if (v.required && !exercised(v))
      out += fmt::format("FAIL {}: required but never exercised (exit 5).\n", v.guarantee);
  }
  const int code = exit_code_for(r);
  if (code == 0) out += "Exit code 0: every required guarantee holds in the schedules searched.\n";
  return out;
}



std::string counterexample_text(const Verdict& v, bool mermaid) {
  const CounterexampleReport& c = *v.counterexample;
  std::string out = fmt::format("\n== {}: violated\n", v.guarantee);
  out += promise_text(v);
  if (c.found_at_case > 0)
    out += fmt::format("Found at schedule {}, shrunk in {} steps{} to:\n", c.found_at_case, c.shrink_steps,
                       v.shrink_stopped ? " (the time limit stopped shrinking; no replay file)" : "");
  const auto config_brokers = c.history.config.find("model.brokers");
  if (c.found_at_case > 0 && !v.user_brokers.empty() && config_brokers != c.history.config.end() &&
      config_brokers->second != v.user_brokers)
    out += fmt::format(
        "Cluster: this counterexample runs on {} broker(s), not your {}: the search shrinks the cluster to the "
        "fewest brokers that still show the violation.\n",
        config_brokers->second, v.user_brokers);
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
  const auto brokers = c.history.config.find("model.brokers");
  j["brokers"] = brokers == c.history.config.end() ? nlohmann::ordered_json(nullptr)
                                                   : nlohmann::ordered_json(brokers->second);
  j["shrink_stopped_by_time_limit"] = v.shrink_stopped;
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

// A transaction guarantee is exercised by a completed transaction, the
// consume-transform-produce one by a committed input offset, any other by an
// acknowledged send.
bool exercised(const Verdict& v) {
  const Guarantee* g = find_guarantee(v.guarantee);
  if (g != nullptr && g->consume_process_produce) return v.violated || v.exercise.offset_commits > 0;
  if (g != nullptr && g->transactional) return v.violated || v.exercise.transactions > 0;
  return v.violated || v.exercise.acknowledged > 0;
}

const char* verdict_name(const Verdict& v) {
  if (v.violated) return "violated";
  return exercised(v) ? "holds" : "not_exercised";
}

bool unexpected_violation(const Verdict& v) {
  return v.violated && v.promise.promised && !v.shrink_stopped && !known_exception(v);
}

void count_exercise(const History& history, Exercise& e) {
  const RunExercise run = exercise_of(history);
  ++e.schedules_judged;
  e.sends += run.sends;
  e.acknowledged += run.acknowledged;
  e.transactions += run.transactions;
  e.offset_commits += run.offset_commits;
  e.schedules_with_ack += run.acknowledged > 0 ? 1 : 0;
}

int exit_code_for(const Report& r) {
  bool unexpected = false, required_violated = false, required_idle = false;
  for (const Verdict& v : r.verdicts) {
    unexpected = unexpected || unexpected_violation(v);
    required_violated = required_violated || (v.required && v.violated);
    required_idle = required_idle || (v.required && !exercised(v));
  }
  if (unexpected) return 4;
  if (required_violated) return 1;
  if (required_idle) return 5;
  return 0;
}

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
  count_exercise(history, v.exercise);
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

std::string verdict_label(const Verdict& v) { return verdict_word(v); }
std::string promise_label(const Verdict& v) { return promise_word(v); }
std::string verdict_meaning_text(const Report& r) { return meaning_text(r) + requirement_text(r); }
std::string effective_configuration_text(const Report& r) { return effective_config_text(r); }

std::string counterexample_detail_text(const Verdict& v) {
  std::string text = counterexample_text(v, false);
  const std::size_t from = text.find("\nTimeline:\n");
  const std::size_t to = text.find("\nReplay: ", from == std::string::npos ? 0 : from);
  if (from != std::string::npos && to != std::string::npos) text.erase(from + 1, to - from);
  return text;
}

int guarantee_column_width() {
  static const int width = [] {
    std::size_t longest = 0;
    for (const auto* registry : {&all_guarantees(), &diagnostic_guarantees()})
      for (const Guarantee& g : *registry) longest = std::max(longest, g.name.size());
    return static_cast<int>(longest);
  }();
  return width;
}

std::string render_text(const Report& r) {
  std::string out = effective_config_text(r) + warnings_text(r) + notes_text(r);
  if (r.config_error) return out + fmt::format("Kafka refuses this configuration: {}\n", *r.config_error);
  out += "\nGuarantees:\n" + summary_table(r) + meaning_text(r) + requirement_text(r);
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
  nlohmann::ordered_json model_keys = nlohmann::ordered_json::array();
  for (const auto& [key, value] : r.effective_config)
    if (block_of(r, key) == Block::Model) model_keys.push_back(key);
  j["model_cluster_keys"] = std::move(model_keys);
  j["notes"] = r.notes;
  if (!r.fault_model.empty()) j["fault_model"] = r.fault_model;
  j["time_limit"] = r.time_limit_note ? nlohmann::ordered_json(*r.time_limit_note) : nlohmann::ordered_json(nullptr);
  if (r.coverage)
    j["search_coverage"] = {{"schedules", r.coverage->schedules},
                            {"fault_points", r.coverage->fault_points},
                            {"distinct_fault_states", r.coverage->distinct_fault_states}};
  if (r.requirements) j["exit_code"] = exit_code_for(r);
  nlohmann::ordered_json guarantees = nlohmann::ordered_json::array();
  for (const Verdict& v : r.verdicts) {
    nlohmann::ordered_json g;
    g["name"] = v.guarantee;
    g["verdict"] = verdict_name(v);
    g["schedules_explored"] = v.schedules_explored;
    g["time_limited"] = v.time_limited;
    g["schedules_judged"] = v.exercise.schedules_judged;
    g["schedules_with_acknowledged_send"] = v.exercise.schedules_with_ack;
    g["sends"] = v.exercise.sends;
    g["acknowledged_sends"] = v.exercise.acknowledged;
    g["cut_short"] = v.exercise.cut_short;
    if (r.requirements) g["required"] = v.required;
    g["unexpected_violation"] = unexpected_violation(v);
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
