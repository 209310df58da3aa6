// statemachines: TransactionCoordinator over random request sequences,
// against Kafka's validPreviousStates and a transcription of the handlers.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "statemachines/transaction_coordinator.hpp"

namespace kafka_model {
namespace {

using State = TransactionCoordinator::State;
using Error = TransactionCoordinator::Error;

// TransactionState.validPreviousStates, Kafka 3.9 (TransactionMetadata.scala).
bool kafka_allows(State from, State to) {
  static const std::map<State, std::set<State>> valid_previous = {
      {State::Empty, {State::Empty, State::CompleteCommit, State::CompleteAbort}},
      {State::Ongoing, {State::Ongoing, State::Empty, State::CompleteCommit, State::CompleteAbort}},
      {State::PrepareCommit, {State::Ongoing}},
      {State::PrepareAbort, {State::Ongoing, State::PrepareEpochFence}},
      {State::CompleteCommit, {State::PrepareCommit}},
      {State::CompleteAbort, {State::PrepareAbort}},
      {State::Dead, {State::Empty, State::CompleteAbort, State::CompleteCommit}},
      {State::PrepareEpochFence, {State::Ongoing}},
  };
  return valid_previous.at(to).count(from) > 0;
}

enum class Kind { InitProducerId, AddPartitions, EndTxn, MarkersWritten, TimedOut, Expired };

struct Step {
  Kind kind;
  int epoch_delta;  // request epoch = coordinator's epoch + delta (0: the current producer)
  std::vector<std::int32_t> partitions;
  bool commit;
};

void showValue(const Step& s, std::ostream& os) {
  static const char* names[] = {"InitProducerId", "AddPartitions", "EndTxn", "MarkersWritten", "TimedOut", "Expired"};
  os << names[static_cast<int>(s.kind)];
  if (s.kind == Kind::AddPartitions || s.kind == Kind::EndTxn) os << "(epoch" << std::showpos << s.epoch_delta;
  os << std::noshowpos;
  if (s.kind == Kind::AddPartitions) {
    os << ", {";
    for (auto p : s.partitions) os << p << ' ';
    os << "})";
  }
  if (s.kind == Kind::EndTxn) os << (s.commit ? ", commit)" : ", abort)");
}

rc::Gen<Step> step_gen() {
  using namespace rc;
  return gen::build<Step>(
      gen::set(&Step::kind, gen::element(Kind::InitProducerId, Kind::AddPartitions, Kind::AddPartitions,
                                         Kind::EndTxn, Kind::EndTxn, Kind::MarkersWritten, Kind::TimedOut,
                                         Kind::Expired)),
      gen::set(&Step::epoch_delta, gen::weightedElement<int>({{8, 0}, {1, -1}, {1, 1}, {1, -2}})),
      gen::set(&Step::partitions, gen::mapcat(gen::inRange(0, 3), [](int n) {
                 return gen::container<std::vector<std::int32_t>>(static_cast<std::size_t>(n), gen::inRange(0, 4));
               })),
      gen::set(&Step::commit, gen::arbitrary<bool>()));
}

// Kafka 3.9's handlers written out imperatively (TransactionCoordinator
// prepareInitProducerIdTransit, handleAddPartitionsToTransaction,
// endTransaction, abortTimedOutTransactions; TransactionStateManager expiry),
// with the model's choices: Dead answers TRANSACTIONAL_ID_NOT_FOUND, an
// exhausted epoch INVALID_PRODUCER_EPOCH.
struct Reference {
  State state = State::Empty;
  int epoch = -1;
  std::set<std::int32_t> partitions;
  Error answer = Error::NONE;

  bool fenced(int request_epoch) const { return epoch == -1 || request_epoch != epoch; }
  bool prepare() const { return state == State::PrepareCommit || state == State::PrepareAbort; }
  bool complete() const { return state == State::CompleteCommit || state == State::CompleteAbort; }

  Error init() {
    if (state == State::Dead) return Error::TRANSACTIONAL_ID_NOT_FOUND;
    if (prepare()) return Error::CONCURRENT_TRANSACTIONS;
    if (state == State::Ongoing) {
      if (epoch == 32767) return Error::INVALID_PRODUCER_EPOCH;
      ++epoch;  // prepareFenceProducerEpoch, then endTransaction(ABORT)
      state = State::PrepareAbort;
      return Error::CONCURRENT_TRANSACTIONS;
    }
    if (epoch >= 32766) return Error::INVALID_PRODUCER_EPOCH;
    ++epoch;
    partitions.clear();
    state = State::Empty;
    return Error::NONE;
  }
  Error add(int request_epoch, const std::vector<std::int32_t>& added) {
    if (state == State::Dead) return Error::TRANSACTIONAL_ID_NOT_FOUND;
    if (fenced(request_epoch)) return Error::PRODUCER_FENCED;
    if (prepare()) return Error::CONCURRENT_TRANSACTIONS;
    partitions.insert(added.begin(), added.end());
    state = State::Ongoing;
    return Error::NONE;
  }
  Error end(int request_epoch, bool commit) {
    if (state == State::Dead) return Error::TRANSACTIONAL_ID_NOT_FOUND;
    if (fenced(request_epoch)) return Error::PRODUCER_FENCED;
    switch (state) {
      case State::Ongoing: state = commit ? State::PrepareCommit : State::PrepareAbort; return Error::NONE;
      case State::CompleteCommit: return commit ? Error::NONE : Error::INVALID_TXN_STATE;
      case State::CompleteAbort: return commit ? Error::INVALID_TXN_STATE : Error::NONE;
      case State::PrepareCommit: return commit ? Error::CONCURRENT_TRANSACTIONS : Error::INVALID_TXN_STATE;
      case State::PrepareAbort: return commit ? Error::INVALID_TXN_STATE : Error::CONCURRENT_TRANSACTIONS;
      default: return Error::INVALID_TXN_STATE;
    }
  }
  void markers() {
    if (!prepare()) return;
    state = state == State::PrepareCommit ? State::CompleteCommit : State::CompleteAbort;
    partitions.clear();
  }
  void timeout() {
    if (state != State::Ongoing || epoch == 32767) return;
    ++epoch;
    state = State::PrepareAbort;
  }
  void expire() {
    if (state != State::Empty && !complete()) return;
    state = State::Dead;
    partitions.clear();
  }

  void apply(const Step& s, int request_epoch) {
    switch (s.kind) {
      case Kind::InitProducerId: answer = init(); break;
      case Kind::AddPartitions: answer = add(request_epoch, s.partitions); break;
      case Kind::EndTxn: answer = end(request_epoch, s.commit); break;
      case Kind::MarkersWritten: markers(); break;
      case Kind::TimedOut: timeout(); break;
      case Kind::Expired: expire(); break;
    }
  }
};

void apply(TransactionCoordinator& c, const Step& s, std::int16_t request_epoch) {
  switch (s.kind) {
    case Kind::InitProducerId: c.init_producer_id(); break;
    case Kind::AddPartitions: c.add_partitions_to_txn(request_epoch, s.partitions); break;
    case Kind::EndTxn: c.end_txn(request_epoch, s.commit); break;
    case Kind::MarkersWritten: c.markers_written(); break;
    case Kind::TimedOut: c.transaction_timed_out(); break;
    case Kind::Expired: c.transactional_id_expired(); break;
  }
}

bool fences_and_aborts(const Step& s) { return s.kind == Kind::InitProducerId || s.kind == Kind::TimedOut; }

// Every state change a call makes is one Kafka allows; the fence-and-abort
// call goes Ongoing -> PrepareEpochFence -> PrepareAbort, two legs.
// Same state before and after: an answer without a transition, or a
// self-transition (Empty, Ongoing) the unit test checks row by row.
bool transition_allowed(State before, State after, const Step& s, bool epoch_bumped) {
  if (before == after) return true;
  if (before == State::Ongoing && after == State::PrepareAbort && fences_and_aborts(s) && epoch_bumped)
    return kafka_allows(State::Ongoing, State::PrepareEpochFence) &&
           kafka_allows(State::PrepareEpochFence, State::PrepareAbort);
  return kafka_allows(before, after);
}

RC_GTEST_PROP(TransactionCoordinatorProperties, RandomRequestsStayInsideKafkasTransitionsAndMatchTheHandlers, ()) {
  const auto steps = *rc::gen::container<std::vector<Step>>(step_gen());
  TransactionCoordinator c("txn-a", 4000);
  Reference ref;
  for (const Step& s : steps) {
    const State before = c.state();
    const std::int16_t epoch_before = c.producer_epoch();
    const auto request_epoch = static_cast<std::int16_t>(epoch_before + s.epoch_delta);
    apply(c, s, request_epoch);
    ref.apply(s, request_epoch);

    RC_ASSERT(transition_allowed(before, c.state(), s, c.producer_epoch() == epoch_before + 1));
    RC_ASSERT(c.state() != State::PrepareEpochFence);  // transient: driven through in the same call
    RC_ASSERT(c.producer_epoch() >= epoch_before);
    const bool open = c.state() == State::Ongoing || c.state() == State::PrepareCommit ||
                      c.state() == State::PrepareAbort;
    RC_ASSERT(open || c.partitions().empty());
    RC_ASSERT(std::is_sorted(c.partitions().begin(), c.partitions().end()));
    RC_ASSERT(std::adjacent_find(c.partitions().begin(), c.partitions().end()) == c.partitions().end());

    RC_ASSERT(c.state() == ref.state);
    RC_ASSERT(static_cast<int>(c.producer_epoch()) == ref.epoch);
    RC_ASSERT(c.partitions() == std::vector<std::int32_t>(ref.partitions.begin(), ref.partitions.end()));
    RC_ASSERT(c.last_error() == ref.answer);
  }
}

RC_GTEST_PROP(TransactionCoordinatorProperties, AFencedRequestChangesNothing, ()) {
  const auto prefix = *rc::gen::container<std::vector<Step>>(step_gen());
  TransactionCoordinator c("txn-a", 4000);
  for (const Step& s : prefix) apply(c, s, static_cast<std::int16_t>(c.producer_epoch() + s.epoch_delta));
  const int delta = *rc::gen::element(-3, -2, -1, 1, 2);
  const auto stale = static_cast<std::int16_t>(c.producer_epoch() + delta);
  const TransactionCoordinator before = c;
  const bool commit = *rc::gen::arbitrary<bool>();
  const Error add = c.add_partitions_to_txn(stale, {0, 1});
  const Error end = c.end_txn(stale, commit);
  RC_ASSERT(c == before);
  RC_ASSERT(c.hash() == before.hash());
  const Error expected =
      before.state() == State::Dead ? Error::TRANSACTIONAL_ID_NOT_FOUND : Error::PRODUCER_FENCED;
  RC_ASSERT(add == expected);
  RC_ASSERT(end == expected);
}

RC_GTEST_PROP(TransactionCoordinatorProperties, CopiesReplayIdentically, ()) {
  const auto steps = *rc::gen::container<std::vector<Step>>(step_gen());
  TransactionCoordinator a("txn-a", 4000);
  TransactionCoordinator b("txn-a", 4000);
  for (const Step& s : steps) {
    apply(a, s, static_cast<std::int16_t>(a.producer_epoch() + s.epoch_delta));
    TransactionCoordinator copy = a;
    RC_ASSERT(copy == a);
    RC_ASSERT(copy.hash() == a.hash());
  }
  for (const Step& s : steps) apply(b, s, static_cast<std::int16_t>(b.producer_epoch() + s.epoch_delta));
  RC_ASSERT(a == b);
  RC_ASSERT(a.hash() == b.hash());
}

}  // namespace
}  // namespace kafka_model
