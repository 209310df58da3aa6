// What the parts of a sharded run (`check --shard`, `explore --shard`) share
// in their JSON: the header (kind, format, build, shard), the report's frame,
// counterexamples carried as RunSpecs and replayed when read, the rules a
// set of parts must keep to be joined, and the --shard I/N syntax.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/report.hpp"
#include "properties/search.hpp"

namespace kafka_model::cli {

using PartJson = nlohmann::ordered_json;

// The header a part opens with: {kind_key: format, "kafka_model_version",
// "shard": {"index", "count"}}. A part of another build may judge or explore
// differently, so parts are joined only with the build that wrote them.
PartJson part_header_json(const char* kind_key, int format, int shard_index, int shard_count);

// Reads the header of a part known to carry kind_key into shard_index and
// shard_count. Returns false, with `error` its whole message, when the part
// is of another build or format; throws std::runtime_error when the shard is
// not a shard (0 <= index < count), and nlohmann's errors when a key is
// missing or of another type.
bool read_part_header(const PartJson& j, const char* kind_key, int format, int& shard_index, int& shard_count,
                      std::string& error);

// Each guarantees[g]["guarantee"] must be the frame's verdict g's, one per
// verdict unless `fewer_allowed` (a check of a configuration Kafka refuses
// has none); throws std::runtime_error naming the index otherwise.
void check_guarantee_order(const PartJson& guarantees, const Report& frame, bool fewer_allowed);

// What a part set's check knows of each part.
struct PartIdentity {
  std::string file;
  int shard_index = 0;
  int shard_count = 1;
  PartJson setup;  // the question asked: equal in every shard of one run
};
// Whether `parts` are the shards of one run, each exactly once: the same
// shard count and setup, no shard twice, none missing. Returns the error,
// naming the file, or "" when they are. `run` names the kind of run
// ("check", "exploration") and `setup_fields` what its setup holds, for the
// message of parts whose setups differ.
std::string check_part_set(const std::vector<PartIdentity>& parts, const std::string& run,
                           const std::string& setup_fields);

// The frame: everything of the Report but the search's results.
PartJson frame_json(const Report& r);
Report frame_from(const PartJson& j);  // throws std::runtime_error on a bad frame

// A counterexample carried as {"found_at_case", "shrink_steps",
// "shrink_stopped", "spec"}: replaying the spec gives back the history and
// anomalies byte for byte (properties/replay.hpp), so a part stays small and
// a tampered one is caught (std::runtime_error).
PartJson counterexample_json(const Counterexample& c);
Counterexample replayed_counterexample(const PartJson& j, const std::string& guarantee, std::uint64_t seed);

// --shard I/N: 0 <= I < N.
bool parse_shard(const std::string& text, int& index, int& count);

}  // namespace kafka_model::cli
