// `kafka-model explore --producer FILE [--broker FILE] --records N --faults K
// [--depth D] ...`: every behaviour of a small world under at most K faults
// (properties/explorer.hpp, docs/explorer.md). Per guarantee: "holds for
// every behaviour within these bounds", or the shortest counterexample,
// written as the same replay file `check` writes (kafka-model replay reads it).
#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/config_input.hpp"
#include "cli/java_properties.hpp"
#include "cli/report.hpp"
#include "properties/explorer.hpp"
#include "properties/guarantee.hpp"

namespace kafka_model::cli {
namespace {

struct ExploreCliOptions {
  std::string producer_file;
  std::string broker_file;
  std::string consumer_file;  // --consumer: isolation.level
  std::string kafka_version = "3.9";
  std::vector<std::string> guarantees;  // empty = all
  int records = 3;
  int faults = 1;
  int depth = 0;
  std::string mode = "at-least-once";
  std::vector<std::uint64_t> seeds = {1};
  std::vector<std::string> choose;  // Chooser labels enumerated value by value
  int choice_values = 3;
  int deviations = 1;
  std::int64_t max_states = 2'000'000;
  bool bitstate = false;
  int bitstate_log2 = 27;
  bool with_refusals = false;
  std::vector<std::string> fault_kinds;  // empty = every kind but ErrorResponse (or every kind with --with-refusals)
  bool json = false;
  std::string out_dir = "counterexamples-out";
};

std::string kinds_text(const ExploreCliOptions& o) {
  if (o.fault_kinds.empty()) return o.with_refusals ? "every fault kind" : "every fault kind but transient refusals";
  std::string kinds;
  for (const std::string& k : o.fault_kinds) kinds += (kinds.empty() ? "" : ",") + k;
  return "fault kinds " + kinds;
}

std::string bounds_text(const ExploreCliOptions& o) {
  std::string seeds;
  for (std::uint64_t s : o.seeds) seeds += (seeds.empty() ? "" : ",") + std::to_string(s);
  std::string labels;
  for (const std::string& l : o.choose) labels += (labels.empty() ? "" : ",") + l;
  const std::string choices =
      o.choose.empty() ? std::string()
                       : fmt::format(", decisions {} take values 0..{} (at most {} per behaviour other than the seed's)",
                                     labels, o.choice_values - 1, o.deviations);
  return fmt::format("{} record(s) ({}), at most {} fault(s){}, seed(s) {}{}, {}", o.records, o.mode, o.faults,
                     o.depth > 0 ? fmt::format(" within the first {} events", o.depth) : std::string(), seeds, choices,
                     kinds_text(o));
}

std::string result_text(const ExploreResult& r) {
  std::string out = fmt::format(
      "Explored: {} states ({} in the breadth-first search, {} in deterministic tails), {} distinct, {} "
      "behaviours judged, depth {}{}\n",
      r.states_visited(), r.states_explored, r.tail_events, r.distinct_states, r.behaviours, r.depth,
      r.complete ? "" : " -- INCOMPLETE: --max-states reached, the bounds were not exhausted");
  out += fmt::format("Speed: {:.0f} states/s in {:.2f}s; peak memory {:.1f} MiB (visited set {:.1f} MiB, omission "
                     "probability {:.2g})\n",
                     r.states_per_second(), r.seconds, static_cast<double>(r.peak_memory_bytes) / (1 << 20),
                     static_cast<double>(r.visited_bytes) / (1 << 20), r.omission_probability);
  for (const ExploreVerdict& v : r.verdicts) {
    if (v.counterexample)
      out += fmt::format("  {:<30} shortest counterexample: {} events, {} fault(s)\n", v.guarantee, v.length_events,
                         v.counterexample->spec.schedule.faults.size());
    else if (r.complete)
      out += fmt::format("  {:<30} holds for every behaviour within these bounds\n", v.guarantee);
    else
      out += fmt::format("  {:<30} no violation in the states explored (incomplete)\n", v.guarantee);
    if (v.excused > 0)
      out += fmt::format("  {:<30}   {} behaviour(s) break it by Kafka's own known exception, first: {}\n", "",
                         v.excused, v.first_excuse);
  }
  return out;
}

int run_explore(const ExploreCliOptions& o) {
  const std::optional<KafkaVersion> version = parse_kafka_version(o.kafka_version);
  if (!version) {
    fmt::print(stderr, "kafka-model explore: unknown --kafka-version '{}' (known: {})\n", o.kafka_version,
               kKnownKafkaVersions);
    return kBadInput;
  }
  std::vector<const Guarantee*> guarantees;
  if (o.guarantees.empty())
    for (const Guarantee& g : all_guarantees()) guarantees.push_back(&g);
  for (const std::string& name : o.guarantees) {
    const Guarantee* g = find_guarantee(name);
    if (g == nullptr) {
      fmt::print(stderr, "kafka-model explore: unknown --guarantee '{}'\n", name);
      return kBadInput;
    }
    guarantees.push_back(g);
  }
  DeliveryMode mode{};
  if (!parse_delivery_mode(o.mode, mode)) {
    fmt::print(stderr, "kafka-model explore: --mode '{}': at-least-once, fire-and-forget or synchronous\n", o.mode);
    return kBadInput;
  }
  LoadedConfig loaded = load_config(o.producer_file, o.broker_file, *version, false);
  if (!loaded.input || !loaded.config) {
    fmt::print(stderr, "kafka-model explore: {}\n", loaded.error_text);
    return loaded.input ? kKafkaRefuses : kBadInput;
  }
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec || !std::filesystem::is_directory(o.out_dir, ec)) {
    fmt::print(stderr, "kafka-model explore: --out '{}': not a directory that can be created or written\n", o.out_dir);
    return kBadInput;
  }
  ExploreSpace space;
  space.version = *version;
  space.producer = loaded.input->producer.values;
  space.broker = loaded.input->broker.values;
  if (!o.consumer_file.empty()) {
    const PropertiesParse consumer = load_properties(o.consumer_file);
    if (!consumer.file) {
      fmt::print(stderr, "kafka-model explore: {}\n", consumer.error);
      return kBadInput;
    }
    space.consumer = consumer.file->values;
    // The promises are judged with the consumer too (isolation.level, group.id, enable.auto.commit).
    if (auto error = apply_consumer_properties(*loaded.config, space.consumer)) {
      fmt::print(stderr, "kafka-model explore: {}: {}\n", consumer.file->where(error->key), error->message);
      return kBadInput;
    }
  }
  space.workload.records = o.records;
  space.workload.mode = mode;
  ExploreOptions options;
  options.max_faults = o.faults;
  options.max_depth = o.depth;
  options.max_states = o.max_states;
  options.seeds = o.seeds;
  options.choice_labels = o.choose;
  options.choice_values = o.choice_values;
  options.max_deviations = o.deviations;
  options.visited = o.bitstate ? VisitedKind::Bitstate : VisitedKind::HashCompact;
  options.bitstate_log2 = o.bitstate_log2;
  options.excuse = kafka_known_exception;
  if (o.with_refusals && o.fault_kinds.empty())
    for (int i = 0; i < kFaultKindCount; ++i) options.fault_kinds.push_back(static_cast<FaultKind>(i));
  for (const std::string& name : o.fault_kinds) {
    const std::optional<FaultKind> kind = parse_fault_kind(name);
    if (!kind) {
      fmt::print(stderr, "kafka-model explore: unknown --fault-kind '{}'\n", name);
      return kBadInput;
    }
    options.fault_kinds.push_back(*kind);
  }
  const ExploreResult result = explore(guarantees, space, options);

  Report report;
  report.version = *version;
  set_effective_config(report, *loaded.config);
  report.warnings = loaded.warnings;
  for (const ExploreVerdict& ev : result.verdicts) {
    Verdict v;
    v.guarantee = ev.guarantee;
    v.schedules_explored = static_cast<int>(std::min<std::int64_t>(result.behaviours, 2147483647));
    // What every judged behaviour exercised, as check counts it per schedule:
    // a guarantee no behaviour exercised is NOT EXERCISED, never "holds".
    v.exercise.schedules_judged = static_cast<int>(std::min<std::int64_t>(result.behaviours - result.cut_short, 2147483647));
    v.exercise.schedules_with_ack = static_cast<int>(std::min<std::int64_t>(result.behaviours_with_ack, 2147483647));
    v.exercise.sends = result.sends;
    v.exercise.acknowledged = result.acknowledged_sends;
    v.exercise.transactions = result.transactions_completed;
    v.exercise.offset_commits = result.offset_commits;
    v.exercise.cut_short = static_cast<int>(std::min<std::int64_t>(result.cut_short, 2147483647));
    set_promise(v, *loaded.config);
    if (ev.counterexample) {
      v.violated = true;
      const std::string file = write_replay_file(*ev.counterexample, ev.guarantee, o.out_dir, "--explored");
      v.counterexample = CounterexampleReport{file, ev.counterexample->spec, ev.counterexample->history,
                                              ev.counterexample->anomalies, 0, 0};
    }
    report.verdicts.push_back(std::move(v));
  }
  if (o.json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(render_json(report));
    j["states_explored"] = result.states_visited();
    j["distinct_states"] = result.distinct_states;
    j["behaviours"] = result.behaviours;
    j["states_per_second"] = result.states_per_second();
    j["peak_memory_bytes"] = result.peak_memory_bytes;
    j["depth"] = result.depth;
    j["choice_branches"] = result.choice_branches;
    j["complete"] = result.complete;
    j["visited_set"] = o.bitstate ? "bitstate" : "hash-compact";
    j["visited_bytes"] = result.visited_bytes;
    j["omission_probability"] = result.omission_probability;
    for (std::size_t i = 0; i < result.verdicts.size(); ++i) {
      const ExploreVerdict& ev = result.verdicts[i];
      auto& g = j["guarantees"][i];
      g["holds_within_bounds"] = !ev.counterexample && result.complete;
      g["shortest_counterexample_events"] = ev.counterexample ? nlohmann::ordered_json(ev.length_events)
                                                              : nlohmann::ordered_json(nullptr);
      g["kafka_known_exception_behaviours"] = ev.excused;
      g["kafka_known_exception_evidence"] = ev.excused > 0 ? nlohmann::ordered_json(ev.first_excuse)
                                                           : nlohmann::ordered_json(nullptr);
    }
    fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  } else {
    fmt::print("kafka-model explore: Kafka {}, producer {}, broker {}\nbounds: {}\n\n{}\n", to_string(*version),
               o.producer_file, o.broker_file.empty() ? "(defaults)" : o.broker_file, bounds_text(o),
               result_text(result));
    fmt::print("{}", render_text(report));
  }
  for (const ExploreVerdict& v : result.verdicts)
    if (v.counterexample) return kViolated;
  return kOk;
}

}  // namespace

void add_explore_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ExploreCliOptions>();
  auto* cmd = app.add_subcommand("explore", "Explore every behaviour of a small world under at most K faults");
  cmd->add_option("--producer", o->producer_file, "Producer .properties file (Java syntax)")->required();
  cmd->add_option("--broker", o->broker_file, "Broker/topic .properties file");
  cmd->add_option("--consumer", o->consumer_file, "Consumer .properties file: isolation.level (default read_uncommitted); group.id and "
                  "enable.auto.commit (consume-transform-produce)");
  cmd->add_option("--kafka-version", o->kafka_version, "2.8, 3.9, 4.0 or 4.3 (default 3.9)");
  cmd->add_option("--records", o->records, "Records the application sends (default 3)")->check(CLI::Range(1, 20));
  cmd->add_option("--faults", o->faults, "At most this many faults per behaviour (default 1)")->check(CLI::Range(0, 6));
  cmd->add_option("--depth", o->depth, "Faults only within the first D events (default: anywhere)")
      ->check(CLI::Range(0, 1000000));
  cmd->add_option("--guarantee", o->guarantees, "A guarantee to check (repeatable; default: all)");
  cmd->add_option("--mode", o->mode, "The application: at-least-once (default), fire-and-forget, synchronous");
  cmd->add_option("--seed", o->seeds, "The Chooser's physics (network delays, jitter): repeatable (default 1)");
  cmd->add_option("--choose", o->choose,
                  "Enumerate this Chooser decision's values (repeatable): network.delay, fetch.jitter, retry.backoff, "
                  "reconnect.backoff, sticky.partition, or * for all")
      ->check(CLI::IsMember({"network.delay", "fetch.jitter", "retry.backoff", "reconnect.backoff", "sticky.partition", "*"}));
  cmd->add_option("--choice-values", o->choice_values, "Values 0..B-1 of each enumerated decision (default 3)")
      ->check(CLI::Range(2, 1000));
  cmd->add_option("--deviations", o->deviations,
                  "At most this many decisions per behaviour other than the seed's (default 1)")
      ->check(CLI::Range(0, 100));
  cmd->add_option("--max-states", o->max_states, "Stop (incomplete) after this many distinct states (default 2000000)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
  cmd->add_flag("--bitstate", o->bitstate, "SPIN-style bitstate visited set (reports its omission probability)");
  cmd->add_option("--bitstate-log2", o->bitstate_log2, "Bitstate size: 2^N bits (default 27 = 16 MiB)")
      ->check(CLI::Range(10, 36));
  cmd->add_flag("--with-refusals", o->with_refusals, "Also inject transient refusals (ErrorResponse)");
  cmd->add_option("--fault-kind", o->fault_kinds,
                  "Inject only this fault kind (repeatable; e.g. DropResponse, Disconnect; default: every kind but "
                  "ErrorResponse)");
  cmd->add_flag("--json", o->json, "One JSON object on stdout");
  cmd->add_option("--out", o->out_dir, "Directory for replay files (default ./counterexamples-out)");
  cmd->callback([o, &exit_code] { exit_code = run_explore(*o); });
}

}  // namespace kafka_model::cli
