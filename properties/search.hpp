// The failure-schedule search: for one guarantee and one configuration,
// RapidCheck generates runs (workload + fault schedule, swarm-tested), the
// world simulates each and the guarantee's checker judges the history. The
// first violation is shrunk greedily to a small counterexample whose RunSpec
// replays it byte-identically (properties/replay.hpp).
//
// One seed derives the whole search (TigerBeetle's VOPR habit): same seed,
// same cases, same counterexample.
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
#include "model/history.hpp"
#include "model/run_spec.hpp"
#include "properties/anomaly.hpp"
#include "properties/guarantee.hpp"
#include "statemachines/kafka_version.hpp"

namespace kafka_model {

struct SearchSpace {  // what is fixed and what the search may vary
  KafkaVersion version = KafkaVersion::V3_9;
  std::map<std::string, std::string> producer;  // the configuration under test (fixed)
  std::map<std::string, std::string> broker;
  std::map<std::string, std::string> consumer;  // isolation.level (RunSpec::consumer)
  std::vector<FaultKind> fault_kinds;  // allowed kinds (empty = all); swarm testing picks a random subset per case
  int max_faults = 6;
  int max_records = 12;
  // The application's re-sends of a failed record (Workload::
  // max_resends_per_record); -1 keeps the workload's default. 0 makes an
  // aborted transaction the partition's last (a hanging transaction needs it).
  std::int32_t max_resends_per_record = -1;
  // The errors an ErrorResponse fault may answer (empty = default_error_responses()).
  std::vector<Errors> error_responses;
};

// ErrorResponse is "answered without processing". Only errors a leader really
// answers before it touches the log are physical that way (Kafka's
// ReplicaManager: NOT_LEADER_OR_FOLLOWER from getPartitionOrError,
// NOT_ENOUGH_REPLICAS from Partition.appendRecordsToLeader's ISR check).
// NOT_ENOUGH_REPLICAS_AFTER_APPEND, OUT_OF_ORDER_SEQUENCE_NUMBER and
// INVALID_PRODUCER_EPOCH describe a log the broker looked at; answering them
// unprocessed invents histories no broker produces (an OUT_OF_ORDER on a batch
// the leader has cached would make the idempotent producer write it twice).
// Scenario files may still use any broker error.
std::vector<Errors> default_error_responses();

// The faults Kafka's idempotence promise is judged under: every kind but
// ErrorResponse. A transient refusal (NOT_LEADER_OR_FOLLOWER,
// NOT_ENOUGH_REPLICAS) of a new producer id's FIRST batch, with its next
// batch accepted, is a real race: the leader accepts any sequence from a
// producer it has no state for (ProducerAppendInfo.checkSequence), the retry
// of sequence 0 then gets OUT_OF_ORDER_SEQUENCE_NUMBER as the next expected
// batch, and TransactionManager.canRetry bumps the epoch and rewrites the
// in-flight batches, which are written again. docs/model.md ("A race the
// search found") has the details; expected_violations_test.cpp searches for
// it on its own, so it is reported, not hidden.
std::vector<FaultKind> idempotence_fault_kinds();

// One case as the search read it (SearchOptions::on_case).
struct CaseRead {
  int number = 0;  // 1-based, in the whole search
  const History* history = nullptr;
  bool cut_short = false;  // hit ModelParameters' bounds
  bool judged = false;     // not cut short, configuration accepted: the guarantees judged it
  // With SearchOptions::sample_fault_states: the world's state right after
  // each fault took effect (a scheduled fault fired, or a message fault met
  // its message), as the explorer identifies states (exploration_hash,
  // docs/explorer.md), in the order they happened. A sample of the states a
  // case visited, at the points where the search chose to perturb it.
  const std::vector<std::uint64_t>* fault_states = nullptr;
};

struct SearchOptions {
  std::uint64_t seed = 1;
  int budget = 200;             // cases (schedules) to try before declaring "holds"
  int max_shrink_steps = 2000;  // bound on shrink candidates simulated (tried, not only accepted)
  std::function<void(int cases_done)> progress;  // may be empty
  // A violating case this excuses (returns its evidence) is counted, not
  // reported, and the search goes on: a known exception in Kafka's own rules
  // (properties/restart_snapshot.hpp) must not hide a model bug behind it.
  std::function<std::optional<std::string>(const History&)> excuse;  // may be empty
  // Threads simulating cases (and shrink candidates) at once. The result is
  // the same for every value: cases are numbered and judged in order, so the
  // lowest violating case wins and a shrink accepts the first candidate that
  // still violates, as one thread would. `excuse` and `progress` run on the
  // calling thread only.
  int jobs = 1;
  // Scale-out (`kafka-model check --shard I/N`): only the cases numbered c
  // (1-based) with (c - 1) % shard_count == shard_index are simulated. The
  // others are still drawn past (one rc::Random split each), so every case
  // is exactly the one a whole search draws at that number, and a target's
  // counterexample is its first violating case among this shard's.
  int shard_index = 0;
  int shard_count = 1;
  // Called on the calling thread, in case order, for every case whose
  // verdicts are read (what each guarantee's search saw; the same for every
  // `jobs`).
  std::function<void(const CaseRead&)> on_case;  // may be empty
  // Fill CaseRead::fault_states (costs a hash per fault that took effect).
  bool sample_fault_states = false;
  // Polled on the calling thread after each case is read and before each
  // batch of shrink candidates: true ends the search (--time-limit). Targets
  // still searching are marked `stopped`; a shrink in progress keeps the
  // smallest violating case it reached (Counterexample::shrink_stopped).
  std::function<bool()> stop;  // may be empty
};

struct Counterexample {
  RunSpec spec;  // minimal: replaying it reproduces the anomalies byte-identically
  History history;
  std::vector<Anomaly> anomalies;  // for the searched guarantee
  int shrink_steps = 0;            // shrinks accepted (each one still violated)
  int shrink_tries = 0;            // shrink candidates simulated
  int found_at_case = 0;           // 1-based case that first violated (its number in the whole search)
  bool shrink_stopped = false;     // SearchOptions::stop ended the shrinking early
  std::uint64_t search_seed = 0;
};

struct SearchResult {
  std::string guarantee;
  int cases = 0;  // schedules explored (with shards: this shard's)
  int last_case = 0;  // number of the last case read for this guarantee (in the whole search)
  bool stopped = false;  // SearchOptions::stop ended it before its budget and before any violation
  int cut_short = 0;  // cases that hit ModelParameters' bounds (never judged)
  int excused = 0;    // violating cases SearchOptions::excuse recognised
  std::string first_excuse;  // its evidence for the first of them
  std::optional<Counterexample> counterexample;
  std::optional<ConfigError> config_error;  // the configuration itself was refused
};

SearchResult search(const Guarantee& guarantee, const SearchSpace& space, const SearchOptions& options);

// One guarantee of a multi-guarantee search, with the excuse that applies to
// it alone (empty = SearchOptions::excuse).
struct SearchTarget {
  const Guarantee* guarantee = nullptr;
  std::function<std::optional<std::string>(const History&)> excuse;
};

// Several guarantees judged on the same cases: nothing in a case's generation
// depends on the guarantee, so each case is simulated once and its history
// judged by every guarantee still searching. Each result is exactly what
// search() gives that guarantee alone with the same seed and budget (its
// cases, cut_short, excused, counterexample and shrinking); a guarantee stops
// at its first unexcused violation and the search ends when all have stopped.
// options.progress reports the cases simulated.
std::vector<SearchResult> search(const std::vector<SearchTarget>& targets, const SearchSpace& space,
                                 const SearchOptions& options);

// What a person reads after a failing search: the anomalies, the shrunk
// schedule, the timeline (model/history_io.hpp) and the line that replays it.
std::string describe(const Counterexample& counterexample, const std::string& guarantee);

// Replay files: a RunSpec JSON (same format as scenario files) with
// expect_violated = {guarantee} and a description naming the guarantee, the
// search seed and the case. Written as <dir>/<guarantee><suffix>.json (the
// directory is created); returns the path.
// Returns the path written, or "" when the directory or file cannot be written.
std::string write_replay_file(const Counterexample& c, const std::string& guarantee, const std::string& dir,
                              const std::string& suffix = "");

}  // namespace kafka_model
