// A RunSpec as JSON: the form of a hand-written scenario (tests/scenarios/,
// format in tests/scenarios/README.md) and of the replay file a shrunk
// counterexample is saved as.
//
//   {"description": "...", "kafka_version": "3.9", "seed": 1,
//    "producer": {"acks": "all"}, "broker": {"min.insync.replicas": "2"},
//    "workload": {"records": 10, "mode": "at-least-once", ...},
//    "faults": [{"kind": "DropResponse", "request": 1}, {"kind": "BrokerCrash", "at_ms": 20, "broker": 0}],
//    "choices": [2, 0, 1]}
//
// "choices" (optional, written only when not empty) are recorded Chooser
// decisions, one value per decision in the order the world asks, the seed's
// draws after them (model/chooser.hpp, ReplayChooser).
//
// A fault carries exactly the fields its kind uses (fault_fields()); to_json
// writes those, so a Fault whose unused fields hold non-default values reads
// back with them at their defaults (the world never reads them).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/run_spec.hpp"

namespace kafka_model {

// Pretty (2-space indent), keys in a fixed order, producer/broker keys sorted.
std::string to_json(const RunSpec& spec);

struct RunSpecParse {
  std::optional<RunSpec> spec;
  std::string error;  // "replay.json: faults[2].kind: unknown fault kind ..."; empty when parsed
};

// Never throws. Missing sections take defaults (Workload{}, no faults, seed 1,
// Kafka 3.9); producer/broker values may be strings, numbers or booleans and
// are kept as text. Comments (// and /* */) are allowed. Every error names
// `source_name` and the field.
RunSpecParse parse_run_spec(std::string_view text, std::string_view source_name);

// parse_run_spec on a file's contents; a missing or unreadable file is an
// error naming the path.
RunSpecParse load_run_spec(const std::string& path);

}  // namespace kafka_model
