// What the parts of a sharded run (`check --shard`, `explore --shard`) share
// in their JSON: the report's frame, counterexamples carried as RunSpecs and
// replayed when read, and the --shard I/N syntax.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/report.hpp"
#include "properties/search.hpp"

namespace kafka_model::cli {

using PartJson = nlohmann::ordered_json;

// The frame: everything of the Report but the search's results.
PartJson frame_json(const Report& r);
Report frame_from(const PartJson& j);  // throws std::runtime_error on a bad frame

// A counterexample carried as {"found_at_case", "shrink_steps",
// "shrink_stopped", "spec"}: replaying the spec gives back the history and
// anomalies byte for byte (properties/replay.hpp), so a part stays small and
// a tampered one is caught (std::runtime_error).
Counterexample replayed_counterexample(const PartJson& j, const std::string& guarantee, std::uint64_t seed);

// --shard I/N: 0 <= I < N.
bool parse_shard(const std::string& text, int& index, int& count);

}  // namespace kafka_model::cli
