// `kafka-model check --producer FILE [--broker FILE] ...`: which delivery
// guarantees does this configuration keep? For each guarantee the property
// search (properties/search.hpp) tries --budget failure schedules; a
// violation comes back shrunk, is written as a replay file, and is printed as
// a timeline a Kafka engineer can follow.
#include <fmt/core.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/config_input.hpp"
#include "cli/html_report.hpp"
#include "cli/java_properties.hpp"
#include "cli/junit.hpp"
#include "cli/kafka_release.hpp"
#include "cli/report.hpp"
#include "cli/text_util.hpp"
#include "properties/guarantee.hpp"
#include "properties/search.hpp"

namespace kafka_model::cli {
namespace {

struct CheckOptions {
  std::string producer_file;
  std::string broker_file;
  std::string consumer_file;                    // --consumer: consumer.properties (isolation.level)
  std::map<std::string, std::string> consumer;  // its keys, once read
  std::string kafka_version = "3.9";
  std::vector<std::string> guarantees;  // empty = all
  std::vector<std::string> require;     // empty = the guarantees Kafka promises; "all", "none"
  std::string junit_file;
  std::string html_file;  // --html: the report as one HTML page (cli/html_report.hpp)
  double time_limit_s = 0;  // 0 = none
  std::string seed_text = "1";
  std::uint64_t seed = 1;
  std::string budget_text = "1000";
  int budget = 1000;
  bool json = false;
  std::string out_dir = "counterexamples-out";
  bool strict = false;
  bool mermaid = false;
  bool with_refusals = false;  // also ErrorResponse faults (the race in docs/model.md)
};

std::vector<std::string> guarantee_name_list() {
  std::vector<std::string> names;
  for (const Guarantee& g : all_guarantees()) names.push_back(g.name);
  return names;
}

std::string guarantee_names() {
  std::string names;
  for (const Guarantee& g : all_guarantees()) names += (names.empty() ? "" : ", ") + g.name;
  return names;
}

// The requested guarantees, each once, or an error naming the unknown one.
bool resolve_guarantees(const std::vector<std::string>& names, const char* option,
                        std::vector<const Guarantee*>& out) {
  for (const std::string& name : names) {
    const Guarantee* g = find_guarantee(name);
    if (g == nullptr) {
      fmt::print(stderr, "kafka-model check: unknown {} '{}' (known: {}){}\n", option, escape_for_message(name), guarantee_names(),
                 did_you_mean(name, guarantee_name_list()));
      return false;
    }
    if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
  }
  return true;
}

// --require: names, or "all" / "none" / "promised" (the default).
enum class RequireMode { Promised, All, None, Named };

// ----------------------------------------------------------------- counting
//
// The search (properties/search.hpp) takes the guarantee's checker as a plain
// function pointer and reports only how many schedules it tried. To tell a
// guarantee that held from one that was never exercised, the checker is
// wrapped: the wrapper counts what each judged history exercised (the search
// judges cases one at a time, on this thread), and remembers the last
// violating history so a shrink stopped by --time-limit still has one.
// --time-limit stops the search by throwing StopSearch from the progress
// callback or the wrapper; search() holds only values, so unwinding through
// it is safe, and its first k cases are the same whatever the budget (one
// rc::Random split per case at a fixed size), so "--budget k" reproduces them.

struct StopSearch {};

struct Counting {
  CheckFn inner = nullptr;
  Exercise exercise;
  int cases = 0;                // cases the search reported done (judged or cut short)
  bool violation_seen = false;  // the case phase ended: later calls are shrink candidates
  History last_violating;
  std::vector<Anomaly> last_anomalies;
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

thread_local Counting* counting = nullptr;

std::vector<Anomaly> counting_check(const History& history) {
  Counting& c = *counting;
  if (c.violation_seen && c.deadline && std::chrono::steady_clock::now() > *c.deadline) throw StopSearch{};
  std::vector<Anomaly> anomalies = c.inner(history);
  if (!c.violation_seen) count_exercise(history, c.exercise);
  if (!anomalies.empty()) {
    c.violation_seen = true;
    c.last_violating = history;
    c.last_anomalies = anomalies;
  }
  return anomalies;
}

// "\r  searching no_duplicates: 37/200 schedules" on a terminal only, so
// pipes and CI logs stay clean; and the time limit.
std::function<void(int)> progress_for(const std::string& guarantee, int budget, Counting& c) {
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (!tty && !c.deadline) return {};
  return [guarantee, budget, tty, &c](int done) {
    c.cases = done;
    if (tty) {
      fmt::print(stderr, "\r  searching {}: {}/{} schedules", guarantee, done, budget);
      std::fflush(stderr);
    }
    // A violating case goes on to shrinking (bounded by the wrapper); any other stops here.
    if (c.deadline && !c.violation_seen && std::chrono::steady_clock::now() > *c.deadline) throw StopSearch{};
  };
}

void end_progress() {
  if (isatty(STDERR_FILENO) != 0) fmt::print(stderr, "\r\033[K");
}

void record_what_was_written(Report& report, const ConfigInput& input) {
  for (const PropertiesFile* file : {&input.producer, &input.broker})
    for (const auto& [key, value] : file->values) {
      report.written[key] = file->where(key);
      report.written_value[key] = value;
    }
}

Verdict search_one(const Guarantee& g, const ConfigInput& input, const Configuration& config, const CheckOptions& o,
                   std::optional<std::chrono::steady_clock::time_point> deadline) {
  Counting state;
  state.inner = g.check;
  state.deadline = deadline;
  counting = &state;
  Guarantee wrapped = g;
  wrapped.check = &counting_check;
  SearchSpace space;
  space.version = input.version;
  space.producer = input.producer.values;
  space.broker = input.broker_values();
  space.consumer = o.consumer;
  // Kafka's promises are judged under every fault but a transient refusal,
  // which opens a known race in the idempotent producer (docs/model.md).
  if (!o.with_refusals) space.fault_kinds = idempotence_fault_kinds();
  SearchOptions options;
  options.seed = o.seed;
  options.budget = o.budget;
  options.progress = progress_for(g.name, o.budget, state);
  if (!options.progress) options.progress = [&state](int done) { state.cases = done; };
  SearchResult result;
  bool stopped = false;
  try {
    result = search(wrapped, space, options);
  } catch (const StopSearch&) {
    stopped = true;
  }
  counting = nullptr;
  end_progress();
  Verdict v;
  v.guarantee = g.name;
  v.budget = o.budget;
  v.exercise = state.exercise;
  v.user_brokers = std::to_string(config.broker.brokers);
  set_promise(v, config);
  if (stopped) {
    // Stopped in the case phase: every case counted was judged and held.
    // Stopped while shrinking: the last violating history reached is the answer.
    v.schedules_explored = state.cases;
    v.exercise.cut_short = state.cases - state.exercise.schedules_judged;
    v.time_limited = !state.violation_seen;
    if (state.violation_seen) {
      v.violated = true;
      v.shrink_stopped = true;
      RunSpec unknown;
      unknown.version = input.version;
      v.counterexample =
          CounterexampleReport{"", unknown, state.last_violating, state.last_anomalies, state.cases, 0};
    }
    return v;
  }
  v.schedules_explored = result.cases;
  v.exercise.cut_short = result.cut_short;
  if (result.counterexample) {
    Counterexample& c = *result.counterexample;
    v.violated = true;
    const std::string file = write_replay_file(c, g.name, o.out_dir);
    v.counterexample =
        CounterexampleReport{file, c.spec, c.history, c.anomalies, c.found_at_case, c.shrink_steps};
  }
  return v;
}

std::string fault_model(const CheckOptions& o) {
  return std::string(o.with_refusals ? "every fault kind with transient refusals"
                                     : "every fault kind but transient refusals") +
         ", crashed brokers keeping their disk, all faults healed before the final read";
}

// The question asked, first: which files, which release, which seed.
std::string header(const CheckOptions& o, const KafkaRelease& release) {
  std::string out = fmt::format(
      "kafka-model check: Kafka {}, producer {}, broker {}\nsearch: seed {}, up to {} schedules per guarantee, {}\n",
      release.asked, o.producer_file, o.broker_file.empty() ? "(defaults)" : o.broker_file, o.seed, o.budget,
      o.with_refusals ? "every fault kind (with transient refusals)"
                      : "every fault kind but transient refusals (--with-refusals adds them; docs/model.md)");
  if (!release.note.empty()) out += release.note + ".\n";
  return out + "\n";
}

void print(const Report& report, const CheckOptions& o, const KafkaRelease& release) {
  fmt::print("{}", o.json ? render_json(report) : header(o, release) + render_text(report));
  if (!o.html_file.empty() && !write_html(o.html_file, report, "kafka-model check", header(o, release)))
    fmt::print(stderr, "kafka-model check: --html '{}': cannot write the file\n", o.html_file);
}

// --seed as a whole unsigned 64-bit number: no sign, no wrap-around.
bool parse_seed(const std::string& text, std::uint64_t& seed) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, seed);
  return !text.empty() && ec == std::errc() && ptr == end;
}

// The replay directory must be usable before minutes of search are spent,
// but is only created when a counterexample is written into it. A replay
// file this run would write that is left from an earlier run is removed, so
// the directory never mixes an old counterexample with new verdicts.
bool prepare_out_dir(const std::string& dir, const std::vector<const Guarantee*>& guarantees) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path existing = fs::absolute(dir, ec);
  while (!existing.empty() && !fs::exists(existing, ec) && existing != existing.parent_path())
    existing = existing.parent_path();
  const bool usable = fs::is_directory(existing, ec) && access(existing.c_str(), W_OK | X_OK) == 0;
  if (!usable || (fs::exists(dir, ec) && !fs::is_directory(dir, ec))) {
    fmt::print(stderr, "kafka-model check: --out '{}': not a directory that can be created or written\n", dir);
    return false;
  }
  for (const Guarantee* g : guarantees) fs::remove(fs::path(dir) / (g->name + ".json"), ec);
  return true;
}

// --budget as a whole number in range, said in words.
bool parse_budget(const std::string& text, int& budget) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, budget);
  return !text.empty() && ec == std::errc() && ptr == end && budget >= 1 && budget <= 1000000;
}

// Which of the searched guarantees are required.
void mark_required(Report& report, RequireMode mode, const std::vector<const Guarantee*>& named) {
  report.requirements = true;
  report.required_by = mode == RequireMode::Promised ? "the guarantees Kafka promises for this configuration, the "
                                                       "default; --require changes it"
                       : mode == RequireMode::All  ? "--require all"
                       : mode == RequireMode::None ? "--require none"
                                                   : "--require";
  for (Verdict& v : report.verdicts) {
    switch (mode) {
      case RequireMode::Promised: v.required = v.promise.promised; break;
      case RequireMode::All: v.required = true; break;
      case RequireMode::None: v.required = false; break;
      case RequireMode::Named:
        v.required = std::any_of(named.begin(), named.end(), [&](const Guarantee* g) { return g->name == v.guarantee; });
        break;
    }
  }
}

// What --time-limit covered, and what the whole budget would have taken at
// the rate measured (schedules per second of this configuration).
std::string time_limit_note(const Report& r, const CheckOptions& o, double elapsed_s) {
  int judged = 0;
  bool cut = false;
  for (const Verdict& v : r.verdicts) {
    judged += std::max(v.schedules_explored, 1);
    cut = cut || v.time_limited || v.shrink_stopped;
  }
  const double per_schedule = judged > 0 ? elapsed_s / judged : 0;
  const double estimate = per_schedule * o.budget * static_cast<double>(r.verdicts.size());
  if (!cut)
    return fmt::format("Time limit {:g} s: the whole search fitted ({} schedules per guarantee).", o.time_limit_s,
                       o.budget);
  int fewest = o.budget;
  for (const Verdict& v : r.verdicts)
    if (v.time_limited) fewest = std::min(fewest, v.schedules_explored);
  std::string out = fmt::format(
      "Time limit {:g} s reached: the search covered only the schedules counted above (\"n/{}\"), at about {:.3g} s "
      "per schedule; the whole budget ({} guarantee(s) x {} schedules) would take about {:.0f} s.",
      o.time_limit_s, o.budget, per_schedule, r.verdicts.size(), o.budget, estimate);
  if (fewest > 0)
    out += fmt::format(" The first {} schedules of every guarantee are reproduced without a limit by --seed {} "
                       "--budget {}.",
                       fewest, o.seed, fewest);
  return out;
}

// A usage error: on stderr, and as JSON on stdout with --json so a tool reading stdout sees it too.
int bad_input(const CheckOptions& o, const std::string& message, const std::vector<std::string>& all = {}) {
  fmt::print(stderr, "kafka-model check: {}\n", message);
  if (o.json) {
    nlohmann::ordered_json j;
    j["error"] = message;
    j["errors"] = all.empty() ? std::vector<std::string>{message} : all;
    j["exit_code"] = static_cast<int>(kBadInput);
    fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  }
  return kBadInput;
}

int run_check(CheckOptions o) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  if (!parse_seed(o.seed_text, o.seed))
    return bad_input(o, fmt::format("--seed '{}': must be a whole number from 0 to 18446744073709551615",
                                    escape_for_message(o.seed_text)));
  if (!parse_budget(o.budget_text, o.budget))
    return bad_input(o, fmt::format("--budget '{}': must be a whole number of schedules from 1 to 1000000",
                                    escape_for_message(o.budget_text)));
  if (o.time_limit_s < 0) return bad_input(o, "--time-limit: must be a positive number of seconds");
  if (!o.html_file.empty() && !html_path_writable(o.html_file))
    return bad_input(o, fmt::format("--html '{}': not a file that can be created or written", escape_for_message(o.html_file)));
  const KafkaReleaseParse release = parse_kafka_release(o.kafka_version);
  if (!release.release) return bad_input(o, escape_for_message(release.error));
  const KafkaVersion version = release.release->rules;
  std::vector<const Guarantee*> guarantees;
  if (!resolve_guarantees(o.guarantees, "--guarantee", guarantees)) return kBadInput;
  RequireMode mode = RequireMode::Promised;
  std::vector<const Guarantee*> required;
  if (o.require.size() == 1 && (o.require[0] == "all" || o.require[0] == "none" || o.require[0] == "promised"))
    mode = o.require[0] == "all" ? RequireMode::All : o.require[0] == "none" ? RequireMode::None : RequireMode::Promised;
  else if (!o.require.empty()) {
    mode = RequireMode::Named;
    if (!resolve_guarantees(o.require, "--require", required)) return kBadInput;
  }
  if (o.guarantees.empty())
    for (const Guarantee& g : all_guarantees()) guarantees.push_back(&g);
  for (const Guarantee* g : required)  // a required guarantee is searched even if --guarantee left it out
    if (std::find(guarantees.begin(), guarantees.end(), g) == guarantees.end()) guarantees.push_back(g);
  LoadedConfig loaded = load_config(o.producer_file, o.broker_file, version, o.strict);
  if (!loaded.input || (loaded.error && loaded.error->kind != ConfigErrorKind::KafkaConfigException))
    return bad_input(o, loaded.error_text, loaded.all_errors);
  Report report;
  report.version = version;
  report.mermaid = o.mermaid;
  report.notes = loaded.notes;
  record_what_was_written(report, *loaded.input);
  if (loaded.error) {  // Kafka's own ConfigException: the producer would not start
    report.config_error = loaded.error_text;
    print(report, o, *release.release);
    if (!o.junit_file.empty()) write_junit(o.junit_file, report, o.producer_file);
    return kKafkaRefuses;
  }
  if (!o.consumer_file.empty()) {  // the consumer that reads the final log: isolation.level
    const PropertiesParse consumer = load_properties(o.consumer_file);
    if (!consumer.file) return bad_input(o, escape_for_message(consumer.error), consumer.errors);
    o.consumer = consumer.file->values;
    if (auto error = apply_consumer_properties(*loaded.config, o.consumer))
      return bad_input(o, escape_for_message(consumer.file->where(error->key) + ": " + error->message));
  }
  set_effective_config(report, *loaded.config);
  report.warnings = loaded.warnings;
  report.fault_model = fault_model(o);
  if (loaded.config->transactional())
    report.notes.push_back(fmt::format(
        "This producer has a transactional.id: the model runs it in transactions (Kafka 3.9, Transactions V1; "
        "docs/model.md \"Transactions\"): initTransactions, then {} send() calls per transaction, one "
        "transaction in {} aborted by the application, one with a failed send aborted too; the consumer reads with "
        "isolation.level={}{}. Not modelled yet: sendOffsetsToTransaction (consume-process-produce), "
        "Transactions V2, a zombie instance that keeps running.",
        Workload{}.records_per_transaction, Workload{}.abort_every, isolation_level_text(loaded.config->consumer),
        o.consumer_file.empty() ? " (Kafka's default; --consumer FILE sets it)" : ""));
  if (!prepare_out_dir(o.out_dir, guarantees)) return kBadInput;
  for (std::size_t i = 0; i < guarantees.size(); ++i) {
    std::optional<Clock::time_point> deadline;
    if (o.time_limit_s > 0) {  // an equal share of what is left for each guarantee still to search
      const auto limit = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.time_limit_s));
      deadline = Clock::now() + (limit - Clock::now()) / static_cast<int>(guarantees.size() - i);
    }
    report.verdicts.push_back(search_one(*guarantees[i], *loaded.input, *loaded.config, o, deadline));
  }
  mark_required(report, mode, required);
  if (o.time_limit_s > 0)
    report.time_limit_note = time_limit_note(report, o, std::chrono::duration<double>(Clock::now() - start).count());
  print(report, o, *release.release);
  if (!o.junit_file.empty() && !write_junit(o.junit_file, report, o.producer_file)) {
    fmt::print(stderr, "kafka-model check: --junit '{}': cannot write the file\n", o.junit_file);
    return kBadInput;
  }
  return exit_code_for(report);
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand("check", "Search failure schedules for violations of each delivery guarantee");
  cmd->add_option("--producer", o->producer_file, "Producer .properties file (Java syntax)")->required();
  cmd->add_option("--broker", o->broker_file, "Broker/topic .properties file (model.brokers, min.insync.replicas, ...)");
  cmd->add_option("--consumer", o->consumer_file,
                  "Consumer .properties file: isolation.level (read_uncommitted, Kafka's default, or read_committed)");
  cmd->add_option("--kafka-version", o->kafka_version,
                  "Any Kafka release (3.5, 3.9.0, ...); runs the rules of 2.8, 3.9, 4.0 or 4.3 and says which "
                  "(default 3.9)");
  cmd->add_option("--guarantee", o->guarantees, "A guarantee to check (repeatable; default: all)");
  cmd->add_option("--require", o->require,
                  "Guarantees whose violation fails the run (exit 1): names, 'all', 'none' or 'promised' "
                  "(default: the guarantees Kafka promises for this configuration)");
  cmd->add_option("--junit", o->junit_file, "Also write a JUnit XML file: one test case per guarantee");
  cmd->add_option("--html", o->html_file,
                  "Also write the report as one self-contained HTML page, each counterexample as a sequence diagram");
  cmd->add_option("--time-limit", o->time_limit_s,
                  "Seconds the whole check may take; the report says what the search covered");
  cmd->add_option("--seed", o->seed_text, "Search seed, 0..18446744073709551615 (default 1): same seed, same verdicts");
  cmd->add_option("--budget", o->budget_text, "Schedules to try per guarantee, 1..1000000 (default 1000)");
  cmd->add_flag("--json", o->json, "One JSON object on stdout");
  cmd->add_option("--out", o->out_dir, "Directory for replay files (default ./counterexamples-out)");
  cmd->add_flag("--strict", o->strict, "An unknown key is an error (exit 2), not a warning");
  cmd->add_flag("--mermaid", o->mermaid, "Also print each counterexample as a Mermaid sequence diagram");
  cmd->add_flag("--with-refusals", o->with_refusals,
                "Also inject transient refusals (ErrorResponse): exposes the idempotent producer's first-batch race");
  cmd->callback([o, &exit_code] { exit_code = run_check(*o); });
}

}  // namespace kafka_model::cli
