// An anomaly: one violation a checker found in a history, with the evidence
// that proves it (Jepsen's style: records, offsets, sessions, steps).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kafka_model {

struct Anomaly {
  std::string guarantee;  // e.g. "no_duplicates_within_session"
  std::string kind;       // Jepsen's name: duplicate, nonmonotonic-send, lost-write, inconsistent-offsets
  std::string summary;    // one sentence a Kafka engineer reads: what happened, with ids and offsets
  std::int32_t partition = -1;
  std::vector<std::int64_t> records;
  std::vector<std::int64_t> sends;
  std::vector<std::int64_t> offsets;
  std::int64_t producer_id = -1;      // the session, when idempotent
  std::int32_t instance = -1;         // the producer instance
  std::vector<std::size_t> steps;     // indices into History::steps (0-based) that prove it
  bool operator==(const Anomaly&) const = default;
};

}  // namespace kafka_model
