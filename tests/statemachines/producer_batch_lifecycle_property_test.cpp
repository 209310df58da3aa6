// statemachines: ProducerBatchLifecycle against a plain reference of the
// same rules, over random event sequences.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <vector>

#include "statemachines/producer_batch_lifecycle.hpp"

namespace kafka_model {
namespace {

using State = ProducerBatchLifecycle::State;

enum class Ev { Close, Drain, Succeed, Retriable, RetriableVetoed, Fatal, Backoff, Expire, Abort };

// The rules written out directly, for comparison with the MSM table.
struct Reference {
  State state = State::Open;
  int retries = 0, attempts = 0, retries_used = 0;
  bool apply(Ev e) {
    const bool live = state != State::Succeeded && state != State::Failed && state != State::Expired;
    switch (e) {
      case Ev::Close: return to(state == State::Open, State::Closed);
      case Ev::Drain: return to(state == State::Closed, State::InFlight) && ++attempts;
      case Ev::Succeed: return to(state == State::InFlight, State::Succeeded);
      case Ev::Retriable:
      case Ev::RetriableVetoed: {
        if (state != State::InFlight) return false;
        const bool retry = e == Ev::Retriable && retries_used < retries;
        state = retry ? State::WaitingToRetry : State::Failed;
        retries_used += retry ? 1 : 0;
        return true;
      }
      case Ev::Fatal: return to(state == State::InFlight, State::Failed);
      case Ev::Backoff: return to(state == State::WaitingToRetry, State::Closed);
      case Ev::Expire: return to(live, State::Expired);
      case Ev::Abort: return to(live, State::Failed);
    }
    return false;
  }
  bool to(bool allowed, State next) {
    if (allowed) state = next;
    return allowed;
  }
};

std::optional<std::string> feed(ProducerBatchLifecycle& b, Ev e) {
  switch (e) {
    case Ev::Close: return b.close();
    case Ev::Drain: return b.drain();
    case Ev::Succeed: return b.succeed();
    case Ev::Retriable: return b.fail_retriable(true);
    case Ev::RetriableVetoed: return b.fail_retriable(false);
    case Ev::Fatal: return b.fail_fatal();
    case Ev::Backoff: return b.backoff_elapsed();
    case Ev::Expire: return b.expire();
    case Ev::Abort: return b.abort();
  }
  return std::nullopt;
}

RC_GTEST_PROP(ProducerBatchLifecycleProperty, MatchesTheReferenceRules, ()) {
  const int retries = *rc::gen::inRange(0, 4);
  const auto events = *rc::gen::container<std::vector<Ev>>(
      rc::gen::element(Ev::Close, Ev::Drain, Ev::Succeed, Ev::Retriable, Ev::RetriableVetoed, Ev::Fatal,
                       Ev::Backoff, Ev::Expire, Ev::Abort));
  ProducerBatchLifecycle batch(retries);
  Reference ref;
  ref.retries = retries;
  for (Ev e : events) {
    const bool accepted = !feed(batch, e).has_value();
    RC_ASSERT(accepted == ref.apply(e));
    RC_ASSERT(batch.state() == ref.state);
    RC_ASSERT(batch.attempts() == ref.attempts);
    RC_ASSERT(batch.retries_used() == ref.retries_used);
  }
  RC_ASSERT(batch.outcome_unknown() == (ref.state == State::Expired && ref.attempts > 0));
}

}  // namespace
}  // namespace kafka_model
