// `kafka-model check --producer FILE [--broker FILE] ...`: which delivery
// guarantees does this configuration keep? For each guarantee the property
// search (properties/search.hpp) tries --budget failure schedules; a
// violation comes back shrunk, is written as a replay file, and is printed as
// a timeline a Kafka engineer can follow.
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.hpp"
#include "cli/config_input.hpp"
#include "cli/report.hpp"
#include "properties/guarantee.hpp"
#include "properties/search.hpp"

namespace kafka_model::cli {
namespace {

int default_jobs() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

struct CheckOptions {
  std::string producer_file;
  std::string broker_file;
  std::string kafka_version = "3.9";
  std::vector<std::string> guarantees;  // empty = all
  std::string seed_text = "1";
  std::uint64_t seed = 1;
  int budget = 1000;
  bool json = false;
  std::string out_dir = "counterexamples-out";
  bool strict = false;
  bool mermaid = false;
  bool with_refusals = false;  // also ErrorResponse faults (the race in docs/model.md)
  int jobs = default_jobs();     // threads; the report is the same for every value
};

std::string guarantee_names() {
  std::string names;
  for (const Guarantee& g : all_guarantees()) names += (names.empty() ? "" : ", ") + g.name;
  return names;
}

// The requested guarantees, or an error naming the unknown one.
bool resolve_guarantees(const std::vector<std::string>& names, std::vector<const Guarantee*>& out) {
  if (names.empty())
    for (const Guarantee& g : all_guarantees()) out.push_back(&g);
  for (const std::string& name : names) {
    const Guarantee* g = find_guarantee(name);
    if (g == nullptr) {
      fmt::print(stderr, "kafka-model check: unknown --guarantee '{}' (known: {})\n", name, guarantee_names());
      return false;
    }
    out.push_back(g);
  }
  return true;
}

// "\r  searching no_duplicates: 37/200 schedules" on a terminal only, so
// pipes and CI logs stay clean.
std::function<void(int)> progress_for(const std::string& guarantee, int budget) {
  if (isatty(STDERR_FILENO) == 0) return {};
  return [guarantee, budget](int done) {
    fmt::print(stderr, "\r  searching {}: {}/{} schedules", guarantee, done, budget);
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

// Every requested guarantee is judged on the same simulated cases (one
// simulation per case, properties/search.hpp); each verdict is the one a
// search of that guarantee alone would give.
std::vector<Verdict> search_all(const std::vector<const Guarantee*>& guarantees, const ConfigInput& input,
                                const Configuration& config, const CheckOptions& o) {
  SearchSpace space;
  space.version = input.version;
  space.producer = input.producer.values;
  space.broker = input.broker.values;
  // Kafka's promises are judged under every fault but a transient refusal,
  // which opens a known race in the idempotent producer (docs/model.md).
  if (!o.with_refusals) space.fault_kinds = idempotence_fault_kinds();
  SearchOptions options;
  options.seed = o.seed;
  options.budget = o.budget;
  options.jobs = o.jobs;
  options.progress = progress_for(
      guarantees.size() == 1 ? guarantees.front()->name : fmt::format("{} guarantees", guarantees.size()), o.budget);
  std::vector<SearchTarget> targets;
  for (const Guarantee* g : guarantees) targets.push_back(SearchTarget{g, {}});
  std::vector<SearchResult> results = search(targets, space, options);
  end_progress();
  std::vector<Verdict> verdicts;
  for (std::size_t i = 0; i < guarantees.size(); ++i) {
    const Guarantee& g = *guarantees[i];
    SearchResult& result = results[i];
    Verdict v;
    v.guarantee = g.name;
    v.schedules_explored = result.cases;
    set_promise(v, config);
    if (result.counterexample) {
      Counterexample& c = *result.counterexample;
      v.violated = true;
      const std::string file = write_replay_file(c, g.name, o.out_dir);
      v.counterexample =
          CounterexampleReport{file, c.spec, c.history, c.anomalies, c.found_at_case, c.shrink_steps};
    }
    verdicts.push_back(std::move(v));
  }
  return verdicts;
}

// The question asked, first: which files, which release, which seed.
std::string header(const CheckOptions& o, KafkaVersion version) {
  return fmt::format(
      "kafka-model check: Kafka {}, producer {}, broker {}\nsearch: seed {}, up to {} schedules per guarantee, {}\n\n",
      to_string(version), o.producer_file, o.broker_file.empty() ? "(defaults)" : o.broker_file, o.seed, o.budget,
      o.with_refusals ? "every fault kind (with transient refusals)"
                      : "every fault kind but transient refusals (--with-refusals adds them; docs/model.md)");
}

void print(const Report& report, const CheckOptions& o) {
  fmt::print("{}", o.json ? render_json(report) : header(o, report.version) + render_text(report));
}

// --seed as a whole unsigned 64-bit number: no sign, no wrap-around.
bool parse_seed(const std::string& text, std::uint64_t& seed) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, seed);
  return !text.empty() && ec == std::errc() && ptr == end;
}

// The replay directory must be usable before minutes of search are spent.
bool prepare_out_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!ec && std::filesystem::is_directory(dir, ec)) return true;
  fmt::print(stderr, "kafka-model check: --out '{}': not a directory that can be created or written\n", dir);
  return false;
}

int run_check(CheckOptions o) {
  if (!parse_seed(o.seed_text, o.seed)) {
    fmt::print(stderr, "kafka-model check: --seed '{}': must be a whole number from 0 to 18446744073709551615\n",
               o.seed_text);
    return kBadInput;
  }
  const std::optional<KafkaVersion> version = parse_kafka_version(o.kafka_version);
  if (!version) {
    fmt::print(stderr, "kafka-model check: unknown --kafka-version '{}' (known: {})\n", o.kafka_version,
               kKnownKafkaVersions);
    return kBadInput;
  }
  std::vector<const Guarantee*> guarantees;
  if (!resolve_guarantees(o.guarantees, guarantees)) return kBadInput;
  LoadedConfig loaded = load_config(o.producer_file, o.broker_file, *version, o.strict);
  if (!loaded.input || (loaded.error && loaded.error->kind != ConfigErrorKind::KafkaConfigException)) {
    fmt::print(stderr, "kafka-model check: {}\n", loaded.error_text);
    return kBadInput;
  }
  Report report;
  report.version = *version;
  report.mermaid = o.mermaid;
  record_what_was_written(report, *loaded.input);
  if (loaded.error) {  // Kafka's own ConfigException: the producer would not start
    report.config_error = loaded.error_text;
    print(report, o);
    return kKafkaRefuses;
  }
  set_effective_config(report, *loaded.config);
  report.warnings = loaded.warnings;
  if (!prepare_out_dir(o.out_dir)) return kBadInput;
  report.verdicts = search_all(guarantees, *loaded.input, *loaded.config, o);
  print(report, o);
  for (const Verdict& v : report.verdicts)
    if (v.violated) return kViolated;
  return kOk;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand("check", "Search failure schedules for violations of each delivery guarantee");
  cmd->add_option("--producer", o->producer_file, "Producer .properties file (Java syntax)")->required();
  cmd->add_option("--broker", o->broker_file, "Broker/topic .properties file (model.brokers, min.insync.replicas, ...)");
  cmd->add_option("--kafka-version", o->kafka_version, "2.8, 3.9, 4.0 or 4.3 (the latest release; default 3.9)");
  cmd->add_option("--guarantee", o->guarantees, "A guarantee to check (repeatable; default: all)");
  cmd->add_option("--seed", o->seed_text, "Search seed, 0..18446744073709551615 (default 1): same seed, same verdicts");
  cmd->add_option("--budget", o->budget, "Schedules to try per guarantee (default 1000)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--jobs", o->jobs, "Threads searching at once (default: the machine's cores); same verdicts for any")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--json", o->json, "One JSON object on stdout");
  cmd->add_option("--out", o->out_dir, "Directory for replay files (default ./counterexamples-out)");
  cmd->add_flag("--strict", o->strict, "An unknown key is an error (exit 2), not a warning");
  cmd->add_flag("--mermaid", o->mermaid, "Also print each counterexample as a Mermaid sequence diagram");
  cmd->add_flag("--with-refusals", o->with_refusals,
                "Also inject transient refusals (ErrorResponse): exposes the idempotent producer's first-batch race");
  cmd->callback([o, &exit_code] { exit_code = run_check(*o); });
}

}  // namespace kafka_model::cli
