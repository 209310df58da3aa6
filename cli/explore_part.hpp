// What an exploration found before it is printed: the question (its
// header, the report's frame) and the ExploreResult. A whole `explore` is one
// part; `explore --shard I/N --json` prints its part as JSON instead, and
// `kafka-model merge` joins the parts (properties/explorer.hpp,
// merge_explore_shards, says what a join keeps exact) and prints them with
// the code a single run prints with (emit_explore).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/report.hpp"
#include "properties/explorer.hpp"

namespace kafka_model::cli {

struct ExploreSetup {
  std::string header;       // the text report's first lines (release, files, bounds)
  std::string visited_set;  // "hash-compact" or "bitstate"
  std::uint64_t seed = 1;
  // Configuration and warnings, and one verdict per guarantee with its
  // promise and remedy but no results yet.
  Report frame;
};

struct ExplorePart {
  int shard_index = 0;
  int shard_count = 1;
  ExploreSetup setup;
  ExploreResult result;
};

// The report of a whole exploration (one run, or joined shards), as text or
// --json, each counterexample's replay file written into out_dir; returns
// the exit code (1 when a guarantee has a counterexample).
int emit_explore(const ExploreSetup& setup, const ExploreResult& result, const std::string& out_dir, bool json);

// The part as one JSON object (one line, ending in '\n'); each counterexample
// as its RunSpec (replayed when the part is read).
std::string to_json(const ExplorePart& part);

// Whether a part's text is an explore part (else it may be a check part).
bool is_explore_part(std::string_view text);

struct ExplorePartParse {
  std::optional<ExplorePart> part;
  std::string error;  // without the file's name
};
ExplorePartParse parse_explore_part(std::string_view text);

// Joins the parts of one exploration, each shard exactly once.
struct ExploreMerge {
  std::optional<ExplorePart> whole;
  std::string error;
};
ExploreMerge merge_explore_parts(const std::vector<std::pair<std::string, ExplorePart>>& parts);

}  // namespace kafka_model::cli
