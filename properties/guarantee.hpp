// The guarantees: each a pure function History -> anomalies, registered by
// name. The names are the public contract (CLI, JSON, replay files).
// Adding a guarantee = one new file in properties/checkers/ + one line in
// properties/registry.cpp.
//
// Sessions: with idempotence on, a session is one producer id with all its
// epochs (a KIP-360 bump does not end it, a restart without transactional.id
// does); with idempotence off, one producer instance. A send is one send()
// call; a re-send of the same record after an error, a timeout or a restart
// is a new send.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/history.hpp"
#include "properties/anomaly.hpp"

namespace kafka_model {

using CheckFn = std::vector<Anomaly> (*)(const History&);

struct Guarantee {
  std::string name;         // no_duplicates_within_session, ...
  std::string jepsen_name;  // duplicate, nonmonotonic-send, ...
  std::string holds_when;   // one sentence
  CheckFn check;
  // A guarantee about transactions: exercised only by a run that completed a
  // transaction (a non-transactional producer never exercises it).
  bool transactional = false;
  // A guarantee about consume-transform-produce: exercised only by a run
  // whose group committed an input offset (RunExercise::offset_commits).
  bool consume_process_produce = false;
};

const std::vector<Guarantee>& all_guarantees();
// Diagnostics: properties of the protocol's internals rather than promises
// to the application, checked only when asked for by name (`--guarantee`),
// never in the default set of check, explore or replay.
const std::vector<Guarantee>& diagnostic_guarantees();
// A guarantee or a diagnostic by name; nullptr if neither.
const Guarantee* find_guarantee(std::string_view name);

// Each checker (properties/checkers/<name>.cpp).
std::vector<Anomaly> check_no_duplicates_within_session(const History& history);
std::vector<Anomaly> check_no_duplicates(const History& history);
std::vector<Anomaly> check_order_within_session(const History& history);
std::vector<Anomaly> check_no_lost_acknowledged_writes(const History& history);
std::vector<Anomaly> check_acknowledged_offsets_correct(const History& history);
std::vector<Anomaly> check_no_send_failed_out_of_order(const History& history);
std::vector<Anomaly> check_no_out_of_order_for_written_batch(const History& history);
std::vector<Anomaly> check_no_aborted_reads(const History& history);
std::vector<Anomaly> check_transactions_atomic(const History& history);
std::vector<Anomaly> check_zombie_fenced(const History& history);
std::vector<Anomaly> check_last_stable_offset_advances(const History& history);
std::vector<Anomaly> check_exactly_once_consume_process_produce(const History& history);

}  // namespace kafka_model
