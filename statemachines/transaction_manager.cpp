// The producer client's TransactionManager state machine as a Boost.MSM
// transition table (C++17 TU).
//
// Sources read (apache/kafka,
// clients/src/main/java/org/apache/kafka/clients/producer/internals/TransactionManager.java):
// - 2.8: tag 2.8.2. Same eight states; the 3.x switch minus two sources (below).
//   transitionTo throws KafkaException and never poisons the state.
// - 3.9: tag 3.9.0-rc3 and branch 3.9 (identical switch). KAFKA-13668
//   (commit ea81e99e, first in 3.6.0) added UNINITIALIZED <- ABORTABLE_ERROR and
//   ABORTABLE_ERROR <- INITIALIZING: an InitProducerId authorization error is
//   abortable, and the producer resets to UNINITIALIZED to retry. KAFKA-14831
//   (commit a81f35c1, first in 3.6.0) added shouldPoisonStateOnInvalidTransition:
//   an invalid transition on the Sender thread forces FATAL_ERROR.
// - 4.0: KAFKA-18227 (commit f7f3cffb, PR #18176, Transactions V2) added
//   INITIALIZING <- COMMITTING_TRANSACTION: a client that sees
//   transaction.version 2 finalized bumps its epoch after EndTxn, also on
//   commit. Read on trunk (Dec 2024, via the k-raina/kafka fork); it was merged
//   two days after the 4.0 branch was cut, together with the rest of the TV2
//   work 4.0 ships; the 4.0.0 tag itself was not available to read.
//   Note: the semantics notes credit 4.x with UNINITIALIZED <- ABORTABLE_ERROR;
//   the source shows that row already in 3.6 (KAFKA-13668).
#include "statemachines/transaction_manager.hpp"

#include "statemachines/canonical_hash.hpp"
#include "statemachines/detail/msm_table.hpp"

namespace kafka_model {
namespace {

namespace msmf = boost::msm::front;
using detail::KafkaMachineDef;

// ---- events: one per target state, so transition_to(target) maps 1:1 ------
// -> UNINITIALIZED: resetIdempotentProducerId (epoch exhausted, KIP-360) and
//    transitionToUninitialized (after an abortable InitProducerId error).
struct ProducerIdReset { static constexpr const char* name = "ProducerIdReset"; };
// -> INITIALIZING: initializeTransactions, bumpIdempotentEpochAndResetIdIfNeeded,
//    completeTransaction when an epoch bump is pending.
struct InitProducerIdRequested { static constexpr const char* name = "InitProducerIdRequested"; };
// -> READY: InitProducerIdHandler success, or completeTransaction (EndTxn done).
struct InitProducerIdOrEndTxnCompleted {
  static constexpr const char* name = "InitProducerIdOrEndTxnCompleted";
};
struct BeginTransaction { static constexpr const char* name = "BeginTransaction"; };
struct BeginCommit { static constexpr const char* name = "BeginCommit"; };
struct BeginAbort { static constexpr const char* name = "BeginAbort"; };
// transitionToAbortableError / transitionToFatalError.
struct AbortableErrorRaised { static constexpr const char* name = "AbortableErrorRaised"; };
struct FatalErrorRaised { static constexpr const char* name = "FatalErrorRaised"; };

// ---- states: Kafka's TransactionManager.State ------------------------------
struct UNINITIALIZED : msmf::state<> { static constexpr const char* name = "UNINITIALIZED"; };
struct INITIALIZING : msmf::state<> { static constexpr const char* name = "INITIALIZING"; };
struct READY : msmf::state<> { static constexpr const char* name = "READY"; };
struct IN_TRANSACTION : msmf::state<> { static constexpr const char* name = "IN_TRANSACTION"; };
struct COMMITTING_TRANSACTION : msmf::state<> { static constexpr const char* name = "COMMITTING_TRANSACTION"; };
struct ABORTING_TRANSACTION : msmf::state<> { static constexpr const char* name = "ABORTING_TRANSACTION"; };
struct ABORTABLE_ERROR : msmf::state<> { static constexpr const char* name = "ABORTABLE_ERROR"; };
struct FATAL_ERROR : msmf::state<> { static constexpr const char* name = "FATAL_ERROR"; };

// ---- guards: the release whose switch is modelled --------------------------
// KAFKA-13668, first released in 3.6.0.
struct ClientIsAtLeast3_6 {
  static constexpr const char* name = "ClientIsAtLeast3_6";
  template <class Fsm, class E, class S, class T>
  bool operator()(E const&, Fsm& fsm, S&, T&) const { return fsm.version != KafkaVersion::V2_8; }
};
// KAFKA-18227 (Transactions V2), 4.0 and later.
struct ClientIsAtLeast4_0 {
  static constexpr const char* name = "ClientIsAtLeast4_0";
  template <class Fsm, class E, class S, class T>
  bool operator()(E const&, Fsm& fsm, S&, T&) const { return fsm.version >= KafkaVersion::V4_0; }
};

using msmf::none;
using msmf::Row;

// +---------------------------------------------------------------------------+
// | org.apache.kafka.clients.producer.internals.TransactionManager:           |
// | State.isTransitionValid(source, target), read per source state. The Java  |
// | switch is per target; every (source, target) it allows is one row here.   |
// | Rows without a guard hold in 2.8, 3.9 and 4.0. FATAL_ERROR is allowed     |
// | from every state, itself included, and has no other way out.              |
// +---------------------------------------------------------------------------+
struct TransactionManagerDef : KafkaMachineDef<TransactionManagerDef> {
  using initial_state = UNINITIALIZED;
  struct transition_table : boost::mpl::vector<
      //   Source                  Event                            Target                  Action Guard
      Row<UNINITIALIZED,          InitProducerIdRequested,         INITIALIZING,           none, none>,
      Row<UNINITIALIZED,          FatalErrorRaised,                FATAL_ERROR,            none, none>,

      Row<INITIALIZING,           InitProducerIdOrEndTxnCompleted, READY,                  none, none>,
      Row<INITIALIZING,           AbortableErrorRaised,            ABORTABLE_ERROR,        none, ClientIsAtLeast3_6>,
      Row<INITIALIZING,           FatalErrorRaised,                FATAL_ERROR,            none, none>,

      Row<READY,                  ProducerIdReset,                 UNINITIALIZED,          none, none>,
      Row<READY,                  BeginTransaction,                IN_TRANSACTION,         none, none>,
      Row<READY,                  FatalErrorRaised,                FATAL_ERROR,            none, none>,

      Row<IN_TRANSACTION,         BeginCommit,                     COMMITTING_TRANSACTION, none, none>,
      Row<IN_TRANSACTION,         BeginAbort,                      ABORTING_TRANSACTION,   none, none>,
      Row<IN_TRANSACTION,         AbortableErrorRaised,            ABORTABLE_ERROR,        none, none>,
      Row<IN_TRANSACTION,         FatalErrorRaised,                FATAL_ERROR,            none, none>,

      Row<COMMITTING_TRANSACTION, InitProducerIdRequested,         INITIALIZING,           none, ClientIsAtLeast4_0>,
      Row<COMMITTING_TRANSACTION, InitProducerIdOrEndTxnCompleted, READY,                  none, none>,
      Row<COMMITTING_TRANSACTION, AbortableErrorRaised,            ABORTABLE_ERROR,        none, none>,
      Row<COMMITTING_TRANSACTION, FatalErrorRaised,                FATAL_ERROR,            none, none>,

      Row<ABORTING_TRANSACTION,   InitProducerIdRequested,         INITIALIZING,           none, none>,
      Row<ABORTING_TRANSACTION,   InitProducerIdOrEndTxnCompleted, READY,                  none, none>,
      Row<ABORTING_TRANSACTION,   FatalErrorRaised,                FATAL_ERROR,            none, none>,

      Row<ABORTABLE_ERROR,        ProducerIdReset,                 UNINITIALIZED,          none, ClientIsAtLeast3_6>,
      Row<ABORTABLE_ERROR,        BeginAbort,                      ABORTING_TRANSACTION,   none, none>,
      Row<ABORTABLE_ERROR,        AbortableErrorRaised,            ABORTABLE_ERROR,        none, none>,
      Row<ABORTABLE_ERROR,        FatalErrorRaised,                FATAL_ERROR,            none, none>,

      Row<FATAL_ERROR,            FatalErrorRaised,                FATAL_ERROR,            none, none>
  > {};

  KafkaVersion version = KafkaVersion::V3_9;
};
using Machine = boost::msm::back::state_machine<TransactionManagerDef>;

// KAFKA-14831 (3.6.0): before it, an invalid transition only threw.
bool poisons_state_on_invalid_transition(KafkaVersion version) { return version != KafkaVersion::V2_8; }

}  // namespace

struct TransactionManager::Impl {
  Machine fsm;
  std::string transactional_id;

  State state() const {
    return detail::state_enum<Machine>(fsm.current_state()[0], &TransactionManager::name, kStateCount);
  }

  // The event that asks for `target` (one per target state).
  bool request(State target) {
    switch (target) {
      case State::UNINITIALIZED: return accepted(ProducerIdReset{});
      case State::INITIALIZING: return accepted(InitProducerIdRequested{});
      case State::READY: return accepted(InitProducerIdOrEndTxnCompleted{});
      case State::IN_TRANSACTION: return accepted(BeginTransaction{});
      case State::COMMITTING_TRANSACTION: return accepted(BeginCommit{});
      case State::ABORTING_TRANSACTION: return accepted(BeginAbort{});
      case State::ABORTABLE_ERROR: return accepted(AbortableErrorRaised{});
      case State::FATAL_ERROR: return accepted(FatalErrorRaised{});
    }
    return false;
  }
  // A version-guarded row whose guard says no is a rejection too
  // (detail::process counts HANDLED_GUARD_REJECT).
  template <class Event>
  bool accepted(Event const& event) {
    return !detail::process(fsm, event).has_value();
  }

  // TransactionManager.transitionTo's message, exactly.
  std::string invalid_transition_message(State from, State to) const {
    const std::string id = transactional_id.empty() ? "" : "TransactionalId " + transactional_id + ": ";
    return id + "Invalid transition attempted from state " + TransactionManager::name(from) + " to state " +
           TransactionManager::name(to);
  }
};

TransactionManager::TransactionManager(std::string transactional_id, KafkaVersion version)
    : impl_(std::make_unique<Impl>()) {
  impl_->transactional_id = std::move(transactional_id);
  impl_->fsm.version = version;
  impl_->fsm.start();
}
TransactionManager::TransactionManager(const TransactionManager& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
TransactionManager& TransactionManager::operator=(const TransactionManager& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
TransactionManager::TransactionManager(TransactionManager&&) noexcept = default;
TransactionManager& TransactionManager::operator=(TransactionManager&&) noexcept = default;
TransactionManager::~TransactionManager() = default;

TransactionManager::State TransactionManager::state() const { return impl_->state(); }
const std::string& TransactionManager::transactional_id() const { return impl_->transactional_id; }
KafkaVersion TransactionManager::version() const { return impl_->fsm.version; }

std::optional<std::string> TransactionManager::transition_to(State target, Origin origin) {
  const State before = state();
  if (impl_->request(target)) return std::nullopt;
  // The Sender thread poisons the manager (KAFKA-14831): FATAL_ERROR is
  // reachable from every state, so the table itself takes it there.
  if (origin == Origin::Sender && poisons_state_on_invalid_transition(version()))
    impl_->request(State::FATAL_ERROR);
  return impl_->invalid_transition_message(before, target);
}

bool TransactionManager::can_transition_to(State target) const {
  Impl scratch(*impl_);
  return scratch.request(target);
}

bool TransactionManager::operator==(const TransactionManager& o) const {
  return state() == o.state() && transactional_id() == o.transactional_id() && version() == o.version();
}

std::uint64_t TransactionManager::hash() const {
  return CanonicalHasher{}.add(state()).add(std::string_view(transactional_id())).add(version()).digest();
}

const char* TransactionManager::name(State s) {
  switch (s) {
    case State::UNINITIALIZED: return UNINITIALIZED::name;
    case State::INITIALIZING: return INITIALIZING::name;
    case State::READY: return READY::name;
    case State::IN_TRANSACTION: return IN_TRANSACTION::name;
    case State::COMMITTING_TRANSACTION: return COMMITTING_TRANSACTION::name;
    case State::ABORTING_TRANSACTION: return ABORTING_TRANSACTION::name;
    case State::ABORTABLE_ERROR: return ABORTABLE_ERROR::name;
    case State::FATAL_ERROR: return FATAL_ERROR::name;
  }
  return "?";
}

MachineDescription TransactionManager::describe() {
  return detail::describe_table<Machine>(
      "TransactionManager", "org.apache.kafka.clients.producer.internals.TransactionManager",
      "The producer client's view of its producer id and of the current transaction, mirroring "
      "org.apache.kafka.clients.producer.internals.TransactionManager (State.isTransitionValid). "
      "initTransactions moves UNINITIALIZED -> INITIALIZING and InitProducerId's answer -> READY; a "
      "transaction runs READY -> IN_TRANSACTION -> COMMITTING_TRANSACTION or ABORTING_TRANSACTION -> "
      "READY; ABORTABLE_ERROR allows only an abort; FATAL_ERROR is reachable from every state and never "
      "left. The idempotent, non-transactional producer runs the same machine: when KIP-360's epoch "
      "bump exhausts the epoch it resets its producer id, READY -> UNINITIALIZED -> INITIALIZING -> "
      "READY (an ordinary bump changes the epoch without a state change). An invalid transition asked "
      "for by the application throws and leaves the state; one on the Sender thread poisons the "
      "manager into FATAL_ERROR (KAFKA-14831, 3.6+). Guarded rows exist only from 3.6 (KAFKA-13668) or "
      "4.0 (KAFKA-18227, Transactions V2).");
}

}  // namespace kafka_model
