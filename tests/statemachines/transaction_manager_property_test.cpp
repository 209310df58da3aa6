// statemachines: TransactionManager against a reference interpreter of
// Kafka's isTransitionValid, over random sequences of transitionTo calls from
// the application and the Sender thread.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "statemachines/transaction_manager.hpp"

namespace kafka_model {

// Readable counterexamples (found by ADL from RapidCheck's show).
static void showValue(TransactionManager::State s, std::ostream& os) { os << TransactionManager::name(s); }
static void showValue(TransactionManager::Origin o, std::ostream& os) {
  os << (o == TransactionManager::Origin::Sender ? "Sender" : "Application");
}
static void showValue(KafkaVersion v, std::ostream& os) { os << to_string(v); }

namespace {

using State = TransactionManager::State;
using Origin = TransactionManager::Origin;

// TransactionManager.State.isTransitionValid written as Kafka writes it (a
// switch on the target), with the releases' differences inline: KAFKA-13668
// (3.6+) and KAFKA-18227 (4.0, Transactions V2).
bool is_transition_valid(KafkaVersion v, State source, State target) {
  const bool v3 = v != KafkaVersion::V2_8;
  const bool v4 = v == KafkaVersion::V4_0;
  switch (target) {
    case State::UNINITIALIZED: return source == State::READY || (v3 && source == State::ABORTABLE_ERROR);
    case State::INITIALIZING:
      return source == State::UNINITIALIZED || (v4 && source == State::COMMITTING_TRANSACTION) ||
             source == State::ABORTING_TRANSACTION;
    case State::READY:
      return source == State::INITIALIZING || source == State::COMMITTING_TRANSACTION ||
             source == State::ABORTING_TRANSACTION;
    case State::IN_TRANSACTION: return source == State::READY;
    case State::COMMITTING_TRANSACTION: return source == State::IN_TRANSACTION;
    case State::ABORTING_TRANSACTION: return source == State::IN_TRANSACTION || source == State::ABORTABLE_ERROR;
    case State::ABORTABLE_ERROR:
      return source == State::IN_TRANSACTION || source == State::COMMITTING_TRANSACTION ||
             source == State::ABORTABLE_ERROR || (v3 && source == State::INITIALIZING);
    case State::FATAL_ERROR: return true;
  }
  return false;
}

// TransactionManager.transitionTo: take a valid target; otherwise throw, and
// on the Sender thread (3.6+, KAFKA-14831) poison the state first.
struct Reference {
  KafkaVersion version;
  State state = State::UNINITIALIZED;
  bool transition_to(State target, Origin origin) {
    if (is_transition_valid(version, state, target)) {
      state = target;
      return true;
    }
    if (origin == Origin::Sender && version != KafkaVersion::V2_8) state = State::FATAL_ERROR;
    return false;
  }
};

rc::Gen<State> any_state() {
  return rc::gen::element(State::UNINITIALIZED, State::INITIALIZING, State::READY, State::IN_TRANSACTION,
                          State::COMMITTING_TRANSACTION, State::ABORTING_TRANSACTION, State::ABORTABLE_ERROR,
                          State::FATAL_ERROR);
}

rc::Gen<Origin> any_origin() { return rc::gen::element(Origin::Application, Origin::Sender); }

// One call: a target drawn blindly (mostly invalid) or, so that runs go deep
// (e.g. COMMITTING_TRANSACTION -> INITIALIZING needs five valid steps first),
// the n-th target the Java table allows from wherever the run then is.
// (Every state but FATAL_ERROR has a valid target other than FATAL_ERROR.)
struct Call {
  bool follow_table;
  State blind_target;
  int nth_valid;
  Origin origin;
};

void showValue(const Call& c, std::ostream& os) {
  if (c.follow_table)
    os << "valid target #" << c.nth_valid;
  else
    os << TransactionManager::name(c.blind_target);
  os << " from " << (c.origin == Origin::Sender ? "Sender" : "Application");
}

rc::Gen<Call> any_call() {
  // Weighted so that runs go deep before FATAL_ERROR (asked for, or a
  // poisoning Sender call) ends them: two calls in three follow the table,
  // blind calls rarely ask for FATAL_ERROR, one call in ten is the Sender's.
  const auto blind_target = rc::gen::weightedElement<State>(
      {{4, State::UNINITIALIZED}, {4, State::INITIALIZING}, {4, State::READY}, {4, State::IN_TRANSACTION},
       {4, State::COMMITTING_TRANSACTION}, {4, State::ABORTING_TRANSACTION}, {4, State::ABORTABLE_ERROR},
       {1, State::FATAL_ERROR}});
  return rc::gen::build<Call>(
      rc::gen::set(&Call::follow_table, rc::gen::weightedElement<bool>({{2, true}, {1, false}})),
      rc::gen::set(&Call::blind_target, blind_target), rc::gen::set(&Call::nth_valid, rc::gen::inRange(0, 8)),
      rc::gen::set(&Call::origin,
                   rc::gen::weightedElement<Origin>({{9, Origin::Application}, {1, Origin::Sender}})));
}

State target_of(const Call& call, KafkaVersion v, State now) {
  if (!call.follow_table) return call.blind_target;
  if (now == State::FATAL_ERROR) return State::FATAL_ERROR;
  std::vector<State> valid;  // FATAL_ERROR left out: blind calls reach it often enough
  for (int t = 0; t + 1 < TransactionManager::kStateCount; ++t)
    if (is_transition_valid(v, now, static_cast<State>(t))) valid.push_back(static_cast<State>(t));
  return valid[static_cast<std::size_t>(call.nth_valid) % valid.size()];
}

RC_GTEST_PROP(TransactionManagerProperty, FollowsKafkasTransitionTable, ()) {
  const KafkaVersion version = *rc::gen::element(KafkaVersion::V2_8, KafkaVersion::V3_9, KafkaVersion::V4_0);
  const std::string id = *rc::gen::element(std::string(), std::string("tx"));
  const auto calls = *rc::gen::container<std::vector<Call>>(any_call());
  TransactionManager tm(id, version);
  Reference ref{version};
  for (const Call& call : calls) {
    const State before = tm.state();
    const State target = target_of(call, version, before);
    const Origin origin = call.origin;
    // The whole row of the table at every step, not only the call made.
    for (int t = 0; t < TransactionManager::kStateCount; ++t) {
      const State any = static_cast<State>(t);
      RC_ASSERT(tm.can_transition_to(any) == is_transition_valid(version, before, any));
    }
    const auto error = tm.transition_to(target, origin);
    RC_ASSERT(!error.has_value() == ref.transition_to(target, origin));
    RC_ASSERT(tm.state() == ref.state);
    if (error) {
      const std::string prefix = id.empty() ? "" : "TransactionalId " + id + ": ";
      RC_ASSERT(*error == prefix + "Invalid transition attempted from state " + TransactionManager::name(before) +
                              " to state " + TransactionManager::name(target));
    }
  }
}

RC_GTEST_PROP(TransactionManagerProperty, FatalErrorIsAbsorbing, ()) {
  const KafkaVersion version = *rc::gen::element(KafkaVersion::V2_8, KafkaVersion::V3_9, KafkaVersion::V4_0);
  const auto before = *rc::gen::container<std::vector<Call>>(any_call());
  const auto after = *rc::gen::container<std::vector<Call>>(any_call());
  TransactionManager tm("tx", version);
  for (const Call& call : before) tm.transition_to(target_of(call, version, tm.state()), call.origin);
  tm.transition_to(State::FATAL_ERROR, *any_origin());
  RC_ASSERT(tm.state() == State::FATAL_ERROR);
  for (const Call& call : after) {
    const State target = call.blind_target;
    RC_ASSERT(tm.transition_to(target, call.origin).has_value() == (target != State::FATAL_ERROR));
    RC_ASSERT(tm.state() == State::FATAL_ERROR);
  }
}

RC_GTEST_PROP(TransactionManagerProperty, CopiesEqualAndHashAlikeUntilOneMoves, ()) {
  const KafkaVersion version = *rc::gen::element(KafkaVersion::V2_8, KafkaVersion::V3_9, KafkaVersion::V4_0);
  const auto calls = *rc::gen::container<std::vector<Call>>(any_call());
  TransactionManager tm("tx", version);
  for (const Call& call : calls) tm.transition_to(target_of(call, version, tm.state()), call.origin);
  TransactionManager copy = tm;
  RC_ASSERT(copy == tm);
  RC_ASSERT(copy.hash() == tm.hash());
  const State target = *any_state();
  const State before = tm.state();
  if (!copy.transition_to(target, Origin::Application).has_value() && target != before) {
    RC_ASSERT(copy != tm);
    RC_ASSERT(copy.hash() != tm.hash());
  }
  RC_ASSERT(tm.state() == before);
}

}  // namespace
}  // namespace kafka_model
