// What one run exercised: a guarantee's "holds" means something only over
// runs that did what it is about (acknowledged sends; completed transactions
// for the transaction guarantees; committed input offsets for
// exactly_once_consume_process_produce). One count for check (cli/report.cpp's
// count_exercise) and explore (properties/explorer.cpp).
#pragma once

#include <cstdint>

#include "model/history.hpp"

namespace kafka_model {

struct RunExercise {
  std::int64_t sends = 0;         // send() calls
  std::int64_t acknowledged = 0;  // callbacks completed without error
  std::int64_t transactions = 0;  // transactions that completed (committed or aborted)
  std::int64_t offset_commits = 0;  // the consumer group's committed offset moved (consume-transform-produce)
};

inline RunExercise exercise_of(const History& history) {
  RunExercise e;
  for (const Step& s : history.steps) {
    if (s.kind == StepKind::SendCalled) ++e.sends;
    if (s.kind == StepKind::CallbackCompleted && !s.error) ++e.acknowledged;
    if (s.kind == StepKind::TransactionEnded && !s.error) ++e.transactions;
    if (s.kind == StepKind::OffsetsCommitted) ++e.offset_commits;
  }
  return e;
}

}  // namespace kafka_model
