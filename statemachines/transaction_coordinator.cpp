// The transaction coordinator's state per transactional id as a Boost.MSM
// transition table (C++17 TU).
//
// Sources (apache/kafka, tag 3.9.0-rc3 = release 3.9.0):
//   core/src/main/scala/kafka/coordinator/transaction/TransactionMetadata.scala
//     TransactionState objects and their validPreviousStates,
//     prepareFenceProducerEpoch, prepareIncrementProducerEpoch,
//     prepareAddPartitions, prepareAbortOrCommit, prepareComplete, prepareDead
//   core/src/main/scala/kafka/coordinator/transaction/TransactionCoordinator.scala
//     handleInitProducerId / prepareInitProducerIdTransit,
//     handleAddPartitionsToTransaction, handleEndTransaction / endTransaction,
//     abortTimedOutTransactions
//   core/src/main/scala/kafka/coordinator/transaction/TransactionStateManager.scala
//     timedOutTransactions (Ongoing only), removeExpiredTransactionalIds /
//     shouldExpire (state.isExpirationAllowed: Empty, CompleteCommit, CompleteAbort)
//
// What the model leaves out, on purpose:
// - pendingState: every append to __transaction_state succeeds at once here,
//   so a transition is never "in progress" (Kafka answers
//   CONCURRENT_TRANSACTIONS while one is). hasFailedEpochFence goes with it.
// - InitProducerId with an expected (producerId, epoch) (KIP-360 recovery):
//   the facade's init_producer_id() is a new producer instance (None).
// - producer-id rotation when the epoch is exhausted
//   (prepareProducerIdRotation): the table refuses to bump past
//   isEpochExhausted instead, see EpochCanBeBumped / EpochCanBeFenced.
// - producerId checks (INVALID_PRODUCER_ID_MAPPING): requests carry only an
//   epoch; the machine is one transactional id with one producer id.
//
// Transactions V2 (KIP-890 part 2, Kafka 4.0 with the finalized feature
// transaction.version=2; the machine's `v2`): EndTxn bumps the epoch
// (TransactionMetadata.prepareAbortOrCommit with a clientTransactionVersion
// that supportsEpochBump, KAFKA-14562), so a retried EndTxn carries the epoch
// before the bump (TransactionCoordinator.endTxnEpochBumped); an abort with
// the current epoch from Empty, CompleteCommit or CompleteAbort is a new,
// empty transaction aborted at once (KAFKA-14563, apache/kafka PR 17698: the
// client no longer knows whether a partition reached the coordinator).
// Kafka 4.0 bumps the epoch a second time when it aborts a fenced
// transaction (endTransaction after prepareFenceProducerEpoch, with the
// server's TV2); KAFKA-19367 (PR 19910, 4.1) removed the second bump.
#include "statemachines/transaction_coordinator.hpp"

#include <algorithm>
#include <limits>

// More than 30 rows: vectorN from the 50-arity header. GCC's MPL vectors are
// typeof-based, so only the arity of the variadic `vector<>` is limited by
// BOOST_MPL_LIMIT_VECTOR_SIZE; MSM's own metaprograms are not.
#include <boost/mpl/vector/vector50.hpp>

#include "statemachines/canonical_hash.hpp"
#include "statemachines/detail/msm_table.hpp"

namespace kafka_model {
namespace {

namespace msmf = boost::msm::front;
using detail::Do;
using detail::KafkaMachineDef;
using Error = TransactionCoordinator::Error;

// RecordBatch.NO_PRODUCER_EPOCH: a TransactionMetadata created by
// handleInitProducerId starts here and is bumped to 0 at once.
constexpr std::int16_t kNoProducerEpoch = -1;
constexpr std::int16_t kMaxEpoch = std::numeric_limits<std::int16_t>::max();

// ---- events (the requests and coordinator-side happenings) ----------------
struct InitProducerIdReceived { static constexpr const char* name = "InitProducerIdReceived"; };
struct AddPartitionsToTxnReceived {
  static constexpr const char* name = "AddPartitionsToTxnReceived";
  std::int16_t producer_epoch;
  const std::vector<std::int32_t>* partitions;
};
struct EndTxnReceived {
  static constexpr const char* name = "EndTxnReceived";
  std::int16_t producer_epoch;
  bool commit;  // TransactionResult.COMMIT, else ABORT
};
// TransactionCoordinator.endTransaction(..., ABORT, isFromClient = false):
// the abort the coordinator starts itself right after
// prepareFenceProducerEpoch (from handleInitProducerId or
// abortTimedOutTransactions). The facade feeds it in the same call.
struct EndTxnFromCoordinator { static constexpr const char* name = "EndTxnFromCoordinator"; };
// Every WriteTxnMarkers request answered (TransactionMarkerChannelManager
// completes the transaction: prepareComplete).
struct TxnMarkersWritten { static constexpr const char* name = "TxnMarkersWritten"; };
// TransactionStateManager.timedOutTransactions picked this id.
struct TransactionTimedOut { static constexpr const char* name = "TransactionTimedOut"; };
// TransactionStateManager.removeExpiredTransactionalIds picked this id.
struct TransactionalIdExpired { static constexpr const char* name = "TransactionalIdExpired"; };

// ---- states (TransactionState, names as DescribeTransactions shows them) --
struct Empty : msmf::state<> { static constexpr const char* name = "Empty"; };
struct Ongoing : msmf::state<> { static constexpr const char* name = "Ongoing"; };
struct PrepareCommit : msmf::state<> { static constexpr const char* name = "PrepareCommit"; };
struct PrepareAbort : msmf::state<> { static constexpr const char* name = "PrepareAbort"; };
struct CompleteCommit : msmf::state<> { static constexpr const char* name = "CompleteCommit"; };
struct CompleteAbort : msmf::state<> { static constexpr const char* name = "CompleteAbort"; };
struct Dead : msmf::state<> { static constexpr const char* name = "Dead"; };
struct PrepareEpochFence : msmf::state<> { static constexpr const char* name = "PrepareEpochFence"; };

// ---- guards ----------------------------------------------------------------
// handleAddPartitionsToTransaction and endTransaction (isFromClient): strict
// equality, `producerEpoch != txnMetadata.producerEpoch` => PRODUCER_FENCED
// (an older epoch is a zombie; a newer one was never handed out). An id
// without an epoch yet (NO_PRODUCER_EPOCH) matches no request.
struct EpochIsCurrent {
  static constexpr const char* name = "EpochIsCurrent";
  template <class Event, class Fsm, class S, class T>
  bool operator()(Event const& e, Fsm& fsm, S&, T&) const {
    return fsm.producer_epoch != kNoProducerEpoch && e.producer_epoch == fsm.producer_epoch;
  }
};
// TransactionResult.COMMIT (else ABORT).
struct ResultIsCommit {
  static constexpr const char* name = "ResultIsCommit";
  template <class Fsm, class S, class T>
  bool operator()(EndTxnReceived const& e, Fsm&, S&, T&) const { return e.commit; }
};
// TransactionMetadata.isProducerEpochExhausted (epoch >= Short.MaxValue - 1)
// is false; past it Kafka rotates the producer id, which is not modelled.
struct EpochCanBeBumped {
  static constexpr const char* name = "EpochCanBeBumped";
  template <class Event, class Fsm, class S, class T>
  bool operator()(Event const&, Fsm& fsm, S&, T&) const { return fsm.producer_epoch < kMaxEpoch - 1; }
};
// prepareFenceProducerEpoch throws at Short.MaxValue ("would overflow").
struct EpochCanBeFenced {
  static constexpr const char* name = "EpochCanBeFenced";
  template <class Event, class Fsm, class S, class T>
  bool operator()(Event const&, Fsm& fsm, S&, T&) const { return fsm.producer_epoch < kMaxEpoch; }
};
// The EndTxn belongs to the transaction this Prepare*/Complete* state
// records: V1, the current epoch; V2, the epoch before EndTxn bumped it
// (TransactionCoordinator.endTxnEpochBumped: txnMetadata.producerEpoch ==
// producerEpoch + 1), a retry.
struct RetryEpoch {
  static constexpr const char* name = "RetryEpoch";
  template <class Fsm, class S, class T>
  bool operator()(EndTxnReceived const& e, Fsm& fsm, S&, T&) const {
    if (fsm.producer_epoch == kNoProducerEpoch) return false;
    return fsm.v2 ? e.producer_epoch + 1 == fsm.producer_epoch : e.producer_epoch == fsm.producer_epoch;
  }
};

// ---- actions ---------------------------------------------------------------
// prepareIncrementProducerEpoch (expected epoch None): epoch + 1, partitions
// cleared, lastProducerEpoch = NO_PRODUCER_EPOCH; the new epoch is returned.
struct BumpProducerEpoch {
  static constexpr const char* name = "BumpProducerEpoch";
  template <class Event, class Fsm, class S, class T>
  void operator()(Event const&, Fsm& fsm, S&, T&) const {
    ++fsm.producer_epoch;
    fsm.partitions.clear();
  }
};
// prepareFenceProducerEpoch: epoch + 1, never returned to any client; the
// old producer's requests now fail with PRODUCER_FENCED.
struct FenceProducerEpoch {
  static constexpr const char* name = "FenceProducerEpoch";
  template <class Event, class Fsm, class S, class T>
  void operator()(Event const&, Fsm& fsm, S&, T&) const { ++fsm.producer_epoch; }
};
// Under V2, a request with the current epoch in Empty/Complete* is the
// next transaction's (the one before it had the epoch before the bump).
struct V2NextEpoch {
  static constexpr const char* name = "V2NextEpoch";
  template <class Fsm, class S, class T>
  bool operator()(EndTxnReceived const& e, Fsm& fsm, S&, T&) const {
    return fsm.v2 && fsm.producer_epoch != kNoProducerEpoch && e.producer_epoch == fsm.producer_epoch;
  }
};
// Pending (Kafka 4.0+; KAFKA-18464, TransactionCoordinator.endTransaction): a
// pending transition is answered CONCURRENT_TRANSACTIONS before the epoch is
// checked. PrepareCommit/PrepareAbort always have their Complete* pending
// while the markers are written, so an EndTxn meeting them is retried, not
// fenced: under V2 the next transaction's abort (its epoch is the bumped
// one, not a retry's) sent before the last one's markers are done waits for
// them instead of fencing its own producer. 3.9 checks the epoch first.
struct Pending {
  static constexpr const char* name = "Pending";
  template <class Event, class Fsm, class S, class T>
  bool operator()(Event const&, Fsm& fsm, S&, T&) const { return fsm.pending_checked_first; }
};
// TransactionMetadata.prepareAbortOrCommit under V2: epoch + 1 (the EndTxn
// response returns it, the markers carry it); V1 keeps the epoch.
struct BumpEpochIfV2 {
  static constexpr const char* name = "BumpEpochIfV2";
  template <class Event, class Fsm, class S, class T>
  void operator()(Event const&, Fsm& fsm, S&, T&) const {
    if (fsm.v2) ++fsm.producer_epoch;
  }
};
// Kafka 4.0 under V2: endTransaction after prepareFenceProducerEpoch goes
// through prepareAbortOrCommit with the server's TV2 and bumps once more
// (epoch + 2 in all); KAFKA-19367 (4.1) bumps only once.
struct BumpEpochIfFenceBumpsTwice {
  static constexpr const char* name = "BumpEpochIfFenceBumpsTwice";
  template <class Event, class Fsm, class S, class T>
  void operator()(Event const&, Fsm& fsm, S&, T&) const {
    if (fsm.v2 && fsm.fence_bumps_twice) ++fsm.producer_epoch;
  }
};
// prepareAddPartitions: topicPartitions ++ added (a set: sorted, unique).
struct AddPartitions {
  static constexpr const char* name = "AddPartitions";
  template <class Fsm, class S, class T>
  void operator()(AddPartitionsToTxnReceived const& e, Fsm& fsm, S&, T&) const {
    std::vector<std::int32_t>& p = fsm.partitions;
    p.insert(p.end(), e.partitions->begin(), e.partitions->end());
    std::sort(p.begin(), p.end());
    p.erase(std::unique(p.begin(), p.end()), p.end());
  }
};
// prepareComplete and prepareDead: Set.empty[TopicPartition].
struct ClearPartitions {
  static constexpr const char* name = "ClearPartitions";
  template <class Event, class Fsm, class S, class T>
  void operator()(Event const&, Fsm& fsm, S&, T&) const { fsm.partitions.clear(); }
};

template <Error E>
struct Answer {
  template <class Event, class Fsm, class S, class T>
  void operator()(Event const&, Fsm& fsm, S&, T&) const { fsm.answer = E; }
};
struct AnswerNone : Answer<Error::NONE> { static constexpr const char* name = "AnswerNone"; };
struct AnswerConcurrentTransactions : Answer<Error::CONCURRENT_TRANSACTIONS> {
  static constexpr const char* name = "AnswerConcurrentTransactions";
};
struct AnswerProducerFenced : Answer<Error::PRODUCER_FENCED> {
  static constexpr const char* name = "AnswerProducerFenced";
};


using msmf::none;
using msmf::Row;
using msmf::euml::And_;
using msmf::euml::Not_;

using Current = EpochIsCurrent;
using Fenced = Not_<EpochIsCurrent>;
using Commit = And_<EpochIsCurrent, ResultIsCommit>;
using Abort = And_<EpochIsCurrent, Not_<ResultIsCommit>>;
// EndTxn in Prepare*/Complete*: a retry of the transaction's own EndTxn.
using Retry = RetryEpoch;
using RetryCommit = And_<RetryEpoch, ResultIsCommit>;
using RetryAbort = And_<RetryEpoch, Not_<ResultIsCommit>>;
// V2: abort with the current epoch from Empty/Complete*: a new empty
// transaction. (Never a retry under V2; said so the guards of a state's rows
// are visibly exclusive.)
using V2Abort = And_<V2NextEpoch, And_<Not_<RetryEpoch>, Not_<ResultIsCommit>>>;
// In Empty/Complete*, neither this transaction's EndTxn nor (V2) the next
// one's: fenced (V1: any epoch but the current one). A V2 commit with the
// current epoch is INVALID_TXN_STATE (no row). Simplification: in Empty under
// V2 an EndTxn with the epoch before the last bump is INVALID_TXN_STATE, where
// Kafka answers an abort PRODUCER_FENCED (both fatal; only a replaced
// instance's late request carries it, and its answer is read by no one).
using EndTxnFenced = And_<Not_<RetryEpoch>, Not_<V2NextEpoch>>;

// +---------------------------------------------------------------------------+
// | Transaction coordinator, one transactional id:                            |
// | kafka.coordinator.transaction.TransactionMetadata (TransactionState,      |
// | validPreviousStates, prepare*) driven by TransactionCoordinator           |
// | (handleInitProducerId, handleAddPartitionsToTransaction,                  |
// | handleEndTransaction, abortTimedOutTransactions) and                      |
// | TransactionStateManager (timedOutTransactions, transactional id expiry).  |
// | Target `none`: the request is answered without a state change. An event  |
// | no row takes is Kafka's logInvalidStateTransitionAndReturnError (or, in   |
// | Dead, an id that no longer exists): see rejection_answer below.           |
// +---------------------------------------------------------------------------+
struct CoordinatorDef : KafkaMachineDef<CoordinatorDef> {
  using initial_state = Empty;
  struct transition_table : boost::mpl::vector42<
      //   Source             Event                       Target             Action                                          Guard
      Row<Empty,             InitProducerIdReceived,     Empty,             Do<BumpProducerEpoch, AnswerNone>,              EpochCanBeBumped>,
      Row<Empty,             AddPartitionsToTxnReceived, Ongoing,           Do<AddPartitions, AnswerNone>,                  Current>,
      Row<Empty,             AddPartitionsToTxnReceived, none,              AnswerProducerFenced,                           Fenced>,
      Row<Empty,             EndTxnReceived,             none,              AnswerProducerFenced,                           EndTxnFenced>,
      Row<Empty,             EndTxnReceived,             PrepareAbort,      Do<BumpEpochIfV2, AnswerNone>,                  V2Abort>,
      Row<Empty,             TransactionalIdExpired,     Dead,              ClearPartitions,                                none>,

      // InitProducerId with a transaction open: fence, then abort it
      // (prepareInitProducerIdTransit, case Ongoing) and answer
      // CONCURRENT_TRANSACTIONS so the client retries after the abort.
      Row<Ongoing,           InitProducerIdReceived,     PrepareEpochFence, Do<FenceProducerEpoch, AnswerConcurrentTransactions>, EpochCanBeFenced>,
      // Partitions already in the set: Kafka answers NONE without appending;
      // the effect is the same self-transition.
      Row<Ongoing,           AddPartitionsToTxnReceived, Ongoing,           Do<AddPartitions, AnswerNone>,                  Current>,
      Row<Ongoing,           AddPartitionsToTxnReceived, none,              AnswerProducerFenced,                           Fenced>,
      Row<Ongoing,           EndTxnReceived,             PrepareCommit,     Do<BumpEpochIfV2, AnswerNone>,                  Commit>,
      Row<Ongoing,           EndTxnReceived,             PrepareAbort,      Do<BumpEpochIfV2, AnswerNone>,                  Abort>,
      Row<Ongoing,           EndTxnReceived,             none,              AnswerProducerFenced,                           Fenced>,
      Row<Ongoing,           TransactionTimedOut,        PrepareEpochFence, FenceProducerEpoch,                             EpochCanBeFenced>,

      // Transient: Kafka never completes a transition into it (pendingState
      // only); the facade drives it on to PrepareAbort in the same call.
      Row<PrepareEpochFence, EndTxnFromCoordinator,      PrepareAbort,      BumpEpochIfFenceBumpsTwice,                     none>,

      Row<PrepareCommit,     InitProducerIdReceived,     none,              AnswerConcurrentTransactions,                   none>,
      Row<PrepareCommit,     AddPartitionsToTxnReceived, none,              AnswerConcurrentTransactions,                   Current>,
      Row<PrepareCommit,     AddPartitionsToTxnReceived, none,              AnswerProducerFenced,                           Fenced>,
      Row<PrepareCommit,     EndTxnReceived,             none,              AnswerConcurrentTransactions,                   Pending>,  // 4.0+: any EndTxn
      Row<PrepareCommit,     EndTxnReceived,             none,              AnswerConcurrentTransactions,                   And_<Not_<Pending>, RetryCommit>>,  // a retry
      Row<PrepareCommit,     EndTxnReceived,             none,              AnswerProducerFenced,                           And_<Not_<Retry>, Not_<Pending>>>,
      Row<PrepareCommit,     TxnMarkersWritten,          CompleteCommit,    ClearPartitions,                                none>,

      Row<PrepareAbort,      InitProducerIdReceived,     none,              AnswerConcurrentTransactions,                   none>,
      Row<PrepareAbort,      AddPartitionsToTxnReceived, none,              AnswerConcurrentTransactions,                   Current>,
      Row<PrepareAbort,      AddPartitionsToTxnReceived, none,              AnswerProducerFenced,                           Fenced>,
      Row<PrepareAbort,      EndTxnReceived,             none,              AnswerConcurrentTransactions,                   Pending>,  // 4.0+: any EndTxn
      Row<PrepareAbort,      EndTxnReceived,             none,              AnswerConcurrentTransactions,                   And_<Not_<Pending>, RetryAbort>>,  // a retry
      Row<PrepareAbort,      EndTxnReceived,             none,              AnswerProducerFenced,                           And_<Not_<Retry>, Not_<Pending>>>,
      Row<PrepareAbort,      TxnMarkersWritten,          CompleteAbort,     ClearPartitions,                                none>,

      Row<CompleteCommit,    InitProducerIdReceived,     Empty,             Do<BumpProducerEpoch, AnswerNone>,              EpochCanBeBumped>,
      Row<CompleteCommit,    AddPartitionsToTxnReceived, Ongoing,           Do<AddPartitions, AnswerNone>,                  Current>,
      Row<CompleteCommit,    AddPartitionsToTxnReceived, none,              AnswerProducerFenced,                           Fenced>,
      Row<CompleteCommit,    EndTxnReceived,             none,              AnswerNone,                                     RetryCommit>,  // idempotent retry
      Row<CompleteCommit,    EndTxnReceived,             PrepareAbort,      Do<BumpEpochIfV2, AnswerNone>,                  V2Abort>,
      Row<CompleteCommit,    EndTxnReceived,             none,              AnswerProducerFenced,                           EndTxnFenced>,
      Row<CompleteCommit,    TransactionalIdExpired,     Dead,              ClearPartitions,                                none>,

      Row<CompleteAbort,     InitProducerIdReceived,     Empty,             Do<BumpProducerEpoch, AnswerNone>,              EpochCanBeBumped>,
      Row<CompleteAbort,     AddPartitionsToTxnReceived, Ongoing,           Do<AddPartitions, AnswerNone>,                  Current>,
      Row<CompleteAbort,     AddPartitionsToTxnReceived, none,              AnswerProducerFenced,                           Fenced>,
      Row<CompleteAbort,     EndTxnReceived,             none,              AnswerNone,                                     RetryAbort>,  // idempotent retry
      Row<CompleteAbort,     EndTxnReceived,             PrepareAbort,      Do<BumpEpochIfV2, AnswerNone>,                  V2Abort>,
      Row<CompleteAbort,     EndTxnReceived,             none,              AnswerProducerFenced,                           EndTxnFenced>,
      Row<CompleteAbort,     TransactionalIdExpired,     Dead,              ClearPartitions,                                none>
      // Dead: no rows. Kafka removes the id from its cache (the tombstone);
      // every request is refused with TRANSACTIONAL_ID_NOT_FOUND.
  > {};

  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = kNoProducerEpoch;
  std::vector<std::int32_t> partitions;  // sorted, unique
  Error answer = Error::NONE;            // the answer to the last request
  bool v2 = false;                       // Transactions V2 (transaction.version=2)
  bool fence_bumps_twice = false;        // Kafka 4.0 under V2 (before KAFKA-19367)
  bool pending_checked_first = false;    // Kafka 4.0+ (KAFKA-18464)
};
using Machine = boost::msm::back::state_machine<CoordinatorDef>;

// The answer to a request no row took, per Kafka's code:
// - Dead: the id is being removed (DescribeTransactions and ListTransactions
//   hide it); TRANSACTIONAL_ID_NOT_FOUND. Kafka itself, once the tombstone is
//   written, answers INVALID_PRODUCER_ID_MAPPING to AddPartitions/EndTxn and
//   creates a fresh TransactionMetadata on InitProducerId: the owner of the
//   machine models that by constructing a new one.
// - InitProducerId (only refused at an exhausted epoch): Kafka would rotate
//   the producer id or, at Short.MaxValue, throw; not modelled, answered
//   INVALID_PRODUCER_EPOCH as a stand-in.
// - EndTxn with the current epoch and the wrong result (commit in
//   CompleteAbort/PrepareAbort, abort in CompleteCommit/PrepareCommit, any in
//   Empty): logInvalidStateTransitionAndReturnError, INVALID_TXN_STATE.
// - anything else (AddPartitions never gets here outside Dead and the
//   transient PrepareEpochFence): INVALID_TXN_STATE.
Error rejection_answer(TransactionCoordinator::State state, const char* event) {
  using State = TransactionCoordinator::State;
  if (state == State::Dead) return Error::TRANSACTIONAL_ID_NOT_FOUND;
  if (std::string(event) == InitProducerIdReceived::name) return Error::INVALID_PRODUCER_EPOCH;
  return Error::INVALID_TXN_STATE;
}

}  // namespace

struct TransactionCoordinator::Impl {
  Machine fsm;
  std::string transactional_id;
  KafkaVersion version = KafkaVersion::V3_9;
  std::optional<std::string> last_rejection;

  State state() const {
    // name() is overloaded (State, Error): pick the State one.
    const char* (*name_of)(State) = &TransactionCoordinator::name;
    return detail::state_enum<Machine>(fsm.current_state()[0], name_of, kStateCount);
  }
  // Feeds one event; a refused request is answered per rejection_answer.
  template <class Event>
  bool feed(Event const& event) {
    const State before = state();
    last_rejection.reset();
    if (!detail::process(fsm, event)) return true;
    last_rejection = std::string(Event::name) + " rejected in state " + TransactionCoordinator::name(before);
    return false;
  }
  template <class Event>
  Error request(Event const& event) {
    if (!feed(event)) fsm.answer = rejection_answer(state(), Event::name);
    return fsm.answer;
  }
  // handleInitProducerId / abortTimedOutTransactions: after
  // prepareFenceProducerEpoch, endTransaction(ABORT, isFromClient = false).
  void abort_if_fencing() {
    if (state() == State::PrepareEpochFence) feed(EndTxnFromCoordinator{});
  }
};

TransactionCoordinator::TransactionCoordinator(std::string transactional_id, std::int64_t producer_id,
                                               KafkaVersion version, bool transactions_v2)
    : impl_(std::make_unique<Impl>()) {
  impl_->transactional_id = std::move(transactional_id);
  impl_->version = version;
  impl_->fsm.producer_id = producer_id;
  impl_->fsm.v2 = transactions_v2;
  impl_->fsm.fence_bumps_twice = version == KafkaVersion::V4_0;
  impl_->fsm.pending_checked_first = version >= KafkaVersion::V4_0;
  impl_->fsm.start();
}
TransactionCoordinator::TransactionCoordinator(const TransactionCoordinator& o)
    : impl_(std::make_unique<Impl>(*o.impl_)) {}
TransactionCoordinator& TransactionCoordinator::operator=(const TransactionCoordinator& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
TransactionCoordinator::TransactionCoordinator(TransactionCoordinator&&) noexcept = default;
TransactionCoordinator& TransactionCoordinator::operator=(TransactionCoordinator&&) noexcept = default;
TransactionCoordinator::~TransactionCoordinator() = default;

TransactionCoordinator::InitProducerIdResult TransactionCoordinator::init_producer_id() {
  const Error error = impl_->request(InitProducerIdReceived{});
  impl_->abort_if_fencing();
  // initTransactionError: an error answer carries no producer id and epoch.
  if (error != Error::NONE) return {error, -1, -1};
  return {error, impl_->fsm.producer_id, impl_->fsm.producer_epoch};
}

TransactionCoordinator::Error TransactionCoordinator::add_partitions_to_txn(
    std::int16_t producer_epoch, const std::vector<std::int32_t>& partitions) {
  return impl_->request(AddPartitionsToTxnReceived{producer_epoch, &partitions});
}

TransactionCoordinator::Error TransactionCoordinator::end_txn(std::int16_t producer_epoch, bool commit) {
  return impl_->request(EndTxnReceived{producer_epoch, commit});
}

void TransactionCoordinator::markers_written() { impl_->feed(TxnMarkersWritten{}); }

void TransactionCoordinator::transaction_timed_out() {
  if (impl_->feed(TransactionTimedOut{})) impl_->abort_if_fencing();
}

void TransactionCoordinator::transactional_id_expired() { impl_->feed(TransactionalIdExpired{}); }

TransactionCoordinator::State TransactionCoordinator::state() const { return impl_->state(); }
std::int64_t TransactionCoordinator::producer_id() const { return impl_->fsm.producer_id; }
std::int16_t TransactionCoordinator::producer_epoch() const { return impl_->fsm.producer_epoch; }
const std::vector<std::int32_t>& TransactionCoordinator::partitions() const { return impl_->fsm.partitions; }
const std::string& TransactionCoordinator::transactional_id() const { return impl_->transactional_id; }
TransactionCoordinator::Error TransactionCoordinator::last_error() const { return impl_->fsm.answer; }
const std::optional<std::string>& TransactionCoordinator::last_rejection() const { return impl_->last_rejection; }

// The coordinator's state, not its last answer: two machines that differ
// only in what they last replied are the same state for a search. The
// version changes the behaviour only through v2, fence_bumps_twice and
// pending_checked_first.
bool TransactionCoordinator::operator==(const TransactionCoordinator& o) const {
  const Machine& a = impl_->fsm;
  const Machine& b = o.impl_->fsm;
  return a.current_state()[0] == b.current_state()[0] && a.producer_id == b.producer_id &&
         a.producer_epoch == b.producer_epoch && a.partitions == b.partitions && a.v2 == b.v2 &&
         a.fence_bumps_twice == b.fence_bumps_twice && a.pending_checked_first == b.pending_checked_first &&
         impl_->transactional_id == o.impl_->transactional_id;
}

std::uint64_t TransactionCoordinator::hash() const {
  const Machine& m = impl_->fsm;
  CanonicalHasher h;
  h.add(state()).add(m.producer_id).add(m.producer_epoch).add(static_cast<std::uint64_t>(m.partitions.size()));
  for (std::int32_t p : m.partitions) h.add(p);
  h.add(std::string_view(impl_->transactional_id));
  if (m.v2) h.add(std::string_view("transactions-v2"));  // V1 digests stay as they were
  return h.digest();
}

const char* TransactionCoordinator::name(State s) {
  switch (s) {
    case State::Empty: return Empty::name;
    case State::Ongoing: return Ongoing::name;
    case State::PrepareCommit: return PrepareCommit::name;
    case State::PrepareAbort: return PrepareAbort::name;
    case State::CompleteCommit: return CompleteCommit::name;
    case State::CompleteAbort: return CompleteAbort::name;
    case State::Dead: return Dead::name;
    case State::PrepareEpochFence: return PrepareEpochFence::name;
  }
  return "?";
}

const char* TransactionCoordinator::name(Error e) {
  switch (e) {
    case Error::NONE: return "NONE";
    case Error::CONCURRENT_TRANSACTIONS: return "CONCURRENT_TRANSACTIONS";
    case Error::INVALID_TXN_STATE: return "INVALID_TXN_STATE";
    case Error::PRODUCER_FENCED: return "PRODUCER_FENCED";
    case Error::INVALID_PRODUCER_EPOCH: return "INVALID_PRODUCER_EPOCH";
    case Error::TRANSACTIONAL_ID_NOT_FOUND: return "TRANSACTIONAL_ID_NOT_FOUND";
  }
  return "?";
}

MachineDescription TransactionCoordinator::describe() {
  return detail::describe_table<Machine>(
      "TransactionCoordinator", "kafka.coordinator.transaction.TransactionMetadata",
      "The transaction coordinator's record of one transactional id (TransactionMetadata, driven by "
      "TransactionCoordinator): its producer id, producer epoch, the partitions of the open transaction "
      "and its TransactionState. InitProducerId bumps the epoch from Empty or Complete*; "
      "AddPartitionsToTxn opens (Ongoing) and grows a transaction; EndTxn moves it to PrepareCommit or "
      "PrepareAbort, after which the coordinator writes a COMMIT or ABORT marker to every partition and, "
      "once all WriteTxnMarkers requests are answered, completes it (CompleteCommit/CompleteAbort). "
      "Requests carry the producer epoch and any other epoch than the current one is fenced "
      "(PRODUCER_FENCED). An InitProducerId from a new producer instance, or transaction.timeout.ms, "
      "while a transaction is Ongoing fences the old producer (PrepareEpochFence, epoch + 1) and aborts "
      "the transaction; the new producer is answered CONCURRENT_TRANSACTIONS until the abort completes. "
      "An idle id expires after transactional.id.expiration.ms (Dead). Under Transactions V2 (Kafka 4.0+, "
      "transaction.version=2) EndTxn bumps the epoch (a retry carries the epoch before the bump) and an abort "
      "from Empty or Complete* is an empty transaction aborted at once.");
}

}  // namespace kafka_model
