// What a check's search found before it is a Report: one record per case
// read and, per guarantee, where its search ended and its counterexample.
// A whole `check` is one part (shard 0 of 1). `check --shard I/N --json`
// prints its part as JSON instead of a report, and `kafka-model merge` joins
// the parts into one; both then build the report from the part with the same
// code (assemble), which is why a merge prints what a single run prints
// (docs/scale-out.md).
//
// Why the join is exact: a guarantee's single-run verdict depends only on
// its first violating case k (or the budget when none violates) and on the
// cases 1..k. Every shard draws every case (properties/search.hpp: shard
// cases are the whole search's), so the lowest violating case across the
// shards is k, the shard that owns it shrank it exactly as a single run does,
// and the "exercised" counts are the records of cases 1..k, which the shards
// hold between them (each reads its cases up to its own first violation, at
// or after k).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/report.hpp"
#include "properties/search.hpp"

namespace kafka_model::cli {

struct CaseRecord {
  int number = 0;  // 1-based, in the whole search
  bool judged = false;     // not cut short, configuration accepted: the checkers judged it
  bool cut_short = false;  // hit the model's bounds (ModelParameters)
  std::int64_t sends = 0;         // send() calls (count_exercise)
  std::int64_t acknowledged = 0;  // callbacks completed without error
  std::vector<std::uint64_t> fault_states;  // CaseRead::fault_states
  std::int64_t transactions = 0;  // transactions that completed (what exercises a transaction guarantee)
  std::int64_t offset_commits = 0;  // the group's committed offset moved (exactly_once_consume_process_produce)
};

struct GuaranteeOutcome {
  std::string guarantee;
  int last_case = 0;          // the last case read for it
  bool time_limited = false;  // --time-limit stopped it before its budget, with no violation
  std::optional<Counterexample> counterexample;  // found_at_case numbers the whole search
};

// The question asked: equal in every shard of one check.
struct CheckSetup {
  std::string header;         // the text report's first lines (files, release, seed, budget)
  std::string producer_file;  // the JUnit suite name
  std::uint64_t seed = 1;
  int budget = 0;
  // Configuration, warnings and notes, and one verdict per guarantee with
  // its promise, remedy and `required` but no results yet.
  Report frame;
};

struct CheckPart {
  int shard_index = 0;
  int shard_count = 1;
  CheckSetup setup;
  std::vector<CaseRecord> cases;           // in case order
  std::vector<GuaranteeOutcome> outcomes;  // in the frame's verdict order (none when Kafka refuses the configuration)
};

// The record of one case read by the search.
CaseRecord case_record(const CaseRead& read);

// The frame's verdicts filled from a whole part (one run, or merged shards);
// each counterexample's replay file is written into out_dir (none for one
// whose shrinking the time limit stopped).
Report assemble(const CheckPart& part, const std::string& out_dir);

// The part as one JSON object (one line, ending in '\n'): the setup, the case
// records, and each counterexample as its RunSpec (its history is replayed
// when the part is read).
std::string to_json(const CheckPart& part);

struct CheckPartParse {
  std::optional<CheckPart> part;
  std::string error;  // what is wrong, without the file's name; empty when parsed
};
CheckPartParse parse_check_part(std::string_view text);

// Joins the parts of one check, each shard exactly once, into a whole part.
// `parts` pairs each part with its file name; an error names the file.
struct MergeResult {
  std::optional<CheckPart> part;
  std::string error;
};
MergeResult merge_parts(const std::vector<std::pair<std::string, CheckPart>>& parts);

}  // namespace kafka_model::cli
