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
#include "cli/explore_part.hpp"
#include "cli/java_properties.hpp"
#include "cli/part_json.hpp"
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
  std::string shard_text;  // "I/N": print shard I of N's part as JSON (cli/explore_part.hpp)
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

int run_explore(const ExploreCliOptions& o) {
  ExplorePart part;
  const bool sharded = !o.shard_text.empty();
  if (sharded) {
    if (!parse_shard(o.shard_text, part.shard_index, part.shard_count)) {
      fmt::print(stderr, "kafka-model explore: --shard '{}': must be I/N with 0 <= I < N (shard I of N, counted from 0)\n",
                 o.shard_text);
      return kBadInput;
    }
    if (!o.json) {
      fmt::print(stderr, "kafka-model explore: --shard prints a partial result as JSON: add --json (then `kafka-model merge`)\n");
      return kBadInput;
    }
    if (o.seeds.size() != 1) {
      fmt::print(stderr, "kafka-model explore: --shard explores one --seed (each seed's search would start from the "
                         "shard's own visited set): run one sharded exploration per seed\n");
      return kBadInput;
    }
  }
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
  if (!sharded) std::filesystem::create_directories(o.out_dir, ec);  // a shard writes no replay files: the merge does
  if (!sharded && (ec || !std::filesystem::is_directory(o.out_dir, ec))) {
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
  ExploreSetup setup;
  setup.header = fmt::format("kafka-model explore: Kafka {}, producer {}, broker {}\nbounds: {}\n", to_string(*version),
                             o.producer_file, o.broker_file.empty() ? "(defaults)" : o.broker_file, bounds_text(o));
  setup.visited_set = o.bitstate ? "bitstate" : "hash-compact";
  setup.seed = o.seeds.front();
  setup.frame.version = *version;
  set_effective_config(setup.frame, *loaded.config);
  setup.frame.warnings = loaded.warnings;
  for (const Guarantee* g : guarantees) {
    Verdict v;
    v.guarantee = g->name;
    set_promise(v, *loaded.config);
    setup.frame.verdicts.push_back(std::move(v));
  }
  if (sharded) {
    options.shard_index = part.shard_index;
    options.shard_count = part.shard_count;
    part.setup = std::move(setup);
    part.result = explore(guarantees, space, options);
    fmt::print("{}", to_json(part));
    return kOk;
  }
  return emit_explore(setup, explore(guarantees, space, options), o.out_dir, o.json);
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
  cmd->add_option("--shard", o->shard_text,
                  "I/N: explore only shard I of N (the search divided below its first layer of N states) and print "
                  "the partial result as JSON (needs --json and one --seed; join the parts with `kafka-model merge`, "
                  "docs/scale-out.md)");
  cmd->callback([o, &exit_code] { exit_code = run_explore(*o); });
}

}  // namespace kafka_model::cli
