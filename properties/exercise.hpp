// What one run exercised: a guarantee's "holds" means something only over
// runs that did what it is about (acknowledged sends; completed transactions
// for the transaction guarantees). One count for check (cli/report.cpp's
// count_exercise) and explore (properties/explorer.cpp).
#pragma once

#include <cstdint>

#include "model/history.hpp"

namespace kafka_model {

struct RunExercise {
  std::int64_t sends = 0;         // send() calls
  std::int64_t acknowledged = 0;  // callbacks completed without error
  std::int64_t transactions = 0;  // transactions that completed (committed or aborted)
};

inline RunExercise exercise_of(const History& history) {
  RunExercise e;
  for (const Step& s : history.steps) {
    if (s.kind == StepKind::SendCalled) ++e.sends;
    if (s.kind == StepKind::CallbackCompleted && !s.error) ++e.acknowledged;
    if (s.kind == StepKind::TransactionEnded && !s.error) ++e.transactions;
  }
  return e;
}

}  // namespace kafka_model
