// statemachines: ProducerStateEntry, model-based (RapidCheck's doc/state.md
// layout): a client sends new batches, transactional or not, retries earlier
// ones exactly or in part, bumps its epoch, sends with stale epochs; the
// broker expires its state and writes transaction markers; the cache holds
// 1..6 batches. Every answer must equal the one of a plain reference of
// Kafka's six rules, and the log never holds one batch twice while the
// producer's state is kept.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <limits>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "statemachines/producer_state_entry.hpp"

namespace kafka_model {
namespace {

constexpr std::int64_t kSequenceSpace = std::int64_t{std::numeric_limits<std::int32_t>::max()} + 1;

// Sequence arithmetic written out, independent of increment_sequence.
std::int32_t seq_plus(std::int32_t seq, std::int64_t n) {
  return static_cast<std::int32_t>((std::int64_t{seq} + n) % kSequenceSpace);
}
std::int64_t records_in(std::int32_t first, std::int32_t last) {
  return (std::int64_t{last} - first + kSequenceSpace) % kSequenceSpace + 1;
}

// The leader's rules (ProducerAppendInfo, Kafka 3.9), applied one after the
// other with a std::deque, for comparison with the MSM table.
struct Reference {
  int retain = kNumBatchesToRetain;
  bool has_state = false;
  std::int16_t epoch = -1;
  std::deque<BatchMetadata> batches;
  bool transaction_open = false;  // currentTxnFirstOffset.isPresent()

  AppendDecision append(std::int16_t e, std::int32_t first, std::int32_t last, std::int64_t offset,
                        bool transactional) {
    // 1. duplicate: same epoch, exactly the same range as a cached batch.
    if (has_state && e == epoch)
      for (const BatchMetadata& b : batches)
        if (b.first_seq == first && b.last_seq == last) return {AppendOutcome::Duplicate, b.first_offset};
    // 2. stale epoch.
    if (has_state && e < epoch) return {AppendOutcome::InvalidProducerEpoch, -1};
    // 3. no state: anything goes. 4. new epoch: from 0. 5. same epoch: next.
    const std::int32_t last_seq = batches.empty() ? -1 : batches.back().last_seq;
    const bool accept = !has_state || (e > epoch ? first == 0 : first == (last_seq == INT32_MAX ? 0 : last_seq + 1));
    if (!accept) return {AppendOutcome::OutOfOrderSequence, -1};
    // 6. appendDataBatch: no non-transactional write in an open transaction.
    if (transaction_open && !transactional) return {AppendOutcome::InvalidTxnState, -1};
    transaction_open = transaction_open || transactional;
    take_epoch(e);
    batches.push_back(BatchMetadata{e, first, last, offset});
    if (static_cast<int>(batches.size()) > retain) batches.pop_front();
    return {AppendOutcome::Appended, offset};
  }
  void marker(std::int16_t e) {
    if (has_state && e < epoch) return;  // refused
    transaction_open = false;
    if (!has_state || e > epoch) take_epoch(e);
  }
  void expire() {
    if (transaction_open) return;  // isProducerExpired
    has_state = false;
    epoch = -1;
    batches.clear();
  }
  void take_epoch(std::int16_t e) {
    if (has_state && e == epoch) return;
    has_state = true;
    epoch = e;
    batches.clear();
  }
};

struct Batch {
  std::int16_t epoch;
  std::int32_t first_seq;
  std::int32_t last_seq;
  bool transactional = false;
  bool operator==(const Batch& o) const {
    return epoch == o.epoch && first_seq == o.first_seq && last_seq == o.last_seq && transactional == o.transactional;
  }
};
std::ostream& operator<<(std::ostream& os, const Batch& b) {
  return os << "epoch=" << b.epoch << " seq=" << b.first_seq << ".." << b.last_seq << (b.transactional ? " txn" : "");
}
// Mostly one kind at a time, as a producer is either transactional or not;
// the mix drives the INVALID_TXN_STATE rule.
bool pick_transactional() { return *rc::gen::weightedElement<bool>({{3, false}, {2, true}}); }

struct Model {
  Reference broker;
  std::int16_t client_epoch = 0;
  std::int32_t next_seq = 0;
  std::int64_t log_end_offset = 0;
  std::vector<Batch> sent;  // every new batch, in order, for retries
  AppendDecision answer;    // the reference's answer to the last send
};

// The system under test: the checker and the log it guards. `era` counts
// expiries, so "state kept" is "same era".
struct LoggedBatch {
  int era;
  Batch batch;
  std::int64_t offset;
};
struct Leader {
  explicit Leader(int retain) : entry(retain) {}
  ProducerStateEntry entry;
  std::vector<LoggedBatch> log;
  std::int64_t log_end_offset = 0;
  int era = 0;
  std::set<AppendOutcome> answers;  // for coverage labels
  bool compare_with_reference = true;
};

using Command = rc::state::Command<Model, Leader>;

void assert_same_state(const Reference& ref, const Leader& leader) {
  if (!leader.compare_with_reference) return;
  const ProducerStateEntry& entry = leader.entry;
  RC_ASSERT(entry.has_state() == ref.has_state);
  RC_ASSERT(entry.producer_epoch() == ref.epoch);
  RC_ASSERT(entry.cached_batches() == std::vector<BatchMetadata>(ref.batches.begin(), ref.batches.end()));
  RC_ASSERT(entry.has_ongoing_transaction() == ref.transaction_open);
}

// A produce request carrying one batch. Subclasses choose the batch.
struct Send : Command {
  Batch batch{0, 0, 0};
  bool is_new = false;  // the client's next batch: advances next_seq

  void apply(Model& m) const override {
    m.answer = m.broker.append(batch.epoch, batch.first_seq, batch.last_seq, m.log_end_offset, batch.transactional);
    if (m.answer.outcome == AppendOutcome::Appended) m.log_end_offset += records_in(batch.first_seq, batch.last_seq);
    if (is_new) {
      m.next_seq = seq_plus(batch.last_seq, 1);
      m.sent.push_back(batch);
    }
  }
  void run(const Model& m, Leader& leader) const override {
    if (leader.compare_with_reference) RC_ASSERT(leader.log_end_offset == m.log_end_offset);
    const AppendDecision d =
        leader.entry.append_from_client(batch.epoch, batch.first_seq, batch.last_seq, leader.log_end_offset,
                                        batch.transactional);
    leader.answers.insert(d.outcome);
    if (d.outcome == AppendOutcome::Appended) {
      leader.log.push_back(LoggedBatch{leader.era, batch, d.base_offset});
      leader.log_end_offset += records_in(batch.first_seq, batch.last_seq);
    }
    if (!leader.compare_with_reference) return;
    const Model next = nextState(m);
    RC_ASSERT(to_string(d.outcome) == std::string(to_string(next.answer.outcome)));
    RC_ASSERT(d.base_offset == next.answer.base_offset);
    assert_same_state(next.broker, leader);
  }
  void show(std::ostream& os) const override { os << name() << "(" << batch << ")"; }
  virtual const char* name() const = 0;
};

struct SendNewBatch : Send {
  explicit SendNewBatch(const Model& m) {
    batch = Batch{m.client_epoch, m.next_seq, seq_plus(m.next_seq, *rc::gen::inRange(0, 3)), pick_transactional()};
    is_new = true;
  }
  void checkPreconditions(const Model& m) const override {
    RC_PRE(batch.epoch == m.client_epoch && batch.first_seq == m.next_seq);
  }
  const char* name() const override { return "SendNewBatch"; }
};

Batch pick_sent(const Model& m) {
  return m.sent.empty() ? Batch{0, 0, 0} : *rc::gen::elementOf(m.sent);
}

struct RetryBatch : Send {
  explicit RetryBatch(const Model& m) { batch = pick_sent(m); }
  void checkPreconditions(const Model& m) const override {
    RC_PRE(std::find(m.sent.begin(), m.sent.end(), batch) != m.sent.end());
  }
  const char* name() const override { return "RetryBatch"; }
};

// A range overlapping a sent batch without being it.
struct RetryPartOfBatch : Send {
  explicit RetryPartOfBatch(const Model& m) {
    const Batch whole = pick_sent(m);
    const bool single = whole.first_seq == whole.last_seq;
    switch (*rc::gen::inRange(0, 4)) {
      case 0: batch = Batch{whole.epoch, whole.first_seq, seq_plus(whole.last_seq, 1)}; break;
      case 1: batch = Batch{whole.epoch, seq_plus(whole.first_seq, 1), seq_plus(whole.last_seq, 1)}; break;
      case 2: batch = single ? Batch{whole.epoch, whole.first_seq, seq_plus(whole.last_seq, 2)}
                             : Batch{whole.epoch, whole.first_seq, seq_plus(whole.last_seq, kSequenceSpace - 1)}; break;
      default: batch = single ? Batch{whole.epoch, seq_plus(whole.first_seq, kSequenceSpace - 1), whole.last_seq}
                              : Batch{whole.epoch, seq_plus(whole.first_seq, 1), whole.last_seq}; break;
    }
    batch.transactional = whole.transactional;
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(!m.sent.empty()); }
  const char* name() const override { return "RetryPartOfBatch"; }
};

struct SendAfterGap : Send {
  explicit SendAfterGap(const Model& m) {
    const std::int32_t first = seq_plus(m.next_seq, *rc::gen::inRange(1, 4));
    batch = Batch{m.client_epoch, first, seq_plus(first, *rc::gen::inRange(0, 3)), pick_transactional()};
  }
  const char* name() const override { return "SendAfterGap"; }
};

struct SendWithStaleEpoch : Send {
  explicit SendWithStaleEpoch(const Model& m) {
    const auto epoch = static_cast<std::int16_t>(*rc::gen::inRange(0, std::max<int>(m.client_epoch, 1)));
    const std::int32_t first = *rc::gen::element(std::int32_t{0}, m.next_seq, std::int32_t{*rc::gen::inRange(0, 20)});
    batch = Batch{epoch, first, seq_plus(first, *rc::gen::inRange(0, 3)), pick_transactional()};
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(batch.epoch < m.client_epoch); }
  const char* name() const override { return "SendWithStaleEpoch"; }
};

// The producer bumps its epoch (KIP-360) and numbers batches from 0 again.
struct BumpEpoch : Command {
  void checkPreconditions(const Model& m) const override { RC_PRE(m.client_epoch < 1000); }
  void apply(Model& m) const override {
    ++m.client_epoch;
    m.next_seq = 0;
  }
  void show(std::ostream& os) const override { os << "BumpEpoch"; }
};

struct ExpireProducerState : Command {
  void apply(Model& m) const override { m.broker.expire(); }
  void run(const Model& m, Leader& leader) const override {
    leader.entry.expire();
    ++leader.era;
    assert_same_state(nextState(m).broker, leader);
  }
  void show(std::ostream& os) const override { os << "ExpireProducerState"; }
};

// The coordinator writes COMMIT/ABORT with the client's epoch, a stale one,
// or a bumped one the client then adopts (InitProducerId after an abort).
struct WriteTxnMarker : Command {
  std::int16_t epoch;
  explicit WriteTxnMarker(const Model& m)
      : epoch(static_cast<std::int16_t>(m.client_epoch + *rc::gen::inRange(-1, 2))) {}
  void checkPreconditions(const Model&) const override { RC_PRE(epoch >= 0); }
  void apply(Model& m) const override {
    m.broker.marker(epoch);
    if (epoch > m.client_epoch) {
      m.client_epoch = epoch;
      m.next_seq = 0;
    }
  }
  void run(const Model& m, Leader& leader) const override {
    leader.entry.marker_written(epoch);
    assert_same_state(nextState(m).broker, leader);
  }
  void show(std::ostream& os) const override { os << "WriteTxnMarker(epoch=" << epoch << ")"; }
};

struct Setup {
  int retain;
  Model model;
};

Setup generate_setup() {
  Setup s{*rc::gen::element(1, 2, 3, 4, 5, 6), Model{}};
  s.model.broker.retain = s.retain;
  // Sometimes start just below Int.MAX so sequences wrap.
  s.model.next_seq = *rc::gen::element(std::int32_t{0}, std::int32_t{17}, INT32_MAX - 6);
  return s;
}

void run_commands(const Setup& s, Leader& leader) {
  rc::state::check(s.model, leader,
                   rc::state::gen::execOneOfWithArgs<SendNewBatch, SendNewBatch, SendNewBatch, RetryBatch,
                                                     RetryBatch, RetryPartOfBatch, SendAfterGap,
                                                     SendWithStaleEpoch, BumpEpoch, ExpireProducerState,
                                                     WriteTxnMarker>());
}

RC_GTEST_PROP(ProducerStateEntryProperty, AnswersLikeTheReferenceRules, ()) {
  const Setup s = generate_setup();
  Leader leader(s.retain);
  run_commands(s, leader);
  for (AppendOutcome o : leader.answers) RC_TAG(to_string(o));
}

// Only lastSeq + 1 (or 0 for a new epoch or an unknown producer) is ever
// written, so while the state is kept no (epoch, firstSeq, lastSeq) reaches
// the log twice, whatever the cache size: the cache decides only the answer.
RC_GTEST_PROP(ProducerStateEntryProperty, NeverWritesABatchTwiceWhileItsStateIsKept, ()) {
  const Setup s = generate_setup();
  Leader leader(s.retain);
  leader.compare_with_reference = false;  // the log alone is the evidence
  run_commands(s, leader);
  std::set<std::tuple<int, std::int16_t, std::int32_t, std::int32_t>> seen;
  for (const LoggedBatch& b : leader.log)
    RC_ASSERT(seen.insert({b.era, b.batch.epoch, b.batch.first_seq, b.batch.last_seq}).second);
}

}  // namespace
}  // namespace kafka_model
