// The broker's per-(partition, producer id) sequence checker as a Boost.MSM
// transition table (C++17 TU). Read against Kafka 3.9 (tag 3.9.0-rc3,
// 41dc4259): storage/.../internals/log/ProducerStateEntry.java,
// ProducerAppendInfo.java (checkProducerEpoch, checkSequence, inSequence,
// appendDataBatch, appendEndTxnMarker), ProducerStateManager.java
// (isProducerExpired) and core/.../kafka/log/UnifiedLog.scala
// (analyzeAndValidateProducerState, which calls findDuplicateBatch first).
#include "statemachines/producer_state_entry.hpp"

#include <deque>
#include <limits>
#include <stdexcept>
#include <string>

#include "statemachines/canonical_hash.hpp"
#include "statemachines/detail/msm_table.hpp"

namespace kafka_model {

// DefaultRecordBatch.incrementSequence: sequences wrap to 0 after Int.MAX.
std::int32_t increment_sequence(std::int32_t sequence, std::int32_t increment) {
  constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();
  if (sequence > kMax - increment) return increment - (kMax - sequence) - 1;
  return sequence + increment;
}

const char* to_string(AppendOutcome o) {
  switch (o) {
    case AppendOutcome::Appended: return "APPENDED";
    case AppendOutcome::Duplicate: return "DUPLICATE";
    case AppendOutcome::OutOfOrderSequence: return "OUT_OF_ORDER_SEQUENCE_NUMBER";
    case AppendOutcome::InvalidProducerEpoch: return "INVALID_PRODUCER_EPOCH";
    case AppendOutcome::InvalidTxnState: return "INVALID_TXN_STATE";
  }
  return "?";
}

namespace {

namespace msmf = boost::msm::front;
using detail::Do;
using detail::KafkaMachineDef;

// RecordBatch.NO_PRODUCER_EPOCH / NO_SEQUENCE.
constexpr std::int16_t kNoProducerEpoch = -1;
constexpr std::int32_t kNoSequence = -1;

// ---- events ----------------------------------------------------------------
// A produce request's batch reached the leader (AppendOrigin.CLIENT).
struct ClientBatchArrived {
  static constexpr const char* name = "ClientBatchArrived";
  std::int16_t epoch;
  std::int32_t first_seq;
  std::int32_t last_seq;
  std::int64_t log_end_offset;  // where the batch would be written
  bool transactional;           // RecordBatch.isTransactional()
};
// A follower copied a batch, or the log is being reloaded
// (AppendOrigin.REPLICATION / log recovery): no check.
struct BatchReplicated {
  static constexpr const char* name = "BatchReplicated";
  std::int16_t epoch;
  std::int32_t first_seq;
  std::int32_t last_seq;
  std::int64_t first_offset;
  bool transactional;
};
// A COMMIT/ABORT control batch written by the transaction coordinator.
struct TxnMarkerWritten {
  static constexpr const char* name = "TxnMarkerWritten";
  std::int16_t epoch;
};
// ProducerStateManager.removeExpiredProducers (producer.id.expiration.ms), or
// the state lost with the log.
struct ProducerStateExpired { static constexpr const char* name = "ProducerStateExpired"; };

// ---- states ----------------------------------------------------------------
// No entry for the producer id: lastEntry is empty, so the epoch is
// NO_PRODUCER_EPOCH and checkSequence accepts any sequence (KIP-360).
struct NoProducerState : msmf::state<> { static constexpr const char* name = "NoProducerState"; };
// An entry: the epoch and up to batches_to_retain BatchMetadata.
struct TrackingProducer : msmf::state<> { static constexpr const char* name = "TrackingProducer"; };

// ---- guards ----------------------------------------------------------------
// ProducerStateEntry.findDuplicateBatch: same epoch and exactly the same
// (firstSeq, lastSeq) as a cached batch. A partial overlap does not match.
struct CachedBatchMatches {
  static constexpr const char* name = "CachedBatchMatches";
  template <class Fsm, class S, class T>
  bool operator()(ClientBatchArrived const& e, Fsm& fsm, S&, T&) const {
    return fsm.find_duplicate(e) != nullptr;
  }
};
// ProducerAppendInfo.checkProducerEpoch: producerEpoch < stored epoch.
struct EpochIsStale {
  static constexpr const char* name = "EpochIsStale";
  template <class Fsm, class E, class S, class T>
  bool operator()(E const& e, Fsm& fsm, S&, T&) const { return e.epoch < fsm.producer_epoch; }
};
struct EpochIsCurrent {
  static constexpr const char* name = "EpochIsCurrent";
  template <class Fsm, class E, class S, class T>
  bool operator()(E const& e, Fsm& fsm, S&, T&) const { return e.epoch == fsm.producer_epoch; }
};
struct EpochIsNewer {
  static constexpr const char* name = "EpochIsNewer";
  template <class Fsm, class E, class S, class T>
  bool operator()(E const& e, Fsm& fsm, S&, T&) const { return e.epoch > fsm.producer_epoch; }
};
// checkSequence, epoch changed: "Invalid sequence number for new epoch".
struct SequenceIsZero {
  static constexpr const char* name = "SequenceIsZero";
  template <class Fsm, class S, class T>
  bool operator()(ClientBatchArrived const& e, Fsm&, S&, T&) const { return e.first_seq == 0; }
};
// ProducerAppendInfo.appendDataBatch, after the epoch and sequence checks:
// currentTxnFirstOffset.isPresent() && !isTransactional -> "Expected
// transactional write from producer ..." (InvalidTxnStateException).
struct NonTransactionalInOpenTxn {
  static constexpr const char* name = "NonTransactionalInOpenTxn";
  template <class Fsm, class S, class T>
  bool operator()(ClientBatchArrived const& e, Fsm& fsm, S&, T&) const {
    return fsm.ongoing_transaction && !e.transactional;
  }
};
// currentTxnFirstOffset.isPresent(): ProducerStateManager.isProducerExpired
// never expires such a producer.
struct TransactionOngoing {
  static constexpr const char* name = "TransactionOngoing";
  template <class Fsm, class E, class S, class T>
  bool operator()(E const&, Fsm& fsm, S&, T&) const { return fsm.ongoing_transaction; }
};
// ProducerAppendInfo.inSequence(lastSeq, firstSeq); lastSeq is NO_SEQUENCE
// (-1) when the cache is empty (after a marker), so the next one must be 0.
struct SequenceIsNext {
  static constexpr const char* name = "SequenceIsNext";
  template <class Fsm, class S, class T>
  bool operator()(ClientBatchArrived const& e, Fsm& fsm, S&, T&) const {
    return e.first_seq == increment_sequence(fsm.last_seq(), 1);
  }
};

// ---- actions ---------------------------------------------------------------
// UnifiedLog.append with a duplicate: nothing written, the cached offset
// answered (appendInfo.setFirstOffset(duplicate.firstOffset)).
struct AnswerDuplicate {
  static constexpr const char* name = "AnswerDuplicate";
  template <class Fsm, class S, class T>
  void operator()(ClientBatchArrived const& e, Fsm& fsm, S&, T&) const {
    fsm.decision = AppendDecision{AppendOutcome::Duplicate, fsm.find_duplicate(e)->first_offset};
  }
};
struct RejectInvalidEpoch {
  static constexpr const char* name = "RejectInvalidEpoch";
  template <class Fsm, class S, class T>
  void operator()(ClientBatchArrived const&, Fsm& fsm, S&, T&) const {
    fsm.decision = AppendDecision{AppendOutcome::InvalidProducerEpoch, -1};
  }
};
// The append fails with InvalidTxnStateException and its ProducerAppendInfo
// is dropped: nothing is recorded, not even a new epoch.
struct RejectInvalidTxnState {
  static constexpr const char* name = "RejectInvalidTxnState";
  template <class Fsm, class S, class T>
  void operator()(ClientBatchArrived const&, Fsm& fsm, S&, T&) const {
    fsm.decision = AppendDecision{AppendOutcome::InvalidTxnState, -1};
  }
};
struct RejectOutOfOrderSequence {
  static constexpr const char* name = "RejectOutOfOrderSequence";
  template <class Fsm, class S, class T>
  void operator()(ClientBatchArrived const&, Fsm& fsm, S&, T&) const {
    fsm.decision = AppendDecision{AppendOutcome::OutOfOrderSequence, -1};
  }
};
// ProducerStateEntry.maybeUpdateProducerEpoch: a different epoch clears the
// cache and replaces the epoch.
struct ResetForNewEpoch {
  static constexpr const char* name = "ResetForNewEpoch";
  template <class Fsm, class E, class S, class T>
  void operator()(E const& e, Fsm& fsm, S&, T&) const {
    fsm.producer_epoch = e.epoch;
    fsm.batches.clear();
  }
};
// ProducerStateEntry.addBatchMetadata: the oldest batch leaves past
// NUM_BATCHES_TO_RETAIN. A client batch is answered with where it is written.
// A transactional batch with no transaction open begins one
// (appendDataBatch: setCurrentTxnFirstOffset, for every origin).
struct AppendBatch {
  static constexpr const char* name = "AppendBatch";
  template <class Fsm, class S, class T>
  void operator()(ClientBatchArrived const& e, Fsm& fsm, S&, T&) const {
    fsm.cache(BatchMetadata{e.epoch, e.first_seq, e.last_seq, e.log_end_offset});
    fsm.ongoing_transaction = fsm.ongoing_transaction || e.transactional;
    fsm.decision = AppendDecision{AppendOutcome::Appended, e.log_end_offset};
  }
  template <class Fsm, class S, class T>
  void operator()(BatchReplicated const& e, Fsm& fsm, S&, T&) const {
    fsm.cache(BatchMetadata{e.epoch, e.first_seq, e.last_seq, e.first_offset});
    fsm.ongoing_transaction = fsm.ongoing_transaction || e.transactional;
  }
};
// appendEndTxnMarker -> ProducerStateEntry.update(epoch, coordinatorEpoch,
// timestamp): currentTxnFirstOffset becomes empty, COMMIT or ABORT alike.
struct EndTransaction {
  static constexpr const char* name = "EndTransaction";
  template <class Fsm, class E, class S, class T>
  void operator()(E const&, Fsm& fsm, S&, T&) const { fsm.ongoing_transaction = false; }
};
// ProducerStateManager.removeExpiredProducers drops the whole entry.
struct ForgetProducer {
  static constexpr const char* name = "ForgetProducer";
  template <class Fsm, class E, class S, class T>
  void operator()(E const&, Fsm& fsm, S&, T&) const {
    fsm.producer_epoch = kNoProducerEpoch;
    fsm.batches.clear();
  }
};

using msmf::none;
using msmf::Row;
using msmf::euml::And_;
using msmf::euml::Not_;

using IsNewSameEpochBatch = And_<EpochIsCurrent, Not_<CachedBatchMatches>>;
using NewEpochFromZero = And_<EpochIsNewer, SequenceIsZero>;
using NextOfSameEpoch = And_<IsNewSameEpochBatch, SequenceIsNext>;

// +---------------------------------------------------------------------------+
// | ProducerStateEntry + ProducerAppendInfo (checkProducerEpoch,              |
// | checkSequence, appendEndTxnMarker) in org.apache.kafka.storage.internals. |
// | log, driven by UnifiedLog.analyzeAndValidateProducerState (Kafka 3.9).    |
// | A client batch is checked in Kafka's order: duplicate, stale epoch, no    |
// | state, new epoch, same epoch; a batch the epoch and sequence accept is    |
// | then refused if it is not transactional while the producer's transaction |
// | is open (appendDataBatch). CachedBatchMatches implies EpochIsCurrent, so  |
// | the guards of each (state, event) exclude one another.                    |
// +---------------------------------------------------------------------------+
struct EntryDef : KafkaMachineDef<EntryDef> {
  using initial_state = NoProducerState;
  struct transition_table : boost::mpl::vector<
      //   Source            Event                 Target            Action                             Guard
      // KIP-360: without an entry every sequence and epoch is accepted.
      Row<NoProducerState,  ClientBatchArrived,   TrackingProducer, Do<ResetForNewEpoch, AppendBatch>, none>,
      Row<NoProducerState,  BatchReplicated,      TrackingProducer, Do<ResetForNewEpoch, AppendBatch>, none>,
      // A marker for an unknown producer creates an entry with no batches.
      Row<NoProducerState,  TxnMarkerWritten,     TrackingProducer, ResetForNewEpoch,                  none>,
      Row<NoProducerState,  ProducerStateExpired, none,             none,                              none>,

      Row<TrackingProducer, ClientBatchArrived,   none,             AnswerDuplicate,                   CachedBatchMatches>,
      Row<TrackingProducer, ClientBatchArrived,   none,             RejectInvalidEpoch,                EpochIsStale>,
      Row<TrackingProducer, ClientBatchArrived,   none,             Do<ResetForNewEpoch, AppendBatch>, And_<NewEpochFromZero, Not_<NonTransactionalInOpenTxn>>>,
      Row<TrackingProducer, ClientBatchArrived,   none,             RejectInvalidTxnState,             And_<NewEpochFromZero, NonTransactionalInOpenTxn>>,
      Row<TrackingProducer, ClientBatchArrived,   none,             RejectOutOfOrderSequence,          And_<EpochIsNewer, Not_<SequenceIsZero>>>,
      Row<TrackingProducer, ClientBatchArrived,   none,             AppendBatch,                       And_<NextOfSameEpoch, Not_<NonTransactionalInOpenTxn>>>,
      Row<TrackingProducer, ClientBatchArrived,   none,             RejectInvalidTxnState,             And_<NextOfSameEpoch, NonTransactionalInOpenTxn>>,
      Row<TrackingProducer, ClientBatchArrived,   none,             RejectOutOfOrderSequence,          And_<IsNewSameEpochBatch, Not_<SequenceIsNext>>>,
      // Followers trust the leader: even a lower epoch replaces the stored
      // one (checkProducerEpoch only warns for REPLICATION). A
      // non-transactional batch during an open transaction never reaches a
      // follower (the leader refused it; Kafka's appendDataBatch would throw
      // on any origin): it is recorded and the transaction stays open.
      Row<TrackingProducer, BatchReplicated,      none,             AppendBatch,                       EpochIsCurrent>,
      Row<TrackingProducer, BatchReplicated,      none,             Do<ResetForNewEpoch, AppendBatch>, Not_<EpochIsCurrent>>,
      // appendEndTxnMarker: a stale marker is refused (checkProducerEpoch
      // throws for the coordinator's append); the same epoch keeps the cache
      // (Transactions V1 sequences continue); a newer one clears it.
      // Any accepted marker ends the producer's transaction.
      Row<TrackingProducer, TxnMarkerWritten,     none,             none,                              EpochIsStale>,
      Row<TrackingProducer, TxnMarkerWritten,     none,             EndTransaction,                    EpochIsCurrent>,
      Row<TrackingProducer, TxnMarkerWritten,     none,             Do<ResetForNewEpoch, EndTransaction>, EpochIsNewer>,
      // isProducerExpired: a producer with an open transaction is kept.
      Row<TrackingProducer, ProducerStateExpired, NoProducerState,  ForgetProducer,                    Not_<TransactionOngoing>>,
      Row<TrackingProducer, ProducerStateExpired, none,             none,                              TransactionOngoing>
  > {};

  int batches_to_retain = kNumBatchesToRetain;
  std::int16_t producer_epoch = kNoProducerEpoch;
  std::deque<BatchMetadata> batches;  // oldest first
  bool ongoing_transaction = false;   // currentTxnFirstOffset.isPresent()
  AppendDecision decision;            // answer to the last ClientBatchArrived

  // ProducerStateEntry.lastSeq: NO_SEQUENCE without batches.
  std::int32_t last_seq() const { return batches.empty() ? kNoSequence : batches.back().last_seq; }

  const BatchMetadata* find_duplicate(ClientBatchArrived const& e) const {
    if (e.epoch != producer_epoch) return nullptr;
    for (const BatchMetadata& b : batches)
      if (b.first_seq == e.first_seq && b.last_seq == e.last_seq) return &b;
    return nullptr;
  }

  void cache(BatchMetadata const& b) {
    while (static_cast<int>(batches.size()) >= batches_to_retain) batches.pop_front();
    batches.push_back(b);
  }
};
using Machine = boost::msm::back::state_machine<EntryDef>;

}  // namespace

struct ProducerStateEntry::Impl {
  Machine fsm;

  template <class Event>
  void feed(Event const& event) {
    // Every (state, event) has exhaustive, exclusive guards: a rejection is a
    // bug in the table, reported here, outside the machine.
    if (auto rejection = detail::process(fsm, event))
      throw std::logic_error(std::string("ProducerStateEntry: ") + Event::name + " had no transition");
  }
  bool tracking() const {
    return fsm.current_state()[0] == boost::msm::back::get_state_id<Machine::stt, TrackingProducer>::value;
  }
};

ProducerStateEntry::ProducerStateEntry(int batches_to_retain) : impl_(std::make_unique<Impl>()) {
  if (batches_to_retain < 1) throw std::invalid_argument("ProducerStateEntry: batches_to_retain must be >= 1");
  impl_->fsm.batches_to_retain = batches_to_retain;
  impl_->fsm.start();
}
ProducerStateEntry::ProducerStateEntry(const ProducerStateEntry& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
ProducerStateEntry& ProducerStateEntry::operator=(const ProducerStateEntry& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
ProducerStateEntry::ProducerStateEntry(ProducerStateEntry&&) noexcept = default;
ProducerStateEntry& ProducerStateEntry::operator=(ProducerStateEntry&&) noexcept = default;
ProducerStateEntry::~ProducerStateEntry() = default;

AppendDecision ProducerStateEntry::append_from_client(std::int16_t epoch, std::int32_t first_seq,
                                                      std::int32_t last_seq, std::int64_t log_end_offset,
                                                      bool transactional) {
  impl_->fsm.decision = AppendDecision{};
  impl_->feed(ClientBatchArrived{epoch, first_seq, last_seq, log_end_offset, transactional});
  return impl_->fsm.decision;
}
void ProducerStateEntry::replicate_batch(std::int16_t epoch, std::int32_t first_seq, std::int32_t last_seq,
                                         std::int64_t first_offset, bool transactional) {
  impl_->feed(BatchReplicated{epoch, first_seq, last_seq, first_offset, transactional});
}
void ProducerStateEntry::marker_written(std::int16_t epoch) { impl_->feed(TxnMarkerWritten{epoch}); }
void ProducerStateEntry::expire() { impl_->feed(ProducerStateExpired{}); }

bool ProducerStateEntry::has_state() const { return impl_->tracking(); }
std::int16_t ProducerStateEntry::producer_epoch() const { return impl_->fsm.producer_epoch; }
std::int32_t ProducerStateEntry::last_sequence() const { return impl_->fsm.last_seq(); }
bool ProducerStateEntry::has_ongoing_transaction() const { return impl_->fsm.ongoing_transaction; }
std::vector<BatchMetadata> ProducerStateEntry::cached_batches() const {
  return {impl_->fsm.batches.begin(), impl_->fsm.batches.end()};
}
int ProducerStateEntry::batches_to_retain() const { return impl_->fsm.batches_to_retain; }

// The last decision is an answer, not state: it takes no part in == or hash.
bool ProducerStateEntry::operator==(const ProducerStateEntry& o) const {
  const Machine& a = impl_->fsm;
  const Machine& b = o.impl_->fsm;
  return a.current_state()[0] == b.current_state()[0] && a.batches_to_retain == b.batches_to_retain &&
         a.producer_epoch == b.producer_epoch && a.batches == b.batches &&
         a.ongoing_transaction == b.ongoing_transaction;
}

std::uint64_t ProducerStateEntry::hash() const {
  const Machine& m = impl_->fsm;
  CanonicalHasher h;
  h.add(static_cast<std::uint8_t>(has_state())).add(m.batches_to_retain).add(m.producer_epoch).add(m.batches.size());
  for (const BatchMetadata& b : m.batches) h.add(b.producer_epoch).add(b.first_seq).add(b.last_seq).add(b.first_offset);
  // Last and only when set: an entry without an open transaction (every
  // idempotent one) keeps the digest it had before the flag existed.
  if (m.ongoing_transaction) h.add(std::uint8_t{1});
  return h.digest();
}

MachineDescription ProducerStateEntry::describe() {
  return detail::describe_table<Machine>(
      "ProducerStateEntry", "org.apache.kafka.storage.internals.log.ProducerStateEntry",
      "The partition leader's sequence checker for one producer id: the producer's epoch and the metadata "
      "of its last batches (NUM_BATCHES_TO_RETAIN = 5), as kept by ProducerStateEntry and checked by "
      "ProducerAppendInfo. A client batch is checked in Kafka's order: the same epoch and exactly the "
      "(firstSeq, lastSeq) of a cached batch is a duplicate, answered with the original offset and not "
      "written; a lower epoch gets INVALID_PRODUCER_EPOCH; without state (never seen, expired, lost) any "
      "sequence is accepted (KIP-360); a higher epoch must start at sequence 0; the same epoch must continue "
      "at lastSeq + 1 (0 after Int.MAX); anything else gets OUT_OF_ORDER_SEQUENCE_NUMBER. A batch so accepted that is not "
      "transactional while the producer has a transaction open on the partition (a transactional batch since "
      "its last marker) gets INVALID_TXN_STATE (appendDataBatch: \"Expected transactional write\"); such a "
      "producer is never expired. Because only "
      "lastSeq + 1 is ever appended, the checker never writes a batch twice whatever the cache size; the "
      "cache size only decides the answer to a retry: a retry still cached is a duplicate, one that fell out "
      "gets OUT_OF_ORDER_SEQUENCE_NUMBER although it is in the log, which is why the producer keeps at most "
      "5 requests in flight. Followers copy the leader's log without checks; a transaction marker ends the open "
      "transaction, and with a new epoch clears the cache, with the same epoch keeps it.");
}

}  // namespace kafka_model
