// Exhaustive bounded exploration (docs/explorer.md): breadth first over every
// behaviour of a small world under at most K faults, every fault kind at every
// point it applies, skipping states already seen, so the first violation of a
// guarantee found is a shortest one (fewest world events). The world is the
// one `check` runs (model/world.hpp): faults enter through World::inject, and
// a found counterexample is a RunSpec that `kafka-model replay` reproduces.
//
// Bounds: the workload (records, mode), K faults, the injection depth D (no
// fault after the D-th event), the menu of fault durations (derived from the
// configuration: explore_fault_menu) and the Chooser's decisions: the seed's
// draws (a bound, like the others; several seeds widen it), except that the
// decisions of the enumerated labels (choice_labels) also take every value
// 0..choice_values-1, at most max_deviations of them per behaviour; such a
// counterexample carries the decisions as the RunSpec's choices.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/errors.hpp"
#include "model/fault_schedule.hpp"
#include "model/workload.hpp"
#include "properties/guarantee.hpp"
#include "properties/search.hpp"
#include "statemachines/kafka_version.hpp"

namespace kafka_model {

struct ExploreSpace {
  KafkaVersion version = KafkaVersion::V3_9;
  std::map<std::string, std::string> producer;
  std::map<std::string, std::string> broker;
  std::map<std::string, std::string> consumer;  // isolation.level (RunSpec::consumer)
  Workload workload{.records = 3};
};

enum class VisitedKind : std::uint8_t {
  HashCompact,  // 64-bit fingerprints in an open-addressing table
  Bitstate,     // SPIN's supertrace: 2^bitstate_log2 bits, 3 probes per state
};

struct ExploreOptions {
  int max_faults = 1;                 // K
  int max_depth = 0;                  // D: faults only before the D-th event; 0 = anywhere
  std::int64_t max_states = 2'000'000;  // distinct states before the exploration stops (incomplete)
  std::vector<FaultKind> fault_kinds;   // empty = idempotence_fault_kinds() (every kind but ErrorResponse)
  std::vector<Errors> error_responses;  // empty = default_error_responses()
  std::vector<std::uint64_t> seeds = {1};  // the Chooser's physics, one exploration each
  // Chooser decisions enumerated value by value (labels as the world names
  // them: network.delay, fetch.jitter, retry.backoff, reconnect.backoff,
  // sticky.partition; "*" = all). Empty: every decision is the seed's.
  std::vector<std::string> choice_labels;
  int choice_values = 3;   // per decision, values 0..choice_values-1 of its range (and the seed's draw)
  int max_deviations = 1;  // decisions per behaviour that differ from the seed's draw (like K for faults)
  VisitedKind visited = VisitedKind::HashCompact;
  int bitstate_log2 = 27;  // 2^27 bits = 16 MiB
  // A violation this excuses (its evidence) is counted, not reported, and the
  // exploration goes on: Kafka's own known exceptions (known_races.hpp,
  // restart_snapshot.hpp). Empty = none.
  std::function<std::optional<std::string>(const std::string& guarantee, const History&)> excuse;
  // Shard shard_index of shard_count (docs/scale-out.md, "explore"): every
  // shard runs the same breadth-first search, judging every shard_count-th
  // behaviour it reaches, until a layer holds at least shard_count states;
  // then it keeps node j of that layer only if j % shard_count ==
  // shard_index and judges every behaviour below them. One seed only (a
  // second seed's search would start from each shard's own visited set).
  int shard_index = 0;
  int shard_count = 1;
};

// Kafka's own known exceptions to the idempotence promises, as the holds
// tests excuse them: the first-batch race and the restart snapshot for
// no_duplicates_within_session and order_within_session, the race without C4
// for no_send_failed_out_of_order.
std::optional<std::string> kafka_known_exception(const std::string& guarantee, const History& history);

struct ExploreVerdict {
  std::string guarantee;
  std::optional<Counterexample> counterexample;  // the shortest (fewest events); spec replays it
  std::int64_t length_events = 0;  // events of the counterexample's replay (its FaultDue events included)
  int depth = 0;                   // BFS depth of its last point a fault could enter
  std::int64_t excused = 0;        // violating behaviours Kafka's known exceptions explain
  std::string first_excuse;
};

// The additive counts of an exploration (ExploreResult's), so shards' parts
// can be summed.
struct ExploreCounts {
  std::int64_t states_explored = 0;
  std::int64_t tail_events = 0;
  std::int64_t distinct_states = 0;
  std::int64_t behaviours = 0;
  std::int64_t cut_short = 0;
  std::int64_t sends = 0;
  std::int64_t acknowledged_sends = 0;
  std::int64_t behaviours_with_ack = 0;
  std::int64_t transactions_completed = 0;
  std::int64_t choice_branches = 0;
  std::vector<std::int64_t> excused;  // per verdict
  std::int64_t offset_commits = 0;
  bool operator==(const ExploreCounts&) const = default;
};

struct ExploreResult {
  std::int64_t states_explored = 0;  // successor states generated (transitions) by the BFS
  std::int64_t tail_events = 0;      // events run after the last point a fault could enter (replayed, not stored)
  std::int64_t distinct_states = 0;  // states kept after the visited set
  std::int64_t behaviours = 0;       // complete runs judged (terminal states)
  std::int64_t cut_short = 0;        // terminal runs that hit ModelParameters' bounds (not judged)
  // What the judged runs exercised (a "holds" nothing exercised is not one:
  // cli/report.cpp's exercised()): sends, those acknowledged, runs with an
  // acknowledged send, transactions completed (committed or aborted).
  std::int64_t sends = 0;
  std::int64_t acknowledged_sends = 0;
  std::int64_t behaviours_with_ack = 0;
  std::int64_t transactions_completed = 0;
  std::int64_t offset_commits = 0;  // the consumer group's committed offset moved (consume-transform-produce)
  std::int64_t choice_branches = 0;  // transitions re-run with an enumerated decision forced to another value
  int depth = 0;                     // deepest BFS layer reached
  bool complete = true;              // false when max_states stopped it
  double seconds = 0;
  std::int64_t peak_memory_bytes = 0;  // the process's peak resident set (VmHWM)
  std::int64_t visited_bytes = 0;
  double omission_probability = 0;  // chance that the visited set wrongly skipped any state
  std::vector<ExploreVerdict> verdicts;  // in the order asked
  std::optional<ConfigError> config_error;
  // A shard (ExploreOptions::shard_count > 1): the states of the search
  // every shard ran alike, before the split (all of it when no layer grew to
  // shard_count states), which a merge counts once (its behaviours were
  // divided: their counts are zero here); the depth of the layer split (-1:
  // none) and its size.
  ExploreCounts replicated;
  int split_depth = -1;
  std::int64_t split_layer_states = 0;
  int shards = 1;  // the shards merge_explore_shards joined into this result
  // Every state visited: the BFS's and the tails'.
  std::int64_t states_visited() const { return states_explored + tail_events; }
  double states_per_second() const { return seconds > 0 ? static_cast<double>(states_visited()) / seconds : 0; }
  ExploreCounts counts() const;
  void set_counts(const ExploreCounts& c);  // the inverse of counts()
};

// The faults the explorer may inject at one point: every kind of `kinds`
// with each broker and each duration of its menu (DelayResponse and
// BrokerStall: request.timeout.ms and delivery.timeout.ms; FollowerStall:
// replica.lag.time.max.ms, half of it for the isr-expiration period, and two fetch round trips), message faults for
// request 0 (the explorer sets the ordinal).
std::vector<Fault> explore_fault_menu(const Configuration& config, const std::vector<FaultKind>& kinds,
                                      const std::vector<Errors>& errors);

ExploreResult explore(const std::vector<const Guarantee*>& guarantees, const ExploreSpace& space,
                      const ExploreOptions& options);

// The shards of one exploration (shard i at index i, each run with the same
// space and options but its shard_index) joined: per guarantee the shortest
// counterexample of any shard (equally short ones: the lowest shard's), so
// the violated guarantees and the shortest lengths are a single run's (every
// behaviour of the single run's search lies below one node of the split
// layer, and that node's shard explores it or an identical state no deeper);
// "holds" only when every shard is complete. The counts add up the shards'
// work with the search before the split counted once; a state reachable
// below two shards' nodes is counted in each, so they can exceed a single
// run's (docs/scale-out.md).
ExploreResult merge_explore_shards(const std::vector<ExploreResult>& shards);

}  // namespace kafka_model
