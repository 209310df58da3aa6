// `kafka-model check --producer FILE [--broker FILE] ...`: which delivery
// guarantees does this configuration keep? One property search
// (properties/search.hpp) tries --budget failure schedules, each simulated
// once and judged by every guarantee; a violation comes back shrunk, is
// written as a replay file, and is printed as a timeline a Kafka engineer
// can follow. The search's findings are a CheckPart (cli/check_part.hpp):
// printed as JSON with --shard, turned into the report otherwise.
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
#include <thread>
#include <vector>

#include "cli/check_output.hpp"
#include "cli/check_part.hpp"
#include "cli/part_json.hpp"
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

// What the transactional application does with its input (model/input_consumer.cpp).
std::string consume_process_produce_note(const ConsumerConfig& consumer) {
  if (consumer.group_id.empty())
    return "Without a consumer group.id it consumes nothing: not consume-transform-produce "
           "(exactly_once_consume_process_produce is not exercised).";
  if (!consumer.enable_auto_commit)
    return fmt::format("With group.id={} it is consume-transform-produce: input offset i sent as record i,"
                       " the consumed offsets committed in each transaction (sendOffsetsToTransaction, "
                       "enable.auto.commit=false).",
                       consumer.group_id);
  return fmt::format("With group.id={} it is consume-transform-produce: input offset i sent as record i,"
                     " the consumed offsets committed by the consumer outside the transactions (enable.auto.commit="
                     "true, the consumer's default: every auto.commit.interval.ms={} and on close), not with "
                     "sendOffsetsToTransaction.",
                     consumer.group_id, consumer.auto_commit_interval_ms);
}

// --jobs' default: the machine's cores.
int default_jobs() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

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
  int jobs = default_jobs();
  std::string shard_text;  // "I/N": print shard I of N's part as JSON (cli/check_part.hpp)
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

// "\r  searching: 37/200 schedules" on a terminal only, so pipes and CI logs
// stay clean.
std::function<void(int)> progress_for(int budget) {
  if (isatty(STDERR_FILENO) == 0) return {};
  return [budget](int done) {
    fmt::print(stderr, "\r  searching: {}/{} schedules", done, budget);
    std::fflush(stderr);
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

// One search for every guarantee (properties/search.hpp): each case is
// simulated once and judged by every guarantee still searching; what each
// case exercised is recorded on this thread in case order (CaseRecord), so
// the counts are the same for every --jobs. --time-limit is a deadline the
// search polls between cases and shrink batches.
void search_all(CheckPart& part, const ConfigInput& input, const CheckOptions& o,
                std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::vector<SearchTarget> targets;
  for (const Verdict& v : part.setup.frame.verdicts) targets.push_back(SearchTarget{find_guarantee(v.guarantee), {}});
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
  options.jobs = o.jobs;
  options.shard_index = part.shard_index;
  options.shard_count = part.shard_count;
  options.progress = progress_for(o.budget);
  options.on_case = [&part](const CaseRead& read) { part.cases.push_back(case_record(read)); };
  options.sample_fault_states = true;
  if (deadline) options.stop = [deadline] { return std::chrono::steady_clock::now() > *deadline; };
  std::vector<SearchResult> results = search(targets, space, options);
  end_progress();
  for (SearchResult& r : results)
    part.outcomes.push_back(GuaranteeOutcome{r.guarantee, r.last_case, r.stopped, std::move(r.counterexample)});
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

// --seed as a whole unsigned 64-bit number: no sign, no wrap-around.
bool parse_seed(const std::string& text, std::uint64_t& seed) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, seed);
  return !text.empty() && ec == std::errc() && ptr == end;
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
  bool cut = false;
  for (const Verdict& v : r.verdicts) cut = cut || v.time_limited || v.shrink_stopped;
  // One search: each schedule is simulated once and judged by every guarantee.
  const int simulated = r.coverage ? std::max(r.coverage->schedules, 1) : 1;
  const double per_schedule = elapsed_s / simulated;
  const double estimate = per_schedule * o.budget;
  if (!cut)
    return fmt::format("Time limit {:g} s: the whole search fitted ({} schedules per guarantee).", o.time_limit_s,
                       o.budget);
  int fewest = o.budget;
  for (const Verdict& v : r.verdicts)
    if (v.time_limited) fewest = std::min(fewest, v.schedules_explored);
  std::string out = fmt::format(
      "Time limit {:g} s reached: the search covered only the schedules counted above (\"n/{}\"), at about {:.3g} s "
      "per schedule (each simulated once and judged by every guarantee); the whole budget ({} schedules) would take "
      "about {:.0f} s.",
      o.time_limit_s, o.budget, per_schedule, o.budget, estimate);
  if (fewest > 0)
    out += fmt::format(" The first {} schedules of every guarantee are reproduced without a limit by --seed {} "
                       "--budget {}.",
                       fewest, o.seed, fewest);
  return out;
}

int bad_input(const CheckOptions& o, const std::string& message, const std::vector<std::string>& all = {}) {
  return cli::bad_input("check", o.json, message, all);
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
  if (o.jobs < 1 || o.jobs > 1024) return bad_input(o, fmt::format("--jobs {}: must be from 1 to 1024", o.jobs));
  CheckPart part;
  const bool sharded = !o.shard_text.empty();
  if (sharded) {
    if (!parse_shard(o.shard_text, part.shard_index, part.shard_count))
      return bad_input(o, fmt::format("--shard '{}': must be I/N with 0 <= I < N (shard I of N, counted from 0)",
                                      escape_for_message(o.shard_text)));
    // A shard prints its part; the report and its files are the merge's.
    if (!o.json) return bad_input(o, "--shard prints a partial result as JSON: add --json (then `kafka-model merge`)");
    if (o.time_limit_s > 0 || !o.junit_file.empty() || !o.html_file.empty())
      return bad_input(o, "--shard: --time-limit, --junit and --html belong to `kafka-model merge` (a shard of a "
                          "time-limited search could not be joined into one run's result)");
  }
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
  CheckSetup& setup = part.setup;
  setup.header = header(o, *release.release);
  setup.producer_file = o.producer_file;
  setup.seed = o.seed;
  setup.budget = o.budget;
  Report& report = setup.frame;
  report.version = version;
  report.mermaid = o.mermaid;
  report.notes = loaded.notes;
  record_what_was_written(report, *loaded.input);
  const ReportOutputs outputs{o.json, o.junit_file, o.html_file};
  if (loaded.error) {  // Kafka's own ConfigException: the producer would not start
    report.config_error = loaded.error_text;
    if (sharded) {
      fmt::print("{}", to_json(part));
      return kOk;
    }
    return emit_report(report, setup.header, o.producer_file, outputs, "check");
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
  // Which transaction protocol the run uses (docs/model.md "Transactions").
  const auto transactions_run_text = [](const Configuration& c) -> std::string {
    if (c.transactions_v2()) return "Kafka 4.0, Transactions V2: transaction.version=2";
    if (c.version >= KafkaVersion::V4_0) return "Kafka 4.0 with transaction.version=1, Transactions V1";
    return fmt::format("Kafka {}, Transactions V1", c.version == KafkaVersion::V2_8 ? "2.8" : "3.9");
  };
  if (loaded.config->transactional())
    report.notes.push_back(fmt::format(
        "This producer has a transactional.id: the model runs it in transactions ({}; "
        "docs/model.md \"Transactions\"): initTransactions, then {} send() calls per transaction, one "
        "transaction in {} aborted by the application, one with a failed send aborted too; the consumer reads with "
        "isolation.level={}{}. {} The faults include zombies (ProducerZombie: the old instance keeps running beside "
        "its replacement) and coordinator failover (a broker crash moves the __transaction_state leader; the new "
        "coordinator loads the state and completes a prepared commit or abort); not modelled: an unclean election "
        "of __transaction_state that loses the coordinator's writes.",
        transactions_run_text(*loaded.config),
        Workload{}.records_per_transaction, Workload{}.abort_every, isolation_level_text(loaded.config->consumer),
        o.consumer_file.empty() ? " (Kafka's default; --consumer FILE sets it)" : "",
        consume_process_produce_note(loaded.config->consumer)));
  std::vector<std::string> names;
  for (const Guarantee* g : guarantees) {
    names.push_back(g->name);
    Verdict v;
    v.guarantee = g->name;
    v.budget = o.budget;
    v.user_brokers = std::to_string(loaded.config->broker.brokers);
    set_promise(v, *loaded.config);
    report.verdicts.push_back(std::move(v));
  }
  mark_required(report, mode, required);
  if (!sharded && !prepare_out_dir("check", o.out_dir, names)) return kBadInput;
  std::optional<Clock::time_point> deadline;
  if (o.time_limit_s > 0)
    deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.time_limit_s));
  search_all(part, *loaded.input, o, deadline);
  if (sharded) {
    fmt::print("{}", to_json(part));
    return kOk;
  }
  Report result = assemble(part, o.out_dir);
  if (o.time_limit_s > 0)
    result.time_limit_note = time_limit_note(result, o, std::chrono::duration<double>(Clock::now() - start).count());
  return emit_report(result, setup.header, o.producer_file, outputs, "check");
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand("check", "Search failure schedules for violations of each delivery guarantee");
  cmd->add_option("--producer", o->producer_file, "Producer .properties file (Java syntax)")->required();
  cmd->add_option("--broker", o->broker_file, "Broker/topic .properties file (model.brokers, min.insync.replicas, ...)");
  cmd->add_option("--consumer", o->consumer_file,
                  "Consumer .properties file: isolation.level (read_uncommitted, Kafka's default, or read_committed); "
                  "with a transactional.id, group.id makes the application consume-transform-produce and "
                  "enable.auto.commit=false commits its offsets with sendOffsetsToTransaction");
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
  cmd->add_option("--jobs", o->jobs,
                  "Threads simulating schedules at once (default: the machine's cores); the report is the same for "
                  "every value");
  cmd->add_option("--shard", o->shard_text,
                  "I/N: search only shard I of N (cases c with (c-1) % N == I) and print the partial result as JSON "
                  "(needs --json; join the parts with `kafka-model merge`, docs/scale-out.md)");
  cmd->add_flag("--with-refusals", o->with_refusals,
                "Also inject transient refusals (ErrorResponse): exposes the idempotent producer's first-batch race");
  cmd->callback([o, &exit_code] { exit_code = run_check(*o); });
}

}  // namespace kafka_model::cli
